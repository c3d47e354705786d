import type Database from 'better-sqlite3';
import type { KioskReport } from '../../shared/schemas';
import type { DeviceRecord, DeviceStore, NewDevice } from './store';
import { sqliteFunnelQueries } from './sqlite-funnel';
import { toKiosksOnSeveralDevices, type SharedKioskRow } from './store-rows';

/** A `devices` row as SQLite returns it. */
interface DeviceRow {
  id: string;
  label: string;
  agency_code: string;
  counter_code: string;
  agency_name: string;
  counter_name: string;
  token_hash: Buffer;
  revoked_at: string | null;
  created_at: string;
  last_contact_at: string | null;
  last_report_json: string | null;
  clock_skew_ms: number | null;
  clock_skew_at: string | null;
}

function toDevice(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    label: row.label,
    agencyCode: row.agency_code,
    counterCode: row.counter_code,
    agencyName: row.agency_name,
    counterName: row.counter_name,
    tokenHash: row.token_hash,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    lastContactAt: row.last_contact_at,
    lastReport: row.last_report_json === null ? null : (JSON.parse(row.last_report_json) as KioskReport),
    clockSkewMs: row.clock_skew_ms,
    clockSkewAt: row.clock_skew_at,
  };
}

/**
 * Writes a device's contact (and, when given, its report and the clock skew seen). Shared with
 * ingest, which records the contact of a 'sync' batch inside the batch's own transaction.
 */
export function contactWriter(
  db: Database.Database,
): (deviceId: string, at: string, report: KioskReport | null, clockSkewMs?: number | null) => void {
  const contact = db.prepare('UPDATE devices SET last_contact_at = ? WHERE id = ?');
  const contactWithReport = db.prepare('UPDATE devices SET last_contact_at = ?, last_report_json = ? WHERE id = ?');
  const skew = db.prepare('UPDATE devices SET clock_skew_ms = ?, clock_skew_at = ? WHERE id = ?');
  return (deviceId, at, report, clockSkewMs) => {
    if (report) contactWithReport.run(at, JSON.stringify(report), deviceId);
    else contact.run(at, deviceId);
    // An unknown skew keeps the last one seen: a kiosk that did not say is not a kiosk whose clock is right.
    if (typeof clockSkewMs === 'number' && Number.isFinite(clockSkewMs)) skew.run(Math.round(clockSkewMs), at, deviceId);
  };
}

/**
 * Notes that a kiosk installation id arrived through a device (first and last time). Shared with
 * ingest, which calls it inside a 'sync' batch's transaction for the report's and each response's
 * kiosk id; ids are kept lower-case, the UUIDs' canonical form.
 */
export function kioskSightingWriter(db: Database.Database): (deviceId: string, kioskId: string, at: string) => void {
  const sighting = db.prepare(
    `INSERT INTO device_kiosks (device_id, kiosk_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (device_id, kiosk_id) DO UPDATE SET last_seen_at = max(last_seen_at, excluded.last_seen_at)`,
  );
  return (deviceId, kioskId, at) => {
    sighting.run(deviceId, kioskId.toLowerCase(), at, at);
  };
}


/** The device queries over one SQLite connection. */
export function sqliteDeviceStore(db: Database.Database): DeviceStore {
  const statements = {
    addDevice: db.prepare(
      `INSERT INTO devices (id, label, agency_code, counter_code, agency_name, counter_name, token_hash, created_at)
       VALUES (@id, @label, @agencyCode, @counterCode, @agencyName, @counterName, @tokenHash, @createdAt)`,
    ),
    getDevice: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
    listDevices: db.prepare<[], DeviceRow>('SELECT * FROM devices ORDER BY created_at, id'),
    setTokenHash: db.prepare('UPDATE devices SET token_hash = ? WHERE id = ?'),
    revoke: db.prepare('UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
    setPlace: db.prepare(
      `UPDATE devices SET label = @label, agency_code = @agencyCode, agency_name = @agencyName,
         counter_code = @counterCode, counter_name = @counterName
       WHERE id = @id`,
    ),
    kiosksOnSeveralDevices: db.prepare<[], SharedKioskRow>(
      `SELECT kiosk_id, device_id, first_seen_at, last_seen_at FROM device_kiosks
       WHERE kiosk_id IN (SELECT kiosk_id FROM device_kiosks GROUP BY kiosk_id HAVING count(*) > 1)
       ORDER BY kiosk_id, first_seen_at, device_id`,
    ),
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
    async setDevicePlace(deviceId, place) {
      const { label, agencyCode, agencyName, counterCode, counterName } = place;
      return statements.setPlace.run({ id: deviceId, label, agencyCode, agencyName, counterCode, counterName }).changes === 1;
    },
    async listKioskIdsOnSeveralDevices() {
      return toKiosksOnSeveralDevices(statements.kiosksOnSeveralDevices.all());
    },
    async recordContact(deviceId, at, report) {
      writeContact(deviceId, at, report);
    },
    // The drop-off funnel's queries (issue 8) live in their own module.
    ...sqliteFunnelQueries(db),
  };
}
