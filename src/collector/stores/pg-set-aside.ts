/*
 * What the collector set aside, as PostgreSQL queries (the semantics of sqlite-set-aside.ts):
 * conflicts and rejections listed for staff, counted per device, and held against the sequence
 * numbers so that the fleet view tells a number never received from one received but set aside.
 */
import type pg from 'pg';
import type { SurveyResponse } from '../../shared/survey';
import { accountGaps, pageLimit, type ConflictRow, type RejectionRow } from './store-rows';
import {
  SEQUENCE_ACCOUNT_MAX,
  type ConflictRecord,
  type RejectionRecord,
  type SequenceGap,
  type SetAsideFilter,
  type SetAsideSequence,
  type SetAsideStore,
  type StoredRow,
} from './store';


/** A listing's WHERE clause over one table's device_id and received_at, with its $n parameters. */
function setAsideWhere(filter: SetAsideFilter, withCursor: boolean): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.deviceId !== undefined) conditions.push(`device_id = ${param(filter.deviceId)}`);
  if (filter.receivedFrom !== undefined) conditions.push(`received_at >= ${param(new Date(filter.receivedFrom).toISOString())}`);
  if (filter.receivedBefore !== undefined) conditions.push(`received_at < ${param(new Date(filter.receivedBefore).toISOString())}`);
  if (withCursor && filter.beforeId !== undefined) conditions.push(`id < ${param(filter.beforeId)}`);
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}


// The kiosks that sent through a device ($1): by its stored responses, its rejections and its conflicts.
const KIOSKS = `kiosks(kiosk_id) AS (
    SELECT kiosk_id FROM responses WHERE device_id = $1
    UNION SELECT kiosk_id FROM rejections WHERE device_id = $1 AND kiosk_id IS NOT NULL
    UNION SELECT body_json::jsonb ->> 'kioskId' FROM conflicts WHERE device_id = $1
  )`;

/** A conflict body's sequence number when it is a positive integer (as SQLite's typeof(seq) = 'integer' check), else null. */
const CONFLICT_SEQ = `CASE WHEN jsonb_typeof(body_json::jsonb -> 'seq') = 'number' AND (body_json::jsonb ->> 'seq') ~ '^[1-9][0-9]{0,15}$'
    THEN (body_json::jsonb ->> 'seq')::bigint END`;

/**
 * The set-aside queries over a PostgreSQL pool. `storedGaps` is the response store's gap query and
 * `readStored` reads one stored response by id (both belong to the response queries).
 */
export function pgSetAsideQueries(
  pool: pg.Pool,
  storedGaps: (deviceId: string) => Promise<SequenceGap[]>,
  readStored: (responseId: string) => Promise<StoredRow | null>,
): SetAsideStore {
  return {
    async listConflicts(filter = {}) {
      const all = setAsideWhere(filter, false);
      const page = setAsideWhere(filter, true);
      const total = (await pool.query<{ n: number }>(`SELECT count(*) AS n FROM conflicts ${all.where}`, all.params)).rows[0].n;
      const { rows } = await pool.query<ConflictRow>(
        `SELECT id, response_id, device_id, received_at, body_json FROM conflicts ${page.where} ORDER BY id DESC LIMIT $${page.params.length + 1}`,
        [...page.params, pageLimit(filter)],
      );
      const entries: ConflictRecord[] = [];
      for (const row of rows) {
        entries.push({
          id: row.id,
          responseId: row.response_id,
          deviceId: row.device_id,
          receivedAt: row.received_at,
          incoming: JSON.parse(row.body_json) as SurveyResponse,
          stored: await readStored(row.response_id),
        });
      }
      return { total, entries };
    },
    async listRejections(filter = {}) {
      const all = setAsideWhere(filter, false);
      const page = setAsideWhere(filter, true);
      const total = (await pool.query<{ n: number }>(`SELECT count(*) AS n FROM rejections ${all.where}`, all.params)).rows[0].n;
      const { rows } = await pool.query<RejectionRow>(
        `SELECT id, device_id, response_id, kiosk_id, seq, received_at, reason FROM rejections ${page.where} ORDER BY id DESC LIMIT $${page.params.length + 1}`,
        [...page.params, pageLimit(filter)],
      );
      const entries = rows.map(
        (row): RejectionRecord => ({
          id: row.id,
          deviceId: row.device_id,
          responseId: row.response_id,
          kioskId: row.kiosk_id,
          seq: row.seq,
          receivedAt: row.received_at,
          reason: row.reason,
        }),
      );
      return { total, entries };
    },
    async countSetAside(deviceId) {
      const { rows } = await pool.query<{ conflicts: number; rejections: number }>(
        `SELECT (SELECT count(*) FROM conflicts WHERE device_id = $1) AS conflicts, (SELECT count(*) FROM rejections WHERE device_id = $1) AS rejections`,
        [deviceId],
      );
      return rows[0];
    },
    async accountSequences(deviceId) {
      const setAside = await pool.query<SetAsideSequence>(
        `WITH ${KIOSKS}
         SELECT kiosk_id AS "kioskId", seq, kind FROM (
           SELECT kiosk_id, seq, 'rejected'::text AS kind FROM rejections
           WHERE kiosk_id IN (SELECT kiosk_id FROM kiosks) AND seq IS NOT NULL
           UNION
           SELECT body_json::jsonb ->> 'kioskId', ${CONFLICT_SEQ}, 'conflict'::text FROM conflicts
           WHERE body_json::jsonb ->> 'kioskId' IN (SELECT kiosk_id FROM kiosks)
         ) AS s
         WHERE seq IS NOT NULL AND seq > 0
           AND NOT EXISTS (SELECT 1 FROM responses AS r WHERE r.kiosk_id = s.kiosk_id AND r.seq = s.seq)
         ORDER BY kiosk_id COLLATE "C", seq, kind COLLATE "C"
         LIMIT $2`,
        [deviceId, SEQUENCE_ACCOUNT_MAX],
      );
      const highest = await pool.query<{ kioskId: string; top: number }>(
        `WITH ${KIOSKS}
         SELECT kiosk_id AS "kioskId", max(seq) AS top FROM responses WHERE kiosk_id IN (SELECT kiosk_id FROM kiosks) GROUP BY kiosk_id`,
        [deviceId],
      );
      return accountGaps(await storedGaps(deviceId), new Map(highest.rows.map((row) => [row.kioskId, row.top])), setAside.rows);
    },
  };
}
