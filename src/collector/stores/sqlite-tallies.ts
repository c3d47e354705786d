/*
 * Scoring tallies on SQLite (migration 0009): kept at ingest in the batch's own transaction, read by
 * the report, recomputed from the rows for versions whose definition the store did not have, and
 * checked against the rows. The arithmetic is the shared survey module's (its accumulator, the flat
 * tally layout); the SQL is a keyed read and an upsert of plain numbers and one blob, which any
 * dialect has. Ingest adds each response straight into an accumulator of its group, and each tally
 * row of the batch is read and written once, as numbers: no tally object per response and no JSON
 * parse or serialise per row.
 */
import type Database from 'better-sqlite3';
import { definitionKey } from '../../shared/ids';
import { serialiseTally, tallyFromFlat, tallyLayout, TALLY_LAYOUT_VERSION, type SurveyDefinition, type TallyLayout } from '../../shared/survey';
import type { PlaceTallyQuery, PlaceTallyRow, TallyDifference, TallyQuery, TallyRow } from './store';
import {
  addFlat,
  keyObject,
  lastDayOf,
  nextMonth,
  NO_ANSWERS,
  previousMonth,
  ROLLUP_AGENCY,
  ROLLUP_COUNTER,
  ROLLUP_FIELD,
  sameFlat,
  TALLY_SOURCE_COLUMNS,
  TallyGroups,
  tallySourceOfRow,
  type FlatTally,
  type TallyKey,
  type TallySource,
} from './tally-groups';

export type { TallySource } from './tally-groups';

/**
 * The answers vector as stored: uint32, little-endian (what every platform Node runs on uses
 * natively; half the bytes of float64, and every byte of a row is rewritten at each batch).
 */
function answersBlob(answers: Uint32Array): Buffer {
  return Buffer.from(answers.buffer, answers.byteOffset, answers.byteLength);
}

/** A stored answers blob as a vector (copied: a Buffer from the driver need not be 4-byte aligned). */
function answersOf(blob: Buffer): Uint32Array {
  if (blob.byteLength % 4 !== 0) throw new Error(`tally: an answers blob of ${blob.byteLength} bytes is no uint32 vector`);
  const counts = new Uint32Array(blob.byteLength / 4);
  new Uint8Array(counts.buffer).set(blob);
  return counts;
}

/** Rows read per page by a recomputation. */
const RECOMPUTE_PAGE_ROWS = 5_000;
/**
 * Rows whose groups a recomputation holds before adding them into the stored rows: a few tens of MB of
 * accumulators at most, and few enough flushes that re-reading a month's roll-up rows stays cheap.
 */
const RECOMPUTE_FLUSH_ROWS = 50_000;

