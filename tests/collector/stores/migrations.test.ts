import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore, readSqliteMigrations, SCHEMA_VERSION, SQLITE_MIGRATIONS_DIR, StoreOpenError } from '../../../src/collector/stores';
import { deferCleanups, storeHandles } from '../helpers';

const defer = deferCleanups();

const { database, open } = storeHandles(defer);

/** A folder of migration files: the shipped ones named in `copy`, plus `extra` written as given. */
function migrationsDir(copy: string[], extra: Record<string, string> = {}): { dir: string; dbFile: string } {
  const { dir: root, file } = database();
  const dir = join(root, 'migrations');
  mkdirSync(dir);
  for (const name of copy) copyFileSync(join(SQLITE_MIGRATIONS_DIR, name), join(dir, name));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return { dir, dbFile: file };
}

const SHIPPED = readdirSync(SQLITE_MIGRATIONS_DIR).filter((name) => name.endsWith('.sql')).sort();

describe('SQLite migration files', () => {
  it('are numbered 0001 to the schema version, each starting with its reason', () => {
    expect(SHIPPED.map((name) => name.slice(0, 5))).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => `${String(i + 1).padStart(4, '0')}-`));
    const steps = readSqliteMigrations();
    expect(steps.map((s) => s.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    for (const step of steps) expect(readFileSync(join(SQLITE_MIGRATIONS_DIR, step.file), 'utf8').split('\n')[0]).toBe(`-- ${step.reason}`);
  });

  it('record the same versions and reasons as the collector always has, so existing databases open unchanged', async () => {
    const { file } = database();
    await open(file);
    const raw = new Database(file, { readonly: true });
    defer(() => void raw.close());
    const recorded = raw.prepare('SELECT version, reason FROM schema_migrations ORDER BY version').all() as Array<{ version: number; reason: string }>;
    expect(recorded.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    expect(recorded[0].reason).toBe('initial schema: devices with hashed tokens, responses unique by id, conflicts kept aside, rejections logged');
    expect(recorded[1].reason).toMatch(/^staff side: imported evacuation files may name no device/);
    expect(recorded[2].reason).toMatch(/^collector flags: /);
  });

  it('upgrades a database made by migration 1 only, applying the later steps alone', async () => {
    const { dir, dbFile } = migrationsDir([SHIPPED[0]]);
    const raw = new Database(dbFile);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, reason TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    const [first] = readSqliteMigrations(dir);
    raw.exec(first.sql);
    raw.prepare("INSERT INTO schema_migrations VALUES (1, ?, '2026-01-01T00:00:00.000Z')").run(first.reason);
    raw.close();

    const store = await open(dbFile);
    expect(await store.getAdminPasswordHash()).toBeNull();
    const check = new Database(dbFile, { readonly: true });
    defer(() => void check.close());
    const recorded = check.prepare('SELECT version, applied_at AS appliedAt FROM schema_migrations ORDER BY version').all() as Array<{ version: number; appliedAt: string }>;
    expect(recorded.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    // Step 1 was not run again: its record is the old one.
    expect(recorded[0].appliedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'admin_%' ORDER BY name").all()).toEqual([
      { name: 'admin_password' },
      { name: 'admin_sessions' },
    ]);
  });

  it('runs each step in its own transaction: a failing step leaves the steps before it applied and nothing of itself', () => {
    const last = String(SCHEMA_VERSION).padStart(4, '0');
    const { dir, dbFile } = migrationsDir(SHIPPED.slice(0, -1), { [`${last}-broken.sql`]: '-- a step that fails half-way\nCREATE TABLE half_done (a TEXT);\nCREATE TABLE (;\n' });
    expect(() => openSqliteStore(dbFile, { migrationsDir: dir })).toThrow(/syntax error/);
    const raw = new Database(dbFile, { readonly: true });
    defer(() => void raw.close());
    expect(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      Array.from({ length: SCHEMA_VERSION - 1 }, (_, i) => ({ version: i + 1 })),
    );
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
  });

  it.each([
    ['a missing step', { '0001-first.sql': '-- first\nSELECT 1;', '0003-third.sql': '-- third\nSELECT 1;' }, /step 0002 is missing .*found 0001-first\.sql, 0003-third\.sql/],
    ['no step 0001', { '0002-second.sql': '-- second\nSELECT 1;' }, /step 0001 is missing/],
    ['two steps with one number', { '0001-first.sql': '-- first\nSELECT 1;', '0002-a.sql': '-- a\nSELECT 1;', '0002-b.sql': '-- b\nSELECT 1;' }, /two files are numbered 0002: 0002-a\.sql and 0002-b\.sql/],
    ['a file not named NNNN-name.sql', { '0001-first.sql': '-- first\nSELECT 1;', '2-second.sql': '-- second\nSELECT 1;' }, /expected a file named NNNN-name\.sql .*found "2-second\.sql"/],
    ['a step without its reason line', { '0001-first.sql': 'CREATE TABLE t (a TEXT);' }, /0001-first\.sql must start with a line "-- <why this step exists>"/],
    ['no step at all', {}, /found no \.sql file/],
  ])('names the problem when the folder has %s', (_, files, message) => {
    const { dir, dbFile } = migrationsDir([], files);
    expect(() => readSqliteMigrations(dir)).toThrow(message);
    expect(() => openSqliteStore(dbFile, { migrationsDir: dir })).toThrow(StoreOpenError);
    // Checked before the database is touched: nothing half-made is left behind.
    expect(existsSync(dbFile)).toBe(false);
  });

  it('refuses files that stop short of the schema the queries are written for', () => {
    const { dir, dbFile } = migrationsDir([SHIPPED[0]]);
    expect(() => openSqliteStore(dbFile, { migrationsDir: dir })).toThrow(new RegExp(`end at step 1 but this collector's queries are written for schema version ${SCHEMA_VERSION}`));
    expect(existsSync(dbFile)).toBe(false);
  });
});
