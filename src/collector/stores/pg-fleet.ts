/*
 * The fleet figures on PostgreSQL (migrations/postgres/0010), as sqlite-fleet.ts keeps them: per kiosk
 * id its highest stored sequence number, its count and its missing ranges, per device and kiosk id the
 * count stored through the device; the range arithmetic is sequence-figures.ts', shared with SQLite.
 * Ingest keeps them in its own transaction, the kiosks' rows locked first (in id order), so batches of
 * one kiosk through two processes take turns; the fleet view reads them in six queries.
 */
import type pg from 'pg';
import { fleetFiguresFromRows, gapsOpenedAbove, rangesLeftAfterStoring, rangesOfText, type SequenceRange } from './sequence-figures';
import { inTransaction, type Queryable } from './pg-pool';
import { SEQUENCE_ACCOUNT_MAX, type DeviceFleetFigures, type SequenceGap, type SetAsideSequence } from './store';

/** The kiosks that sent through each device: by its stored responses, its rejections and its conflicts. */
const FLEET_KIOSKS = `pairs(device_id, kiosk_id) AS (
    SELECT device_id, kiosk_id FROM device_kiosk_stored
    UNION SELECT device_id, kiosk_id FROM rejections WHERE device_id IS NOT NULL AND kiosk_id IS NOT NULL
    UNION SELECT device_id, body_json::jsonb ->> 'kioskId' FROM conflicts WHERE device_id IS NOT NULL
  )`;

/** A conflict body's sequence number when it is a positive integer (as pg-set-aside.ts reads it), else null. */
const CONFLICT_SEQ = `CASE WHEN jsonb_typeof(body_json::jsonb -> 'seq') = 'number' AND (body_json::jsonb ->> 'seq') ~ '^[1-9][0-9]{0,15}$'
    THEN (body_json::jsonb ->> 'seq')::bigint END`;

/**
 * Takes each kiosk's row (made at 0 when new) and its highest number: ON CONFLICT DO UPDATE locks an
 * existing row as it returns it, so a concurrent batch of the same kiosk waits here until this commits.
 */
const LOCK_KIOSKS = `
  INSERT INTO kiosk_sequences AS s (kiosk_id, highest_seq, stored)
  SELECT k, 0, 0 FROM unnest($1::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n
  ON CONFLICT (kiosk_id) DO UPDATE SET highest_seq = s.highest_seq
  RETURNING kiosk_id, highest_seq`;

/** The stored missing ranges that hold one of the (kiosk, seq) pairs. */
const GAPS_HOLDING = `
  SELECT DISTINCT g.kiosk_id, g.from_seq, g.to_seq
  FROM unnest($1::text[], $2::bigint[]) AS p(kiosk_id, seq)
  JOIN sequence_gaps AS g ON g.kiosk_id = p.kiosk_id AND g.from_seq <= p.seq AND g.to_seq >= p.seq`;

const DELETE_GAPS = `
  DELETE FROM sequence_gaps AS g USING unnest($1::text[], $2::bigint[]) AS d(kiosk_id, from_seq)
  WHERE g.kiosk_id = d.kiosk_id AND g.from_seq = d.from_seq`;

/** New ranges, the kiosks' new highest numbers and counts, and the device's counts, in one statement. */
const WRITE_FIGURES = `
  WITH gaps AS (
    INSERT INTO sequence_gaps (kiosk_id, from_seq, to_seq)
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
  ),
  kiosks AS (
    UPDATE kiosk_sequences AS s SET highest_seq = greatest(s.highest_seq, u.highest), stored = s.stored + u.n
    FROM unnest($4::text[], $5::bigint[], $6::bigint[]) AS u(kiosk_id, highest, n)
    WHERE s.kiosk_id = u.kiosk_id
  )
  INSERT INTO device_kiosk_stored AS d (device_id, kiosk_id, stored)
  SELECT $7::text, u.kiosk_id, u.n FROM unnest($4::text[], $6::bigint[]) AS u(kiosk_id, n) WHERE $7::text IS NOT NULL
  ORDER BY u.kiosk_id
  ON CONFLICT (device_id, kiosk_id) DO UPDATE SET stored = d.stored + EXCLUDED.stored`;

/**
 * Adds the responses a batch stored (as kiosk id and number) to the fleet figures, through `q` inside
 * the batch's transaction; `deviceId` null is an import naming no device (it counts for the kiosk only).
 */