/** The tally queries over one SQLite connection. */
export function sqliteTallies(db: Database.Database) {
  const statements = {
    read: db.prepare<TallyKey, { responses: number; partial: number; otherDefinition: number; layout: number; answers: Buffer }>(
      `SELECT responses, partial, other_definition AS otherDefinition, layout, answers FROM tallies
       WHERE definition_id = ? AND rollup = ? AND agency_code = ? AND counter_code = ?
         AND service_field = ? AND period = ? AND definition_version = ? AND flags = ?`,
    ),
    write: db.prepare<[...TallyKey, number, number, number, number, Buffer]>(
      `INSERT INTO tallies (definition_id, rollup, agency_code, counter_code, service_field, period, definition_version, flags,
         responses, partial, other_definition, layout, answers)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (definition_id, rollup, agency_code, counter_code, service_field, period, definition_version, flags)
       DO UPDATE SET responses = excluded.responses, partial = excluded.partial, other_definition = excluded.other_definition,
         layout = excluded.layout, answers = excluded.answers`,
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
    otherLayouts: db.prepare<[number]>(
      `INSERT INTO tally_stale_versions (definition_id, definition_version, counts_kept)
         SELECT DISTINCT definition_id, definition_version, 0 FROM tallies WHERE layout <> ?
       ON CONFLICT (definition_id, definition_version) DO UPDATE SET counts_kept = 0`,
    ),
    // A page of one version's rows after a rowid (its last column): the recomputation reads in pages,
    // since better-sqlite3 cannot write while a statement's iterator is open.
    versionRowsPage: db
      .prepare<[string, number, number, number]>(
        `SELECT definition_id, definition_version, status, agency_code, counter_code, answers_json,
           flag_too_fast, flag_below_min_interval, flag_place_mismatch, flag_clock_skew, placed_at, ended_by, sections_off, rowid
         FROM responses WHERE definition_id = ? AND definition_version = ? AND rowid > ? ORDER BY rowid LIMIT ?`,
      )
      .raw(true),
    allRows: db
      .prepare<[]>(
        `SELECT definition_id, definition_version, status, agency_code, counter_code, answers_json,
           flag_too_fast, flag_below_min_interval, flag_place_mismatch, flag_clock_skew, placed_at, ended_by, sections_off
         FROM responses`,
      )
      .raw(true),
    allTallies: db.prepare<[], { definitionId: string; rollup: number; agency: string; counter: string; field: string; period: string; version: number; flags: number; responses: number; partial: number; otherDefinition: number; layout: number; answers: Buffer }>(
      `SELECT definition_id AS definitionId, rollup, agency_code AS agency, counter_code AS counter, service_field AS field, period,
         definition_version AS version, flags, responses, partial, other_definition AS otherDefinition, layout, answers FROM tallies`,
    ),
  };
  /** The definitions the store tallies answers with, by id@version. */
  const known = new Map<string, SurveyDefinition>();

  // Tallies kept by a collector with another flat layout are recomputed from the rows, never misread.
  db.transaction(() => statements.otherLayouts.run(TALLY_LAYOUT_VERSION)).immediate();

  function writeRows(groups: TallyGroups, merge: boolean): void {
    for (const { key, flat, complete } of groups.rows().values()) {
      let total = flat;
      let answersComplete = complete;
      if (merge) {
        const stored = statements.read.get(...key);
        if (stored) {
          const sum = addFlat({ responses: stored.responses, partial: stored.partial, otherDefinition: stored.otherDefinition, answers: answersOf(stored.answers) }, flat);
          total = sum.into;
          // Counts only on either side (a batch the store had no definition for, which marked the
          // version stale itself, or an older stale row): recomputed from the rows when the definition comes.
          answersComplete = answersComplete && (sum.complete || (flat.answers.length === 0 && stored.answers.byteLength === 0));
        }
      }
      if (!answersComplete) statements.markStale.run(key[0], key[6]);
      statements.write.run(...key, total.responses, total.partial, total.otherDefinition, TALLY_LAYOUT_VERSION, answersBlob(total.answers));
    }
  }

  /**
   * Recomputes one version's tallies from its rows (answers too when `definition` is given). Inside a
   * write transaction. In bounded memory: the groups of at most RECOMPUTE_FLUSH_ROWS rows are held,
   * then added into the stored rows (which start empty), so a version of millions of rows costs what
   * its groups weigh, not what its rows do (gathering 1,000,000 rows at once ran out of a 4 GB heap).
   */
  function recompute(definitionId: string, version: number, definition: SurveyDefinition | undefined): void {
    statements.deleteVersion.run(definitionId, version);
    const groups = new TallyGroups();
    let gathered = 0;
    let afterRowid = 0;
    for (;;) {
      const page = statements.versionRowsPage.all(definitionId, version, afterRowid, RECOMPUTE_PAGE_ROWS) as unknown[][];
      if (page.length === 0) break;
      for (const row of page) groups.add(tallySourceOfRow(row), definition);
      afterRowid = page[page.length - 1][TALLY_SOURCE_COLUMNS.length] as number;
      gathered += page.length;
      if (gathered >= RECOMPUTE_FLUSH_ROWS) {
        writeRows(groups, true);
        gathered = 0;
      }
    }
    writeRows(groups, true);
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

  /** The definition a stored tally's answers are read with: the query's, else the store's. */
  function layoutFor(definitionId: string, version: number, given: readonly SurveyDefinition[]): TallyLayout | null {
    const definition = given.find((d) => d.id === definitionId && d.version === version) ?? known.get(definitionKey(definitionId, version));
    return definition ? tallyLayout(definition) : null;
  }

  return {
    /** A batch's tally writer: `add` each stored response, then `flush` once, inside the ingest transaction. */
    batch() {
      const groups = new TallyGroups();
      return {
        add(source: TallySource): void {
          const definition = known.get(definitionKey(source.definitionId, source.definitionVersion));
          if (!definition) statements.markStale.run(source.definitionId, source.definitionVersion);
          groups.add(source, definition);
        },
        flush(): void {
          writeRows(groups, true);
        },
      };
    },

    /** The definition the store tallies a version with, if it was given one. */
    definitionOf(definitionId: string, version: number): SurveyDefinition | undefined {
      return known.get(definitionKey(definitionId, version));
    },

    /** The store tallies answers with these definitions from now on, and recomputes the stale versions among them. */
    useDefinitions(definitions: readonly SurveyDefinition[]): void {
      for (const definition of definitions) known.set(definitionKey(definition.id, definition.version), definition);
      refresh.immediate(null, [...known.values()]);
    },

    readTallies(query: TallyQuery): TallyRow[] {
      // Only a version that is stale pays a write transaction; otherwise this is one read.
      if (statements.stale.all(query.definitionId).length > 0) refresh.immediate(query.definitionId, query.definitions);
      return readTallyRows(db, query, (version) => layoutFor(query.definitionId, version, query.definitions));
    },

    /** readTallies of every place in one read: the place roll-up's rows, without a place condition. */
    readPlaceTallies(query: PlaceTallyQuery): PlaceTallyRow[] {
      if (statements.stale.all(query.definitionId).length > 0) refresh.immediate(query.definitionId, query.definitions);
      return readTallyRows(db, query, (version) => layoutFor(query.definitionId, version, query.definitions), true) as PlaceTallyRow[];
    },

    /** Recomputes every tally from the rows, in memory, and lists where the stored ones differ. */
    checkTallies(definitions: readonly SurveyDefinition[]): TallyDifference[] {
      const byKey = new Map(definitions.map((d) => [definitionKey(d.id, d.version), d]));
      const read = db.transaction(() => {
        const stale = new Set(statements.allStale.all().map((s) => definitionKey(s.id, s.version)));
        const groups = new TallyGroups();
        for (const row of statements.allRows.iterate() as IterableIterator<unknown[]>) {
          const source = tallySourceOfRow(row);
          const key = definitionKey(source.definitionId, source.definitionVersion);
          // A stale version's tallies hold only counts until its definition is given: expect exactly that.
          groups.add(source, stale.has(key) ? undefined : byKey.get(key));
        }
        return { expected: groups.rows(), stored: statements.allTallies.all() };
      });
      const { expected, stored } = read();
      const describe = (key: TallyKey, flat: FlatTally): string => {
        try {
          return serialiseTally(tallyFromFlat(layoutFor(key[0], key[6], definitions), flat, flat.answers));
        } catch (error) {
          return `(unreadable: ${(error as Error).message})`;
        }
      };
      const differences: TallyDifference[] = [];
      for (const row of stored) {
        const key: TallyKey = [row.definitionId, row.rollup, row.agency, row.counter, row.field, row.period, row.version, row.flags];
        const id = key.join('\u0000');
        const found: FlatTally = { responses: row.responses, partial: row.partial, otherDefinition: row.otherDefinition, answers: row.answers.byteLength % 4 === 0 ? answersOf(row.answers) : NO_ANSWERS };
        const wanted = expected.get(id);
        expected.delete(id);
        if (wanted && row.layout === TALLY_LAYOUT_VERSION && row.answers.byteLength % 4 === 0 && sameFlat(found, wanted.flat)) continue;
        differences.push({ key: keyObject(key), stored: describe(key, found), expected: wanted ? describe(key, wanted.flat) : null });
      }
      for (const { key, flat } of expected.values()) differences.push({ key: keyObject(key), stored: null, expected: describe(key, flat) });
      return differences;
    },
  };
}

/**
 * The tally rows of a query, summed by version, flags and month: whole months from the month roll-up,
 * the days of a month the period cuts from the day rows, both of the roll-up that matches the place
 * and field filters.
 */
function readTallyRows(db: Database.Database, query: TallyQuery, layoutOf: (version: number) => TallyLayout | null, perPlace = false): TallyRow[] {
  // Per place: the roll-up that keeps agency and counter, every place's rows at once.
  // Several agencies (a unit and the units below it): the roll-up that keeps the agency, any of them, summed below.
  const byAgencies = query.agencyCodes !== undefined;
  const rollup = (query.agencyCode === undefined && !byAgencies && !perPlace ? ROLLUP_AGENCY : 0) | (query.counterCode === undefined && !perPlace ? ROLLUP_COUNTER : 0) | (query.serviceField === undefined ? ROLLUP_FIELD : 0);
  const params: Record<string, unknown> = {
    definitionId: query.definitionId,
    rollup,
    agency: query.agencyCode ?? '',
    counter: query.counterCode ?? '',
    field: query.serviceField ?? '',
  };
  const conditions = ['definition_id = @definitionId', 'rollup = @rollup', ...(perPlace ? [] : [byAgencies ? 'agency_code IN (SELECT value FROM json_each(@agencies))' : 'agency_code = @agency', 'counter_code = @counter']), 'service_field = @field'];
  if (perPlace) (delete params.agency, delete params.counter);
  if (byAgencies) {
    delete params.agency;
    params.agencies = JSON.stringify(query.agencyCodes);
    if (perPlace) conditions.push('agency_code IN (SELECT value FROM json_each(@agencies))');
  }
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
    .prepare<Record<string, unknown>, { agency: string; counter: string; version: number; flags: number; period: string; responses: number; partial: number; otherDefinition: number; answers: Buffer }>(
      `SELECT agency_code AS agency, counter_code AS counter, definition_version AS version, flags, period, responses, partial, other_definition AS otherDefinition, answers
       FROM tallies WHERE ${conditions.join(' AND ')}`,
    )
    .all(params);
  // Summed as numbers, made into tallies once per version, flags and month.
  const summed = new Map<string, { agency: string; counter: string; version: number; flags: number; month: string; flat: FlatTally }>();
  for (const row of rows) {
    const month = row.period.slice(0, 7);
    const id = `${perPlace ? `${row.agency}\u0000${row.counter}\u0000` : ''}${row.version}\u0000${row.flags}\u0000${month}`;
    const flat: FlatTally = { responses: row.responses, partial: row.partial, otherDefinition: row.otherDefinition, answers: answersOf(row.answers) };
    const found = summed.get(id);
    if (found) addFlat(found.flat, flat);
    else summed.set(id, { agency: row.agency, counter: row.counter, version: row.version, flags: row.flags, month, flat });
  }
  return [...summed.values()].map(({ agency, counter, version, flags, month, flat }): TallyRow | PlaceTallyRow => {
    const layout = layoutOf(version);
    // Answers of a layout other than the definition's would be misread: counts only, as for a version without its definition.
    const answers = layout !== null && flat.answers.length === layout.size ? flat.answers : null;
    const row: TallyRow = { definitionVersion: version, flags, month, tally: tallyFromFlat(layout, flat, answers) };
    return perPlace ? ({ agencyCode: agency, counterCode: counter, ...row } satisfies PlaceTallyRow) : row;
  });
}
