/*
 * Scoring tallies on PostgreSQL (migrations/postgres/0009): the same keys, roll-ups, flat layout and
 * arithmetic as SQLite (tally-groups.ts and the shared survey module), for several collector processes
 * at once. A batch's rows are written by one multi-row upsert that adds the counts inside SQL (the
 * answers vector with tally_answers_add), under a shard that no other running batch holds, so
 * concurrent batches of every process neither wait for each other's roll-up rows nor lose a count.
 * Readers sum the shards of a key. A recomputation locks the table against ingest while it rebuilds a
 * version from the rows.
 */
import type pg from 'pg';
import Cursor from 'pg-cursor';
import { definitionKey } from '../../shared/ids';
import { serialiseTally, tallyFromFlat, tallyLayout, TALLY_LAYOUT_VERSION, type SurveyDefinition, type TallyLayout } from '../../shared/survey';
import type { Queryable } from './pg-pool';
import type { PlaceTallyQuery, PlaceTallyRow, TallyDifference, TallyQuery, TallyRow } from './store';
import {
  keyObject,
  lastDayOf,
  MAX_SLOT_COUNT,
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

/** Rows a recomputation or a check reads from the cursor at a time. */
const READ_CHUNK = 2_000;
/** Shards of each tally key (the table's check allows 0–15). */
export const TALLY_SHARDS = 16;
/** First half of the advisory lock key of a shard; the second is the schema and the shard hashed (`hashtext(schema || '/' || shard)`). */
export const TALLY_SHARD_LOCK_KEY = 0x51_9a_5c_09;

const KEY_COLUMNS = 'definition_id, rollup, agency_code, counter_code, service_field, period, definition_version, flags';
const KEY_COLUMNS_OF_T = KEY_COLUMNS.split(', ')
  .map((column) => `t.${column}`)
  .join(', ');

/** The tally source columns with PostgreSQL's booleans as 0/1, as tallySourceOfRow reads them. */
const SOURCE_COLUMNS = TALLY_SOURCE_COLUMNS.map((column) => (column.startsWith('flag_') ? `${column}::int` : column)).join(', ');

/**
 * Adds a batch's rows to the stored tallies in one statement. The shard is the first of
 * home, home+1, … whose advisory lock (held to the end of the transaction) no other transaction
 * holds, else home itself: up to TALLY_SHARDS batches write at once without meeting on a row, and
 * the rare one that finds all taken waits for row locks as any upsert would (rows are written in key
 * order, so two of them never wait in a circle). Returns the versions whose rows ended with counts
 * only (empty answers), for the caller to mark stale when its own vectors were not empty.
 */
const UPSERT_TALLIES = `
  WITH shard AS (
    SELECT coalesce(
      (SELECT s FROM (SELECT (($1::int + i) % ${TALLY_SHARDS})::smallint AS s FROM generate_series(0, ${TALLY_SHARDS - 1}) AS i) AS c
       WHERE pg_try_advisory_xact_lock(${TALLY_SHARD_LOCK_KEY}, hashtext(current_schema() || '/' || c.s::text))
       LIMIT 1),
      $1::smallint) AS s
  ),
  up AS (
    INSERT INTO tallies AS x (${KEY_COLUMNS}, shard, responses, partial, other_definition, layout, answers)
    SELECT ${KEY_COLUMNS_OF_T}, shard.s, t.responses, t.partial, t.other_definition, $2::int, t.answers::bigint[]
    FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::int[],
           $11::bigint[], $12::bigint[], $13::bigint[], $14::text[])
           WITH ORDINALITY AS t(${KEY_COLUMNS}, responses, partial, other_definition, answers, n),
         shard
    ORDER BY t.n
    ON CONFLICT (${KEY_COLUMNS}, shard) DO UPDATE SET
      responses = x.responses + EXCLUDED.responses,
      partial = x.partial + EXCLUDED.partial,
      other_definition = x.other_definition + EXCLUDED.other_definition,
      layout = EXCLUDED.layout,
      answers = tally_answers_add(x.answers, EXCLUDED.answers)
    RETURNING x.definition_id, x.definition_version, cardinality(x.answers) AS size
  )
  SELECT DISTINCT definition_id AS id, definition_version AS version FROM up WHERE size = 0`;

const MARK_STALE = `
  INSERT INTO tally_stale_versions (definition_id, definition_version, counts_kept)
  SELECT id, version, true FROM unnest($1::text[], $2::bigint[]) AS v(id, version)
  ON CONFLICT (definition_id, definition_version) DO NOTHING`;

/** An answers vector as an int8[] literal ('{}' for counts only). */
function answersLiteral(answers: Uint32Array): string {
  return `{${answers.join(',')}}`;
}

/** An int8[] read back as text ('{1,2,3}') as a vector; a count too large for a slot is an error, as on SQLite. */
function answersFromText(text: string): Uint32Array {
  if (text.length <= 2) return NO_ANSWERS;
  const parts = text.slice(1, -1).split(',');
  const answers = new Uint32Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const n = Number(parts[i]);
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SLOT_COUNT) throw new Error(`tally: a stored count of ${parts[i]} does not fit a tally slot`);
    answers[i] = n;
  }
  return answers;
}

