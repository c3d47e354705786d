/* The staff area's storage helpers, over src/storage's public surface. */
import { readMeta, readResponsesAfter, readStateAfter, writeMeta, type StaffPinRecord, type TabletRecord, type DeliveryState } from '../storage';

/** Meta-store key of the staff PIN record. */
export const STAFF_PIN_KEY = 'staffPin' as const;

/** The staff PIN record (kept in the meta store; see StaffPinRecord). */
export type StoredPin = StaffPinRecord;


/** The stored PIN record, if a PIN was ever set. */
export async function readStaffPin(): Promise<StoredPin | undefined> {
  const value = await readMeta(STAFF_PIN_KEY);
  return isStoredPin(value) ? value : undefined;
}

/** Replaces the stored PIN record. */
export async function writeStaffPin(pin: StoredPin): Promise<void> {
  await writeMeta(STAFF_PIN_KEY, pin);
}

function isStoredPin(value: unknown): value is StoredPin {
  const v = value as Partial<StoredPin> | undefined;
  return !!v && v.algorithm === 'PBKDF2-SHA-256' && typeof v.iterations === 'number' && typeof v.saltB64 === 'string' && typeof v.hashB64 === 'string';
}

/** Every stored response in sequence order, read in chunks; for exports. */
export async function* eachTabletRecord(chunkSize = 500): AsyncGenerator<TabletRecord[], void, undefined> {
  let afterSeq = 0;
  for (;;) {
    const chunk = await readResponsesAfter(afterSeq, chunkSize);
    if (chunk.length === 0) return;
    yield chunk;
    afterSeq = chunk[chunk.length - 1].seq;
  }
}

/** Sync states of responses the collector has not accepted. */
export const UNSENT_STATES: readonly DeliveryState[] = ['pending', 'conflict', 'rejected'];

/** Every response not accepted by the collector (pending, conflict, rejected), in chunks. */
export async function* eachUnsentResponse(chunkSize = 500): AsyncGenerator<TabletRecord[], void, undefined> {
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
