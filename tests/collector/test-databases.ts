/*
 * Fresh databases for tests: a temp SQLite file, or — when TEST_DATABASE_URL names a PostgreSQL
 * database — a schema of its own in it (`t_<random>`, dropped afterwards), so tests running in
 * parallel on one server never meet.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

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
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        // The name is ours (t_ and hex), never input: safe to write into the statement.
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The fresh database collector-level tests run on: PostgreSQL when COLLECTOR_TESTS_ON_POSTGRES, else SQLite. */
export function freshCollectorDatabase(): TestDatabase {
  return COLLECTOR_TESTS_ON_POSTGRES ? freshPostgresDatabase() : freshSqliteDatabase();
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
