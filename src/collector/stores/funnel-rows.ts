import type { DeviceFunnelTotals, FunnelRow } from './store';

/*
 * The drop-off funnel's rows as both dialects' queries return them, and their assembly into the
 * store's shapes: one implementation, so SQLite and PostgreSQL answer readFunnel identically.
 */

/** A summed funnel_days group (per day, place and definition version). */
export interface FunnelDayRow {
  day: string;
  agency_code: string;
  counter_code: string;
  definition_id: string;
  definition_version: number;
  started: number;
  completed: number;
  completed_by_timeout: number;
}

/** Summed abandonments of one question in a funnel_days group. */
export interface FunnelAbandonedRow {
  day: string;
  agency_code: string;
  counter_code: string;
  definition_id: string;
  definition_version: number;
  question_id: string;
  abandoned: number;
}

/** A device's summed counts since a day. */
export interface DeviceTotalsRow {
  device_id: string;
  started: number;
  completed: number;
  completed_by_timeout: number;
}

/** A device's summed abandonments of one question since a day. */
export interface DeviceAbandonedRow {
  device_id: string;
  question_id: string;
  abandoned: number;
}

/** The columns a funnel read groups by (over funnel_days as d). */
export const FUNNEL_GROUP = 'd.day, d.agency_code, d.counter_code, d.definition_id, d.definition_version';

const groupKey = (row: { day: string; agency_code: string; counter_code: string; definition_id: string; definition_version: number }) =>
  JSON.stringify([row.day, row.agency_code, row.counter_code, row.definition_id, row.definition_version]);

/** The groups with their abandonments per question, in the order the groups were read. */
export function funnelRowsOf(days: readonly FunnelDayRow[], abandoned: readonly FunnelAbandonedRow[]): FunnelRow[] {
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
}

/** Each device's totals with its abandonments per question, in the order the devices were read. */
export function deviceFunnelTotalsOf(totals: readonly DeviceTotalsRow[], abandoned: readonly DeviceAbandonedRow[]): DeviceFunnelTotals[] {
  const byDevice = new Map<string, DeviceFunnelTotals>();
  for (const row of totals) {
    byDevice.set(row.device_id, { deviceId: row.device_id, started: row.started, completed: row.completed, completedByTimeout: row.completed_by_timeout, abandoned: {} });
  }
  for (const row of abandoned) {
    const target = byDevice.get(row.device_id);
    if (target) target.abandoned[row.question_id] = row.abandoned;
  }
  return [...byDevice.values()];
}
