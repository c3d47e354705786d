import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  applyDeliveryOutcomes,
  countByState,
  listResponses,
  listStaffAlerts,
  oldestPending,
  purgeSentBefore,
  raiseStaffAlert,
  readKioskId,
  readMeta,
  readPendingBatch,
  requestPersistentStorage,
  resetKioskDbForTests,
  storeResponse,
  StorageFailure,
  type NewResponse,
} from '../../../src/kiosk/storage';

const policy = { minIntervalMs: 5_000, minMsPerAnswer: 600 };

function draft(overrides: Partial<NewResponse> = {}): NewResponse {
  return {
    id: crypto.randomUUID(),
    definitionId: 'sipas-2023',
    definitionVersion: 1,
    locale: 'vi',
    status: 'complete',
    startedAt: '2026-11-21T08:00:00.000Z',
    completedAt: '2026-11-21T08:02:00.000Z',
    durationMs: 120_000,
    agencyCode: 'SNV',
    counterCode: 'Q1',
    deviceLabel: 'Quầy 1',
    appVersion: '0.1.0',
    answers: { TC1: 4, TC2: 5, CC1: 3 },
    ...overrides,
  };
}

/** Closes the page's connection and opens the same database again, as a reload would. */
function simulateReload() {
  resetKioskDbForTests();
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetKioskDbForTests();
});

describe('storeResponse', () => {
  it('gives every response the next sequence number, also across reloads', async () => {
    const a = await storeResponse(draft(), policy);
    const b = await storeResponse(draft({ startedAt: '2026-11-21T08:10:00.000Z', completedAt: '2026-11-21T08:12:00.000Z' }), policy);
    simulateReload();
    const c = await storeResponse(draft({ startedAt: '2026-11-21T08:20:00.000Z', completedAt: '2026-11-21T08:22:00.000Z' }), policy);
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect(await readMeta('nextSeq')).toBe(4);
  });

  it('keeps every field of the response with the kiosk id and pending state', async () => {
    const input = draft();
    await storeResponse(input, policy);
    const [stored] = await listResponses();
    expect(stored).toEqual({
      ...input,
      kioskId: await readKioskId(),
      seq: 1,
      flags: { tooFast: false, belowMinInterval: false },
      syncState: 'pending',
      attempts: 0,
    });
    expect(stored.kioskId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('flags a response started sooner than the minimum interval after the previous one', async () => {
    await storeResponse(draft(), policy);
    // Previous completed 08:02:00; this one started 3 s later (< 5 s).
    const next = await storeResponse(draft({ startedAt: '2026-11-21T08:02:03.000Z', completedAt: '2026-11-21T08:04:00.000Z' }), policy);
    expect(next.flags.belowMinInterval).toBe(true);
    const later = await storeResponse(draft({ startedAt: '2026-11-21T08:04:06.000Z', completedAt: '2026-11-21T08:06:00.000Z' }), policy);
    expect(later.flags.belowMinInterval).toBe(false);
  });

  it('flags an implausibly fast response but still keeps it', async () => {
    // 3 answers need at least 1,800 ms at 600 ms each.
    const fast = await storeResponse(draft({ durationMs: 1_500 }), policy);
    expect(fast.flags.tooFast).toBe(true);
    expect(await listResponses()).toHaveLength(1);
  });

  it('reports a quota failure without losing what was stored or burning a sequence number', async () => {
    await storeResponse(draft(), policy);
    const spy = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const failure = await storeResponse(draft({ startedAt: '2026-11-21T09:00:00.000Z', completedAt: '2026-11-21T09:02:00.000Z' }), policy).catch((e: unknown) => e);
    spy.mockRestore();
    expect(failure).toBeInstanceOf(StorageFailure);
    expect((failure as StorageFailure).kind).toBe('quota');
    expect((await listResponses()).map((r) => r.seq)).toEqual([1]);
    expect(await readMeta('nextSeq')).toBe(2);
  });
});

describe('outbox', () => {
  async function storeMany(n: number) {
    for (let i = 0; i < n; i++) {
      const minute = String(i).padStart(2, '0');
      await storeResponse(draft({ startedAt: `2026-11-21T10:${minute}:00.000Z`, completedAt: `2026-11-21T10:${minute}:30.000Z` }), policy);
    }
  }

  it('reads pending responses in sequence order, a batch at a time', async () => {
    await storeMany(5);
    const first = await readPendingBatch(0, 2);
    const second = await readPendingBatch(first.at(-1)!.seq, 2);
    const third = await readPendingBatch(second.at(-1)!.seq, 2);
    expect([first, second, third].map((b) => b.map((r) => r.seq))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('marks only acknowledged responses sent and keeps conflicts and rejections apart', async () => {
    await storeMany(4);
    const all = await listResponses();
    await applyDeliveryOutcomes(
      [
        { id: all[0].id, state: 'sent' },
        { id: all[1].id, state: 'conflict', reason: 'same id, different content' },
        { id: all[2].id, state: 'rejected', reason: 'unknown definition' },
      ],
      new Date('2026-11-21T11:00:00.000Z'),
    );
    expect(await countByState()).toEqual({ pending: 1, sent: 1, conflict: 1, rejected: 1 });
    expect((await oldestPending())?.seq).toBe(4);
    expect((await readPendingBatch(0, 10)).map((r) => r.seq)).toEqual([4]);
    const after = await listResponses();
    expect(after[0].sentAt).toBe('2026-11-21T11:00:00.000Z');
    expect(after[1].syncReason).toBe('same id, different content');
  });

  it('purges sent responses older than the retention, never pending ones', async () => {
    await storeMany(3);
    const all = await listResponses();
    await applyDeliveryOutcomes([{ id: all[0].id, state: 'sent' }], new Date('2026-10-01T00:00:00.000Z'));
    await applyDeliveryOutcomes([{ id: all[1].id, state: 'sent' }], new Date('2026-11-20T00:00:00.000Z'));
    const purged = await purgeSentBefore(new Date('2026-11-01T00:00:00.000Z'));
    expect(purged).toBe(1);
    expect((await listResponses()).map((r) => r.seq)).toEqual([2, 3]);
  });
});

describe('staff state', () => {
  it('records the persistent-storage answer', async () => {
    const storage = { persisted: async () => false, persist: async () => true, estimate: async () => ({}) } as unknown as StorageManager;
    const state = await requestPersistentStorage(storage);
    expect(state).toMatchObject({ supported: true, persisted: true });
    expect(await readMeta('persistence')).toMatchObject({ persisted: true });
  });

  it('keeps staff alerts newest first', async () => {
    await raiseStaffAlert('storage', 'alerts.storageQuota', 'first');
    await raiseStaffAlert('sync', 'alerts.x', 'second');
    expect((await listStaffAlerts()).map((a) => a.detail)).toEqual(['second', 'first']);
  });
});