/** A stable number 0…TALLY_SHARDS-1 for a device or kiosk id: its batches start from the same shard. */
export function homeShardOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(hash) % TALLY_SHARDS;
}

/** Runs `sql` through a server-side cursor on `client`, handing each chunk of rows to `each`. */
async function eachRow(client: pg.PoolClient, sql: string, params: unknown[], each: (row: unknown[]) => void): Promise<void> {
  const cursor = client.query(new Cursor<unknown[]>(sql, params, { rowMode: 'array' }));
  try {
    for (;;) {
      const rows = await cursor.read(READ_CHUNK);
      for (const row of rows) each(row);
      if (rows.length < READ_CHUNK) return;
    }
  } finally {
    await cursor.close();
  }
}

/**
 * Writes the gathered groups' rows through `q` (inside the caller's transaction), adding to what is
 * stored, and marks stale the versions whose answers are incomplete: counts only in the batch beside
 * answers stored, or the other way round (the version is then recomputed from the rows).
 */
async function writeGroups(q: Queryable, groups: TallyGroups, homeShard: number): Promise<void> {
  const rows = [...groups.rows()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  if (rows.length === 0) return;
  const stale = new Map<string, [string, number]>();
  const withAnswers = new Set<string>();
  const columns = Array.from({ length: 12 }, () => [] as unknown[]);
  for (const { key, flat, complete } of rows) {
    const version = definitionKey(key[0], key[6]);
    if (!complete) stale.set(version, [key[0], key[6]]);
    if (flat.answers.length > 0) withAnswers.add(version);
    key.forEach((value, column) => columns[column].push(value));
    columns[8].push(flat.responses);
    columns[9].push(flat.partial);
    columns[10].push(flat.otherDefinition);
    columns[11].push(answersLiteral(flat.answers));
  }
  const countsOnly = await q.query<{ id: string; version: number }>({ name: 'sipas-tally-upsert', text: UPSERT_TALLIES, values: [homeShard, TALLY_LAYOUT_VERSION, ...columns] });
  for (const { id, version } of countsOnly.rows) {
    const key = definitionKey(id, Number(version));
    if (withAnswers.has(key)) stale.set(key, [id, Number(version)]);
  }
  if (stale.size > 0) {
    const versions = [...stale.values()];
    await q.query(MARK_STALE, [versions.map((v) => v[0]), versions.map((v) => v[1])]);
  }
}

/** The tally queries over a pool: a batch writer for ingest, reads for the report, and the check. */
export function pgTallies(pool: pg.Pool) {
  /** The definitions this process tallies answers with (each process is given the same set at start). */
  const known = new Map<string, SurveyDefinition>();

  /** Rebuilds one version's tallies from its rows; the caller holds the table lock. */
  async function recompute(client: pg.PoolClient, definitionId: string, version: number, definition: SurveyDefinition | undefined): Promise<void> {
    const groups = new TallyGroups();
    await eachRow(client, `SELECT ${SOURCE_COLUMNS} FROM responses WHERE definition_id = $1 AND definition_version = $2`, [definitionId, version], (row) => {
      groups.add(tallySourceOfRow(row), definition);
    });
    await client.query('DELETE FROM tallies WHERE definition_id = $1 AND definition_version = $2', [definitionId, version]);
    await writeGroups(client, groups, 0);
    if (definition) await client.query('DELETE FROM tally_stale_versions WHERE definition_id = $1 AND definition_version = $2', [definitionId, version]);
    else await client.query('UPDATE tally_stale_versions SET counts_kept = true WHERE definition_id = $1 AND definition_version = $2', [definitionId, version]);
  }

  /**
   * Brings stale versions (of one definition, or all) up to date with `definitions`, in one
   * transaction; with `allLayouts`, first marks stale every version holding tallies of another layout.
   */
  async function refresh(definitionId: string | null, definitions: readonly SurveyDefinition[], allLayouts = false): Promise<void> {
    const byKey = new Map(definitions.map((d) => [definitionKey(d.id, d.version), d]));
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      // Ingest adds to tallies under ROW EXCLUSIVE: this waits for running batches and holds new ones
      // back until the rebuilt tallies commit, so no batch's counts fall between the read and the write.
      await client.query('LOCK TABLE tallies IN EXCLUSIVE MODE');
      if (allLayouts) {
        // Tallies kept by a collector with another flat layout are recomputed from the rows, never misread.
        await client.query(
          `INSERT INTO tally_stale_versions (definition_id, definition_version, counts_kept)
             SELECT DISTINCT definition_id, definition_version, false FROM tallies WHERE layout <> $1
           ON CONFLICT (definition_id, definition_version) DO UPDATE SET counts_kept = false`,
          [TALLY_LAYOUT_VERSION],
        );
      }
      // Read after the lock: another process may have refreshed them meanwhile.
      const stale = await client.query<{ id: string; version: number; counts_kept: boolean }>(
        `SELECT definition_id AS id, definition_version AS version, counts_kept FROM tally_stale_versions
         WHERE $1::text IS NULL OR definition_id = $1 ORDER BY definition_id, definition_version`,
        [definitionId],
      );
      for (const { id, version, counts_kept } of stale.rows) {
        const definition = byKey.get(definitionKey(id, Number(version)));
        if (definition) await recompute(client, id, Number(version), definition);
        else if (!counts_kept) await recompute(client, id, Number(version), undefined);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** The definition a stored tally's answers are read with: the query's, else the store's. */
  function layoutFor(definitionId: string, version: number, given: readonly SurveyDefinition[]): TallyLayout | null {
    const definition = given.find((d) => d.id === definitionId && d.version === version) ?? known.get(definitionKey(definitionId, version));
    return definition ? tallyLayout(definition) : null;
  }

  return {
    /**
     * Adds the stored responses of a batch to the tallies, inside the ingest transaction on `client`;
     * `homeShard` (homeShardOf the device) is the shard its rows go to unless another batch holds it.
     */
    async addBatch(client: pg.PoolClient, sources: readonly TallySource[], homeShard: number): Promise<void> {
      if (sources.length === 0) return;
      const groups = new TallyGroups();
      const unknown = new Map<string, [string, number]>();
      for (const source of sources) {
        const key = definitionKey(source.definitionId, source.definitionVersion);
        const definition = known.get(key);
        if (!definition) unknown.set(key, [source.definitionId, source.definitionVersion]);
        groups.add(source, definition);
      }
      if (unknown.size > 0) {
        const versions = [...unknown.values()];
        await client.query(MARK_STALE, [versions.map((v) => v[0]), versions.map((v) => v[1])]);
      }
      await writeGroups(client, groups, homeShard);
    },

    async useDefinitions(definitions: readonly SurveyDefinition[]): Promise<void> {
      for (const definition of definitions) known.set(definitionKey(definition.id, definition.version), definition);
      await refresh(null, [...known.values()], true);
    },

    async readTallies(query: TallyQuery): Promise<TallyRow[]> {
      const stale = await pool.query('SELECT 1 FROM tally_stale_versions WHERE definition_id = $1 LIMIT 1', [query.definitionId]);
      if (stale.rows.length > 0) await refresh(query.definitionId, query.definitions);
      return readTallyRows(pool, query, (version) => layoutFor(query.definitionId, version, query.definitions));
    },

    /** readTallies of every place in one query: the place roll-up's rows, summed per place. */
    async readPlaceTallies(query: PlaceTallyQuery): Promise<PlaceTallyRow[]> {
      const stale = await pool.query('SELECT 1 FROM tally_stale_versions WHERE definition_id = $1 LIMIT 1', [query.definitionId]);
      if (stale.rows.length > 0) await refresh(query.definitionId, query.definitions);
      return (await readTallyRows(pool, query, (version) => layoutFor(query.definitionId, version, query.definitions), true)) as PlaceTallyRow[];
    },

    async checkTallies(definitions: readonly SurveyDefinition[]): Promise<TallyDifference[]> {
      const byKey = new Map(definitions.map((d) => [definitionKey(d.id, d.version), d]));
      const client = await pool.connect();
      const groups = new TallyGroups();
      const stored: Array<{ key: TallyKey; flat: FlatTally; sameLayout: boolean }> = [];
      let broken: Error | undefined;
      try {
        // One consistent view of rows and tallies, as SQLite's read transaction gives.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const staleRows = await client.query<{ id: string; version: number }>('SELECT definition_id AS id, definition_version AS version FROM tally_stale_versions');
        const stale = new Set(staleRows.rows.map((s) => definitionKey(s.id, Number(s.version))));
        await eachRow(client, `SELECT ${SOURCE_COLUMNS} FROM responses`, [], (row) => {
          const source = tallySourceOfRow(row);
          const key = definitionKey(source.definitionId, source.definitionVersion);
          // A stale version's tallies hold only counts until its definition is given: expect exactly that.
          groups.add(source, stale.has(key) ? undefined : byKey.get(key));
        });
        // A logical tally is the sum of its key's shards.
        await eachRow(
          client,
          `SELECT ${KEY_COLUMNS}, sum(responses), sum(partial), sum(other_definition), tally_answers_sum(answers)::text, bool_and(layout = $1)
           FROM tallies GROUP BY ${KEY_COLUMNS}`,
          [TALLY_LAYOUT_VERSION],
          (row) => {
            const key = row.slice(0, 8).map((value, i) => (i === 1 || i >= 6 ? Number(value) : value)) as TallyKey;
            const text = row[11] as string;
            // An unreadable vector is a difference, reported as such (a length no layout has).
            let answers: Uint32Array;
            try {
              answers = answersFromText(text);
            } catch {
              answers = new Uint32Array(1);
            }
            stored.push({ key, flat: { responses: Number(row[8]), partial: Number(row[9]), otherDefinition: Number(row[10]), answers }, sameLayout: row[12] === true });
          },
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      } finally {
        client.release(broken);
      }
      const expected = groups.rows();
      const describe = (key: TallyKey, flat: FlatTally): string => {
        try {
          return serialiseTally(tallyFromFlat(layoutFor(key[0], key[6], definitions), flat, flat.answers));
        } catch (error) {
          return `(unreadable: ${(error as Error).message})`;
        }
      };
      const differences: TallyDifference[] = [];
      for (const { key, flat, sameLayout } of stored) {
        const id = key.join('\u0000');
        const wanted = expected.get(id);
        expected.delete(id);
        if (wanted && sameLayout && sameFlat(flat, wanted.flat)) continue;
        differences.push({ key: keyObject(key), stored: describe(key, flat), expected: wanted ? describe(key, wanted.flat) : null });
      }
      for (const { key, flat } of expected.values()) differences.push({ key: keyObject(key), stored: null, expected: describe(key, flat) });
      return differences;
    },
  };
}

/**
 * The tally rows of a query summed by version, flags and month inside SQL (shards and days together),
 * as sqlite-tallies.ts' readTallyRows sums them: whole months from the month roll-up, the days of a
 * month the period cuts from the day rows, both of the roll-up that matches the place and field filters.
 */
async function readTallyRows(pool: pg.Pool, query: TallyQuery, layoutOf: (version: number) => TallyLayout | null, perPlace = false): Promise<TallyRow[]> {
  // Per place: the roll-up that keeps agency and counter, every place's rows at once, summed per place.
  const rollup = (query.agencyCode === undefined && !perPlace ? ROLLUP_AGENCY : 0) | (query.counterCode === undefined && !perPlace ? ROLLUP_COUNTER : 0) | (query.serviceField === undefined ? ROLLUP_FIELD : 0);
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const conditions = [
    `definition_id = ${param(query.definitionId)}`,
    `rollup = ${param(rollup)}`,
    ...(perPlace ? [] : [`agency_code = ${param(query.agencyCode ?? '')}`, `counter_code = ${param(query.counterCode ?? '')}`]),
    `service_field = ${param(query.serviceField ?? '')}`,
  ];
  const placeColumns = perPlace ? 'agency_code, counter_code, ' : '';
  if (query.definitionVersion !== undefined) conditions.push(`definition_version = ${param(query.definitionVersion)}`);
  const from = query.fromDay;
  const to = query.toDay;
  const ranges: string[] = [];
  const firstWhole = from === undefined ? '0000-00' : from.endsWith('-01') ? from.slice(0, 7) : nextMonth(from.slice(0, 7));
  const lastWhole = to === undefined ? '9999-99' : to === lastDayOf(to.slice(0, 7)) ? to.slice(0, 7) : previousMonth(to.slice(0, 7));
  if (firstWhole <= lastWhole) {
    ranges.push(`(length(period) = 7 AND period BETWEEN ${param(firstWhole)} AND ${param(lastWhole)})`);
    if (from !== undefined && from.slice(0, 7) < firstWhole) ranges.push(`(length(period) = 10 AND period BETWEEN ${param(from)} AND ${param(lastDayOf(from.slice(0, 7)))})`);
    if (to !== undefined && to.slice(0, 7) > lastWhole) ranges.push(`(length(period) = 10 AND period BETWEEN ${param(`${to.slice(0, 7)}-01`)} AND ${param(to)})`);
  } else {
    ranges.push(`(length(period) = 10 AND period BETWEEN ${param(from ?? '0000-00-00')} AND ${param(to ?? '9999-99-99')})`);
  }
  conditions.push(`(${ranges.join(' OR ')})`);
  const { rows } = await pool.query<{ agency_code?: string; counter_code?: string; version: number; flags: number; month: string; responses: number; partial: number; other: number; answers: string }>(
    // Ordered as SQLite meets them walking its primary key (period, version, flags): by each sum's first row.
    `SELECT ${placeColumns}definition_version AS version, flags, left(period, 7) AS month, sum(responses) AS responses, sum(partial) AS partial,
       sum(other_definition) AS other, tally_answers_sum(answers)::text AS answers
     FROM tallies WHERE ${conditions.join(' AND ')}
     GROUP BY ${placeColumns}definition_version, flags, left(period, 7)
     ORDER BY min(period), definition_version, flags`,
    params,
  );
  return rows.map((row): TallyRow | PlaceTallyRow => {
    const version = Number(row.version);
    const layout = layoutOf(version);
    const answers = answersFromText(row.answers);
    const flat = { responses: Number(row.responses), partial: Number(row.partial), otherDefinition: Number(row.other) };
    // Answers of a layout other than the definition's would be misread: counts only, as for a version without its definition.
    const tallyRow: TallyRow = { definitionVersion: version, flags: Number(row.flags), month: row.month, tally: tallyFromFlat(layout, flat, layout !== null && answers.length === layout.size ? answers : null) };
    return perPlace ? ({ agencyCode: row.agency_code!, counterCode: row.counter_code!, ...tallyRow } satisfies PlaceTallyRow) : tallyRow;
  });
}
