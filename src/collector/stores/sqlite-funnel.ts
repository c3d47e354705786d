import type Database from 'better-sqlite3';
import type { FunnelDay } from '../../shared/wire';
import type { DeviceFunnelTotals, DeviceStore, FunnelFilter, FunnelRow } from './store';

/** A summed funnel_days group as SQLite returns it. */
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

interface DeviceTotalsRow {
  device_id: string;
  started: number;
  completed: number;
  completed_by_timeout: number;
}

interface DeviceAbandonedRow {
  device_id: string;
  question_id: string;
  abandoned: number;
}

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

const GROUP = 'd.day, d.agency_code, d.counter_code, d.definition_id, d.definition_version';
const groupKey = (row: { day: string; agency_code: string; counter_code: string; definition_id: string; definition_version: number }) =>
  JSON.stringify([row.day, row.agency_code, row.counter_code, row.definition_id, row.definition_version]);

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
          .prepare<Array<string | number>, AbandonedRow>(
            `SELECT ${GROUP}, a.question_id, sum(a.abandoned) AS abandoned
             FROM funnel_abandoned a
             JOIN funnel_days d USING (device_id, kiosk_id, day, definition_id, definition_version)
             ${where.sql} GROUP BY ${GROUP}, a.question_id ORDER BY ${GROUP}, a.question_id`,
          )
          .all(...where.params),
      }));
      const { days, abandoned } = read();
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
      const read = db.transaction(() => ({ totals: byDeviceTotals.all(fromDay), abandoned: byDeviceAbandoned.all(fromDay) }));
      const { totals, abandoned } = read();
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
