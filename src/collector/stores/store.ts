import type { KioskReport, ResultStatus } from '../../shared/wire';
import type { SurveyResponse } from '../../shared/survey';

/** Where a stored response came from: the kiosk's sync, or a staff evacuation file imported later. */
export type ResponseSource = 'sync' | 'import';

/** A kiosk device as the collector knows it; the token itself is never stored, only its hash. */
export interface DeviceRecord {
  id: string;
  label: string;
  agencyCode: string;
  counterCode: string;
  /** sha256 of the token's secret part. */
  tokenHash: Buffer;
  revokedAt: string | null;
  createdAt: string;
  lastContactAt: string | null;
  /** The `kiosk` report of the device's last valid batch. */
  lastReport: KioskReport | null;
}

/** What registering a device writes. */
export type NewDevice = Pick<DeviceRecord, 'id' | 'label' | 'agencyCode' | 'counterCode' | 'tokenHash' | 'createdAt'>;

/** One item of a batch after checking: ready to store, or already rejected with a reason. */
export type IngestItem =
  | {
      kind: 'valid';
      response: SurveyResponse;
      /** canonicalJson(response): what content_hash is computed over and what a conflict keeps. */
      canonical: string;
      /** sha256 hex of `canonical`. */
      contentHash: string;
      /** What the collector noticed about it; stored beside the response, never changing it. */
      collectorFlags?: CollectorFlags;
    }
  | { kind: 'rejected'; responseId: string | null; reason: string };

/**
 * What the collector itself notices about a response, kept beside it (the kiosk's own flags, tooFast
 * and belowMinInterval, travel inside the response).
 */
export interface CollectorFlags {
  /** The sending kiosk's clock minus the collector's at receipt, in ms; null when the kiosk did not say. */
  clockSkewMs: number | null;
  /** The skew is large enough that the response's times were placed corrected by it. */
  clockSkew: boolean;
  /** The response claims an agency or counter other than its device's registered place. */
  placeMismatch: boolean;
}

/** No flags: what a response the collector noticed nothing about carries. */
export const NO_COLLECTOR_FLAGS: CollectorFlags = { clockSkewMs: null, clockSkew: false, placeMismatch: false };

/** A whole batch, stored in one transaction together with the device's contact and report. */
export interface IngestBatch {
  /**
   * The device it came through; null for an evacuation file imported without naming a device. Only a
   * 'sync' batch counts as contact from the device: an import is staff carrying a file, not a sign of life.
   */
  deviceId: string | null;
  receivedAt: string;
  /** The kiosk's report to keep as the device's last report; null keeps the previous one. */
  report: KioskReport | null;
  source: ResponseSource;
  items: IngestItem[];
}

/** The outcome of one item, in batch order. */
export interface IngestOutcome {
  status: ResultStatus;
  reason?: string;
}

/** A run of missing sequence numbers of one kiosk installation, both ends included. */
export interface SequenceGap {
  kioskId: string;
  from: number;
  to: number;
}

/**
 * Which stored responses an export or report reads. Every field narrows; none given means all.
 * Instants are UTC ISO strings: turning a person's dates into instants (Asia/Ho_Chi_Minh) is the caller's job.
 */
export interface ResponseFilter {
  agencyCode?: string;
  counterCode?: string;
  definitionId?: string;
  /** Only with definitionId. */
  definitionVersion?: number;
  /** completedAt at or after this instant. */
  completedFrom?: string;
  /** completedAt strictly before this instant. */
  completedBefore?: string;
  /** The answer to a single-choice question is this option code (the service field, FIELD). */
  answer?: { questionId: string; code: string };
}

/**
 * A stored row: a response with what the collector knows about its arrival. Instants are in UTC.
 * (Not the tablet's record of a response, which lives in the kiosk's IndexedDB.)
 */
export interface StoredRow {
  response: SurveyResponse;
  deviceId: string | null;
  receivedAt: string;
  source: ResponseSource;
  collectorFlags: CollectorFlags;
  /** completedAt placed on the collector's clock (corrected by the kiosk's skew when flagged), UTC. */
  placedAt: string;
}

/** The part of a stored response the report reads. */
export type ScorableRow = Pick<
  SurveyResponse,
  'definitionId' | 'definitionVersion' | 'status' | 'answers' | 'completedAt' | 'agencyCode' | 'counterCode' | 'flags'
> & { collectorFlags: CollectorFlags; placedAt: string };

/** How many responses of one definition version a snapshot holds. */
export interface DefinitionCount {
  id: string;
  version: number;
  count: number;
}

/**
 * A consistent read of the matching responses: the count, the definitions and the rows all come from
 * one read transaction, so responses arriving meanwhile neither appear half-way nor change the count.
 */
