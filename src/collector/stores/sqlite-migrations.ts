import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { StoreOpenError } from './store-error';

/** One numbered schema step, read from `NNNN-name.sql`; its first line is `-- <reason>`. */
export interface Migration {
  version: number;
  file: string;
  reason: string;
  sql: string;
}

/** Where the SQLite schema steps live: read at open, next to this module (tsx and vitest run the sources). */
export const SQLITE_MIGRATIONS_DIR: string = fileURLToPath(new URL('./migrations/sqlite', import.meta.url));

/** The schema the SQLite queries of this folder are written for: the migration files must end at it. */
export const SCHEMA_VERSION = 10;

const FILE_NAME = /^(\d{4})-[a-z0-9]+(?:-[a-z0-9]+)*\.sql$/;
const REASON_LINE = /^-- *(\S.*)$/;

/**
 * Reads and checks the migration files of a folder, in order. Every `.sql` file must be named
 * `NNNN-name.sql`, numbered 1, 2, 3 … without a gap or a repeat, and start with a `-- reason` line:
 * a step that is missing or misnumbered would otherwise silently leave a database half-built.
 */
export function readSqliteMigrations(dir: string = SQLITE_MIGRATIONS_DIR): Migration[] {
  const problem = (message: string, details: Record<string, string | number | readonly string[]> = {}) =>
    new StoreOpenError('store.migration-files', `SQLite migrations in ${dir}: ${message}`, { dir, ...details });
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.sql'));
  } catch (error) {
    throw problem(`cannot read the folder (${(error as Error).message})`);
  }
  const migrations = names.map((file): Migration => {
    const match = FILE_NAME.exec(file);
    if (!match) throw problem(`expected a file named NNNN-name.sql (e.g. 0003-add-tallies.sql), found ${JSON.stringify(file)}`, { file });
    const text = readFileSync(join(dir, file), 'utf8');
    const [firstLine] = text.split(/\r?\n/, 1);
    const reason = REASON_LINE.exec(firstLine)?.[1].trim();
    if (!reason) throw problem(`${file} must start with a line "-- <why this step exists>", found ${JSON.stringify(firstLine)}`, { file });
    return { version: Number(match[1]), file, reason, sql: text };
  });
  migrations.sort((a, b) => a.version - b.version || a.file.localeCompare(b.file));
  if (migrations.length === 0) throw problem('expected 0001-….sql and the steps after it, found no .sql file');
  migrations.forEach((step, i) => {
    const expected = i + 1;
    if (step.version === expected) return;
    const found = migrations.map((m) => m.file);
    if (i > 0 && step.version === migrations[i - 1].version) throw problem(`two files are numbered ${pad(step.version)}: ${migrations[i - 1].file} and ${step.file}`, { found });
    throw problem(`step ${pad(expected)} is missing (the steps are numbered 1, 2, 3 … without a gap), found ${found.join(', ')}`, { found });
  });
  return migrations;
}

function pad(version: number): string {
  return String(version).padStart(4, '0');
}

/** Refuses migration files that do not end at the schema the queries are written for (a step left out of a deployment). */
export function checkSchemaVersion(migrations: readonly Migration[]): void {
  const last = migrations[migrations.length - 1]?.version ?? 0;
  if (last !== SCHEMA_VERSION) {
    throw new StoreOpenError(
      'store.migration-files',
      `the SQLite migration files end at step ${last} but this collector's queries are written for schema version ${SCHEMA_VERSION}`,
      { found: last, expected: SCHEMA_VERSION },
    );
  }
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
  if (newest !== null && newest > SCHEMA_VERSION) {
    throw new StoreOpenError(
      'store.schema-newer',
      `database schema version ${newest} is newer than this collector understands (${SCHEMA_VERSION}); upgrade the collector`,
      { found: newest, expected: SCHEMA_VERSION },
    );
  }
}
