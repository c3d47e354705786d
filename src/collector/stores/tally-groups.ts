/*
 * The dialect-neutral half of the scoring tallies: which tally rows (keys) a response counts in, the
 * flat numbers of a row (response counts and the answers vector of the definition's layout), how a
 * batch or a recomputation gathers responses by group, and how flat rows add and compare. SQLite
 * (sqlite-tallies.ts) and PostgreSQL (pg-tallies.ts) differ only in the SQL that stores these numbers,
 * so both compute identical tallies from the same rows.
 */
import { vietnamDay } from '../../shared/l10n';
import {
  addTallyToFlat,
  giveBackAccumulator,
  takeAccumulator,
  tallyLayout,
  type ScoreAccumulator,
  type SurveyDefinition,
  type SurveyResponse,
} from '../../shared/survey';
import { TALLY_FLAG_BITS, TALLY_SERVICE_FIELD_QUESTION, type TallyDifference } from './store';

/** The roll-up bits: which of a group's place and field are summed over. */
export const ROLLUP_AGENCY = 1;
export const ROLLUP_COUNTER = 2;
export const ROLLUP_FIELD = 4;
const ROLLUPS = [0, 1, 2, 3, 4, 5, 6, 7] as const;
export const NO_ANSWERS = new Uint32Array(0);
/** Largest count a stored answers slot holds (uint32): far above any one tally row's responses. */
export const MAX_SLOT_COUNT = 0xffff_ffff;

/** What a tally is kept for: the response's part that decides its groups, and its answers. */
export interface TallySource {
  definitionId: string;
  definitionVersion: number;
  status: SurveyResponse['status'];
  agencyCode: string;
  counterCode: string;
  answers: SurveyResponse['answers'];
  /** The optional sections switched off on its tablet: their questions count as not asked. */
  sectionsOff?: readonly string[];
  /** TALLY_FLAG_BITS of the flags it carries. */
  flags: number;
  placedAt: string;
}

/** The key columns of one tally row, in primary-key order. */
export type TallyKey = [definitionId: string, rollup: number, agency: string, counter: string, field: string, period: string, version: number, flags: number];

