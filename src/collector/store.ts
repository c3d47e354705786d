import type { KioskReport, ResultStatus } from '../protocol';
import type { SurveyResponse } from '../survey';

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
    }
  | { kind: 'rejected'; responseId: string | null; reason: string };

/** A whole batch, stored in one transaction together with the device's contact and report. */
export interface IngestBatch {
  deviceId: string;
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
 * Everything the collector needs from its database. Kept small and asynchronous so that a PostgreSQL
 * store can follow the SQLite one without touching the HTTP layer.
 */
export interface CollectorStore {
  addDevice(device: NewDevice): Promise<void>;
  getDevice(deviceId: string): Promise<DeviceRecord | undefined>;
  listDevices(): Promise<DeviceRecord[]>;
  /** Replaces the token hash (token rotation); false when the device does not exist. */
  setDeviceTokenHash(deviceId: string, tokenHash: Buffer): Promise<boolean>;
  /** Marks the device revoked; false when it does not exist. Its responses stay. */
  revokeDevice(deviceId: string, at: string): Promise<boolean>;
  /** Notes that the device was heard from; a non-null report also replaces its last report. */
  recordContact(deviceId: string, at: string, report: KioskReport | null): Promise<void>;
  /**
   * Stores a batch atomically: new ids are created, an id already stored with the same content hash is
   * a duplicate, with another hash a conflict kept aside (the stored row is never changed); rejected
   * items are logged. The uniqueness of response ids is enforced by the database itself.
   */
  ingest(batch: IngestBatch): Promise<IngestOutcome[]>;
  /** Number of responses received through this device. */
  countResponses(deviceId: string): Promise<number>;
  /** Missing sequence numbers, from 1 to the highest received, of the kiosks that sent through this device. */
  findSequenceGaps(deviceId: string): Promise<SequenceGap[]>;
  close(): Promise<void>;
}
