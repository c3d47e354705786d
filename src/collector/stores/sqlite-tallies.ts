/*
 * Scoring tallies on SQLite (migration 0009): kept at ingest in the batch's own transaction, read by
 * the report, recomputed from the rows for versions whose definition the store did not have, and
 * checked against the rows. The arithmetic is the shared survey module's (tallyResponse, addTally);
 * the SQL is a keyed read and an upsert of serialised tallies, which any dialect has.
 */
import type Database from 'better-sqlite3';
import { definitionKey } from '../../shared/ids';
import { vietnamDay } from '../../shared/l10n';
import { addTally, emptyTally, parseTally, serialiseTally, tallyResponse, type ScoreTally, type SurveyDefinition, type SurveyResponse } from '../../shared/survey';
import { TALLY_FLAG_BITS, TALLY_SERVICE_FIELD_QUESTION, type TallyDifference, type TallyQuery, type TallyRow } from './store';

/** The roll-up bits: which of a group's place and field are summed over. */
const ROLLUP_AGENCY = 1;
const ROLLUP_COUNTER = 2;
const ROLLUP_FIELD = 4;
const ROLLUPS = [0, 1, 2, 3, 4, 5, 6, 7] as const;

/** What a tally is kept for: the response's part that decides its groups, and its answers. */
export interface TallySource {
  definitionId: string;
  definitionVersion: number;
  status: SurveyResponse['status'];
  agencyCode: string;
  counterCode: string;
  answers: SurveyResponse['answers'];
  /** TALLY_FLAG_BITS of the flags it carries. */
  flags: number;
  placedAt: string;
}

/** The key columns of one tally row, in primary-key order. */
type TallyKey = [definitionId: string, rollup: number, agency: string, counter: string, field: string, period: string, version: number, flags: number];

const hasOwn = Object.prototype.hasOwnProperty;

