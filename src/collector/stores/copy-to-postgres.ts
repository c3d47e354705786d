/*
 * Moving a site up (issue 12, part 6): copies a SQLite collector database into a PostgreSQL one,
 * table by table, in chunks of one transaction each, every row inserted with ON CONFLICT DO NOTHING on
 * the table's primary key (ids of conflicts, rejections and the audit log copied as they are): run
 * twice, it copies nothing the second time; killed halfway, a rerun carries on from what is there.
 * Tallies are not copied but recomputed on the target from the copied rows (the dialects keep them in
 * different layouts) and checked against them. Staff sessions and the sign-in lock-out are not copied:
 * a session is a cookie of the old address and lasts hours, a lock-out minutes; staff sign in again.
 */
import Database from 'better-sqlite3';
import type pg from 'pg';
import type { SurveyDefinition } from '../../shared/survey';
import { rebuildPgFleetFigures } from './pg-fleet';
import { inTransaction, openPostgresPool, parsePostgresUrl } from './pg-pool';
import { openPostgresStore } from './pg-store';
import { openSqliteStore } from './sqlite-store';
import type { TallyDifference } from './store';

/** Rows copied per transaction. */
const CHUNK_ROWS = 2_000;

/** Tables never copied, and why (the order of the rest: parents before the rows that name them). */
const NOT_COPIED: Readonly<Record<string, string>> = {
  schema_migrations: 'each database records its own steps',
  admin_sessions: 'sessions are cookies of the old address: staff sign in again',
  login_throttle: 'a lock-out lasts minutes',
  tallies: 'recomputed on the target from the copied responses',
  tally_stale_versions: 'recomputed on the target',
  // The fleet figures (migration 0010) follow the responses copied so far, which a resumed copy adds to.
  kiosk_sequences: 'recomputed on the target from the copied responses',
  device_kiosk_stored: 'recomputed on the target from the copied responses',
  sequence_gaps: 'recomputed on the target from the copied responses',
};
const FIRST_TABLES = ['devices', 'responses'];

/** One table's rows on both sides after the copy. */
export interface CopiedTable {
  table: string;
  source: number;
  target: number;
  /** Rows this run inserted (0 on a rerun after a complete copy). */
  inserted: number;
}

/** What a copy did and found. */
export interface CopyResult {
  tables: CopiedTable[];
  /** Tables of the source the target has no table for (a schema the target has not got yet): not copied. */
  skipped: string[];
  /** Tallies on the target recomputed from its rows that differ from those stored: empty when consistent. */
  tallyDifferences: TallyDifference[];
  /** Every table holds as many rows on the target as on the source and the tallies check. */
  matches: boolean;
}

interface TargetColumn {
  name: string;
  /** PostgreSQL's type name (int8, text, bool, bytea …), for the unnest arrays. */
  type: string;
  identity: boolean;
}

/** Quotes an identifier read from the databases' catalogues (never from input). */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQLite value as the PostgreSQL column takes it. */
function toTarget(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'bool') return value === 1 || value === 1n || value === true;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * Copies the SQLite database at `from` into the PostgreSQL database `to` (both brought to the current
 * schema first, as a collector start would), recomputes the tallies there with `definitions`, and
 * compares counts. `log` hears one line per table.
 */
