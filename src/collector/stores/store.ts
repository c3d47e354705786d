import type { FunnelDay, KioskReport, ResultStatus } from '../../shared/wire';
import type { ScoreTally, SurveyDefinition, SurveyResponse } from '../../shared/survey';

/** Where a stored response came from: the kiosk's sync, or a staff evacuation file imported later. */
export type ResponseSource = 'sync' | 'import';

/** A kiosk device as the collector knows it; the token itself is never stored, only its hash. */
export interface DeviceRecord {
  id: string;
  label: string;
  agencyCode: string;
  counterCode: string;
  /** Display names of the agency and counter ("Sở Tư pháp", "Quầy 2"); '' for devices registered before names existed. */
  agencyName: string;
  counterName: string;
  /** sha256 of the token's secret part. */
  tokenHash: Buffer;
  revokedAt: string | null;
  createdAt: string;
  lastContactAt: string | null;
  /** The `kiosk` report of the device's last valid batch. */
  lastReport: KioskReport | null;
  /** The kiosk's clock minus the collector's (ms) at the last batch that told it; null when never told. */
  clockSkewMs?: number | null;
  /** When that skew was seen (collector's clock). */
  clockSkewAt?: string | null;
}

/** What registering a device writes. */
export type NewDevice = Pick<DeviceRecord, 'id' | 'label' | 'agencyCode' | 'agencyName' | 'counterCode' | 'counterName' | 'tokenHash' | 'createdAt'>;

/** Where a device stands: what moving a tablet edits (the device's registration is the tablet's place). */
export type DevicePlaceRecord = Pick<DeviceRecord, 'label' | 'agencyCode' | 'agencyName' | 'counterCode' | 'counterName'>;

/** A kiosk installation id seen through more than one device (sync batches only), with when, per device. */
export interface KioskOnSeveralDevices {
  kioskId: string;
  /** Ordered by first sight. */
  devices: Array<{ deviceId: string; firstSeenAt: string; lastSeenAt: string }>;
}

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
  | {
      kind: 'rejected';
      responseId: string | null;
      reason: string;
      /** The kiosk id and sequence number the item claimed, when they were well-formed (the fleet tells rejected from never received). */
      kioskId?: string | null;
      seq?: number | null;
    };

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
  /**
   * The kiosk's clock minus the collector's at receipt (ms), from the envelope; kept as the device's
   * last seen skew. When not given, the first item's collectorFlags.clockSkewMs is used; null or
   * nothing keeps the previous one.
   */
  clockSkewMs?: number | null;
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
  /** Any of these agencies: a unit and the units below it (a roll-up up the tree). When given, agencyCode is not; empty matches nothing. */
  agencyCodes?: readonly string[];
  counterCode?: string;
  definitionId?: string;
  /** Only with definitionId. */
  definitionVersion?: number;
  /** placedAt (completedAt, corrected by the kiosk's clock skew when flagged) at or after this instant. */
  completedFrom?: string;
  /** placedAt strictly before this instant. */
  completedBefore?: string;
  /** The answer to a single-choice question is this option code (the service field, FIELD). */
  answer?: { questionId: string; code: string };
  /** Leave out responses carrying any of these flags (the kiosk's or the collector's). */
  excludeFlags?: readonly StoredFlag[];
}

/**
 * The flags a stored response can carry, each a column of its own: the kiosk's two, the collector's
 * two, and endedByTimeout (ended_by = 'timeout': the idle timeout sent a response whose scored core
 * was done; scored like any other, disclosed and excludable like a flag).
 */
export const STORED_FLAGS = ['tooFast', 'belowMinInterval', 'placeMismatch', 'clockSkew', 'endedByTimeout'] as const;
export type StoredFlag = (typeof STORED_FLAGS)[number];

/**
 * A stored row: a response with what the collector knows about its arrival. Instants are in UTC.
 * (Not the tablet's record of a response, which lives in the kiosk's IndexedDB.)
 */
export interface StoredRow {
  /** As the kiosk sent it; `response.endedBy` is absent for kiosks older than that field (column ended_by NULL). */
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
  'definitionId' | 'definitionVersion' | 'status' | 'answers' | 'completedAt' | 'agencyCode' | 'counterCode' | 'flags' | 'endedBy' | 'sectionsOff'
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
  /** Most rows one batch of the read holds (default 256): what an export keeps in memory at once. */
  batchRows?: number;
}

