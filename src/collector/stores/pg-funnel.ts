import type pg from 'pg';
import { inTransaction } from './pg-pool';
import type { DeviceStore, FunnelFilter } from './store';
import { FUNNEL_GROUP, deviceFunnelTotalsOf, funnelRowsOf, type DeviceAbandonedRow, type DeviceTotalsRow, type FunnelAbandonedRow, type FunnelDayRow } from './funnel-rows';

/*
 * The drop-off funnel's queries on PostgreSQL (the semantics of sqlite-funnel.ts): cumulative counts
 * upserted keeping the larger of stored and sent, read summed per day, place and definition version.
 */

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

const GROUP = FUNNEL_GROUP;

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
            await client.query<FunnelAbandonedRow>(
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
      return funnelRowsOf(days, abandoned);
    },
    async readFunnelByDevice(fromDay) {
      const { totals, abandoned } = await inTransaction(
        pool,
        async (client) => ({
          totals: (
            await client.query<DeviceTotalsRow>(
              `SELECT d.device_id, sum(d.started) AS started, sum(d.completed) AS completed, sum(d.completed_by_timeout) AS completed_by_timeout
               FROM funnel_days d WHERE d.day >= $1 GROUP BY d.device_id ORDER BY d.device_id`,
              [fromDay],
            )
          ).rows,
          abandoned: (
            await client.query<DeviceAbandonedRow>(
              `SELECT a.device_id, a.question_id, sum(a.abandoned) AS abandoned
               FROM funnel_abandoned a WHERE a.day >= $1 GROUP BY a.device_id, a.question_id ORDER BY a.device_id, a.question_id`,
              [fromDay],
            )
          ).rows,
        }),
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      );
      return deviceFunnelTotalsOf(totals, abandoned);
    },
  };
}
