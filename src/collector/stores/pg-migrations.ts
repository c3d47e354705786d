import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { checkSchemaVersion, readMigrations, SCHEMA_VERSION, schemaBehindError, schemaNewerError, type Migration } from './migration-files';
import { inTransaction } from './pg-pool';

/** Where the PostgreSQL schema steps live, numbered as the SQLite ones (step N is the same change in both). */
export const POSTGRES_MIGRATIONS_DIR: string = fileURLToPath(new URL('./migrations/postgres', import.meta.url));

/** Reads and checks the PostgreSQL steps of a folder, in order (the rules: readMigrations). */
export function readPostgresMigrations(dir: string = POSTGRES_MIGRATIONS_DIR): Migration[] {
  return readMigrations(dir, 'PostgreSQL');
}

/**
 * The advisory lock key of the migrations (first half; the second is the schema's name hashed), so
 * collectors of one schema wait for each other while collectors of other schemas do not.
 */
const MIGRATION_LOCK_KEY = 0x51_9a_5c_01;

/**
 * Applies the steps not yet recorded in schema_migrations, all in one transaction under a
 * transaction-scoped advisory lock: two collector processes starting together take turns, and the
 * second finds the steps recorded. PostgreSQL's DDL is transactional, so a failing step leaves the
 * database exactly as it was. A database a newer collector has moved past these queries is refused
 * before anything is applied. With `schema`, the schema is created first when missing.
 */
/**
 * Checks, without writing, that a database opened only to read (a replica of a collector's) has this
 * collector's schema: the primary's collectors migrate it, a replica replays that; behind or newer, refused.
 */
export async function checkPostgresSchema(pool: pg.Pool, where: string): Promise<void> {
  const table = await pool.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  const newest = table.rows[0].present ? Number((await pool.query<{ newest: number | null }>('SELECT max(version) AS newest FROM schema_migrations')).rows[0].newest ?? 0) : 0;
  if (newest > SCHEMA_VERSION) throw schemaNewerError(newest);
  if (newest < SCHEMA_VERSION) throw schemaBehindError(newest, where);
}

export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[], schema?: string): Promise<void> {
  checkSchemaVersion(migrations, 'PostgreSQL');
  await inTransaction(pool, async (client) => {
    // Locked by the schema's name, before creating it: CREATE SCHEMA IF NOT EXISTS is not safe against
    // a concurrent one, and current_schema() is null while the schema does not exist yet.
    await client.query("SELECT pg_advisory_xact_lock($1, hashtext(coalesce($2::text, current_schema(), '')))", [MIGRATION_LOCK_KEY, schema ?? null]);
    // The schema name was checked to be a plain identifier (parsePostgresUrl), so it needs no quoting.
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      reason text NOT NULL,
      applied_at text NOT NULL
    )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...applied);
    if (newest > SCHEMA_VERSION) throw schemaNewerError(newest);
    for (const step of migrations) {
      if (applied.has(step.version)) continue;
      // No parameters: the simple query protocol, which runs a file of several statements.
      await client.query(step.sql);
      await client.query('INSERT INTO schema_migrations (version, reason, applied_at) VALUES ($1, $2, $3)', [step.version, step.reason, new Date().toISOString()]);
    }
  });
}