/** An agency and counter that responses came from, with how many. */
export interface PlaceCount {
  agencyCode: string;
  counterCode: string;
  count: number;
  /** Display names from the devices registered with these codes now ('' when none has one). */
  agencyName?: string;
  counterName?: string;
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
  /** Moves a device: replaces its label and place; false when it does not exist. Stored responses keep theirs. */
  setDevicePlace(deviceId: string, place: DevicePlaceRecord): Promise<boolean>;
  /** Kiosk ids that arrived (in a report or a response of a sync batch) through two devices or more. */
  listKioskIdsOnSeveralDevices(): Promise<KioskOnSeveralDevices[]>;
  /** Notes that the device was heard from; a non-null report also replaces its last report. */
  recordContact(deviceId: string, at: string, report: KioskReport | null): Promise<void>;
  /**
   * Keeps the drop-off counts a kiosk reported (cumulative per day and definition version, issue 8)
   * under the device, the kiosk id and the device's place now. Idempotent: a resent day replaces, each
   * count taking the larger of stored and sent, so a retry never counts twice.
   */
  recordFunnel(deviceId: string, kioskId: string, place: FunnelPlace, days: readonly FunnelDay[], receivedAt: string): Promise<void>;
  /** The funnel counts matching the filter, summed over devices and kiosks, per day, place and definition version. */
  readFunnel(filter?: FunnelFilter): Promise<FunnelRow[]>;
  /** Per device, the funnel counts of the days from `fromDay` (inclusive) on, summed over days and definitions. */
  readFunnelByDevice(fromDay: string): Promise<DeviceFunnelTotals[]>;
}

// ── Drop-off funnel (issue 8): counts only, per device and Vietnam day ──

/** Where funnel counts are placed: the device's registered agency and counter when they arrived. */
export interface FunnelPlace {
  agencyCode: string;
  counterCode: string;
}

/** Which funnel counts a read covers. Days are Vietnam calendar days, YYYY-MM-DD, both ends included. */
export interface FunnelFilter {
  fromDay?: string;
  toDay?: string;
  agencyCode?: string;
  counterCode?: string;
  definitionId?: string;
  /** Only with definitionId. */
  definitionVersion?: number;
}

/** Counts of a funnel: started, completed by the citizen or by timeout after the core, abandoned per last question. */
export interface FunnelTotals {
  started: number;
  completed: number;
  completedByTimeout: number;
  /** Abandoned before the core, by the last question reached. */
  abandoned: Record<string, number>;
}

/** One day, place and definition version of the funnel, summed over its devices. */
export interface FunnelRow extends FunnelTotals {
  day: string;
  agencyCode: string;
  counterCode: string;
  definitionId: string;
  definitionVersion: number;
}

/** One device's funnel over a few days. */
export interface DeviceFunnelTotals extends FunnelTotals {
  deviceId: string;
}

// ── Set aside: conflicts and rejections as staff review them, and what the fleet view counts of them ──

/** Most entries one listing of conflicts or rejections returns. */
export const SET_ASIDE_PAGE_MAX = 1000;

/** Which conflicts or rejections a listing reads, newest first. Every field narrows. Instants in UTC. */
export interface SetAsideFilter {
  /** Received through this device. */
  deviceId?: string;
  /** Received at or after this instant. */
  receivedFrom?: string;
  /** Received strictly before this instant. */
  receivedBefore?: string;
  /** Only entries older than the one with this id: the next page of a listing. */
  beforeId?: number;
  /** At most this many entries (default and cap SET_ASIDE_PAGE_MAX). */
  limit?: number;
}

/** One page of a listing and how many entries match the filter in all. */
export interface SetAsidePage<T> {
  total: number;
  entries: T[];
}

/** A version of a stored response that arrived with other content: kept aside, the stored row untouched. */
export interface ConflictRecord {
  id: number;
  responseId: string;
  deviceId: string | null;
  receivedAt: string;
  /** The content that arrived, as the collector checked it. */
  incoming: SurveyResponse;
  /** The stored response it differs from (null only if that row is missing). */
  stored: StoredRow | null;
}

