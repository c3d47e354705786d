import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { FunnelDay, SurveyResponse } from '../../shared/schemas';
import type { KioskSettings } from '../../shared/settings';
import type { LastSync, RefusedToken } from '../outbox';

export const DB_NAME = 'sipas-kiosk';
/** Raise on every schema change and add an `if (oldVersion < N)` step below. */
export const DB_VERSION = 1;

/** Store names, defined once. */
export const RESPONSES = 'responses';
export const META = 'meta';
export const ALERTS = 'alerts';

/** Where a stored response stands with the collector (its delivery, not the drain's DrainState). */
export type DeliveryState = 'pending' | 'sent' | 'conflict' | 'rejected';

/** A response as kept on the tablet: the wire record plus its delivery bookkeeping (the collector's stored row is another thing). */
export interface TabletRecord extends SurveyResponse {
  syncState: DeliveryState;
  /** Delivery attempts so far (a batch counts once for each response in it). */
  attempts: number;
  /** When the collector acknowledged it (created or duplicate); drives the retention purge. */
  sentAt?: string;
  /** The collector's reason for a conflict or rejection, shown to staff. */
  syncReason?: string;
}

/** Persistent-storage request outcome, shown to staff. */
export interface PersistenceState {
  supported: boolean;
  persisted: boolean;
  checkedAt: string;
}

/** The staff PIN as the tablet keeps it: a salted PBKDF2 hash and the lockout counter, never the PIN. */
export interface StaffPinRecord {
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

/** Known keys of the meta store and their value types. */
export interface MetaValues {
  kioskId: string;
  /** Sequence number the next stored response will take. */
  nextSeq: number;
  /** Completion time (ms since epoch) of the previous response, for the minimum-interval flag. */
  lastCompletedAtMs: number;
  settings: KioskSettings;
  persistence: PersistenceState;
  /** Older app versions stored `message: string` instead of `error`: read it through the outbox's lastSyncOf. */
  lastSync: LastSync;
  staffPin: StaffPinRecord;
  /** The device token the collector refused (401), by fingerprint, so a reload still knows; null once cleared (the outbox). */
  refusedToken: RefusedToken | null;
  /** The batch size the outbox last learnt fits the link, so a reload does not start from the ceiling again. */
  outboxBatchSize: number;
  /** Drop-off counts per Vietnam day and definition version (funnel.ts), the last FUNNEL_KEEP_DAYS days. */
  funnel: FunnelDay[];
}
export type MetaKey = keyof MetaValues;

/** Something staff must see: a storage failure, a rejected token, a sync problem. */
export interface StaffAlert {
  id?: number;
  at: string;
  kind: 'storage' | 'sync' | 'auth' | 'app';
  /** An i18n key, so staff read it in their language. */
  messageKey: string;
  detail: string;
}

export interface KioskDB extends DBSchema {
  [RESPONSES]: {
    key: string;
    value: TabletRecord;
    indexes: {
      /** Outbox order: pending responses by sequence number, read with a cursor. */
      'by-state-seq': [DeliveryState, number];
      'by-seq': number;
      /** Only acknowledged responses have sentAt, so this index lists exactly what may be purged. */
      'by-sent-at': string;
    };
  };
  [META]: { key: MetaKey; value: MetaValues[MetaKey] };
  [ALERTS]: { key: number; value: StaffAlert };
}

export type KioskDatabase = IDBPDatabase<KioskDB>;

let opening: Promise<KioskDatabase> | null = null;

/** Opens (once per page) the kiosk's database, creating or upgrading it. */
export function openKioskDb(): Promise<KioskDatabase> {
  opening ??= openDB<KioskDB>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      // An upgrade that fails (a full disk on the very first open) aborts, and openDB rejects with it:
      // the callers see that failure, so the transaction's own rejection is not left unhandled. First,
      // because a put below may throw before the end of this function is reached.
      transaction.done.catch(() => undefined);
      if (oldVersion < 1) {
        // v1: responses with their outbox index, a key-value meta store, staff alerts.
        const responses = db.createObjectStore(RESPONSES, { keyPath: 'id' });
        responses.createIndex('by-state-seq', ['syncState', 'seq']);
        responses.createIndex('by-seq', 'seq', { unique: true });
        responses.createIndex('by-sent-at', 'sentAt');
        const meta = db.createObjectStore(META);
        // The installation id is made with the database so it can never change under queued responses.
        // A failed put aborts the upgrade, which openDB reports (above): nothing more to handle here.
        meta.put(crypto.randomUUID(), 'kioskId').catch(() => undefined);
        meta.put(1, 'nextSeq').catch(() => undefined);
        db.createObjectStore(ALERTS, { keyPath: 'id', autoIncrement: true });
      }
    },
    blocking() {
      // A newer version of the app in another tab needs to upgrade: let it, this page reloads on
      // the welcome screen via the update flow.
      void opening?.then((db) => db.close());
      opening = null;
    },
    terminated() {
      // The browser closed the connection (e.g. storage cleared): reopen on next use.
      opening = null;
    },
  }).catch((error: unknown) => {
    opening = null;
    throw error;
  });
  return opening;
}

/** What the storage modules keep in page memory (held responses, alerts): forgotten with the connection in tests. */
const memoryResetHooks: Array<() => void> = [];

/** Registers a reset of some page-memory state, run by resetKioskDbForTests (each test starts as a fresh page). */
export function onKioskDbResetForTests(hook: () => void): void {
  memoryResetHooks.push(hook);
}

/** Forgets the cached connection and what storage held in memory; tests call this after swapping in a fresh IndexedDB. */
export function resetKioskDbForTests(): void {
  opening = null;
  for (const hook of memoryResetHooks) hook();
}
