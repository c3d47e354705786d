/*
 * Fresh databases for tests: a temp SQLite file, or — when TEST_DATABASE_URL names a PostgreSQL
 * database — a schema of its own in it (`t_<random>`, dropped afterwards), so tests running in
 * parallel on one server never meet.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll } from 'vitest';
import { SCHEMA_VERSION } from '../../src/collector';

/** The PostgreSQL database the PostgreSQL tests use (`postgres://user:password@host:5432/db`), or undefined: they are skipped. */
export const TEST_DATABASE_URL: string | undefined = process.env.TEST_DATABASE_URL?.trim() || undefined;

/**
 * Whether the collector-level tests (startTestCollector and the tests built on it) run on PostgreSQL:
 * TEST_COLLECTOR_STORE=postgres with TEST_DATABASE_URL set. Off by default, so `npm test` proves the
 * SQLite collector and `.ci/run` runs the collector tests a second time on PostgreSQL.
 */
export const COLLECTOR_TESTS_ON_POSTGRES: boolean = TEST_DATABASE_URL !== undefined && process.env.TEST_COLLECTOR_STORE === 'postgres';

/** A store URL of a fresh database and how to remove it (after every store on it is closed). */
export interface TestDatabase {
  url: string;
  /** A temp folder for the test (the SQLite file lives in it). */
  dir: string;
  cleanup(): Promise<void>;
}

/** A fresh temp SQLite file. */
export function freshSqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'sipas-collector-'));
  return { url: join(dir, 'collector.sqlite'), dir, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** `url` with `?schema=<name>` added (keeping its other parameters). */
export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

/** A fresh schema in the TEST_DATABASE_URL database; the store creates it at open, cleanup drops it. */
export function freshPostgresDatabase(base: string | undefined = TEST_DATABASE_URL): TestDatabase {
  if (base === undefined) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(8).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'sipas-collector-'));
  return {
    url: withSchema(base, schema),
    dir,
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      await dropSchema(base, schema);
    },
  };
}

/**
 * The fresh database collector-level tests run on: PostgreSQL when COLLECTOR_TESTS_ON_POSTGRES (a
 * recycled schema, see recycledPostgresDatabase), else SQLite.
 */
export function freshCollectorDatabase(): TestDatabase {
  return COLLECTOR_TESTS_ON_POSTGRES ? recycledPostgresDatabase() : freshSqliteDatabase();
}

/**
 * Schemas of this test file that a finished test gave back migrated and emptied, for the next test to
 * take (vitest evaluates this module once per test file, so files never share them).
 */
const recycledSchemas: Array<{ base: string; schema: string }> = [];

/**
 * A PostgreSQL schema for a collector-level test that is, to the test, a fresh one: migrated to the
 * current version with every table empty. Migrating a new schema costs 0.3–0.8 s and dropping it
 * 0.2–0.4 s; emptying a used one 20–50 ms. So a finished test's schema is emptied and kept
 * for the next test of the file, unless it is not what the migrations alone make (its recorded steps
 * differ: a test moved its version), then it is dropped. The migrations insert rows only by copying
 * existing ones (backfills), so an emptied schema holds exactly what a fresh one does
 * (tests/collector/test-databases.test.ts checks it). Tests of opening and migrating use
 * freshPostgresDatabase, which never recycles.
 */