export async function addToFleetFigures(q: Queryable, deviceId: string | null, stored: ReadonlyArray<{ kioskId: string; seq: number }>): Promise<void> {
  if (stored.length === 0) return;
  const byKiosk = new Map<string, number[]>();
  for (const { kioskId, seq } of stored) {
    const seqs = byKiosk.get(kioskId);
    if (seqs) seqs.push(seq);
    else byKiosk.set(kioskId, [seq]);
  }
  const kioskIds = [...byKiosk.keys()].sort();
  const locked = await q.query<{ kiosk_id: string; highest_seq: number }>({ name: 'sipas-fleet-lock', text: LOCK_KIOSKS, values: [kioskIds] });
  const highestOf = new Map(locked.rows.map((row) => [row.kiosk_id, Number(row.highest_seq)]));
  // Numbers at or below a kiosk's highest may fill one of its missing ranges (a number arriving late).
  const late: Array<[string, number]> = [];
  for (const [kioskId, seqs] of byKiosk) for (const seq of seqs) if (seq <= (highestOf.get(kioskId) ?? 0)) late.push([kioskId, seq]);
  const removed: Array<[string, number]> = [];
  const added: Array<[string, SequenceRange]> = [];
  if (late.length > 0) {
    const holding = await q.query<{ kiosk_id: string; from_seq: number; to_seq: number }>(GAPS_HOLDING, [late.map((p) => p[0]), late.map((p) => p[1])]);
    for (const row of holding.rows) {
      let left: SequenceRange[] = [{ from: Number(row.from_seq), to: Number(row.to_seq) }];
      for (const [kioskId, seq] of late) if (kioskId === row.kiosk_id) left = left.flatMap((range) => rangesLeftAfterStoring(range, seq));
      removed.push([row.kiosk_id, Number(row.from_seq)]);
      for (const range of left) added.push([row.kiosk_id, range]);
    }
    if (removed.length > 0) await q.query(DELETE_GAPS, [removed.map((r) => r[0]), removed.map((r) => r[1])]);
  }
  const highest: number[] = [];
  const counts: number[] = [];
  for (const kioskId of kioskIds) {
    const seqs = byKiosk.get(kioskId) as number[];
    const above = gapsOpenedAbove(highestOf.get(kioskId) ?? 0, seqs);
    for (const gap of above.gaps) added.push([kioskId, gap]);
    highest.push(above.highest);
    counts.push(seqs.length);
  }
  await q.query({
    name: 'sipas-fleet-write',
    text: WRITE_FIGURES,
    values: [added.map((a) => a[0]), added.map((a) => a[1].from), added.map((a) => a[1].to), kioskIds, highest, counts, deviceId],
  });
}

