/*
 * Scoring tallies on PostgreSQL (migrations/postgres/0009): the same keys, roll-ups, flat layout,
 * stored numbers and arithmetic as SQLite (tally-groups.ts and the shared survey module), for several
 * collector processes at once. A batch takes a shard of the tally table for its transaction alone (an
 * advisory lock), reads its keys' rows of that shard and writes them back with the batch added, in two
 * statements: concurrent batches of every process neither wait for each other's roll-up rows nor lose
 * a count. Readers sum the shards of a key. A recomputation locks the table against ingest while it
 * rebuilds a version from the rows.
 */
import type pg from 'pg';
import Cursor from 'pg-cursor';
import { definitionKey } from '../../shared/ids';
import { serialiseTally, tallyFromFlat, tallyLayout, TALLY_LAYOUT_VERSION, type SurveyDefinition, type TallyLayout } from '../../shared/survey';
import { inTransaction, type Queryable } from './pg-pool';
import type { PlaceTallyQuery, PlaceTallyRow, TallyDifference, TallyQuery, TallyRow } from './store';
import {
  addFlat,
  keyObject,
  lastDayOf,
  nextMonth,
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
/** Rows a recomputation fetches at a time, and how many it gathers before adding their groups to the stored rows (as sqlite-tallies.ts). */
const RECOMPUTE_PAGE_ROWS = 5_000;
const RECOMPUTE_FLUSH_ROWS = 50_000;
/** Tally rows one read-and-write of writeGroups carries: a recomputation's flush is written in several. */
const WRITE_CHUNK_ROWS = 2_000;
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

const KEY_ARRAYS = '$2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::int[]';
const KEY_COLUMNS_OF_X = KEY_COLUMNS.split(', ')
  .map((column) => `x.${column}`)
  .join(', ');

/**
 * Takes the batch's shard and reads the batch's rows stored under it; the shard comes back even when
 * none is stored yet. The shard is the first of home ($1), home+1, … whose advisory lock no other
 * transaction holds, else (all taken) home itself, waiting for it: a shard has one writer at a time,
 * to the end of its transaction, so what is read here is what the write adds to.
 */
const READ_SHARD = `
  WITH shard AS MATERIALIZED (
    SELECT coalesce(
      (SELECT s FROM (SELECT (($1::int + i) % ${TALLY_SHARDS})::smallint AS s FROM generate_series(0, ${TALLY_SHARDS - 1}) AS i) AS c
       WHERE pg_try_advisory_xact_lock(${TALLY_SHARD_LOCK_KEY}, hashtext(current_schema() || '/' || c.s::text))
       LIMIT 1),
      (SELECT $1::smallint FROM (SELECT pg_advisory_xact_lock(${TALLY_SHARD_LOCK_KEY}, hashtext(current_schema() || '/' || $1::text))) AS waited)
    ) AS s
  ),
  -- One primary key probe per row of the batch (LATERAL … LIMIT 1): a join would hash the whole shard.
  stored AS (
    SELECT ${KEY_COLUMNS_OF_X}, x.responses, x.partial, x.other_definition, x.answers
    FROM unnest(${KEY_ARRAYS}) AS k(${KEY_COLUMNS})
    CROSS JOIN LATERAL (
      SELECT * FROM tallies AS y
      WHERE ${KEY_COLUMNS.split(', ')
        .map((column) => `y.${column} = k.${column}`)
        .join(' AND ')} AND y.shard = (SELECT s FROM shard)
      LIMIT 1
    ) AS x
  )
  SELECT (SELECT s FROM shard) AS shard, stored.* FROM (SELECT 1) AS one LEFT JOIN stored ON true`;

/**
 * Writes the batch's rows of its shard ($1) with their totals, in key order. The answers vectors
 * travel as one binary parameter ($14) cut at ($15, $16): sent as text they cost more than the write.
 */
const WRITE_SHARD = `
  INSERT INTO tallies AS x (${KEY_COLUMNS}, shard, responses, partial, other_definition, layout, answers)
  SELECT ${KEY_COLUMNS_OF_T}, $1::smallint, t.responses, t.partial, t.other_definition, $10::int, substring($14::bytea FROM t.at + 1 FOR t.size)
  FROM unnest(${KEY_ARRAYS}, $11::bigint[], $12::bigint[], $13::bigint[], $15::int[], $16::int[])
         WITH ORDINALITY AS t(${KEY_COLUMNS}, responses, partial, other_definition, at, size, n)
  ORDER BY t.n
  ON CONFLICT (${KEY_COLUMNS}, shard) DO UPDATE SET
    responses = EXCLUDED.responses, partial = EXCLUDED.partial, other_definition = EXCLUDED.other_definition,
    layout = EXCLUDED.layout, answers = EXCLUDED.answers`;

const MARK_STALE = `
  INSERT INTO tally_stale_versions (definition_id, definition_version, counts_kept)
  SELECT id, version, true FROM unnest($1::text[], $2::bigint[]) AS v(id, version)
  ON CONFLICT (definition_id, definition_version) DO NOTHING`;

/** A stored answers blob (little-endian uint32, as on SQLite) as a vector, copied: a Buffer from the driver need not be aligned. */
function answersOf(blob: Buffer): Uint32Array {
  if (blob.byteLength % 4 !== 0) throw new Error(`tally: an answers blob of ${blob.byteLength} bytes is no uint32 vector`);
  const counts = new Uint32Array(blob.byteLength / 4);
  new Uint8Array(counts.buffer).set(blob);
  return counts;
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

/** The key columns of some rows as the eight arrays of a statement's unnest. */
function keyColumns(keys: readonly TallyKey[]): unknown[][] {
  return Array.from({ length: 8 }, (_, column) => keys.map((key) => key[column]));
}

/** A stored row's key as TallyGroups names it. */
function keyIdOf(row: Record<string, unknown>): string {
  return [row.definition_id, row.rollup, row.agency_code, row.counter_code, row.service_field, row.period, Number(row.definition_version), row.flags].join('\u0000');
}

/**
 * Writes the gathered groups' rows through `q` (inside the caller's transaction), adding to what is
 * stored under the shard it takes, and marks stale the versions whose answers are incomplete: counts
 * only in the batch beside answers stored, or the other way round (recomputed from the rows later),
 * exactly as sqlite-tallies.ts' writeRows decides.
 */
async function writeGroups(q: Queryable, groups: TallyGroups, homeShard: number): Promise<void> {
  const rows = [...groups.rows()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // A batch's rows are one chunk; a recomputation's flush several, all to the shard the first took
  // (this transaction holds its lock, so each next chunk is given the same one).
  let shard = homeShard;
  for (let start = 0; start < rows.length; start += WRITE_CHUNK_ROWS) shard = await writeRowsChunk(q, rows.slice(start, start + WRITE_CHUNK_ROWS), shard);
}

/** Writes sorted rows under the first free shard from `homeShard` (see READ_SHARD) and says which it was. */
async function writeRowsChunk(q: Queryable, rows: Array<[string, { key: TallyKey; flat: FlatTally; complete: boolean }]>, homeShard: number): Promise<number> {
  const read = await q.query<{ shard: number; definition_id: string | null; responses: number; partial: number; other_definition: number; answers: Buffer }>({
    name: 'sipas-tally-read',
    text: READ_SHARD,
    values: [homeShard, ...keyColumns(rows.map(([, row]) => row.key))],
  });
  const shard = Number(read.rows[0].shard);
  const stored = new Map<string, FlatTally>();
  for (const row of read.rows) {
    if (row.definition_id === null) continue;
    stored.set(keyIdOf(row), { responses: Number(row.responses), partial: Number(row.partial), otherDefinition: Number(row.other_definition), answers: answersOf(row.answers) });
  }
  const stale = new Map<string, [string, number]>();
  const totals: FlatTally[] = [];
  for (const [id, { key, flat, complete }] of rows) {
    let total = flat;
    let answersComplete = complete;
    const found = stored.get(id);
    if (found) {
      const storedEmpty = found.answers.length === 0;
      const sum = addFlat(found, flat);
      total = sum.into;
      answersComplete = answersComplete && (sum.complete || (flat.answers.length === 0 && storedEmpty));
    }
    if (!answersComplete) stale.set(definitionKey(key[0], key[6]), [key[0], key[6]]);
    totals.push(total);
  }
  const at: number[] = [];
  const size: number[] = [];
  let offset = 0;
  for (const total of totals) {
    at.push(offset);
    size.push(total.answers.byteLength);
    offset += total.answers.byteLength;
  }
  const blob = Buffer.allocUnsafe(offset);
  totals.forEach((total, i) => blob.set(new Uint8Array(total.answers.buffer, total.answers.byteOffset, total.answers.byteLength), at[i]));
  await q.query({
    name: 'sipas-tally-write',
    text: WRITE_SHARD,
    values: [
      shard,
      ...keyColumns(rows.map(([, row]) => row.key)),
      TALLY_LAYOUT_VERSION,
      totals.map((t) => t.responses),
      totals.map((t) => t.partial),
      totals.map((t) => t.otherDefinition),
      blob,
      at,
      size,
    ],
  });
  if (stale.size > 0) {
    const versions = [...stale.values()];
    await q.query(MARK_STALE, [versions.map((v) => v[0]), versions.map((v) => v[1])]);
  }
  return shard;
}

/** The tally queries over a pool: a batch writer for ingest, reads for the report, and the check. */
export function pgTallies(pool: pg.Pool) {
  /** The definitions this process tallies answers with (each process is given the same set at start). */
  const known = new Map<string, SurveyDefinition>();

  /**
   * Rebuilds one version's tallies from its rows; the caller holds the table lock. In bounded memory,
   * as on SQLite: rows are read in pages, and the groups of at most RECOMPUTE_FLUSH_ROWS rows are held,
   * then added into the stored rows (which start empty). Gathering a version of 1,000,000 rows at once,
   * and writing its tallies in one statement, took 8.6 GB.
   *
   * Rows come in the order they are stored (a scan of the table), as SQLite reads by rowid: responses
   * arrive roughly in the order they were given, so a flush holds the groups of a few days and each
   * day's tally rows are written about once. Paged by id (random UUIDs), every flush held nearly every
   * group of the year and rewrote them all: 62,000 tally rows per 50,000 responses, 77 s for 200,000
   * responses, growing with the square of the rows.
   */
  async function recompute(client: pg.PoolClient, definitionId: string, version: number, definition: SurveyDefinition | undefined): Promise<void> {
    await client.query('DELETE FROM tallies WHERE definition_id = $1 AND definition_version = $2', [definitionId, version]);
    const groups = new TallyGroups();
    let gathered = 0;
    // A cursor of the transaction, not pages of their own statements: it reads one snapshot, taken
    // once the locks are held, so a row another process updates meanwhile (and so moves) is read once.
    await client.query({
      text: `DECLARE sipas_tally_recompute NO SCROLL CURSOR FOR SELECT ${SOURCE_COLUMNS} FROM responses WHERE definition_id = $1 AND definition_version = $2`,
      values: [definitionId, version],
    });
    for (;;) {
      const page = await client.query<unknown[]>({ text: `FETCH ${RECOMPUTE_PAGE_ROWS} FROM sipas_tally_recompute`, rowMode: 'array' });
      for (const row of page.rows) groups.add(tallySourceOfRow(row), definition);
      gathered += page.rows.length;
      if (gathered >= RECOMPUTE_FLUSH_ROWS) {
        await writeGroups(client, groups, 0);
        gathered = 0;
      }
      if (page.rows.length < RECOMPUTE_PAGE_ROWS) break;
    }
    await client.query('CLOSE sipas_tally_recompute');
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
    return inTransaction(pool, async (client) => {
      // Every shard, in order, before the table: a running batch holds one to its commit, so this waits
      // for them, and a new batch waits for its shard until the rebuilt tallies commit, so it reads them,
      // not what they replace (a batch holds no shard while it waits for one, so none waits in a circle).
      await client.query(
        `SELECT pg_advisory_xact_lock(${TALLY_SHARD_LOCK_KEY}, hashtext(current_schema() || '/' || s::text)) FROM generate_series(0, ${TALLY_SHARDS - 1}) AS s ORDER BY s`,
      );
      // And the table against any other writer, so no count falls between the read of the rows and the write.
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
    });
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

    /** The definition this process tallies a version with, if it was given one. */
    definitionOf(definitionId: string, version: number): SurveyDefinition | undefined {
      return known.get(definitionKey(definitionId, version));
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
      const groups = new TallyGroups();
      const stored: Array<{ key: TallyKey; flat: FlatTally; sameLayout: boolean }> = [];
      // One consistent view of rows and tallies, as SQLite's read transaction gives.
      await inTransaction(pool, async (client) => {
        const staleRows = await client.query<{ id: string; version: number }>('SELECT definition_id AS id, definition_version AS version FROM tally_stale_versions');
        const stale = new Set(staleRows.rows.map((s) => definitionKey(s.id, Number(s.version))));
        await eachRow(client, `SELECT ${SOURCE_COLUMNS} FROM responses`, [], (row) => {
          const source = tallySourceOfRow(row);
          const key = definitionKey(source.definitionId, source.definitionVersion);
          // A stale version's tallies hold only counts until its definition is given: expect exactly that.
          groups.add(source, stale.has(key) ? undefined : byKey.get(key));
        });
        // A logical tally is the sum of its key's shards.
        const summedByKey = new Map<string, { key: TallyKey; flat: FlatTally; sameLayout: boolean }>();
        await eachRow(client, `SELECT ${KEY_COLUMNS}, responses, partial, other_definition, answers, layout FROM tallies`, [], (row) => {
          const key = row.slice(0, 8).map((value, i) => (i === 1 || i >= 6 ? Number(value) : value)) as TallyKey;
          const blob = row[11] as Buffer;
          // An unreadable blob is a difference, reported as such (a length no layout has).
          const flat: FlatTally = { responses: Number(row[8]), partial: Number(row[9]), otherDefinition: Number(row[10]), answers: blob.byteLength % 4 === 0 ? answersOf(blob) : new Uint32Array(1) };
          const sameLayout = row[12] === TALLY_LAYOUT_VERSION && blob.byteLength % 4 === 0;
          const id = key.join('\u0000');
          const found = summedByKey.get(id);
          if (!found) summedByKey.set(id, { key, flat, sameLayout });
          else {
            found.sameLayout = found.sameLayout && sameLayout && found.flat.answers.length === flat.answers.length;
            addFlat(found.flat, flat);
          }
        });
        // One at a time: spread into push, a few hundred thousand rows overflow the call stack.
        for (const row of summedByKey.values()) stored.push(row);
      }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
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
 * The tally rows of a query summed by version, flags and month (shards and days together), as
 * sqlite-tallies.ts' readTallyRows sums them: whole months from the month roll-up, the days of a
 * month the period cuts from the day rows, both of the roll-up that matches the place and field filters.
 */
async function readTallyRows(pool: pg.Pool, query: TallyQuery, layoutOf: (version: number) => TallyLayout | null, perPlace = false): Promise<TallyRow[]> {
  // Per place: the roll-up that keeps agency and counter, every place's rows at once, summed per place.
  // Several agencies (a unit and the units below it): the roll-up that keeps the agency, any of them, summed below.
  const agencies = query.agencyCodes;
  const rollup = (query.agencyCode === undefined && agencies === undefined && !perPlace ? ROLLUP_AGENCY : 0) | (query.counterCode === undefined && !perPlace ? ROLLUP_COUNTER : 0) | (query.serviceField === undefined ? ROLLUP_FIELD : 0);
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const conditions = [
    `definition_id = ${param(query.definitionId)}`,
    `rollup = ${param(rollup)}`,
    ...(perPlace ? [] : [agencies !== undefined ? `agency_code = ANY(${param([...agencies])}::text[])` : `agency_code = ${param(query.agencyCode ?? '')}`, `counter_code = ${param(query.counterCode ?? '')}`]),
    `service_field = ${param(query.serviceField ?? '')}`,
  ];
  if (perPlace && agencies !== undefined) conditions.push(`agency_code = ANY(${param([...agencies])}::text[])`);
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
  const { rows } = await pool.query<{ agency: string; counter: string; version: number; flags: number; period: string; responses: number; partial: number; other: number; answers: Buffer }>(
    // In SQLite's primary key order (period, version, flags; then the shard), so the sums come out in the same order.
    `SELECT agency_code AS agency, counter_code AS counter, definition_version AS version, flags, period, responses, partial,
       other_definition AS other, answers
     FROM tallies WHERE ${conditions.join(' AND ')}
     ORDER BY ${placeColumns}period, definition_version, flags, shard`,
    params,
  );
  // Summed as numbers (shards and days together), made into tallies once per version, flags and month.
  const summed = new Map<string, { agency: string; counter: string; version: number; flags: number; month: string; flat: FlatTally }>();
  for (const row of rows) {
    const month = row.period.slice(0, 7);
    const version = Number(row.version);
    const id = `${perPlace ? `${row.agency}\u0000${row.counter}\u0000` : ''}${version}\u0000${row.flags}\u0000${month}`;
    const flat: FlatTally = { responses: Number(row.responses), partial: Number(row.partial), otherDefinition: Number(row.other), answers: answersOf(row.answers) };
    const found = summed.get(id);
    if (found) addFlat(found.flat, flat);
    else summed.set(id, { agency: row.agency, counter: row.counter, version, flags: Number(row.flags), month, flat });
  }
  return [...summed.values()].map(({ agency, counter, version, flags, month, flat }): TallyRow | PlaceTallyRow => {
    const layout = layoutOf(version);
    // Answers of a layout other than the definition's would be misread: counts only, as for a version without its definition.
    const answers = layout !== null && flat.answers.length === layout.size ? flat.answers : null;
    const row: TallyRow = { definitionVersion: version, flags, month, tally: tallyFromFlat(layout, flat, answers) };
    return perPlace ? ({ agencyCode: agency, counterCode: counter, ...row } satisfies PlaceTallyRow) : row;
  });
}
