import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  HELD_RETRY_INTERVAL_MS,
  StorageFailure,
  heldResponsesForExport,
  listResponses,
  listStaffAlerts,
  onHeldResponsesWritten,
  raiseStaffAlert,
  readMeta,
  resetKioskDbForTests,
  retryHeldResponses,
  storageWriteState,
  storeResponse,
  type NewResponse,
} from '../../../src/kiosk/storage';

const policy = { minIntervalMs: 5_000, minMsPerAnswer: 600 };

function draft(minute: number, overrides: Partial<NewResponse> = {}): NewResponse {
  const at = (m: number, s = 0) => new Date(Date.UTC(2026, 10, 21, 8, m, s)).toISOString();
  return {
    id: crypto.randomUUID(),
    definitionId: 'sipas-2023',
    definitionVersion: 1,
    locale: 'vi',
    status: 'complete',
    startedAt: at(minute),
    completedAt: at(minute, 30),
    durationMs: 30_000,
    agencyCode: 'SNV',
    counterCode: 'Q1',
    deviceLabel: 'Quầy 1',
    appVersion: '0.1.0',
    answers: { TC1: 4, TC2: 5, CC1: 3 },
    ...overrides,
  };
}

/** Makes every IndexedDB add (and put) fail as a full disk does, until `restore` is called. */
function fillDisk() {
  const quota = () => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  const add = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(quota);
  const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(quota);
  return () => {
    add.mockRestore();
    put.mockRestore();
  };
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetKioskDbForTests();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('a response storage refuses', () => {
  it('is held in memory, retried at the next store, then written exactly once with gapless sequence numbers', async () => {
    await storeResponse(draft(0), policy);
    const restore = fillDisk();
    const held = draft(1);
    const failure = await storeResponse(held, policy).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StorageFailure);
    expect((failure as StorageFailure).held).toBe(true);
    expect(storageWriteState()).toMatchObject({ writeFailing: true, heldResponses: 1 });
    expect(storageWriteState().lastWriteError).toMatch(/quota/);
    expect(await readMeta('nextSeq')).toBe(2); // no sequence number taken by the failed write
    restore();

    const next = await storeResponse(draft(2), policy);
    const stored = await listResponses();
    expect(stored.map((r) => [r.seq, r.id])).toEqual([
      [1, stored[0].id],
      [2, held.id],
      [3, next.id],
    ]);
    expect(await readMeta('nextSeq')).toBe(4);
    expect(storageWriteState()).toEqual({ writeFailing: false, lastWriteError: null, lastWriteErrorAt: null, heldResponses: 0 });
    await retryHeldResponses();
    expect(await listResponses()).toHaveLength(3);
  });

  it('keeps several held responses in the order they were completed', async () => {
    const restore = fillDisk();
    const drafts = [draft(1), draft(2), draft(3)];
    const outcomes = await Promise.allSettled(drafts.map((d) => storeResponse(d, policy)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(storageWriteState().heldResponses).toBe(3);
    restore();
    expect(await retryHeldResponses()).toBe(0);
    expect((await listResponses()).map((r) => [r.seq, r.id])).toEqual(drafts.map((d, i) => [i + 1, d.id]));
  });

  it('is retried on a timer and tells its listeners once written', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const restore = fillDisk();
    await storeResponse(draft(1), policy).catch(() => undefined);
    const written = vi.fn();
    onHeldResponsesWritten(written);
    await vi.advanceTimersByTimeAsync(HELD_RETRY_INTERVAL_MS);
    expect(storageWriteState().heldResponses).toBe(1); // still full: still held, tried again later
    expect(written).not.toHaveBeenCalled();
    restore();
    await vi.advanceTimersByTimeAsync(HELD_RETRY_INTERVAL_MS);
    await vi.waitFor(() => expect(written).toHaveBeenCalledTimes(1));
    expect((await listResponses()).map((r) => r.seq)).toEqual([1]);
  });

  it('is offered for download with the flags and sequence numbers it will be written with', async () => {
    await storeResponse(draft(0), policy);
    const restore = fillDisk();
    // Started 2 s after the previous one ended: flagged at its first attempt, and the flag is kept.
    const held = draft(0, { startedAt: '2026-11-21T08:00:32.000Z', completedAt: '2026-11-21T08:01:00.000Z', durationMs: 500 });
    await storeResponse(held, policy).catch(() => undefined);
    const [exported] = await heldResponsesForExport();
    expect(exported).toMatchObject({ id: held.id, seq: 2, flags: { tooFast: true, belowMinInterval: true } });
    restore();
    await retryHeldResponses();
    const written = (await listResponses())[1];
    expect({ id: written.id, seq: written.seq, flags: written.flags }).toEqual({ id: exported.id, seq: exported.seq, flags: exported.flags });
  });

  it('is written once even when an earlier attempt did store it', async () => {
    const response = draft(1);
    await storeResponse(response, policy);
    await storeResponse(response, policy); // the same id again (an answer lost after commit)
    expect((await listResponses()).map((r) => r.seq)).toEqual([1]);
    expect(await readMeta('nextSeq')).toBe(2);
  });
});

describe('staff alerts while storage refuses writes', () => {
  it('are shown from memory and saved once a write succeeds', async () => {
    await readMeta('kioskId'); // the database exists; then the disk fills
    const restore = fillDisk();
    await raiseStaffAlert('storage', 'alerts.storageQuota', 'disk full');
    expect((await listStaffAlerts()).map((a) => a.messageKey)).toEqual(['alerts.storageQuota']);
    restore();
    await storeResponse(draft(1), policy);
    resetKioskDbForTests(); // a reload: only what was written remains
    expect((await listStaffAlerts()).map((a) => a.messageKey)).toEqual(['alerts.storageQuota']);
  });
});

describe('the flags across a clock jump', () => {
  it('measures the minimum interval on the monotonic clock within a page: a clock set back a year does not flag citizens 6 s apart', async () => {
    await storeResponse(draft(0), policy, { startedMonoMs: 1_000, completedMonoMs: 31_000 });
    // The wall clock went back a year; on the monotonic clock the next citizen began 6 s later.
    const next = await storeResponse(
      draft(0, { startedAt: '2025-11-21T08:00:36.000Z', completedAt: '2025-11-21T08:01:06.000Z' }),
      policy,
      { startedMonoMs: 37_000, completedMonoMs: 67_000 },
    );
    expect(next.flags.belowMinInterval).toBe(false);
  });

  it('still flags citizens too close on the monotonic clock whatever the wall clock says', async () => {
    await storeResponse(draft(0), policy, { startedMonoMs: 1_000, completedMonoMs: 31_000 });
    const next = await storeResponse(draft(5), policy, { startedMonoMs: 33_000, completedMonoMs: 63_000 });
    expect(next.flags.belowMinInterval).toBe(true);
  });

  it.each([
    ['clock set back a year', '2025-11-21T08:00:36.000Z', false],
    ['clock set back 2 s', '2026-11-21T08:00:28.000Z', false],
    ['3 s later on the wall clock', '2026-11-21T08:00:33.000Z', true],
    ['6 s later on the wall clock', '2026-11-21T08:00:36.000Z', false],
  ] as const)('after a reload falls back to the wall clock and never flags a negative gap: %s', async (_case, startedAt, flagged) => {
    await storeResponse(draft(0), policy, { startedMonoMs: 1_000, completedMonoMs: 31_000 });
    resetKioskDbForTests(); // a reload: the page's monotonic clock starts again
    const next = await storeResponse(draft(0, { startedAt, completedAt: '2026-11-21T08:02:00.000Z' }), policy, { startedMonoMs: 500, completedMonoMs: 30_500 });
    expect(next.flags.belowMinInterval).toBe(flagged);
  });

  it('times too-fast on the monotonic duration, so a clock jump mid-survey does not flag a patient citizen', async () => {
    // The wall clock went back during the survey: its duration says 0 ms, the session lasted 40 s.
    const response = await storeResponse(draft(0, { durationMs: 0 }), policy, { startedMonoMs: 0, completedMonoMs: 40_000 });
    expect(response.flags.tooFast).toBe(false);
    const hurried = await storeResponse(draft(10, { durationMs: 60_000 }), policy, { startedMonoMs: 100_000, completedMonoMs: 101_000 });
    expect(hurried.flags.tooFast).toBe(true);
  });
});