/** The service field answer a response is grouped by ('' when it has none). */
function serviceFieldOf(answers: SurveyResponse['answers']): string {
  const value = hasOwn.call(answers, TALLY_SERVICE_FIELD_QUESTION) ? answers[TALLY_SERVICE_FIELD_QUESTION] : undefined;
  return typeof value === 'string' ? value : '';
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

/** Responses of one definition version, place, field, flags and day: the finest group. */
interface BaseGroup {
  definitionId: string;
  definitionVersion: number;
  agencyCode: string;
  counterCode: string;
  field: string;
  day: string;
  flags: number;
  tally: ScoreTally;
}

/** A response's tally when its definition is unknown: its count only. */
function countOnly(source: TallySource): ScoreTally {
  const tally = emptyTally();
  if (source.status === 'complete') tally.responses = 1;
  else tally.partial = 1;
  return tally;
}

/**
 * Tallies summed by row key, as a batch or a recomputation gathers them before writing: each response
 * is added once, to its finest group; the roll-ups are summed from the groups when written.
 */
class TallyGroups {
  private readonly base = new Map<string, BaseGroup>();
  add(source: TallySource, delta: ScoreTally): void {
    const day = vietnamDay(source.placedAt);
    const field = serviceFieldOf(source.answers);
    const id = `${source.definitionId}\u0000${source.definitionVersion}\u0000${source.agencyCode}\u0000${source.counterCode}\u0000${field}\u0000${day}\u0000${source.flags}`;
    const group = this.base.get(id);
    if (group) addTally(group.tally, delta);
    else {
      const tally = emptyTally();
      addTally(tally, delta);
      const { definitionId, definitionVersion, agencyCode, counterCode, flags } = source;
      this.base.set(id, { definitionId, definitionVersion, agencyCode, counterCode, field, day, flags, tally });
    }
  }
  /** Every row key with its summed tally. */
  get groups(): Map<string, { key: TallyKey; tally: ScoreTally }> {
    const rows = new Map<string, { key: TallyKey; tally: ScoreTally }>();
    for (const base of this.base.values()) {
      for (const key of keysOf(base)) {
        const id = JSON.stringify(key);
        const row = rows.get(id);
        if (row) addTally(row.tally, base.tally);
        else {
          const tally = emptyTally();
          addTally(tally, base.tally);
          rows.set(id, { key, tally });
        }
      }
    }
    return rows;
  }
}

/** The tally queries over one SQLite connection. */
export function sqliteTallies(db: Database.Database) {
  const statements = {
    read: db.prepare<TallyKey, { tally_json: string }>(
      `SELECT tally_json FROM tallies WHERE definition_id = ? AND rollup = ? AND agency_code = ? AND counter_code = ?
         AND service_field = ? AND period = ? AND definition_version = ? AND flags = ?`,
    ),
    write: db.prepare<[...TallyKey, string]>(
      `INSERT INTO tallies (definition_id, rollup, agency_code, counter_code, service_field, period, definition_version, flags, tally_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (definition_id, rollup, agency_code, counter_code, service_field, period, definition_version, flags)
       DO UPDATE SET tally_json = excluded.tally_json`,
    ),
    markStale: db.prepare<[string, number]>(
      `INSERT INTO tally_stale_versions (definition_id, definition_version, counts_kept) VALUES (?, ?, 1)
       ON CONFLICT (definition_id, definition_version) DO NOTHING`,
    ),
    stale: db.prepare<[string], { version: number; countsKept: number }>(
      'SELECT definition_version AS version, counts_kept AS countsKept FROM tally_stale_versions WHERE definition_id = ?',
    ),
    allStale: db.prepare<[], { id: string; version: number; countsKept: number }>(
      'SELECT definition_id AS id, definition_version AS version, counts_kept AS countsKept FROM tally_stale_versions',
    ),
    clearStale: db.prepare<[string, number]>('DELETE FROM tally_stale_versions WHERE definition_id = ? AND definition_version = ?'),
    setCountsKept: db.prepare<[string, number]>('UPDATE tally_stale_versions SET counts_kept = 1 WHERE definition_id = ? AND definition_version = ?'),
    deleteVersion: db.prepare<[string, number]>('DELETE FROM tallies WHERE definition_id = ? AND definition_version = ?'),
    versionRows: db
      .prepare<[string, number]>(
        `SELECT definition_id, definition_version, status, agency_code, counter_code, answers_json,
           flag_too_fast, flag_below_min_interval, flag_place_mismatch, flag_clock_skew, placed_at
         FROM responses WHERE definition_id = ? AND definition_version = ?`,
      )
      .raw(true),
    allRows: db
      .prepare<[]>(
        `SELECT definition_id, definition_version, status, agency_code, counter_code, answers_json,
           flag_too_fast, flag_below_min_interval, flag_place_mismatch, flag_clock_skew, placed_at
         FROM responses`,
      )
      .raw(true),
    allTallies: db.prepare<[], { key: string; tally_json: string }>(
      `SELECT json_array(definition_id, rollup, agency_code, counter_code, service_field, period, definition_version, flags) AS key, tally_json FROM tallies`,
    ),
  };
  /** The definitions the store tallies answers with, by id@version. */
  const known = new Map<string, SurveyDefinition>();

  function sourceOfRow(row: unknown[]): TallySource {
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
        (row[9] === 1 ? TALLY_FLAG_BITS.clockSkew : 0),
      placedAt: row[10] as string,
    };
  }

  function deltaOf(source: TallySource, definition: SurveyDefinition | undefined): ScoreTally {
    return definition ? tallyResponse(definition, source) : countOnly(source);
  }

  function writeGroups(groups: TallyGroups, merge: boolean): void {
    for (const { key, tally } of groups.groups.values()) {
      let total = tally;
      if (merge) {
        const stored = statements.read.get(...key);
        if (stored) {
          total = parseTally(stored.tally_json);
          addTally(total, tally);
        }
      }
      statements.write.run(...key, serialiseTally(total));
    }
  }

  /** Recomputes one version's tallies from its rows (answers too when `definition` is given). Inside a write transaction. */
  function recompute(definitionId: string, version: number, definition: SurveyDefinition | undefined): void {
    const groups = new TallyGroups();
    for (const row of statements.versionRows.iterate(definitionId, version) as IterableIterator<unknown[]>) {
      const source = sourceOfRow(row);
      groups.add(source, deltaOf(source, definition));
    }
    statements.deleteVersion.run(definitionId, version);
    writeGroups(groups, false);
    if (definition) statements.clearStale.run(definitionId, version);
    else statements.setCountsKept.run(definitionId, version);
  }

  /** Brings the stale versions of `definitionId` up to date with what `definitions` allows. */
  const refresh = db.transaction((definitionId: string | null, definitions: readonly SurveyDefinition[]) => {
    const byKey = new Map(definitions.map((d) => [definitionKey(d.id, d.version), d]));
    const stale = definitionId === null ? statements.allStale.all() : statements.stale.all(definitionId).map((s) => ({ ...s, id: definitionId }));
    for (const { id, version, countsKept } of stale) {
      const definition = byKey.get(definitionKey(id, version));
      if (definition) recompute(id, version, definition);
      else if (countsKept === 0) recompute(id, version, undefined);
    }
  });

  return {
    /** A batch's tally writer: `add` each stored response, then `flush` once, inside the ingest transaction. */
    batch() {
      const groups = new TallyGroups();
      return {
        add(source: TallySource): void {
          const definition = known.get(definitionKey(source.definitionId, source.definitionVersion));
          if (!definition) statements.markStale.run(source.definitionId, source.definitionVersion);
          groups.add(source, deltaOf(source, definition));
        },
        flush(): void {
          writeGroups(groups, true);
        },
      };
    },

    /** The store tallies answers with these definitions from now on, and recomputes the stale versions among them. */
    useDefinitions(definitions: readonly SurveyDefinition[]): void {
      for (const definition of definitions) known.set(definitionKey(definition.id, definition.version), definition);
      refresh.immediate(null, [...known.values()]);
    },

    readTallies(query: TallyQuery): TallyRow[] {
      // Only a version that is stale pays a write transaction; otherwise this is one read.
      if (statements.stale.all(query.definitionId).length > 0) refresh.immediate(query.definitionId, query.definitions);
      return readTallyRows(db, query);
    },

    /** Recomputes every tally from the rows, in memory, and lists where the stored ones differ. */
    checkTallies(definitions: readonly SurveyDefinition[]): TallyDifference[] {
      const byKey = new Map(definitions.map((d) => [definitionKey(d.id, d.version), d]));
      const read = db.transaction(() => {
        const stale = new Set(statements.allStale.all().map((s) => definitionKey(s.id, s.version)));
        const groups = new TallyGroups();
        for (const row of statements.allRows.iterate() as IterableIterator<unknown[]>) {
          const source = sourceOfRow(row);
          const key = definitionKey(source.definitionId, source.definitionVersion);
          // A stale version's tallies hold only counts until its definition is given: expect exactly that.
          groups.add(source, deltaOf(source, stale.has(key) ? undefined : byKey.get(key)));
        }
        const stored = new Map(statements.allTallies.all().map((row) => [row.key, row.tally_json]));
        return { groups, stored };
      });
      const { groups, stored } = read();
      const differences: TallyDifference[] = [];
      for (const [id, { key, tally }] of groups.groups) {
        const expected = serialiseTally(tally);
        const found = stored.get(JSON.stringify(key));
        stored.delete(JSON.stringify(key));
        if (found === undefined || !sameTally(found, tally)) differences.push({ key: keyObject(key), stored: found ?? null, expected });
        void id;
      }
      for (const [keyText, found] of stored) differences.push({ key: keyObject(JSON.parse(keyText) as TallyKey), stored: found, expected: null });
      return differences;
    },
  };
}

