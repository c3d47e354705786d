/*
 * The rules every dialect's numbered schema steps follow, shared by the SQLite and the PostgreSQL
 * migrators: files named NNNN-name.sql, numbered 1, 2, 3 … without gap or repeat, each starting with
 * a `-- reason` line, ending at SCHEMA_VERSION (one number for both dialects: step N means the same
 * change in each).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreOpenError } from './store-error';

/** One numbered schema step, read from `NNNN-name.sql`; its first line is `-- <reason>`. */
export interface Migration {
  version: number;
  file: string;
  reason: string;
  sql: string;
}

/** The schema the queries of this folder are written for, in every dialect: the migration files must end at it. */
export const SCHEMA_VERSION = 14;

/** The dialects whose steps live in migrations/<folder>, with the name messages use. */
export type MigrationDialect = 'SQLite' | 'PostgreSQL';

const FILE_NAME = /^(\d{4})-[a-z0-9]+(?:-[a-z0-9]+)*\.sql$/;
const REASON_LINE = /^-- *(\S.*)$/;

/**
 * Reads and checks the migration files of a folder, in order. Every `.sql` file must be named
 * `NNNN-name.sql`, numbered 1, 2, 3 … without a gap or a repeat, and start with a `-- reason` line:
 * a step that is missing or misnumbered would otherwise silently leave a database half-built.
 */
export function readMigrations(dir: string, dialect: MigrationDialect): Migration[] {
  const problem = (message: string, details: Record<string, string | number | readonly string[]> = {}) =>
    new StoreOpenError('store.migration-files', `${dialect} migrations in ${dir}: ${message}`, { dir, ...details });
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
export function checkSchemaVersion(migrations: readonly Migration[], dialect: MigrationDialect = 'SQLite'): void {
  const last = migrations[migrations.length - 1]?.version ?? 0;
  if (last !== SCHEMA_VERSION) {
    throw new StoreOpenError(
      'store.migration-files',
      `the ${dialect} migration files end at step ${last} but this collector's queries are written for schema version ${SCHEMA_VERSION}`,
      { found: last, expected: SCHEMA_VERSION },
    );
  }
}

/** The refusal of a database opened only to read (a replica) that no collector has migrated to this version yet. */
export function schemaBehindError(found: number, where: string): StoreOpenError {
  return new StoreOpenError(
    'store.schema-behind',
    `${where}: database schema version ${found}, this collector needs ${SCHEMA_VERSION}; a read database is never migrated: start the collector on the primary first, and wait for the replica to replay it`,
    { found, expected: SCHEMA_VERSION },
  );
}

/** The refusal of a database that a newer collector has moved past what these queries understand. */
export function schemaNewerError(found: number): StoreOpenError {
  return new StoreOpenError(
    'store.schema-newer',
    `database schema version ${found} is newer than this collector understands (${SCHEMA_VERSION}); upgrade the collector`,
    { found, expected: SCHEMA_VERSION },
  );
}
