import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { checkSchemaVersion, readMigrations, SCHEMA_VERSION, schemaNewerError, type Migration } from './migration-files';

// The numbering, reason-line and schema-version rules are shared with the PostgreSQL steps.
export { checkSchemaVersion, SCHEMA_VERSION, type Migration } from './migration-files';

/** Where the SQLite schema steps live: read at open, next to this module (tsx and vitest run the sources). */
export const SQLITE_MIGRATIONS_DIR: string = fileURLToPath(new URL('./migrations/sqlite', import.meta.url));

/** Reads and checks the SQLite steps of a folder, in order (the rules: readMigrations). */
export function readSqliteMigrations(dir: string = SQLITE_MIGRATIONS_DIR): Migration[] {
  return readMigrations(dir, 'SQLite');
}

/**
 * Applies the steps not yet recorded in schema_migrations, in order, each in its own transaction, and
 * refuses a database that a newer collector has moved past what these queries understand.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  checkSchemaVersion(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    reason TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, reason, applied_at) VALUES (?, ?, ?)');
  for (const step of migrations) {
    // IMMEDIATE takes the write lock first, so two processes starting together cannot both apply a step.
    db.transaction(() => {
      if (applied.get(step.version)!.n > 0) return;
      db.exec(step.sql);
      record.run(step.version, step.reason, new Date().toISOString());
    }).immediate();
  }
  const newest = db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations').get()!.v;
  if (newest !== null && newest > SCHEMA_VERSION) throw schemaNewerError(newest);
}
