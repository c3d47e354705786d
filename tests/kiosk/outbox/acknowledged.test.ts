import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type KioskSettings } from '../../../src/shared/settings';
import { countByState, resetKioskDbForTests } from '../../../src/kiosk/storage';
import { createSyncEngine } from '../../../src/kiosk/outbox';
import { FakeCollector, queue, TOKEN } from './healing-fixtures';

/** Switched on to make the kiosk's "sent" marks fail, as IndexedDB does when storage is full. */
const marks = vi.hoisted(() => ({ fail: false, tries: 0 }));

vi.mock('../../../src/kiosk/storage', async (importOriginal) => {
  const storage = await importOriginal<typeof import('../../../src/kiosk/storage')>();
  return {
    ...storage,
    applyDeliveryOutcomes: async (...args: Parameters<typeof storage.applyDeliveryOutcomes>) => {
      marks.tries += 1;
      if (marks.fail) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return storage.applyDeliveryOutcomes(...args);
    },
  };
});

let settings: KioskSettings;

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetKioskDbForTests();
  settings = { ...DEFAULT_SETTINGS, deviceToken: TOKEN, syncBatchSize: 3 };
  marks.fail = false;
  marks.tries = 0;
});

afterEach(() => {
  marks.fail = false;
});

describe('acknowledged responses whose "sent" mark cannot be written', () => {
  it('are held in memory and never uploaded again, and are marked once writing works again', async () => {
    await queue(7);
    const collector = new FakeCollector();
    const engine = createSyncEngine({
      loadSettings: async () => settings,
      activeDefinition: () => 'sipas-2023@1',
      appVersion: '0.1.0',
      origin: 'http://127.0.0.1:8080',
      fetch: collector.fetch as unknown as typeof fetch,
    });
    marks.fail = true;
    await engine.requestDrain('staff');
    // Everything delivered once; the drain itself did not fail on the marks.
    expect(collector.rows.size).toBe(7);
    expect(engine.status()).toMatchObject({ state: 'idle', lastError: null });
    expect(await countByState()).toMatchObject({ pending: 7, sent: 0 });

    // The timer's drains while storage stays full: only heartbeats, never the same 7 again.
    await engine.requestDrain('timer');
    await engine.requestDrain('response-stored');
    expect(collector.posts.map((p) => p.count)).toEqual([3, 3, 1, 0, 0]);
    expect(collector.verdicts).not.toContain('duplicate');

    // A new response is still sent, and only it.
    await queue(1);
    await engine.requestDrain('response-stored');
    expect(collector.posts.at(-1)?.count).toBe(1);
    expect(collector.rows.size).toBe(8);

    // Space freed: the next drain writes the held marks first.
    marks.fail = false;
    await engine.requestDrain('timer');
    expect(await countByState()).toMatchObject({ pending: 0, sent: 8 });
    expect(collector.verdicts).not.toContain('duplicate');
    engine.stop();
  });
});
