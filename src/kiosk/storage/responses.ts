import type { SurveyResponse } from '../../shared/schemas';
import { ALERTS, META, RESPONSES, openKioskDb, type StaffAlert, type TabletRecord, type DeliveryState } from './db';

/** What the kiosk knows of a response before storage gives it its place in the sequence. */
export type NewResponse = Omit<SurveyResponse, 'seq' | 'kioskId' | 'flags'>;

/** Thresholds for the abuse flags; flags are kept, the response is never dropped. */
export interface FlagPolicy {
  minIntervalMs: number;
  minMsPerAnswer: number;
}

/** Why a write failed, for the citizen's gentle message and the staff alert. */
export class StorageFailure extends Error {
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
 * Stores a finished (or kept partial) response in one durable transaction that also takes the next
 * sequence number, so a sequence number is never reused or skipped by a crash between two writes.
 */
export async function storeResponse(draft: NewResponse, policy: FlagPolicy): Promise<TabletRecord> {
  try {
    const db = await openKioskDb();
    const tx = db.transaction([RESPONSES, META], 'readwrite', { durability: 'strict' });
    const meta = tx.objectStore(META);
    const [kioskId, nextSeq, lastCompletedAtMs] = await Promise.all([
      meta.get('kioskId') as Promise<string>,
      meta.get('nextSeq') as Promise<number | undefined>,
      meta.get('lastCompletedAtMs') as Promise<number | undefined>,
    ]);
    const seq = nextSeq ?? 1;
    const answered = Object.keys(draft.answers).length;
    const startedMs = Date.parse(draft.startedAt);
    const record: TabletRecord = {
      ...draft,
      kioskId,
      seq,
      flags: {
        tooFast: answered > 0 && draft.durationMs < policy.minMsPerAnswer * answered,
        belowMinInterval: lastCompletedAtMs !== undefined && startedMs - lastCompletedAtMs < policy.minIntervalMs,
      },
      syncState: 'pending',
      attempts: 0,
    };
    await Promise.all([
      tx.objectStore(RESPONSES).add(record),
      meta.put(seq + 1, 'nextSeq'),
      meta.put(Date.parse(draft.completedAt), 'lastCompletedAtMs'),
      tx.done,
    ]);
    return record;
  } catch (error) {
    throw classify(error);
  }
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
  try {
    const db = await openKioskDb();
    await db.add(ALERTS, { at: new Date().toISOString(), kind, messageKey, detail: detail.slice(0, 500) });
  } catch (error) {
    // Storage itself may be what failed (quota): keep the alert in this page's memory at least.
    memoryAlerts.push({ at: new Date().toISOString(), kind, messageKey, detail: `${detail} (${String(error)})` });
  }
}

const memoryAlerts: StaffAlert[] = [];

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
