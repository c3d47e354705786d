import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/collector';
import type { CollectorStore } from '../../../src/collector/stores';
import { deferCleanups, makeBatch, makeResponse, resultsOf, startTestCollector } from '../helpers';

const defer = deferCleanups();

/** Counts the store's recordContact calls from now on (each one is a write, on PostgreSQL a commit). */
function countContacts(store: CollectorStore): { n: number } {
  const count = { n: 0 };
  const recordContact = store.recordContact.bind(store);
  store.recordContact = async (...args) => {
    count.n++;
    return recordContact(...args);
  };
  return count;
}

describe('POST /api/v1/responses when the collector is busy', () => {
  it('answers 503 busy with Retry-After beyond the batches it admits at once, and admits again once one is done', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    const c = await startTestCollector({ maxConcurrentBatches: 1, busyRetryAfterSeconds: 12 });
    defer(() => c.close());
    // The first batch's ingest waits, so it is still in flight when the second arrives.
    const ingest = c.store.ingest.bind(c.store);
    (c.store as CollectorStore).ingest = async (input) => {
      if (first) {
        first = false;
        await held;
      }
      return ingest(input);
    };
    const inFlight = c.submit(makeBatch([makeResponse({ seq: 1 })]));
    await new Promise((resolve) => setImmediate(resolve));
    const refused = await c.submit(makeBatch([makeResponse({ seq: 2 })]));
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('12');
    expect(JSON.parse(refused.body)).toEqual({ error: ERROR_CODES.busy, message: expect.stringContaining('12 s') });
    release();
    expect(resultsOf(await inFlight).results[0].status).toBe('created');
    expect(resultsOf(await c.submit(makeBatch([makeResponse({ seq: 2 })]))).results[0].status).toBe('created');
    expect(await c.store.countResponses(c.deviceId)).toBe(2);
  });

  it('notes the contact of a batch refused as busy, and writes a stored batch\'s contact once, in its ingest', async () => {
    let clock = Date.parse('2026-03-02T02:00:00.000Z');
    const c = await startTestCollector({ maxConcurrentBatches: 0, now: () => new Date(clock) });
    defer(() => c.close());
    const contacts = countContacts(c.store);
    expect((await c.submit(makeBatch([makeResponse({ seq: 1 })]))).statusCode).toBe(503);
    expect(contacts.n).toBe(1);
    expect((await c.store.getDevice(c.deviceId))?.lastContactAt).toBe('2026-03-02T02:00:00.000Z');

    const open = await startTestCollector({ now: () => new Date(clock) });
    defer(() => open.close());
    const openContacts = countContacts(open.store);
    clock = Date.parse('2026-03-02T02:05:00.000Z');
    expect(resultsOf(await open.submit(makeBatch([makeResponse({ seq: 1, completedAt: '2026-03-02T02:04:00.000Z' })]))).results[0].status).toBe('created');
    // The ingest wrote it in the batch's transaction; no second write of the same contact.
    expect(openContacts.n).toBe(0);
    expect((await open.store.getDevice(open.deviceId))?.lastContactAt).toBe('2026-03-02T02:05:00.000Z');
  });

  it.each(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', '53300'])('answers 503 busy with Retry-After when the store reports %s, storing nothing', async (code) => {
    const c = await startTestCollector({ busyRetryAfterSeconds: 7 });
    defer(() => c.close());
    (c.store as CollectorStore).ingest = async () => {
      throw Object.assign(new Error('database is locked'), { code });
    };
    const answer = await c.submit(makeBatch([makeResponse({ seq: 1 })]));
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('7');
    expect(JSON.parse(answer.body).error).toBe('busy');
  });

  it('still answers 500 for a store error that is not "busy"', async () => {
    const c = await startTestCollector();
    defer(() => c.close());
    (c.store as CollectorStore).ingest = async () => {
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    };
    const answer = await c.submit(makeBatch([makeResponse({ seq: 1 })]));
    expect(answer.statusCode).toBe(500);
    expect(answer.headers['retry-after']).toBeUndefined();
  });
});