/** An item the collector refused, with what it claimed to be when that was readable. */
export interface RejectionRecord {
  id: number;
  deviceId: string | null;
  responseId: string | null;
  kioskId: string | null;
  seq: number | null;
  receivedAt: string;
  reason: string;
}

/** A sequence number that arrived but is not among the stored responses: it was rejected or is in conflict. */
export interface SetAsideSequence {
  kioskId: string;
  seq: number;
  kind: 'rejected' | 'conflict';
}

/** Sequence numbers of the kiosks that sent through one device: never received, and received but set aside. */
export interface SequenceAccount {
  /** Runs never received at all (not stored, not rejected, not in conflict), up to the highest received. */
  missing: SequenceGap[];
  /** Received but not stored, by kiosk and number (at most SEQUENCE_ACCOUNT_MAX of them). */
  setAside: SetAsideSequence[];
}

/** Most set-aside sequence numbers one account lists. */
export const SEQUENCE_ACCOUNT_MAX = 10_000;

/** One device's figures in the fleet view: what countResponses, accountSequences and countSetAside tell of it. */
export interface DeviceFleetFigures {
  deviceId: string;
  /** Responses stored that came through the device. */
  received: number;
  account: SequenceAccount;
  setAsideCounts: { conflicts: number; rejections: number };
}

/** What the collector set aside (conflicts, rejections) and what the fleet view counts of it. */
export interface SetAsideStore {
  listConflicts(filter?: SetAsideFilter): Promise<SetAsidePage<ConflictRecord>>;
  listRejections(filter?: SetAsideFilter): Promise<SetAsidePage<RejectionRecord>>;
  /** Conflicts and rejections received through this device. */
  countSetAside(deviceId: string): Promise<{ conflicts: number; rejections: number }>;
  /** The sequence numbers of the kiosks that sent through this device, never received versus set aside. */
  accountSequences(deviceId: string): Promise<SequenceAccount>;
}

/**
 * The kiosk's report as it stands after the batch it came with: the kiosk counts its queue before
 * sending, so every item of the batch (each gets an outcome and leaves the queue) is taken off, and
 * its conflicts and rejections are added; an emptied queue has no oldest unsent response.
 */
export function reportAfterBatch(report: KioskReport, outcomes: readonly IngestOutcome[]): KioskReport {
  if (outcomes.length === 0) return report;
  const queueDepth = Math.max(0, report.queueDepth - outcomes.length);
  const count = (status: ResultStatus) => outcomes.filter((o) => o.status === status).length;
  return {
    ...report,
    queueDepth,
    oldestUnsentAt: queueDepth === 0 ? null : report.oldestUnsentAt,
    conflicts: report.conflicts + count('conflict'),
    rejected: report.rejected + count('rejected'),
  };
}

/** The stored responses: ingest, what the fleet view counts, and the consistent reads of exports and reports. */
export interface ResponseStore extends SetAsideStore {
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
   * Every device's fleet figures in a fixed number of queries whatever the number of devices, read from
   * the figures ingest keeps (highest number, count and missing ranges per kiosk); devices with nothing
   * stored or set aside are left out. Optional until every store keeps the figures (issue 12): the fleet
   * view asks a store without it one device at a time.
   */
  listFleetFigures?(): Promise<DeviceFleetFigures[]>;
  /**
   * Opens a consistent read of the matching responses for an export or a report. It never loads them
   * all: rows are read one by one as the caller iterates. The caller must close it.
   */
  openResponseSnapshot(filter: ResponseFilter, options?: SnapshotOptions): Promise<ResponseSnapshot>;
  /** Every agency and counter responses came from, for the filter forms. */
  listPlaces(): Promise<PlaceCount[]>;
  /**
   * Response ids stored more than once in different letter case before ids were kept in lower case
   * (migration 0004 found them; nothing is deleted), for staff to review among what is set aside.
   */
  listCaseDuplicateIds(): Promise<CaseDuplicateIds[]>;
  /**
   * The questionnaires the store tallies answers with from now on (ingest keeps scoring tallies in its
   * own transaction); versions whose tallies hold only counts, because their rows arrived or were
   * stored before the store had their definition, are recomputed from the rows now.
   */
  useDefinitions(definitions: readonly SurveyDefinition[]): Promise<void>;
  /**
   * The scoring tallies of the matching responses, summed by version, stored flags and Vietnam month:
   * what the SIPAS report is computed from, at a cost that does not grow with the responses. Stale
   * versions among `query.definitions` are recomputed from the rows first, so the answer is exact.
   */
  readTallies(query: TallyQuery): Promise<TallyRow[]>;
  /**
   * readTallies for every place at once: the tallies of each agency and counter, summed by place,
   * version, stored flags and month. The ranking reads each period once with it, instead of once per
   * place (400 counters × 3 periods were 1,200 round trips).
   */
  readPlaceTallies(query: PlaceTallyQuery): Promise<PlaceTallyRow[]>;
  /**
   * Recomputes every tally from the rows (the definitions given score the answers) and lists the
   * stored tallies that differ, missing or left over: empty when the tallies are consistent.
   */
  checkTallies(definitions: readonly SurveyDefinition[]): Promise<TallyDifference[]>;
  /**
   * The latest complete responses (by completedAt, newest first) among `versions` of the filter's
   * definition that answered at least one of `questionIds`, with those answers only: the report's comments.
   */
  listLatestAnswers(filter: ResponseFilter, versions: readonly number[], questionIds: readonly string[], limit: number): Promise<LatestAnswers[]>;
}