export async function copySqliteToPostgres(from: string, to: string, definitions: readonly SurveyDefinition[], log: (line: string) => void = () => {}): Promise<CopyResult> {
  // Opening migrates both; the source is then read through a read-only connection of its own.
  await (await openSqliteStore(from)).close();
  const target = await openPostgresStore(to);
  const source = new Database(from, { readonly: true, fileMustExist: true });
  source.defaultSafeIntegers(false);
  const pool = await openPostgresPool(parsePostgresUrl(to), { max: 2 });
  try {
    const sourceTables = (source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
    const targetColumns = await readTargetColumns(pool);
    const order = parentsFirst([...FIRST_TABLES.filter((t) => sourceTables.includes(t)), ...sourceTables.filter((t) => !FIRST_TABLES.includes(t))], await readForeignKeys(pool));
    const tables: CopiedTable[] = [];
    const skipped: string[] = [];
    for (const table of order) {
      if (Object.prototype.hasOwnProperty.call(NOT_COPIED, table)) continue;
      const columns = targetColumns.get(table);
      if (!columns) {
        skipped.push(table);
        continue;
      }
      const sourceColumns = new Set((source.prepare(`PRAGMA table_info(${ident(table)})`).all() as Array<{ name: string }>).map((c) => c.name));
      const shared = columns.filter((c) => sourceColumns.has(c.name));
      const inserted = await copyTable(source, pool, table, shared);
      const sourceCount = (source.prepare(`SELECT count(*) AS n FROM ${ident(table)}`).get() as { n: number }).n;
      const targetCount = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(table)}`)).rows[0].n);
      tables.push({ table, source: sourceCount, target: targetCount, inserted });
      log(`${table}: ${inserted} copied, ${sourceCount} in SQLite, ${targetCount} in PostgreSQL`);
    }
    await inTransaction(pool, (client) => rebuildPgFleetFigures(client));
    log('fleet figures: recomputed on PostgreSQL from its responses');
    // Every version is recomputed from the rows now on the target (the store's own rule for stale versions).
    await pool.query(
      `INSERT INTO tally_stale_versions (definition_id, definition_version, counts_kept)
       SELECT DISTINCT definition_id, definition_version, false FROM responses
       ON CONFLICT (definition_id, definition_version) DO UPDATE SET counts_kept = false`,
    );
    await target.useDefinitions(definitions);
    const tallyDifferences = await target.checkTallies(definitions);
    log(`tallies: recomputed on PostgreSQL, ${tallyDifferences.length} difference(s) from its rows`);
    return { tables, skipped, tallyDifferences, matches: tallyDifferences.length === 0 && tables.every((t) => t.source === t.target) };
  } finally {
    source.close();
    await pool.end();
    await target.close();
  }
}

/** The target's foreign keys as child table → the tables it refers to. */
async function readForeignKeys(pool: pg.Pool): Promise<Map<string, Set<string>>> {
  const { rows } = await pool.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
     WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace`,
  );
  const parents = new Map<string, Set<string>>();
  for (const { child, parent } of rows) if (child !== parent) parents.set(child, (parents.get(child) ?? new Set()).add(parent));
  return parents;
}

/** The tables in `order`, each moved after the tables its rows refer to (they must be there first). */
function parentsFirst(order: readonly string[], parents: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const placed: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (placed.includes(table) || path.has(table)) return;
    path.add(table);
    for (const parent of parents.get(table) ?? []) if (order.includes(parent)) visit(parent, path);
    placed.push(table);
  };
  for (const table of order) visit(table, new Set());
  return placed;
}

async function readTargetColumns(pool: pg.Pool): Promise<Map<string, TargetColumn[]>> {
  const { rows } = await pool.query<{ table_name: string; column_name: string; udt_name: string; is_identity: string }>(
    `SELECT table_name, column_name, udt_name, is_identity FROM information_schema.columns
     WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const byTable = new Map<string, TargetColumn[]>();
  for (const row of rows) {
    const list = byTable.get(row.table_name) ?? [];
    list.push({ name: row.column_name, type: row.udt_name, identity: row.is_identity === 'YES' });
    byTable.set(row.table_name, list);
  }
  return byTable;
}

/** Copies one table in chunks (rowid order where there is one: responses keep their arrival order); returns the rows inserted. */
async function copyTable(source: Database.Database, pool: pg.Pool, table: string, columns: readonly TargetColumn[]): Promise<number> {
  const names = columns.map((c) => ident(c.name)).join(', ');
  const hasRowid = !/WITHOUT ROWID/i.test((source.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string }).sql);
  const read = source.prepare(`SELECT ${names} FROM ${ident(table)}${hasRowid ? ' ORDER BY rowid' : ''}`).raw(true);
  const identity = columns.some((c) => c.identity);
  const insert = `INSERT INTO ${ident(table)} (${names}) ${identity ? 'OVERRIDING SYSTEM VALUE ' : ''}
    SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')}) WITH ORDINALITY AS u(${names}, n)
    ORDER BY u.n
    ON CONFLICT DO NOTHING`.replace('SELECT * FROM', `SELECT ${columns.map((c) => `u.${ident(c.name)}`).join(', ')} FROM`);
  let inserted = 0;
  let chunk: unknown[][] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const arrays = columns.map((c, i) => chunk.map((row) => toTarget(row[i], c.type)));
    inserted += (await pool.query(insert, arrays)).rowCount ?? 0;
    chunk = [];
  };
  for (const row of read.iterate() as Iterable<unknown[]>) {
    chunk.push(row);
    if (chunk.length >= CHUNK_ROWS) await flush();
  }
  await flush();
  // Ids copied as they were: the target's own id sequence continues after the highest.
  for (const column of columns.filter((c) => c.identity || (c.name === 'id' && ['int2', 'int4', 'int8'].includes(c.type)))) {
    await pool.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), greatest((SELECT max(${ident(column.name)}) FROM ${ident(table)}), 1))
       WHERE pg_get_serial_sequence($1, $2) IS NOT NULL`,
      [table, column.name],
    );
  }
  return inserted;
}