function sameTally(storedJson: string, expected: ScoreTally): boolean {
  try {
    const stored = parseTally(storedJson);
    const both = emptyTally();
    addTally(both, expected);
    // Equal when each is the other's sum with nothing: compare the serialised forms of canonical copies.
    return serialiseTally(sorted(stored)) === serialiseTally(sorted(both));
  } catch {
    return false; // an unreadable row is a difference, reported as such
  }
}

/** A copy with every key sorted, so two equal tallies serialise alike. */
function sorted(tally: ScoreTally): ScoreTally {
  const sortKeys = <T>(record: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const choices: ScoreTally['choices'] = {};
  for (const [id, c] of Object.entries(sortKeys(tally.choices))) choices[id] = { ...c, counts: sortKeys(c.counts) };
  return { ...tally, items: sortKeys(tally.items), respondents: sortKeys(tally.respondents), choices };
}

function keyObject(key: TallyKey): TallyDifference['key'] {
  const [definitionId, rollup, agencyCode, counterCode, serviceField, period, definitionVersion, flags] = key;
  return { definitionId, rollup, agencyCode, counterCode, serviceField, period, definitionVersion, flags };
}

/** The last day of a YYYY-MM month. */
function lastDayOf(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
}

/**
 * The tally rows of a query, summed by version, flags and month: whole months from the month roll-up,
 * the days of a month the period cuts from the day rows, both of the roll-up that matches the place
 * and field filters.
 */
function readTallyRows(db: Database.Database, query: TallyQuery): TallyRow[] {
  const rollup = (query.agencyCode === undefined ? ROLLUP_AGENCY : 0) | (query.counterCode === undefined ? ROLLUP_COUNTER : 0) | (query.serviceField === undefined ? ROLLUP_FIELD : 0);
  const params: Record<string, unknown> = {
    definitionId: query.definitionId,
    rollup,
    agency: query.agencyCode ?? '',
    counter: query.counterCode ?? '',
    field: query.serviceField ?? '',
  };
  const conditions = ['definition_id = @definitionId', 'rollup = @rollup', 'agency_code = @agency', 'counter_code = @counter', 'service_field = @field'];
  if (query.definitionVersion !== undefined) {
    conditions.push('definition_version = @version');
    params.version = query.definitionVersion;
  }
  // Periods: months wholly inside [from, to] by their roll-up, the rest by their days.
  const from = query.fromDay;
  const to = query.toDay;
  const ranges: string[] = [];
  const firstWhole = from === undefined ? '0000-00' : from.endsWith('-01') ? from.slice(0, 7) : nextMonth(from.slice(0, 7));
  const lastWhole = to === undefined ? '9999-99' : to === lastDayOf(to.slice(0, 7)) ? to.slice(0, 7) : previousMonth(to.slice(0, 7));
  if (firstWhole <= lastWhole) {
    ranges.push('(length(period) = 7 AND period BETWEEN @firstWhole AND @lastWhole)');
    Object.assign(params, { firstWhole, lastWhole });
    if (from !== undefined && from.slice(0, 7) < firstWhole) {
      ranges.push('(length(period) = 10 AND period BETWEEN @from AND @fromMonthEnd)');
      Object.assign(params, { from, fromMonthEnd: lastDayOf(from.slice(0, 7)) });
    }
    if (to !== undefined && to.slice(0, 7) > lastWhole) {
      ranges.push('(length(period) = 10 AND period BETWEEN @toMonthStart AND @to)');
      Object.assign(params, { toMonthStart: `${to.slice(0, 7)}-01`, to });
    }
  } else {
    // No whole month inside: the days of at most two months.
    ranges.push('(length(period) = 10 AND period BETWEEN @from AND @to)');
    Object.assign(params, { from: from ?? '0000-00-00', to: to ?? '9999-99-99' });
  }
  conditions.push(`(${ranges.join(' OR ')})`);
  const rows = db
    .prepare<Record<string, unknown>, { version: number; flags: number; period: string; tally_json: string }>(
      `SELECT definition_version AS version, flags, period, tally_json FROM tallies WHERE ${conditions.join(' AND ')}`,
    )
    .all(params);
  const summed = new Map<string, TallyRow>();
  for (const row of rows) {
    const month = row.period.slice(0, 7);
    const id = `${row.version}\u0000${row.flags}\u0000${month}`;
    const tally = parseTally(row.tally_json);
    const found = summed.get(id);
    if (found) addTally(found.tally, tally);
    else summed.set(id, { definitionVersion: row.version, flags: row.flags, month, tally });
  }
  return [...summed.values()];
}

function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}