// ── Tallies: the SIPAS report from counts, not rows ──

/** The bit each stored flag has in a tally row's `flags`. */
export const TALLY_FLAG_BITS: Readonly<Record<StoredFlag, number>> = { tooFast: 1, belowMinInterval: 2, placeMismatch: 4, clockSkew: 8, endedByTimeout: 16 };
/** The question whose single-choice answer (the service field, lĩnh vực) tallies are grouped by; the report's `field` filter. */
export const TALLY_SERVICE_FIELD_QUESTION = 'FIELD';

/** Which tallies a report reads. Every field but the definition narrows; days are Vietnam calendar days. */
export interface TallyQuery {
  definitionId: string;
  definitionVersion?: number;
  agencyCode?: string;
  /** Any of these agencies (a unit and the units below it), summed; when given, agencyCode is not. Empty matches nothing. */
  agencyCodes?: readonly string[];
  counterCode?: string;
  /** The answer to TALLY_SERVICE_FIELD_QUESTION. */
  serviceField?: string;
  /** First day included, YYYY-MM-DD (Vietnam). */
  fromDay?: string;
  /** Last day included, YYYY-MM-DD (Vietnam). */
  toDay?: string;
  /** The known versions of the definition, to recompute stale tallies with. */
  definitions: readonly SurveyDefinition[];
}

/** The tally of the matching responses of one version, one combination of stored flags and one month. */
export interface TallyRow {
  definitionVersion: number;
  /** TALLY_FLAG_BITS of the flags these responses carry. */
  flags: number;
  /** YYYY-MM, Vietnam time, of placedAt. */
  month: string;
  tally: ScoreTally;
}

/** A TallyQuery over every place: what it narrows by, but no agency or counter. */
export type PlaceTallyQuery = Omit<TallyQuery, 'agencyCode' | 'counterCode'>;

/** A TallyRow of one place (agency and counter codes as the responses carry them). */
export interface PlaceTallyRow extends TallyRow {
  agencyCode: string;
  counterCode: string;
}

/** A stored tally that differs from the one recomputed from the rows (null: missing on that side). */
export interface TallyDifference {
  key: { definitionId: string; rollup: number; agencyCode: string; counterCode: string; serviceField: string; period: string; definitionVersion: number; flags: number };
  stored: string | null;
  expected: string | null;
}

/** A response's answers to some questions, with where and when it was completed. */
export interface LatestAnswers {
  completedAt: string;
  agencyCode: string;
  counterCode: string;
  answers: Record<string, unknown>;
}

