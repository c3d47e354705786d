/*
 * Storage reads and writes the staff area needs that src/storage does not offer yet. They use
 * src/storage's public surface only; the meta key 'staffPin' is not in MetaValues yet, hence the
 * narrow casts below (to go once MetaValues gains `staffPin: StoredPin`).
 */
import { openKioskDb, readMeta, writeMeta, type StoredResponse, type SyncState } from '../storage';

/** Meta-store key of the staff PIN record. */
export const STAFF_PIN_KEY = 'staffPin';

/** The staff PIN as the tablet keeps it: a salted PBKDF2 hash and the lockout counter, never the PIN. */
export interface StoredPin {
  algorithm: 'PBKDF2-SHA-256';
  /** Recorded with the hash so the count can be raised later without locking staff out. */
  iterations: number;
  saltB64: string;
  hashB64: string;
  /** Wrong PINs in a row since the last right one. */
  failures: number;
  /** ISO time until which no PIN is checked, or null. */
  lockedUntil: string | null;
}

const readAnyMeta = readMeta as unknown as (key: string) => Promise<unknown>;
const writeAnyMeta = writeMeta as unknown as (key: string, value: unknown) => Promise<void>;

/** The stored PIN record, if a PIN was ever set. */
export async function readStaffPin(): Promise<StoredPin | undefined> {
  const value = await readAnyMeta(STAFF_PIN_KEY);
  return isStoredPin(value) ? value : undefined;
}

/** Replaces the stored PIN record. */
export async function writeStaffPin(pin: StoredPin): Promise<void> {
  await writeAnyMeta(STAFF_PIN_KEY, pin);
}

function isStoredPin(value: unknown): value is StoredPin {
  const v = value as Partial<StoredPin> | undefined;
  return !!v && v.algorithm === 'PBKDF2-SHA-256' && typeof v.iterations === 'number' && typeof v.saltB64 === 'string' && typeof v.hashB64 === 'string';
}

/**
 * Up to `limit` stored responses after sequence number `afterSeq`, in sequence order, whatever their
 * sync state. Each call is its own short transaction, so an export never holds every response.
 */
export async function readResponsesAfter(afterSeq: number, limit: number): Promise<StoredResponse[]> {
  const db = await openKioskDb();
  const chunk: StoredResponse[] = [];
  let cursor = await db.transaction('responses').store.index('by-seq').openCursor(IDBKeyRange.lowerBound(afterSeq, true));
  while (cursor && chunk.length < limit) {
    chunk.push(cursor.value);
    cursor = await cursor.continue();
  }
  return chunk;
}

/** Up to `limit` responses in one sync state after sequence number `afterSeq`, in sequence order. */
export async function readStateAfter(state: SyncState, afterSeq: number, limit: number): Promise<StoredResponse[]> {
  const db = await openKioskDb();
  const chunk: StoredResponse[] = [];
  let cursor = await db
    .transaction('responses')
    .store.index('by-state-seq')
    .openCursor(IDBKeyRange.bound([state, afterSeq], [state, Infinity], true, false));
  while (cursor && chunk.length < limit) {
    chunk.push(cursor.value);
    cursor = await cursor.continue();
  }
  return chunk;
}

/** Every stored response in sequence order, read in chunks; for exports. */
export async function* eachStoredResponse(chunkSize = 500): AsyncGenerator<StoredResponse[], void, undefined> {
  let afterSeq = 0;
  for (;;) {
    const chunk = await readResponsesAfter(afterSeq, chunkSize);
    if (chunk.length === 0) return;
    yield chunk;
    afterSeq = chunk[chunk.length - 1].seq;
  }
}

/** Sync states of responses the collector has not accepted. */
export const UNSENT_STATES: readonly SyncState[] = ['pending', 'conflict', 'rejected'];

/** Every response not accepted by the collector (pending, conflict, rejected), in chunks. */
export async function* eachUnsentResponse(chunkSize = 500): AsyncGenerator<StoredResponse[], void, undefined> {
  for (const state of UNSENT_STATES) {
    let afterSeq = 0;
    for (;;) {
      const chunk = await readStateAfter(state, afterSeq, chunkSize);
      if (chunk.length === 0) break;
      yield chunk;
      afterSeq = chunk[chunk.length - 1].seq;
    }
  }
}
