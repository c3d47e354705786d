import type { SurveyResponse } from '../../shared/schemas';
import { ALERTS, META, RESPONSES, onKioskDbResetForTests, openKioskDb, type StaffAlert, type TabletRecord, type DeliveryState } from './db';

/** What the kiosk knows of a response before storage gives it its place in the sequence. */
export type NewResponse = Omit<SurveyResponse, 'seq' | 'kioskId' | 'flags'>;

/** Thresholds for the abuse flags; flags are kept, the response is never dropped. */
export interface FlagPolicy {
  minIntervalMs: number;
  minMsPerAnswer: number;
}

/** Why a write failed, for the citizen's gentle message and the staff alert. */
export class StorageFailure extends Error {
  /** Set when the response is not lost: it is held in memory and written at a later attempt. */
  held = false;

  constructor(
    readonly kind: 'quota' | 'unavailable' | 'unknown',
    readonly cause: unknown,
  ) {
    super(`storage ${kind}: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
    this.name = 'StorageFailure';
  }
}

function classify(error: unknown): StorageFailure {
  if (error instanceof StorageFailure) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'QuotaExceededError') return new StorageFailure('quota', error);
  if (name === 'InvalidStateError' || name === 'UnknownError' || name === 'VersionError') {
    return new StorageFailure('unavailable', error);
  }
  return new StorageFailure('unknown', error);
}

/**
 * Monotonic times of a citizen's session (performance.now() of this page), for the flags: a wall clock
 * set back or forward between two citizens must not flag them. Absent after a reload, or from callers
 * that have none; then only the wall clock is used, and a negative gap never flags.
 */
export interface SessionTiming {
  startedMonoMs: number;
  completedMonoMs: number;
}

/** How often responses held in memory (storage full or failing) are tried again on their own. */
export const HELD_RETRY_INTERVAL_MS = 30_000;
/** Responses written per transaction when a backlog of held ones is flushed. */
const FLUSH_CHUNK = 200;

/** A response waiting in memory for its write: in call order, so sequence numbers follow completion order. */
interface PendingWrite {
  draft: NewResponse;
  policy: FlagPolicy;
  timing?: SessionTiming;
  /** Fixed at the first attempt and kept: the file staff download and the record written later carry the same flags. */
  flags?: TabletRecord['flags'];
  /** Set once the first attempt failed: the caller was told, the response is now held. */
  held: boolean;
  resolve: (record: TabletRecord) => void;
  reject: (failure: StorageFailure) => void;
}

/** Where response writes stand in this page, for the health report and the staff area. */
export interface StorageWriteState {
  /** The last attempt to write a response failed (storage full or failing); cleared by the next success. */
  writeFailing: boolean;
  /** That failure, e.g. "quota: QuotaExceededError: …"; null after a success. */
  lastWriteError: string | null;
  /** When it failed. */
  lastWriteErrorAt: string | null;
  /** Responses kept only in this page's memory, not yet saved. */
  heldResponses: number;
}

const queue: PendingWrite[] = [];
let flushing: Promise<void> | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let writeState: Omit<StorageWriteState, 'heldResponses'> = { writeFailing: false, lastWriteError: null, lastWriteErrorAt: null };
/** The last response this page wrote, on both clocks: the monotonic min-interval needs its completion. */
let lastWritten: { completedAtMs: number; completedMonoMs: number } | null = null;
const writtenListeners = new Set<() => void>();

onKioskDbResetForTests(() => {
  queue.length = 0;
  flushing = null;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  writeState = { writeFailing: false, lastWriteError: null, lastWriteErrorAt: null };
  lastWritten = null;
  writtenListeners.clear();
  memoryAlerts.length = 0;
});

/**
 * Whether a response started too soon after the previous one. Within one page lifetime the monotonic
 * clock decides (the stored completion is this page's own last write); otherwise (a reload, another tab
 * stored last) the wall clock, where a negative gap is a clock that moved, never a citizen starting early.
 */
function startedTooSoon(
  draft: NewResponse,
  timing: SessionTiming | undefined,
  lastCompletedAtMs: number | undefined,
  previous: typeof lastWritten,
  policy: FlagPolicy,
): boolean {
  if (lastCompletedAtMs === undefined) return false;
  if (timing && previous && previous.completedAtMs === lastCompletedAtMs) {
    return timing.startedMonoMs - previous.completedMonoMs < policy.minIntervalMs;
  }
  const wallGapMs = Date.parse(draft.startedAt) - lastCompletedAtMs;
  return Number.isFinite(wallGapMs) && wallGapMs >= 0 && wallGapMs < policy.minIntervalMs;
}

/** The session's duration for the too-fast flag: monotonic when known, so a clock jump mid-survey cannot make it 0. */
function sessionDurationMs(draft: NewResponse, timing: SessionTiming | undefined): number {
  return timing ? Math.max(0, timing.completedMonoMs - timing.startedMonoMs) : draft.durationMs;
}

/**
 * Writes the next entries of the queue in one durable transaction that also takes their sequence
 * numbers, so a sequence number is never reused or skipped by a crash between two writes. An id
 * already stored (written by an attempt whose answer was lost) is not written twice.
 */
async function writeChunk(entries: PendingWrite[]): Promise<TabletRecord[]> {
  const db = await openKioskDb();
  const tx = db.transaction([RESPONSES, META], 'readwrite', { durability: 'strict' });
  // The transaction's own rejection is awaited below; this keeps an abort from being "unhandled".
  tx.done.catch(() => undefined);
  try {
    const meta = tx.objectStore(META);
    const store = tx.objectStore(RESPONSES);
    const [kioskId, nextSeq, lastCompletedAtMs, existing] = await Promise.all([
      meta.get('kioskId') as Promise<string>,
      meta.get('nextSeq') as Promise<number | undefined>,
      meta.get('lastCompletedAtMs') as Promise<number | undefined>,
      Promise.all(entries.map((entry) => store.get(entry.draft.id))),
    ]);
    let seq = nextSeq ?? 1;
    let previousCompletedAtMs = lastCompletedAtMs;
    let previousMono = lastWritten;
    const records: TabletRecord[] = [];
    const writes: Array<Promise<unknown>> = [];
    entries.forEach((entry, i) => {
      const already = existing[i];
      if (already) {
        records.push(already);
        return;
      }
      const { draft, policy, timing } = entry;
      const answered = Object.keys(draft.answers).length;
      entry.flags ??= {
        tooFast: answered > 0 && sessionDurationMs(draft, timing) < policy.minMsPerAnswer * answered,
        belowMinInterval: startedTooSoon(draft, timing, previousCompletedAtMs, previousMono, policy),
      };
      const record: TabletRecord = { ...draft, kioskId, seq, flags: entry.flags, syncState: 'pending', attempts: 0 };
      writes.push(store.add(record));
      records.push(record);
      seq += 1;
      previousCompletedAtMs = Date.parse(draft.completedAt);
      previousMono = timing ? { completedAtMs: previousCompletedAtMs, completedMonoMs: timing.completedMonoMs } : null;
    });
    if (writes.length > 0) {
      writes.push(meta.put(seq, 'nextSeq'));
      if (previousCompletedAtMs !== undefined) writes.push(meta.put(previousCompletedAtMs, 'lastCompletedAtMs'));
    }
    await Promise.all([...writes, tx.done]);
    lastWritten = previousMono;
    return records;
  } catch (error) {
    // A put that throws at once (quota) must not leave the others of the chunk to commit on their own.
    try {
      tx.abort();
    } catch {
      // Already finished or aborted: nothing was committed then either.
    }
    throw error;
  }
}

function scheduleHeldRetry(): void {
  if (retryTimer || !queue.some((entry) => entry.held)) return;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    void retryHeldResponses();
  }, HELD_RETRY_INTERVAL_MS);
}

/** Writes the queue in order until it is empty or a write fails; on failure everything left is held. */
function flushQueue(): Promise<void> {
  flushing ??= (async () => {
    try {
      while (queue.length > 0) {
        const chunk = queue.slice(0, FLUSH_CHUNK);
        let records: TabletRecord[];
        try {
          records = await writeChunk(chunk);
        } catch (error) {
          const failure = classify(error);
          failure.held = true;
          writeState = { writeFailing: true, lastWriteError: failure.message.slice(0, 200), lastWriteErrorAt: new Date().toISOString() };
          // Everyone waiting learns it now; the responses stay in the queue, in order, for the next attempt.
          for (const entry of queue) {
            if (!entry.held) {
              entry.held = true;
              entry.reject(failure);
            }
          }
          scheduleHeldRetry();
          return;
        }
        const wasHeld = chunk.some((entry) => entry.held);
        queue.splice(0, chunk.length);
        writeState = { writeFailing: false, lastWriteError: null, lastWriteErrorAt: null };
        // Space is back: alerts that could only be kept in memory are saved too (a no-op when there are none).
        await persistMemoryAlerts();
        chunk.forEach((entry, i) => entry.resolve(records[i]));
        if (wasHeld) writtenListeners.forEach((listener) => listener());
      }
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

/**
 * Stores a finished (or kept partial) response. When storage refuses (full, failing) the response is
 * not lost: it is held in this page's memory, in order, and written at the next attempt (the next
 * response, staff opening Health or pressing "Gửi ngay", a timer), taking its sequence number only
 * then, so sequence numbers stay gapless. The returned promise rejects with the StorageFailure at
 * the first failed attempt (the citizen must not be told it is saved); `onHeldResponsesWritten` says
 * when held ones are written.
 */
export function storeResponse(draft: NewResponse, policy: FlagPolicy, timing?: SessionTiming): Promise<TabletRecord> {
  const written = new Promise<TabletRecord>((resolve, reject) => queue.push({ draft, policy, timing, held: false, resolve, reject }));
  // A held response written later resolves a promise nobody awaits any more; never an unhandled rejection.
  written.catch(() => undefined);
  void flushQueue().then(() => {
    // A write that joined a flush already past its failure point is tried by the next flush at once.
    if (queue.some((entry) => !entry.held)) void flushQueue();
  });
  return written;
}

/** Tries again to write the responses held in memory; resolves with how many are still held. */
export async function retryHeldResponses(): Promise<number> {
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  if (queue.length > 0) await flushQueue();
  return queue.length;
}

/** Where response writes stand in this page (the health report's "storage full" comes from here, not from estimate()). */
export function storageWriteState(): StorageWriteState {
  return { ...writeState, heldResponses: queue.length };
}

/**
 * The responses held in memory as they would be stored, for staff to download as an evacuation file:
 * the flags fixed at their first attempt, and the sequence numbers they will take when written in
 * order after `nextSeq` (read-only, so it works on a full disk). Should another tab write first, the
 * written copies take later numbers and the collector sets the downloaded ones aside as conflicts:
 * nothing is counted twice.
 */
export async function heldResponsesForExport(): Promise<SurveyResponse[]> {
  if (queue.length === 0) return [];
  const db = await openKioskDb();
  const [kioskId, nextSeq] = await Promise.all([db.get(META, 'kioskId') as Promise<string>, db.get(META, 'nextSeq') as Promise<number | undefined>]);
  return queue.map((entry, i) => ({
    ...entry.draft,
    kioskId,
    seq: (nextSeq ?? 1) + i,
    flags: entry.flags ?? { tooFast: false, belowMinInterval: false },
  }));
}

/** Calls `listener` each time responses that were held in memory have been written; returns the unsubscribe. */
export function onHeldResponsesWritten(listener: () => void): () => void {
  writtenListeners.add(listener);
  return () => void writtenListeners.delete(listener);
}

/** Every stored response in sequence order (tests, export); prefer the cursor helpers for big sets. */
export async function listResponses(): Promise<TabletRecord[]> {
  const db = await openKioskDb();
  return db.getAllFromIndex(RESPONSES, 'by-seq');
}

/** Counts of stored responses by sync state, read from the index without loading records. */
export async function countByState(): Promise<Record<DeliveryState, number>> {
  const db = await openKioskDb();
  const index = db.transaction(RESPONSES).store.index('by-state-seq');
  const states: DeliveryState[] = ['pending', 'sent', 'conflict', 'rejected'];
  const counts = await Promise.all(
    states.map((state) => index.count(IDBKeyRange.bound([state, -Infinity], [state, Infinity]))),
  );
  return Object.fromEntries(states.map((state, i) => [state, counts[i]])) as Record<DeliveryState, number>;
}

/** The oldest response still waiting to be delivered (lowest sequence number), if any. */
export async function oldestPending(): Promise<TabletRecord | undefined> {
  const db = await openKioskDb();
  const cursor = await db
    .transaction(RESPONSES)
    .store.index('by-state-seq')
    .openCursor(IDBKeyRange.bound(['pending', -Infinity], ['pending', Infinity]));
  return cursor?.value;
}

/**
 * Reads up to `limit` responses in one sync state after sequence number `afterSeq`, in sequence
 * order, in one bounded request: a queue of 100,000 responses is never held in memory at once.
 * (A bounded getAll instead of a cursor: one round trip per batch instead of one per record.)
 */
export async function readStateAfter(state: DeliveryState, afterSeq: number, limit: number): Promise<TabletRecord[]> {
  const db = await openKioskDb();
  return db.getAllFromIndex(RESPONSES, 'by-state-seq', IDBKeyRange.bound([state, afterSeq], [state, Infinity], true, false), limit);
}

/** The outbox read: pending responses after `afterSeq`, oldest first. */
export function readPendingBatch(afterSeq: number, limit: number): Promise<TabletRecord[]> {
  return readStateAfter('pending', afterSeq, limit);
}

/** Up to `limit` stored responses after `afterSeq`, whatever their sync state (exports). */
export async function readResponsesAfter(afterSeq: number, limit: number): Promise<TabletRecord[]> {
  const db = await openKioskDb();
  return db.getAllFromIndex(RESPONSES, 'by-seq', IDBKeyRange.lowerBound(afterSeq, true), limit);
}

/** The collector's verdict on one response, as the sync engine applies it. */
export interface DeliveryOutcome {
  id: string;
  state: DeliveryState;
  reason?: string;
}

/**
 * Applies the collector's per-response verdicts in one transaction. A response is marked sent only
 * here, after the collector acknowledged it; unknown ids are ignored (purged meanwhile).
 */
export async function applyDeliveryOutcomes(outcomes: DeliveryOutcome[], at: Date): Promise<void> {
  const db = await openKioskDb();
  // Relaxed durability: a "sent" mark lost in a power cut only makes the kiosk send the response
  // again, and the collector answers "duplicate". The response itself was written strictly.
  const tx = db.transaction(RESPONSES, 'readwrite', { durability: 'relaxed' });
  const work = outcomes.map(async (outcome) => {
    const record = await tx.store.get(outcome.id);
    if (!record) return;
    record.attempts += 1;
    record.syncState = outcome.state;
    if (outcome.state === 'sent') record.sentAt = at.toISOString();
    if (outcome.reason !== undefined) record.syncReason = outcome.reason;
    await tx.store.put(record);
  });
  await Promise.all([...work, tx.done]);
}

/** Deletes acknowledged responses sent before `before`; returns how many went. */
export async function purgeSentBefore(before: Date): Promise<number> {
  const db = await openKioskDb();
  const tx = db.transaction(RESPONSES, 'readwrite');
  let purged = 0;
  let cursor = await tx.store.index('by-sent-at').openCursor(IDBKeyRange.upperBound(before.toISOString(), true));
  while (cursor) {
    if (cursor.value.syncState === 'sent') {
      await cursor.delete();
      purged += 1;
    }
    cursor = await cursor.continue();
  }
  await tx.done;
  return purged;
}

/** Records something staff must see; never throws, because it runs while handling a failure. */
export async function raiseStaffAlert(kind: 'storage' | 'sync' | 'auth' | 'app', messageKey: string, detail: string): Promise<void> {
  const alert: StaffAlert = { at: new Date().toISOString(), kind, messageKey, detail: detail.slice(0, 500) };
  try {
    const db = await openKioskDb();
    await db.add(ALERTS, alert);
  } catch (error) {
    // Storage itself may be what failed (quota): keep the alert in this page's memory, shown to staff
    // from there and saved at the next successful write.
    memoryAlerts.push({ ...alert, detail: `${detail} (${String(error)})`.slice(0, 500) });
    return;
  }
  await persistMemoryAlerts();
}

/** Alerts that could not be written, oldest first; bounded so a failing disk cannot fill the memory too. */
const memoryAlerts: StaffAlert[] = [];
const MEMORY_ALERTS_MAX = 200;

/** Saves the alerts kept in memory, oldest first; those that still cannot be written stay. Never throws. */
async function persistMemoryAlerts(): Promise<void> {
  if (memoryAlerts.length > MEMORY_ALERTS_MAX) memoryAlerts.splice(0, memoryAlerts.length - MEMORY_ALERTS_MAX);
  while (memoryAlerts.length > 0) {
    try {
      const db = await openKioskDb();
      await db.add(ALERTS, memoryAlerts[0]);
      memoryAlerts.shift();
    } catch {
      return; // still failing: they stay in memory and are shown from there
    }
  }
}

/** Staff alerts, newest first, including those that could only be kept in memory. */
export async function listStaffAlerts(limit = 50): Promise<StaffAlert[]> {
  let stored: StaffAlert[] = [];
  try {
    const db = await openKioskDb();
    stored = (await db.getAll(ALERTS)).reverse();
  } catch {
    // Unreadable storage: the in-memory alerts below say why.
  }
  return [...memoryAlerts.slice().reverse(), ...stored].slice(0, limit);
}