/** One response id held by several stored rows that differ only in letter case. */
export interface CaseDuplicateIds {
  /** The id in lower case. */
  canonicalId: string;
  /** The ids exactly as stored, first received first (one of them is canonicalId when a retry can find it). */
  ids: string[];
  /** When the migration found them. */
  foundAt: string;
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
  /**
   * Takes the one sign-in attempt slot of a client address, atomically (one write transaction, so it
   * holds across collector processes): granted when the address is not locked at `now` and no other
   * attempt holds the slot; the slot is then held until `leaseUntil` or until the attempt ends with
   * recordLoginFailure, clearLoginFailures or releaseLoginAttempt. A refusal is counted.
   */
  claimLoginAttempt(address: string, now: string, leaseUntil: string): Promise<LoginAttemptClaim>;
  /** Ends the address's attempt as a failure: its failures so far, locked until then; the refusal count starts again. */
  recordLoginFailure(address: string, failure: { at: string; failures: number; lockedUntil: string }): Promise<void>;
  /** Ends the address's attempt as a success: the address starts again from zero. */
  clearLoginFailures(address: string): Promise<void>;
  /** Ends the address's attempt without an outcome (no password set, an error): the slot is free again. */
  releaseLoginAttempt(address: string): Promise<void>;
  /** Forgets addresses quiet since before `quietSince` and, beyond the `keep` most recent, the oldest. */
  pruneLoginThrottle(quietSince: string, keep: number): Promise<void>;
  /** Appends an entry to the audit log of staff actions. */
  recordAudit(entry: AuditEntry): Promise<void>;
  /** One page of the audit log, newest first (by id, the order entries were written in). */
  listAudit(query: AuditQuery): Promise<StoredAuditEntry[]>;
}

/** What claimLoginAttempt found: the slot granted with the address's record, or refused with why. */
export type LoginAttemptClaim =
  | {
      granted: true;
      /** Failed sign-ins in a row before this attempt. */
      failures: number;
      /** The last failure (or when the address was first seen), for forgetting a quiet address. */
      updatedAt: string;
    }
  | {
      granted: false;
      failures: number;
      lockedUntil: string;
      /** Set while another attempt of the address is being checked. */
      attemptUntil: string | null;
      /** Attempts refused since the last failure, this one included. */
      refused: number;
    };

/** Every staff action the audit log records (the i18n keys audit.actions.<action> name them). */
export const AUDIT_ACTIONS = [
  'signIn',
  'lockOut',
  'signOut',
  'deviceRegister',
  'deviceRotate',
  'deviceRevoke',
  'deviceEdit',
  'import',
  'export',
  'report',
  'passwordChange',
  'signOutAll',
  // Units and targets (issue 11).
  'unitAdd',
  'unitEdit',
  'unitImport',
  'targetSet',
] as const;
/** One of AUDIT_ACTIONS. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
/** How a staff action ended: done, failed (a wrong password), or refused without being tried (a lock-out). */
export const AUDIT_OUTCOMES = ['success', 'failure', 'refused'] as const;
/** One of AUDIT_OUTCOMES. */
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One staff action as the audit log keeps it. */
export interface AuditEntry {
  /** When, UTC. */
  at: string;
  /** The client's address; null for the command line on the server. */
  address: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  /** What the action was about (device, filters, counts), as plain JSON. */
  details: Record<string, unknown>;
}

/** An audit entry as stored, with its id (the keyset of the pages). */
export interface StoredAuditEntry extends AuditEntry {
  id: number;
}

/** Which audit entries a page shows: every field narrows. */
export interface AuditQuery {
  action?: AuditAction;
  /** `at` on or after this instant. */
  from?: string;
  /** `at` strictly before this instant. */
  before?: string;
  /** Only entries older than this id (the next page). */
  beforeId?: number;
  /** Most entries returned. */
  limit: number;
}

// ── Units and targets (issue 11): the tree a province reports by, and what it aims at ──

/**
 * The kinds a unit can be: a fixed list rather than free text, so every page and export can name a kind
 * in Vietnamese and English and a typo ("trung tam" / "Trung tâm") cannot split one kind into two;
 * 'other' covers what the list lacks. Counters are not a unit kind: they are the tree's leaves, kept apart.
 */
export const UNIT_KINDS = ['province', 'centre', 'branch', 'department', 'commune', 'other'] as const;
/** One of UNIT_KINDS. */
export type UnitKind = (typeof UNIT_KINDS)[number];
/** The kind an import row or a form gives a counter (a leaf of the tree, not a unit). */
export const COUNTER_KIND = 'counter';

/** A unit of the tree: province, centre or branch, department, commune or ward. Its code is what devices and responses carry as agencyCode. */
export interface UnitRecord {
  code: string;
  /** Vietnamese display name ("Trung tâm Phục vụ hành chính công tỉnh"). */
  name: string;
  /** null for a root (the province). */
  parentCode: string | null;
  kind: UnitKind;
}

