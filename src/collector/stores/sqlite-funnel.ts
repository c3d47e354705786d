import type Database from 'better-sqlite3';
import type { FunnelDay } from '../../shared/wire';
import type { DeviceStore, FunnelFilter } from './store';
import { FUNNEL_GROUP, deviceFunnelTotalsOf, funnelRowsOf, type DeviceAbandonedRow, type DeviceTotalsRow, type FunnelAbandonedRow, type FunnelDayRow } from './funnel-rows';

/** The WHERE clause (over funnel_days as d) and its parameters for a filter; every value a parameter. */
function whereOf(filter: FunnelFilter): { sql: string; params: Array<string | number> } {
  const conditions: string[] = [];
  const params: Array<string | number> = [];
  const add = (condition: string, value: string | number | undefined) => {
    if (value === undefined) return;
    conditions.push(condition);
    params.push(value);
  };
  add('d.day >= ?', filter.fromDay);
  add('d.day <= ?', filter.toDay);
  add('d.agency_code = ?', filter.agencyCode);
  add('d.counter_code = ?', filter.counterCode);
  add('d.definition_id = ?', filter.definitionId);
  if (filter.definitionId !== undefined) add('d.definition_version = ?', filter.definitionVersion);
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

const GROUP = FUNNEL_GROUP;

/** The funnel queries of the device store (funnel_days and funnel_abandoned, migration 0008). */
export function sqliteFunnelQueries(db: Database.Database): Pick<DeviceStore, 'recordFunnel' | 'readFunnel' | 'readFunnelByDevice'> {
  // Cumulative counts: the larger of stored and sent wins, so a retry or a late older report changes nothing.
  const upsertDay = db.prepare(
    `INSERT INTO funnel_days (device_id, kiosk_id, day, definition_id, definition_version, agency_code, counter_code,
       started, completed, completed_by_timeout, received_at)
     VALUES (@deviceId, @kioskId, @day, @definitionId, @definitionVersion, @agencyCode, @counterCode,
       @started, @completed, @completedByTimeout, @receivedAt)
     ON CONFLICT (device_id, kiosk_id, day, definition_id, definition_version) DO UPDATE SET
       agency_code = excluded.agency_code, counter_code = excluded.counter_code,
       started = max(started, excluded.started), completed = max(completed, excluded.completed),
       completed_by_timeout = max(completed_by_timeout, excluded.completed_by_timeout), received_at = excluded.received_at`,
  );
  const upsertAbandoned = db.prepare(
    `INSERT INTO funnel_abandoned (device_id, kiosk_id, day, definition_id, definition_version, question_id, abandoned)
     VALUES (@deviceId, @kioskId, @day, @definitionId, @definitionVersion, @questionId, @abandoned)
     ON CONFLICT (device_id, kiosk_id, day, definition_id, definition_version, question_id) DO UPDATE SET
       abandoned = max(abandoned, excluded.abandoned)`,
  );
  const record = db.transaction(
    (deviceId: string, kioskId: string, place: { agencyCode: string; counterCode: string }, days: readonly FunnelDay[], receivedAt: string) => {
      for (const day of days) {
        const key = { deviceId, kioskId: kioskId.toLowerCase(), day: day.day, definitionId: day.definitionId, definitionVersion: day.definitionVersion };
        upsertDay.run({ ...key, ...place, started: day.started, completed: day.completed, completedByTimeout: day.completedByTimeout, receivedAt });
        for (const [questionId, abandoned] of Object.entries(day.abandoned)) upsertAbandoned.run({ ...key, questionId, abandoned });
      }
    },
  );
  const byDeviceTotals = db.prepare<[string], DeviceTotalsRow>(
    `SELECT d.device_id, sum(d.started) AS started, sum(d.completed) AS completed, sum(d.completed_by_timeout) AS completed_by_timeout
     FROM funnel_days d WHERE d.day >= ? GROUP BY d.device_id ORDER BY d.device_id`,
  );
  const byDeviceAbandoned = db.prepare<[string], DeviceAbandonedRow>(
    `SELECT a.device_id, a.question_id, sum(a.abandoned) AS abandoned
     FROM funnel_abandoned a WHERE a.day >= ? GROUP BY a.device_id, a.question_id ORDER BY a.device_id, a.question_id`,
  );

  return {
    async recordFunnel(deviceId, kioskId, place, days, receivedAt) {
      if (days.length > 0) record(deviceId, kioskId, place, days, receivedAt);
    },
    async readFunnel(filter = {}) {
      const where = whereOf(filter);
      // Both reads in one transaction, so counts arriving meanwhile cannot make them disagree.
      const read = db.transaction(() => ({
        days: db
          .prepare<Array<string | number>, FunnelDayRow>(
            `SELECT ${GROUP}, sum(d.started) AS started, sum(d.completed) AS completed, sum(d.completed_by_timeout) AS completed_by_timeout
             FROM funnel_days d ${where.sql} GROUP BY ${GROUP} ORDER BY ${GROUP}`,
          )
          .all(...where.params),
        abandoned: db
          .prepare<Array<string | number>, FunnelAbandonedRow>(
            `SELECT ${GROUP}, a.question_id, sum(a.abandoned) AS abandoned
             FROM funnel_abandoned a
             JOIN funnel_days d USING (device_id, kiosk_id, day, definition_id, definition_version)
             ${where.sql} GROUP BY ${GROUP}, a.question_id ORDER BY ${GROUP}, a.question_id`,
          )
          .all(...where.params),
      }));
      const { days, abandoned } = read();
      return funnelRowsOf(days, abandoned);
    },
    async readFunnelByDevice(fromDay) {
      const read = db.transaction(() => ({ totals: byDeviceTotals.all(fromDay), abandoned: byDeviceAbandoned.all(fromDay) }));
      const { totals, abandoned } = read();
      return deviceFunnelTotalsOf(totals, abandoned);
    },
  };
}
