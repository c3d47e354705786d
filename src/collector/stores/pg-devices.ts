import type pg from 'pg';
import type { KioskReport } from '../../shared/schemas';
import { pgFunnelQueries } from './pg-funnel';
import type { Queryable } from './pg-pool';
import { batchClockSkew, toKiosksOnSeveralDevices, type SharedKioskRow } from './store-rows';
import { reportAfterBatch, type DeviceRecord, type DeviceStore, type IngestBatch, type IngestOutcome, type NewDevice } from './store';

/** A `devices` row as PostgreSQL returns it (int8 read as a number by the pool). */
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

const DEVICE_COLUMNS = `id, label, agency_code, counter_code, agency_name, counter_name, token_hash, revoked_at, created_at,
  last_contact_at, last_report_json, clock_skew_ms, clock_skew_at`;

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
 * ingest, which passes its transaction's client so the contact of a 'sync' batch commits with it.
 */
export async function writeDeviceContact(q: Queryable, deviceId: string, at: string, report: KioskReport | null, clockSkewMs?: number | null): Promise<void> {
  // An unknown skew keeps the last one seen: a kiosk that did not say is not a kiosk whose clock is right.
  const skew = typeof clockSkewMs === 'number' && Number.isFinite(clockSkewMs) ? Math.round(clockSkewMs) : null;
  await q.query(
    `UPDATE devices SET last_contact_at = $1,
       last_report_json = CASE WHEN $2::text IS NULL THEN last_report_json ELSE $2::text END,
       clock_skew_ms = CASE WHEN $3::bigint IS NULL THEN clock_skew_ms ELSE $3::bigint END,
       clock_skew_at = CASE WHEN $3::bigint IS NULL THEN clock_skew_at ELSE $1 END
     WHERE id = $4`,
    [at, report ? JSON.stringify(report) : null, skew, deviceId],
  );
}

/**
 * Notes that kiosk installation ids arrived through a device (first and last time), in one statement.
 * Shared with ingest, which calls it inside a 'sync' batch's transaction for the report's and each
 * response's kiosk id; ids are kept lower-case, the UUIDs' canonical form.
 */
export async function noteKiosksSeen(q: Queryable, deviceId: string, kioskIds: readonly string[], at: string): Promise<void> {
  const ids = [...new Set(kioskIds.map((id) => id.toLowerCase()))];
  if (ids.length === 0) return;
  await q.query(
    `INSERT INTO device_kiosks (device_id, kiosk_id, first_seen_at, last_seen_at)
     SELECT $1, kiosk_id, $3, $3 FROM unnest($2::text[]) AS k(kiosk_id)
     ON CONFLICT (device_id, kiosk_id) DO UPDATE SET last_seen_at = greatest(device_kiosks.last_seen_at, excluded.last_seen_at)`,
    [deviceId, ids, at],
  );
}

/**
 * What a 'sync' batch tells about its device, written by ingest on its transaction's client after the
 * items (as on SQLite): the contact, the report as it stands after this batch (the kiosk counted its
 * queue before sending), the clock skew, and the kiosk ids that came through the device (its report's
 * and its responses'), so one kiosk id arriving through two devices shows in the fleet view. One
 * statement (the contact's UPDATE in a CTE), one round trip of the batch's transaction fewer. An
 * import or a batch without a device is no contact.
 */
export async function pgRecordBatchContact(q: Queryable, batch: IngestBatch, outcomes: readonly IngestOutcome[]): Promise<void> {
  if (batch.deviceId === null || batch.source !== 'sync') return;
  const report = batch.report && reportAfterBatch(batch.report, outcomes);
  const clockSkewMs = batchClockSkew(batch);
  const skew = typeof clockSkewMs === 'number' && Number.isFinite(clockSkewMs) ? Math.round(clockSkewMs) : null;
  const seen = new Set<string>(batch.report ? [batch.report.kioskId.toLowerCase()] : []);
  for (const item of batch.items) if (item.kind === 'valid') seen.add(item.response.kioskId.toLowerCase());
  await q.query({
    name: 'sipas-batch-contact',
    text: `WITH contact AS (
        UPDATE devices SET last_contact_at = $1,
          last_report_json = CASE WHEN $2::text IS NULL THEN last_report_json ELSE $2::text END,
          clock_skew_ms = CASE WHEN $3::bigint IS NULL THEN clock_skew_ms ELSE $3::bigint END,
          clock_skew_at = CASE WHEN $3::bigint IS NULL THEN clock_skew_at ELSE $1 END
        WHERE id = $4
        RETURNING id)
      INSERT INTO device_kiosks (device_id, kiosk_id, first_seen_at, last_seen_at)
      SELECT $4, kiosk_id, $1, $1 FROM unnest($5::text[]) AS k(kiosk_id)
      ON CONFLICT (device_id, kiosk_id) DO UPDATE SET last_seen_at = greatest(device_kiosks.last_seen_at, excluded.last_seen_at)`,
    // Kiosk ids in order, so two batches of one device lock their rows in the same order.
    values: [batch.receivedAt, report ? JSON.stringify(report) : null, skew, batch.deviceId, [...seen].sort()],
  });
}

/** The device queries over a PostgreSQL pool (the same semantics as sqliteDeviceStore). */
export function pgDeviceStore(pool: pg.Pool): DeviceStore {
  const changed = (result: pg.QueryResult) => result.rowCount === 1;
  return {
    async addDevice(device: NewDevice) {
      await pool.query(
        `INSERT INTO devices (id, label, agency_code, counter_code, agency_name, counter_name, token_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [device.id, device.label, device.agencyCode, device.counterCode, device.agencyName, device.counterName, device.tokenHash, device.createdAt],
      );
    },
    async getDevice(deviceId) {
      const { rows } = await pool.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = $1`, [deviceId]);
      return rows[0] && toDevice(rows[0]);
    },
    async listDevices() {
      const { rows } = await pool.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices ORDER BY created_at, id`);
      return rows.map(toDevice);
    },
    async setDeviceTokenHash(deviceId, tokenHash) {
      return changed(await pool.query('UPDATE devices SET token_hash = $1 WHERE id = $2', [tokenHash, deviceId]));
    },
    async revokeDevice(deviceId, at) {
      return changed(await pool.query('UPDATE devices SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2', [at, deviceId]));
    },
    async setDevicePlace(deviceId, place) {
      return changed(
        await pool.query(
          `UPDATE devices SET label = $1, agency_code = $2, agency_name = $3, counter_code = $4, counter_name = $5 WHERE id = $6`,
          [place.label, place.agencyCode, place.agencyName, place.counterCode, place.counterName, deviceId],
        ),
      );
    },
    async listKioskIdsOnSeveralDevices() {
      const { rows } = await pool.query<SharedKioskRow>(
        `SELECT kiosk_id, device_id, first_seen_at, last_seen_at FROM device_kiosks
         WHERE kiosk_id IN (SELECT kiosk_id FROM device_kiosks GROUP BY kiosk_id HAVING count(*) > 1)
         ORDER BY kiosk_id, first_seen_at, device_id`,
      );
      return toKiosksOnSeveralDevices(rows);
    },
    async recordContact(deviceId, at, report) {
      await writeDeviceContact(pool, deviceId, at, report);
    },
    // The drop-off funnel's queries (issue 8) live in their own module, as on SQLite.
    ...pgFunnelQueries(pool),
  };
}