/**
 * A counter (quầy) of a unit: what devices and responses carry as counterCode, beside their unit's code
 * as agencyCode. Its code is unique within its unit only (every unit may have a "Q1"), so a counter is
 * named by both codes and cannot move to another unit: its responses name the unit they were given in.
 */
export interface CounterRecord {
  unitCode: string;
  code: string;
  name: string;
}

/** The whole tree as stored: units by code, counters by unit then code. */
export interface UnitTreeRecords {
  units: UnitRecord[];
  counters: CounterRecord[];
}

/**
 * One unit or counter to write, from a form or a CSV row: `kind` is a UnitKind, COUNTER_KIND, or '' (a
 * unit of kind 'other'); `parentCode` '' or null is a root. Text is checked and normalised by the store.
 */
export interface UnitInput {
  code: string;
  name: string;
  parentCode: string | null;
  kind: string;
  /** The CSV row it came from (the header is row 1), for the problems. */
  row?: number;
}

/** How a write of units treats codes already in the tree. */
export type UnitWriteMode = 'add' | 'edit' | 'import';

/** What can be wrong with a unit input. */
export const UNIT_PROBLEMS = ['badCode', 'tooLong', 'emptyName', 'badKind', 'unknownParent', 'counterNeedsUnit', 'duplicateCode', 'exists', 'notFound', 'cycle', 'tooManyRows'] as const;
/** One of UNIT_PROBLEMS. */
export type UnitProblemCode = (typeof UNIT_PROBLEMS)[number];

/** One problem of a unit write: where (row, column), what, and the value found. */
export interface UnitProblem {
  row: number | null;
  column: 'code' | 'name' | 'parentCode' | 'kind';
  problem: UnitProblemCode;
  value: string;
}

/** What a unit write did: all of it, or nothing with every problem found. */
export type UnitWriteResult = { ok: true; units: number; counters: number } | { ok: false; problems: UnitProblem[] };

/** The figures a target sets: the overall index and the five components, in percent. */
export const TARGET_FIGURES = ['overall', 'c1', 'c2', 'c3', 'c4', 'c5'] as const;
/** One of TARGET_FIGURES. */
export type TargetFigure = (typeof TARGET_FIGURES)[number];

/** A year's target, province-wide (unitCode null) or of one unit; a figure left out is inherited. */
export interface TargetRecord {
  year: number;
  unitCode: string | null;
  figures: Partial<Record<TargetFigure, number>>;
  /** When it was last set (UTC). */
  updatedAt: string;
}

/** The unit tree and the targets set on it. Writes check the whole tree in their own transaction. */
export interface UnitStore {
  /** The tree: units ordered by code, counters by unit code then code. */
  listUnitTree(): Promise<UnitTreeRecords>;
  /**
   * Writes units and counters all-or-nothing, checked against the tree as it stands inside the write's
   * transaction (so two staff editing at once cannot make a cycle): 'add' refuses codes already there,
   * 'edit' refuses codes not there, 'import' adds or replaces. Refused: bad or too long codes, empty or too
   * long names, unknown kinds or parents, duplicates, and a unit moved under itself or its descendant.
   */
  writeUnits(inputs: readonly UnitInput[], mode: UnitWriteMode): Promise<UnitWriteResult>;
  /** Every target, by year then unit (province-wide first). */
  listTargets(): Promise<TargetRecord[]>;
  /** Sets a year's target of a unit or the province; no figures removes it. False when the unit is not in the tree. */
  setTarget(target: TargetRecord): Promise<boolean>;
}

// A TallyStore (running scoring tallies kept per definition and place, merged as rows arrive) joins
// these domains later; CollectorStore will then include it.

/**
 * Everything the collector needs from its database, one domain interface each, over one connection.
 * Kept asynchronous so that a PostgreSQL store can follow the SQLite one without touching the HTTP
 * layer. Code that needs one domain takes that interface, not this one.
 */
export interface CollectorStore extends DeviceStore, ResponseStore, StaffAuthStore, UnitStore {
  /** Ends the connection; safe to call twice. */
  close(): Promise<void>;
}
