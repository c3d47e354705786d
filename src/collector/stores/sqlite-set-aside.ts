/*
 * What the collector set aside, as SQLite queries: conflicts (another content for a stored id, kept
 * beside the stored row) and rejections (refused items, with the kiosk id and sequence number they
 * claimed), listed for staff, counted per device, and held against the sequence numbers so that the
 * fleet view tells a number never received from one received but set aside.
 */
import type Database from 'better-sqlite3';
import type { SurveyResponse } from '../../shared/survey';
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
import { accountGaps, pageLimit, type ConflictRow, type RejectionRow } from './store-rows';

/** A listing's WHERE clause over one table's device_id and received_at, named parameters only. */
function setAsideWhere(filter: SetAsideFilter, withCursor: boolean): { where: string; params: Record<string, unknown> } {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.deviceId !== undefined) {
    conditions.push('device_id = @deviceId');
    params.deviceId = filter.deviceId;
  }
  if (filter.receivedFrom !== undefined) {
    conditions.push('received_at >= @receivedFrom');
    params.receivedFrom = new Date(filter.receivedFrom).toISOString();
  }
  if (filter.receivedBefore !== undefined) {
    conditions.push('received_at < @receivedBefore');
    params.receivedBefore = new Date(filter.receivedBefore).toISOString();
  }
  if (withCursor && filter.beforeId !== undefined) {
    conditions.push('id < @beforeId');
    params.beforeId = filter.beforeId;
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/**
 * The set-aside queries over one SQLite connection. `storedGaps` is the response store's gap query
 * and `readStored` reads one stored response by id (both belong to the response queries).
 */
export function sqliteSetAsideQueries(
  db: Database.Database,
  storedGaps: (deviceId: string) => SequenceGap[],
  readStored: (responseId: string) => StoredRow | null,
): SetAsideStore {
  // The kiosks that sent through a device: by its stored responses (as the fleet figures count them,
  // migration 0010), its rejections and its conflicts.
  const KIOSKS = `kiosks(kiosk_id) AS (
      SELECT kiosk_id FROM device_kiosk_stored WHERE device_id = @deviceId
      UNION SELECT kiosk_id FROM rejections WHERE device_id = @deviceId AND kiosk_id IS NOT NULL
      UNION SELECT json_extract(body_json, '$.kioskId') FROM conflicts WHERE device_id = @deviceId
    )`;
  const statements = {
    countConflicts: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM conflicts WHERE device_id = ?'),
    countRejections: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM rejections WHERE device_id = ?'),
    setAside: db.prepare<{ deviceId: string; max: number }, SetAsideSequence>(
      `WITH ${KIOSKS}
       SELECT kioskId, seq, kind FROM (
         SELECT kiosk_id AS kioskId, seq, 'rejected' AS kind FROM rejections
         WHERE kiosk_id IN (SELECT kiosk_id FROM kiosks) AND seq IS NOT NULL
         UNION
         SELECT json_extract(body_json, '$.kioskId'), json_extract(body_json, '$.seq'), 'conflict' FROM conflicts
         WHERE json_extract(body_json, '$.kioskId') IN (SELECT kiosk_id FROM kiosks)
       ) AS s
       WHERE typeof(seq) = 'integer' AND seq > 0
         AND NOT EXISTS (SELECT 1 FROM responses AS r WHERE r.kiosk_id = s.kioskId AND r.seq = s.seq)
       ORDER BY kioskId, seq, kind
       LIMIT @max`,
    ),
    highest: db.prepare<{ deviceId: string }, { kioskId: string; top: number }>(
      `WITH ${KIOSKS}
       SELECT kiosk_id AS kioskId, highest_seq AS top FROM kiosk_sequences WHERE kiosk_id IN (SELECT kiosk_id FROM kiosks)`,
    ),
  };

  return {
    async listConflicts(filter = {}) {
      const all = setAsideWhere(filter, false);
      const page = setAsideWhere(filter, true);
      const total = db.prepare<Record<string, unknown>, { n: number }>(`SELECT count(*) AS n FROM conflicts ${all.where}`).get(all.params)!.n;
      const rows = db
        .prepare<Record<string, unknown>, ConflictRow>(
          `SELECT id, response_id, device_id, received_at, body_json FROM conflicts ${page.where} ORDER BY id DESC LIMIT @limit`,
        )
        .all({ ...page.params, limit: pageLimit(filter) });
      const entries = rows.map(
        (row): ConflictRecord => ({
          id: row.id,
          responseId: row.response_id,
          deviceId: row.device_id,
          receivedAt: row.received_at,
          incoming: JSON.parse(row.body_json) as SurveyResponse,
          stored: readStored(row.response_id),
        }),
      );
      return { total, entries };
    },
    async listRejections(filter = {}) {
      const all = setAsideWhere(filter, false);
      const page = setAsideWhere(filter, true);
      const total = db.prepare<Record<string, unknown>, { n: number }>(`SELECT count(*) AS n FROM rejections ${all.where}`).get(all.params)!.n;
      const rows = db
        .prepare<Record<string, unknown>, RejectionRow>(
          `SELECT id, device_id, response_id, kiosk_id, seq, received_at, reason FROM rejections ${page.where} ORDER BY id DESC LIMIT @limit`,
        )
        .all({ ...page.params, limit: pageLimit(filter) });
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
      return { conflicts: statements.countConflicts.get(deviceId)!.n, rejections: statements.countRejections.get(deviceId)!.n };
    },
    async accountSequences(deviceId) {
      const setAside = statements.setAside.all({ deviceId, max: SEQUENCE_ACCOUNT_MAX });
      const highest = new Map(statements.highest.all({ deviceId }).map((row) => [row.kioskId, row.top]));
      return accountGaps(storedGaps(deviceId), highest, setAside);
    },
  };
}
