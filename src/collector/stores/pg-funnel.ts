import type pg from 'pg';
import { inTransaction } from './pg-pool';
import type { DeviceFunnelTotals, DeviceStore, FunnelFilter, FunnelRow } from './store';

/*
 * The drop-off funnel's queries on PostgreSQL (the semantics of sqlite-funnel.ts): cumulative counts
 * upserted keeping the larger of stored and sent, read summed per day, place and definition version.
 */

interface FunnelDayRow {
  day: string;
  agency_code: string;
  counter_code: string;
  definition_id: string;
  definition_version: number;
  started: number;
  completed: number;
  completed_by_timeout: number;
}

interface AbandonedRow {
  day: string;
  agency_code: string;
  counter_code: string;
  definition_id: string;
  definition_version: number;
  question_id: string;
  abandoned: number;
}

/** The WHERE clause (over funnel_days as d) and its $n parameters for a filter. */
function whereOf(filter: FunnelFilter): { sql: string; params: Array<string | number> } {
  const conditions: string[] = [];
  const params: Array<string | number> = [];
  const add = (column: string, value: string | number | undefined, op = '=') => {
    if (value === undefined) return;
    params.push(value);
    conditions.push(`${column} ${op} $${params.length}`);
  };
  add('d.day', filter.fromDay, '>=');
  add('d.day', filter.toDay, '<=');
  add('d.agency_code', filter.agencyCode);
  add('d.counter_code', filter.counterCode);
  add('d.definition_id', filter.definitionId);
  if (filter.definitionId !== undefined) add('d.definition_version', filter.definitionVersion);
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

const GROUP = 'd.day, d.agency_code, d.counter_code, d.definition_id, d.definition_version';
const groupKey = (row: { day: string; agency_code: string; counter_code: string; definition_id: string; definition_version: number }) =>
  JSON.stringify([row.day, row.agency_code, row.counter_code, row.definition_id, row.definition_version]);

/** The funnel queries of the PostgreSQL device store (funnel_days and funnel_abandoned, migration 0008). */
export function pgFunnelQueries(pool: pg.Pool): Pick<DeviceStore, 'recordFunnel' | 'readFunnel' | 'readFunnelByDevice'> {
  return {
    async recordFunnel(deviceId, kioskId, place, days, receivedAt) {
      if (days.length === 0) return;
      await inTransaction(pool, async (client) => {
        for (const day of days) {
          const key = [deviceId, kioskId.toLowerCase(), day.day, day.definitionId, day.definitionVersion];
          // Cumulative counts: the larger of stored and sent wins, so a retry or a late older report changes nothing.
          await client.query(
            `INSERT INTO funnel_days (device_id, kiosk_id, day, definition_id, definition_version, agency_code, counter_code,
               started, completed, completed_by_timeout, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (device_id, kiosk_id, day, definition_id, definition_version) DO UPDATE SET
               agency_code = excluded.agency_code, counter_code = excluded.counter_code,
               started = greatest(funnel_days.started, excluded.started), completed = greatest(funnel_days.completed, excluded.completed),
               completed_by_timeout = greatest(funnel_days.completed_by_timeout, excluded.completed_by_timeout), received_at = excluded.received_at`,
            [...key, place.agencyCode, place.counterCode, day.started, day.completed, day.completedByTimeout, receivedAt],
          );
          const entries = Object.entries(day.abandoned);
          if (entries.length === 0) continue;
          await client.query(
            `INSERT INTO funnel_abandoned (device_id, kiosk_id, day, definition_id, definition_version, question_id, abandoned)
             SELECT $1, $2, $3, $4, $5, q, n FROM unnest($6::text[], $7::bigint[]) AS a(q, n)
             ON CONFLICT (device_id, kiosk_id, day, definition_id, definition_version, question_id) DO UPDATE SET
               abandoned = greatest(funnel_abandoned.abandoned, excluded.abandoned)`,
            [...key, entries.map(([questionId]) => questionId), entries.map(([, abandoned]) => abandoned)],
          );
        }
      });
    },
    async readFunnel(filter = {}) {
      const where = whereOf(filter);
      // Both reads see one state of the tables, so counts arriving meanwhile cannot make them disagree.
      const { days, abandoned } = await inTransaction(
        pool,
        async (client) => ({
          days: (
            await client.query<FunnelDayRow>(
              `SELECT ${GROUP}, sum(d.started) AS started, sum(d.completed) AS completed, sum(d.completed_by_timeout) AS completed_by_timeout
               FROM funnel_days d ${where.sql} GROUP BY ${GROUP} ORDER BY ${GROUP}`,
              where.params,
            )
          ).rows,
          abandoned: (
            await client.query<AbandonedRow>(
              `SELECT ${GROUP}, a.question_id, sum(a.abandoned) AS abandoned
               FROM funnel_abandoned a
               JOIN funnel_days d USING (device_id, kiosk_id, day, definition_id, definition_version)
               ${where.sql} GROUP BY ${GROUP}, a.question_id ORDER BY ${GROUP}, a.question_id`,
              where.params,
            )
          ).rows,
        }),
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      );
      const rows = new Map<string, FunnelRow>();
      for (const row of days) {
        rows.set(groupKey(row), {
          day: row.day,
          agencyCode: row.agency_code,
          counterCode: row.counter_code,
          definitionId: row.definition_id,
          definitionVersion: row.definition_version,
          started: row.started,
          completed: row.completed,
          completedByTimeout: row.completed_by_timeout,
          abandoned: {},
        });
      }
      for (const row of abandoned) {
        const target = rows.get(groupKey(row));
        if (target) target.abandoned[row.question_id] = row.abandoned;
      }
      return [...rows.values()];
    },
    async readFunnelByDevice(fromDay) {
      const { totals, abandoned } = await inTransaction(
        pool,
        async (client) => ({
          totals: (
            await client.query<{ device_id: string; started: number; completed: number; completed_by_timeout: number }>(
              `SELECT d.device_id, sum(d.started) AS started, sum(d.completed) AS completed, sum(d.completed_by_timeout) AS completed_by_timeout
               FROM funnel_days d WHERE d.day >= $1 GROUP BY d.device_id ORDER BY d.device_id`,
              [fromDay],
            )
          ).rows,
          abandoned: (
            await client.query<{ device_id: string; question_id: string; abandoned: number }>(
              `SELECT a.device_id, a.question_id, sum(a.abandoned) AS abandoned
               FROM funnel_abandoned a WHERE a.day >= $1 GROUP BY a.device_id, a.question_id ORDER BY a.device_id, a.question_id`,
              [fromDay],
            )
          ).rows,
        }),
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      );
      const byDevice = new Map<string, DeviceFunnelTotals>();
      for (const row of totals) {
        byDevice.set(row.device_id, { deviceId: row.device_id, started: row.started, completed: row.completed, completedByTimeout: row.completed_by_timeout, abandoned: {} });
      }
      for (const row of abandoned) {
        const target = byDevice.get(row.device_id);
        if (target) target.abandoned[row.question_id] = row.abandoned;
      }
      return [...byDevice.values()];
    },
  };
}