export interface ResponseSnapshot {
  /** Number of matching responses; exactly what a read yields (null when opened without summary). */
  readonly count: number | null;
  /** The definition versions among them, most responses first (empty when opened without summary). */
  readonly definitions: readonly DefinitionCount[];
  /**
   * The matching responses ordered by completion time, then id, in batches of a few hundred. A snapshot
   * is read once, with this or with `scorable()`, and closes itself when the read ends.
   */
  responses(): AsyncIterableIterator<readonly StoredRow[]>;
  /** Only what scoring and the report read, in no particular order, in batches: much cheaper per row. */
  scorable(): AsyncIterableIterator<readonly ScorableRow[]>;
  /** Ends the read; safe to call twice. */
  close(): Promise<void>;
}

/** How a snapshot is opened. */
export interface SnapshotOptions {
  /** Count the rows and their definitions first (default true); a report that only scores skips it. */
  summary?: boolean;
}

/** An agency and counter that responses came from, with how many. */
export interface PlaceCount {
  agencyCode: string;
  counterCode: string;
  count: number;
}

/** A staff login session; only the sha256 of its id is stored. */
export interface AdminSession {
  createdAt: string;
  expiresAt: string;
}

/** The kiosk devices the collector knows: registration, tokens, revocation, contact and last report. */
export interface DeviceStore {
  addDevice(device: NewDevice): Promise<void>;
  getDevice(deviceId: string): Promise<DeviceRecord | undefined>;
  listDevices(): Promise<DeviceRecord[]>;
  /** Replaces the token hash (token rotation); false when the device does not exist. */
  setDeviceTokenHash(deviceId: string, tokenHash: Buffer): Promise<boolean>;
  /** Marks the device revoked; false when it does not exist. Its responses stay. */
  revokeDevice(deviceId: string, at: string): Promise<boolean>;
  /** Notes that the device was heard from; a non-null report also replaces its last report. */
  recordContact(deviceId: string, at: string, report: KioskReport | null): Promise<void>;
}

/** The stored responses: ingest, what the fleet view counts, and the consistent reads of exports and reports. */
export interface ResponseStore {
  /**
   * Stores a batch atomically: new ids are created, an id already stored with the same content hash is
   * a duplicate, with another hash a conflict kept aside (the stored row is never changed); rejected
   * items are logged. The uniqueness of response ids is enforced by the database itself. A 'sync'
   * batch also records the device's contact and report in the same transaction.
   */
  ingest(batch: IngestBatch): Promise<IngestOutcome[]>;
  /** Number of responses received through this device. */
  countResponses(deviceId: string): Promise<number>;
  /** Missing sequence numbers, from 1 to the highest received, of the kiosks that sent through this device. */
  findSequenceGaps(deviceId: string): Promise<SequenceGap[]>;
  /**
   * Opens a consistent read of the matching responses for an export or a report. It never loads them
   * all: rows are read one by one as the caller iterates. The caller must close it.
   */
  openResponseSnapshot(filter: ResponseFilter, options?: SnapshotOptions): Promise<ResponseSnapshot>;
  /** Every agency and counter responses came from, for the filter forms. */
  listPlaces(): Promise<PlaceCount[]>;
}

/** The staff side's sign-in: the one staff password (hashed) and the sessions (ids hashed). */
export interface StaffAuthStore {
  /** The staff password's hash (self-describing, see staff-pages/auth.ts), or null when none is set. */
  getAdminPasswordHash(): Promise<string | null>;
  /** Sets the staff password's hash and ends every staff session. */
  setAdminPasswordHash(hash: string, at: string): Promise<void>;
  addAdminSession(idHash: Buffer, session: AdminSession): Promise<void>;
  /** The session whose id hashes to idHash, if it has not expired at `now`. */
  findAdminSession(idHash: Buffer, now: string): Promise<AdminSession | undefined>;
  deleteAdminSession(idHash: Buffer): Promise<void>;
  /** Forgets sessions expired at `now`; returns how many. */
  deleteExpiredAdminSessions(now: string): Promise<number>;
}

// A TallyStore (running scoring tallies kept per definition and place, merged as rows arrive) joins
// these domains later; CollectorStore will then include it.

/**
 * Everything the collector needs from its database, one domain interface each, over one connection.
 * Kept asynchronous so that a PostgreSQL store can follow the SQLite one without touching the HTTP
 * layer. Code that needs one domain takes that interface, not this one.
 */
export interface CollectorStore extends DeviceStore, ResponseStore, StaffAuthStore {
  /** Ends the connection; safe to call twice. */
  close(): Promise<void>;
}