export function recycledPostgresDatabase(base: string | undefined = TEST_DATABASE_URL): TestDatabase {
  if (base === undefined) throw new Error('TEST_DATABASE_URL is not set');
  const schema = takeRecycled(base) ?? `t_${randomBytes(8).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'sipas-collector-'));
  return {
    url: withSchema(base, schema),
    dir,
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      if (await emptySchema(base, schema)) recycledSchemas.push({ base, schema });
      else await dropSchema(base, schema);
    },
  };
}

/** A kept schema of the `base` database, taken off the list. */
function takeRecycled(base: string): string | undefined {
  const index = recycledSchemas.findIndex((kept) => kept.base === base);
  return index < 0 ? undefined : recycledSchemas.splice(index, 1)[0].schema;
}

/** How long emptying waits for a lock before giving up on the schema (a connection left open holds one). */
const EMPTYING_LOCK_TIMEOUT = '5s';

/**
 * Empties every table of `schema` but schema_migrations (sequences restarted) when its recorded steps
 * are exactly 1 … SCHEMA_VERSION; false, touching nothing, when they are not or the schema is missing.
 */
export async function emptySchema(base: string, schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: base, options: `-c search_path=${schema} -c lock_timeout=${EMPTYING_LOCK_TIMEOUT}` });
  await client.connect();
  try {
    const tables = (await client.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [schema])).rows.map((row) => row.name);
    if (!tables.includes('schema_migrations')) return false;
    const steps = (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((row) => row.version);
    if (steps.join() !== Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1).join()) return false;
    const emptied = tables.filter((name) => name !== 'schema_migrations').map((name) => `"${name.replaceAll('"', '""')}"`);
    try {
      // DELETE rather than TRUNCATE: on tables this small it is 10–20 times faster (TRUNCATE makes new
      // files for every table and index). One statement: foreign keys are checked at its end, when
      // every table is empty, so the order of the tables does not matter.
      if (emptied.length > 0) await client.query(`WITH ${emptied.map((table, i) => `d${i} AS (DELETE FROM ${table})`).join(', ')} SELECT 1`);
      await client.query(
        `SELECT setval(s.seqrelid::regclass, s.seqstart, false) FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = $1::regnamespace`,
        [schema],
      );
    } catch {
      // Locked by a connection still open (or anything else): the schema is dropped instead.
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

async function dropSchema(base: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    // The name is ours (t_ and hex), never input: safe to write into the statement.
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

// The schemas still kept when the file's tests are done go with it. Only while vitest collects a test
// file: the bench and the tests' child processes (which inherit VITEST) import these helpers too, and
// there vitest refuses a hook.
try {
  afterAll(async () => {
    for (const { base, schema } of recycledSchemas.splice(0)) await dropSchema(base, schema);
  });
} catch {
  // Not in a test file: nothing recycles schemas here without a test to give them back.
}

/** Runs one statement straight on the PostgreSQL database (and schema) of a test store URL, around the store. */
export async function queryPostgres<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString(), ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const PG_BOOL_OID = 16;
const PG_INT8_OID = 20;
const PG_NUMERIC_OID = 1700;
const PG_JSON_OIDS = [114, 3802];

/**
 * How a test reading PostgreSQL behind the store sees values: as better-sqlite3 gives them on the
 * SQLite store (booleans 0/1, bigint counts as numbers, json columns as their text), so one assertion
 * holds for both stores.
 */
const SQLITE_LIKE_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(oid, format);
    if (oid === PG_BOOL_OID) return (value: string) => (value === 't' ? 1 : 0);
    if (oid === PG_INT8_OID || oid === PG_NUMERIC_OID) return (value: string) => Number(value);
    if (PG_JSON_OIDS.includes(oid)) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** `?` placeholders (outside quoted strings) as PostgreSQL's $1, $2 … */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '?') {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}

/** Whether a store URL names a PostgreSQL database (else it is a SQLite file or sqlite: URL). */
function isPostgres(url: string): boolean {
  return /^postgres(ql)?:/i.test(url);
}

/** The SQLite file a test store URL names (a path, or `sqlite:`/`sqlite://` before one). */
function sqliteFile(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/i, '');
}

/** A connection of its own to the database behind a test store, kept for many statements. */
export interface TestDatabaseConnection {
  /**
   * Runs one statement: `sql` written once with `?` placeholders (numbered for PostgreSQL),
   * `postgresSql` instead where the dialects differ. Rows come back as SQLite gives them (see
   * SQLITE_LIKE_TYPES); a statement that returns no rows gives [].
   */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], postgresSql?: string): Promise<R[]>;
  close(): Promise<void>;
}

/**
 * Connects to the database behind a test collector's store, as an auditor (or an intruder) would:
 * better-sqlite3 on a SQLite file, pg on a PostgreSQL schema. For a file of many small checks (a
 * PostgreSQL connection costs 30–100 ms to open); queryTestDatabase for one.
 */
export async function connectTestDatabase(url: string): Promise<TestDatabaseConnection> {
  if (!isPostgres(url)) {
    const db = new Database(sqliteFile(url), { fileMustExist: true });
    return {
      async query<R>(sql: string, params: unknown[] = []) {
        const statement = db.prepare(sql);
        if (!statement.reader) {
          statement.run(...params);
          return [];
        }
        return statement.all(...params) as R[];
      },
      async close() {
        db.close();
      },
    };
  }
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString(), types: SQLITE_LIKE_TYPES, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect();
  return {
    async query<R>(sql: string, params: unknown[] = [], postgresSql?: string) {
      return (await client.query(postgresSql ?? numberedPlaceholders(sql), params)).rows as R[];
    },
    close: () => client.end(),
  };
}

/** Runs one statement on the database behind a test collector's store, through a connection of its own (see TestDatabaseConnection.query). */
export async function queryTestDatabase<R = Record<string, unknown>>(url: string, sql: string, params: unknown[] = [], postgresSql?: string): Promise<R[]> {
  const connection = await connectTestDatabase(url);
  try {
    return await connection.query<R>(sql, params, postgresSql);
  } finally {
    await connection.close();
  }
}

const PG_BYTEA_OID = 17;

/** Every value as the server's text, but bytea as its raw bytes: what a row holds, byte for byte. */
const RAW_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === PG_BYTEA_OID || format === 'binary' ? pg.types.getTypeParser(oid, format) : (value: string) => value) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Everything the database behind a store URL holds, as bytes to search for a secret: the SQLite file
 * and its write-ahead log as they are on disk, or, on PostgreSQL, every row of every table of the
 * schema (one buffer per table: bytea values as their bytes, the others as their text).
 */
export async function storedBytes(url: string): Promise<Buffer[]> {
  if (!isPostgres(url)) {
    const file = sqliteFile(url);
    return [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f));
  }
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString(), types: RAW_TYPES, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename');
    const buffers: Buffer[] = [];
    for (const { name } of tables.rows) {
      // Names read from the catalogue, quoted: no input reaches the statement.
      const { rows } = await client.query<unknown[]>({ text: `SELECT * FROM "${name.replaceAll('"', '""')}"`, rowMode: 'array' });
      const parts = rows.flatMap((row) => row.map((value) => (Buffer.isBuffer(value) ? value : Buffer.from(value === null ? '' : String(value), 'utf8'))));
      buffers.push(Buffer.concat(parts.flatMap((part) => [part, Buffer.from('\n')])));
    }
    return buffers;
  } finally {
    await client.end();
  }
}