/** One tally row's numbers: the response counts and the answers vector (empty: counts only). */
export interface FlatTally {
  responses: number;
  partial: number;
  otherDefinition: number;
  answers: Uint32Array;
  /** The slots of `answers` that are not 0, when known: a group of a few responses adds only those to its 16 rows. */
  nonZero?: Int32Array;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The service field answer a response is grouped by ('' when it has none). */
function serviceFieldOf(answers: SurveyResponse['answers']): string {
  const value = hasOwn.call(answers, TALLY_SERVICE_FIELD_QUESTION) ? answers[TALLY_SERVICE_FIELD_QUESTION] : undefined;
  return typeof value === 'string' ? value : '';
}

/** Responses of one definition version, place, field, flags and day: the finest group. */
interface BaseGroup {
  definitionId: string;
  definitionVersion: number;
  agencyCode: string;
  counterCode: string;
  field: string;
  day: string;
  flags: number;
  /** The definition the answers are tallied with; null: counts only. */
  definition: SurveyDefinition | null;
  /** Counts the group's responses (null: counts only, in `counts`). */
  accumulator: ScoreAccumulator | null;
  counts: { responses: number; partial: number };
}

/** The 16 rows a group of responses counts in: each roll-up, by day and by month. */
function keysOf(base: BaseGroup): TallyKey[] {
  const keys: TallyKey[] = [];
  for (const rollup of ROLLUPS) {
    const agency = rollup & ROLLUP_AGENCY ? '' : base.agencyCode;
    const counter = rollup & ROLLUP_COUNTER ? '' : base.counterCode;
    const byField = rollup & ROLLUP_FIELD ? '' : base.field;
    for (const period of [base.day, base.day.slice(0, 7)]) keys.push([base.definitionId, rollup, agency, counter, byField, period, base.definitionVersion, base.flags]);
  }
  return keys;
}

/** The flat form of a group's counts: the accumulator's tally placed in the definition's layout, once per group. */
function flatOfGroup(base: BaseGroup): FlatTally {
  if (!base.accumulator || !base.definition) return { responses: base.counts.responses, partial: base.counts.partial, otherDefinition: 0, answers: NO_ANSWERS };
  const tally = base.accumulator.tally();
  const layout = tallyLayout(base.definition);
  const sums = new Float64Array(layout.size);
  addTallyToFlat(layout, tally, sums);
  const answers = new Uint32Array(layout.size);
  const nonZero: number[] = [];
  for (let i = 0; i < sums.length; i++) {
    if (sums[i] === 0) continue;
    answers[i] = sums[i];
    nonZero.push(i);
  }
  return { responses: tally.responses, partial: tally.partial, otherDefinition: tally.otherDefinition, answers, nonZero: Int32Array.from(nonZero) };
}

/**
 * `from` added into `into`. Answers of one layout add number by number; counts only (an empty vector)
 * on either side leaves the answers incomplete, which the caller marks stale (see `complete`).
 */
export function addFlat(into: FlatTally, from: FlatTally): { into: FlatTally; complete: boolean } {
  into.responses += from.responses;
  into.partial += from.partial;
  into.otherDefinition += from.otherDefinition;
  if (from.answers.length === into.answers.length) {
    const a = into.answers;
    const b = from.answers;
    const add = (i: number) => {
      const sum = a[i] + b[i];
      if (sum > MAX_SLOT_COUNT) throw new Error(`tally: a count of ${sum} does not fit a stored tally`);
      a[i] = sum;
    };
    if (from.nonZero) for (const i of from.nonZero) add(i);
    else for (let i = 0; i < b.length; i++) if (b[i] !== 0) add(i);
    into.nonZero = undefined;
    return { into, complete: true };
  }
  // One side kept counts only (or, never expected, another layout): keep counts only until recomputed.
  into.answers = NO_ANSWERS;
  return { into, complete: false };
}

/**
 * Responses gathered by group, as a batch or a recomputation gathers them before writing: each
 * response is added once, to an accumulator of its finest group; the roll-ups are summed from the
 * groups' flat forms when written.
 */
export class TallyGroups {
  private readonly base = new Map<string, BaseGroup>();
  add(source: TallySource, definition: SurveyDefinition | undefined): void {
    const day = vietnamDay(source.placedAt);
    const field = serviceFieldOf(source.answers);
    const id = `${source.definitionId}\u0000${source.definitionVersion}\u0000${source.agencyCode}\u0000${source.counterCode}\u0000${field}\u0000${day}\u0000${source.flags}`;
    let group = this.base.get(id);
    if (!group) {
      const { definitionId, definitionVersion, agencyCode, counterCode, flags } = source;
      group = {
        definitionId,
        definitionVersion,
        agencyCode,
        counterCode,
        field,
        day,
        flags,
        definition: definition ?? null,
        accumulator: definition ? takeAccumulator(definition) : null,
        counts: { responses: 0, partial: 0 },
      };
      this.base.set(id, group);
    }
    if (group.accumulator) group.accumulator.add(source);
    else if (source.status === 'complete') group.counts.responses++;
    else group.counts.partial++;
  }
  /** Every row key with its summed flat tally and whether its answers are complete; gives the accumulators back. */
  rows(): Map<string, { key: TallyKey; flat: FlatTally; complete: boolean }> {
    const rows = new Map<string, { key: TallyKey; flat: FlatTally; complete: boolean }>();
    for (const base of this.base.values()) {
      const flat = flatOfGroup(base);
      if (base.accumulator && base.definition) giveBackAccumulator(base.definition, base.accumulator);
      base.accumulator = null;
      for (const key of keysOf(base)) {
        const id = key.join('\u0000');
        const row = rows.get(id);
        if (row) row.complete = addFlat(row.flat, flat).complete && row.complete;
        else rows.set(id, { key, flat: { ...flat, answers: flat.answers.slice() }, complete: true });
        // (The copy keeps the group's nonZero: adding more groups to it then clears it.)
      }
    }
    this.base.clear();
    return rows;
  }
}

/** The response columns a tally source is read from, in tallySourceOfRow's order (PostgreSQL casts its booleans to 0/1). */
export const TALLY_SOURCE_COLUMNS = [
  'definition_id', 'definition_version', 'status', 'agency_code', 'counter_code', 'answers_json',
  'flag_too_fast', 'flag_below_min_interval', 'flag_place_mismatch', 'flag_clock_skew', 'placed_at', 'ended_by', 'sections_off',
] as const;

/**
 * A stored response row as a tally source. Both dialects select TALLY_SOURCE_COLUMNS in this order
 * (flags as 0/1, sections_off as its JSON text), so a row scores the same whichever store read it.
 */
export function tallySourceOfRow(row: unknown[]): TallySource {
  return {
    definitionId: row[0] as string,
    definitionVersion: row[1] as number,
    status: row[2] as SurveyResponse['status'],
    agencyCode: row[3] as string,
    counterCode: row[4] as string,
    answers: JSON.parse(row[5] as string) as SurveyResponse['answers'],
    flags:
      (row[6] === 1 ? TALLY_FLAG_BITS.tooFast : 0) |
      (row[7] === 1 ? TALLY_FLAG_BITS.belowMinInterval : 0) |
      (row[8] === 1 ? TALLY_FLAG_BITS.placeMismatch : 0) |
      (row[9] === 1 ? TALLY_FLAG_BITS.clockSkew : 0) |
      (row[11] === 'timeout' ? TALLY_FLAG_BITS.endedByTimeout : 0),
    placedAt: row[10] as string,
    ...(row[12] === null ? {} : { sectionsOff: JSON.parse(row[12] as string) as string[] }),
  };
}

export function sameFlat(a: FlatTally, b: FlatTally): boolean {
  if (a.responses !== b.responses || a.partial !== b.partial || a.otherDefinition !== b.otherDefinition || a.answers.length !== b.answers.length) return false;
  for (let i = 0; i < a.answers.length; i++) if (a.answers[i] !== b.answers[i]) return false;
  return true;
}

export function keyObject(key: TallyKey): TallyDifference['key'] {
  const [definitionId, rollup, agencyCode, counterCode, serviceField, period, definitionVersion, flags] = key;
  return { definitionId, rollup, agencyCode, counterCode, serviceField, period, definitionVersion, flags };
}

/** The last day of a YYYY-MM month. */
export function lastDayOf(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
}

export function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

export function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}

/** TALLY_FLAG_BITS of what a response carries: the kiosk's flags, the collector's, and ended by the timeout. */
export function tallyFlagBits(
  flags: { tooFast: boolean; belowMinInterval: boolean },
  collector: { placeMismatch: boolean; clockSkew: boolean },
  endedBy: SurveyResponse['endedBy'],
): number {
  return (
    (flags.tooFast ? TALLY_FLAG_BITS.tooFast : 0) |
    (flags.belowMinInterval ? TALLY_FLAG_BITS.belowMinInterval : 0) |
    (collector.placeMismatch ? TALLY_FLAG_BITS.placeMismatch : 0) |
    (collector.clockSkew ? TALLY_FLAG_BITS.clockSkew : 0) |
    (endedBy === 'timeout' ? TALLY_FLAG_BITS.endedByTimeout : 0)
  );
}
