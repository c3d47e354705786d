import type Database from 'better-sqlite3';
import type { KioskReport } from '../../shared/schemas';
import type { DeviceRecord, DeviceStore, NewDevice } from './store';

/** A `devices` row as SQLite returns it. */
interface DeviceRow {
  id: string;
  label: string;
  agency_code: string;
  counter_code: string;
  token_hash: Buffer;
  revoked_at: string | null;
  created_at: string;
  last_contact_at: string | null;
  last_report_json: string | null;
}

function toDevice(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    label: row.label,
    agencyCode: row.agency_code,
    counterCode: row.counter_code,
    tokenHash: row.token_hash,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    lastContactAt: row.last_contact_at,
    lastReport: row.last_report_json === null ? null : (JSON.parse(row.last_report_json) as KioskReport),
  };
}

/**
 * Writes a device's contact (and, when given, its report). Shared with ingest, which records the
 * contact of a 'sync' batch inside the batch's own transaction.
 */
export function contactWriter(db: Database.Database): (deviceId: string, at: string, report: KioskReport | null) => void {
  const contact = db.prepare('UPDATE devices SET last_contact_at = ? WHERE id = ?');
  const contactWithReport = db.prepare('UPDATE devices SET last_contact_at = ?, last_report_json = ? WHERE id = ?');
  return (deviceId, at, report) => {
    if (report) contactWithReport.run(at, JSON.stringify(report), deviceId);
    else contact.run(at, deviceId);
  };
}

/** The device queries over one SQLite connection. */
export function sqliteDeviceStore(db: Database.Database): DeviceStore {
  const statements = {
    addDevice: db.prepare(
      `INSERT INTO devices (id, label, agency_code, counter_code, token_hash, created_at)
       VALUES (@id, @label, @agencyCode, @counterCode, @tokenHash, @createdAt)`,
    ),
    getDevice: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
    listDevices: db.prepare<[], DeviceRow>('SELECT * FROM devices ORDER BY created_at, id'),
    setTokenHash: db.prepare('UPDATE devices SET token_hash = ? WHERE id = ?'),
    revoke: db.prepare('UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
  };
  const writeContact = contactWriter(db);
  return {
    async addDevice(device: NewDevice) {
      statements.addDevice.run(device);
    },
    async getDevice(deviceId) {
      const row = statements.getDevice.get(deviceId);
      return row && toDevice(row);
    },
    async listDevices() {
      return statements.listDevices.all().map(toDevice);
    },
    async setDeviceTokenHash(deviceId, tokenHash) {
      return statements.setTokenHash.run(tokenHash, deviceId).changes === 1;
    },
    async revokeDevice(deviceId, at) {
      return statements.revoke.run(at, deviceId).changes === 1;
    },
    async recordContact(deviceId, at, report) {
      writeContact(deviceId, at, report);
    },
  };
}