/** The fleet figure reads over a pool. */
export function pgFleetFigures(pool: pg.Pool) {
  return {
    /** Responses stored that came through the device. */
    async countStored(deviceId: string): Promise<number> {
      const { rows } = await pool.query<{ n: number }>('SELECT coalesce(sum(stored), 0) AS n FROM device_kiosk_stored WHERE device_id = $1', [deviceId]);
      return Number(rows[0].n);
    },
    /** The missing ranges of the kiosks that stored responses through the device, by kiosk id then number. */
    async gapsOfDevice(deviceId: string): Promise<SequenceGap[]> {
      const { rows } = await pool.query<{ kioskId: string; from: number; to: number }>(
        `SELECT g.kiosk_id AS "kioskId", g.from_seq AS "from", g.to_seq AS "to"
         FROM device_kiosk_stored AS k JOIN sequence_gaps AS g ON g.kiosk_id = k.kiosk_id
         WHERE k.device_id = $1 ORDER BY g.kiosk_id, g.from_seq`,
        [deviceId],
      );
      return rows.map((row) => ({ kioskId: row.kioskId, from: Number(row.from), to: Number(row.to) }));
    },
    /** Every device's figures in six queries, in one REPEATABLE READ transaction so they see the same moment. */
    async listFleetFigures(): Promise<DeviceFleetFigures[]> {
      return inTransaction(pool, async (client) => {
        const received = await client.query<{ deviceId: string; n: number }>('SELECT device_id AS "deviceId", sum(stored) AS n FROM device_kiosk_stored GROUP BY device_id');
        // One row per device and kiosk, its ranges as "from-to,…" in order (as on SQLite): a row per
        // range is tens of thousands of rows to parse for a fleet of a thousand kiosks.
        const gaps = await client.query<[string, string, string]>({
          text: `SELECT k.device_id, k.kiosk_id, string_agg(g.from_seq || '-' || g.to_seq, ',' ORDER BY g.from_seq)
                 FROM device_kiosk_stored AS k JOIN sequence_gaps AS g ON g.kiosk_id = k.kiosk_id
                 GROUP BY k.device_id, k.kiosk_id ORDER BY k.device_id, k.kiosk_id`,
          rowMode: 'array',
        });
        const highest = await client.query<{ deviceId: string; kioskId: string; top: number }>(
          `WITH ${FLEET_KIOSKS}
           SELECT p.device_id AS "deviceId", p.kiosk_id AS "kioskId", s.highest_seq AS top
           FROM pairs AS p JOIN kiosk_sequences AS s ON s.kiosk_id = p.kiosk_id`,
        );
        // As the set-aside query of one device (pg-set-aside.ts), for each device, at most
        // SEQUENCE_ACCOUNT_MAX numbers each: the window runs over what was set aside, not over responses.
        const setAside = await client.query<{ deviceId: string } & SetAsideSequence>(
          `WITH ${FLEET_KIOSKS},
           entries(kiosk_id, seq, kind) AS (
             SELECT kiosk_id, seq, 'rejected'::text FROM rejections WHERE kiosk_id IS NOT NULL AND seq IS NOT NULL
             UNION
             SELECT body_json::jsonb ->> 'kioskId', ${CONFLICT_SEQ}, 'conflict'::text FROM conflicts
           ),
           aside AS (
             SELECT p.device_id, e.kiosk_id, e.seq, e.kind,
               row_number() OVER (PARTITION BY p.device_id ORDER BY e.kiosk_id COLLATE "C", e.seq, e.kind COLLATE "C") AS n
             FROM pairs AS p JOIN entries AS e ON e.kiosk_id = p.kiosk_id
             WHERE e.seq IS NOT NULL AND e.seq > 0
               AND NOT EXISTS (SELECT 1 FROM responses AS r WHERE r.kiosk_id = e.kiosk_id AND r.seq = e.seq)
           )
           SELECT device_id AS "deviceId", kiosk_id AS "kioskId", seq, kind FROM aside WHERE n <= $1
           ORDER BY device_id COLLATE "C", kiosk_id COLLATE "C", seq, kind COLLATE "C"`,
          [SEQUENCE_ACCOUNT_MAX],
        );
        const conflicts = await client.query<{ deviceId: string; n: number }>('SELECT device_id AS "deviceId", count(*) AS n FROM conflicts WHERE device_id IS NOT NULL GROUP BY device_id');
        const rejections = await client.query<{ deviceId: string; n: number }>('SELECT device_id AS "deviceId", count(*) AS n FROM rejections WHERE device_id IS NOT NULL GROUP BY device_id');
        return fleetFiguresFromRows({
          received: received.rows.map((row) => ({ deviceId: row.deviceId, n: Number(row.n) })),
          gaps: gaps.rows.flatMap(([deviceId, kioskId, ranges]) => rangesOfText(deviceId, kioskId, ranges)),
          highest: highest.rows.map((row) => ({ ...row, top: Number(row.top) })),
          setAside: setAside.rows.map((row) => ({ ...row, seq: Number(row.seq) })),
          conflicts: conflicts.rows.map((row) => ({ deviceId: row.deviceId, n: Number(row.n) })),
          rejections: rejections.rows.map((row) => ({ deviceId: row.deviceId, n: Number(row.n) })),
        });
      }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    },
  };
}

/**
 * Recomputes every fleet figure from the stored rows (the backfill of migration 0010, run again), as
 * rebuildFleetFigures does on SQLite: for a database whose rows were written around ingest, as a copy
 * or a bulk load does. Through `q`, inside the caller's transaction.
 */
export async function rebuildPgFleetFigures(q: Queryable): Promise<void> {
  await q.query(`DELETE FROM kiosk_sequences; DELETE FROM device_kiosk_stored; DELETE FROM sequence_gaps;
    INSERT INTO kiosk_sequences (kiosk_id, highest_seq, stored)
      SELECT kiosk_id, max(seq), count(*) FROM responses GROUP BY kiosk_id;
    INSERT INTO device_kiosk_stored (device_id, kiosk_id, stored)
      SELECT device_id, kiosk_id, count(*) FROM responses WHERE device_id IS NOT NULL GROUP BY device_id, kiosk_id;
    INSERT INTO sequence_gaps (kiosk_id, from_seq, to_seq)
      SELECT kiosk_id, previous + 1, seq - 1
      FROM (SELECT kiosk_id, seq, LAG(seq, 1, 0::bigint) OVER (PARTITION BY kiosk_id ORDER BY seq) AS previous FROM responses) AS s
      WHERE seq > previous + 1;`);
}
