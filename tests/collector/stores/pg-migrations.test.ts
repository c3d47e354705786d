import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  openPostgresStore,
  openStore,
  POSTGRES_MIGRATIONS_DIR,
  readPostgresMigrations,
  readSqliteMigrations,
  SCHEMA_VERSION,
  SQLITE_MIGRATIONS_DIR,
  StoreOpenError,
} from '../../../src/collector/stores';
import { deferCleanups } from '../helpers';
import { freshPostgresDatabase, queryPostgres, TEST_DATABASE_URL, withSchema } from '../test-databases';

const defer = deferCleanups();

const sqlFiles = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.sql')).sort();

describe('PostgreSQL migration files', () => {
  it('mirror the SQLite steps: the same numbers and names, up to the one schema version, each with its reason', () => {
    expect(sqlFiles(POSTGRES_MIGRATIONS_DIR)).toEqual(sqlFiles(SQLITE_MIGRATIONS_DIR));
    const steps = readPostgresMigrations();
    expect(steps.map((s) => s.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    expect(steps.map((s) => s.version)).toEqual(readSqliteMigrations().map((s) => s.version));
    for (const step of steps) expect(readFileSync(join(POSTGRES_MIGRATIONS_DIR, step.file), 'utf8').split('\n')[0]).toBe(`-- ${step.reason}`);
  });

  it('are checked by the same rules as the SQLite ones, naming the dialect', () => {
    const db = emptyMigrationsDir();
    writeFileSync(join(db, '0001-first.sql'), '-- first\nSELECT 1;');
    writeFileSync(join(db, '0003-third.sql'), '-- third\nSELECT 1;');
    expect(() => readPostgresMigrations(db)).toThrow(/^PostgreSQL migrations in .*: step 0002 is missing/);
  });
});

/** An empty migrations folder in a temp folder removed after the test. */
function emptyMigrationsDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'sipas-migrations-'));
  defer(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

describe.skipIf(TEST_DATABASE_URL === undefined)(
  TEST_DATABASE_URL === undefined ? 'PostgreSQL migrations (skipped, set TEST_DATABASE_URL=postgres://… to run)' : 'PostgreSQL migrations',
  () => {
    const fresh = () => {
      const db = freshPostgresDatabase();
      defer(() => db.cleanup());
      return db;
    };

    it('apply every step in one transaction: a failing step leaves the schema as it was, and the error names the step', async () => {
      const db = fresh();
      const dir = join(db.dir, 'migrations');
      mkdirSync(dir);
      for (const name of sqlFiles(POSTGRES_MIGRATIONS_DIR)) copyFileSync(join(POSTGRES_MIGRATIONS_DIR, name), join(dir, name));
      writeFileSync(join(dir, '0005-places.sql'), '-- places, broken on purpose\nCREATE TABLE device_kiosks (;\n');
      const error = await openPostgresStore(db.url, { migrationsDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreOpenError);
      expect(error).toMatchObject({ code: 'store.migration-files', message: expect.stringMatching(/a schema step failed: syntax error/) });
      const schema = new URL(db.url).searchParams.get('schema');
      expect(await queryPostgres(db.url, 'SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema])).toEqual([]);
      // The shipped steps then apply from the start.
      const store = await openStore(db.url);
      defer(() => store.close());
      expect(await store.listDevices()).toEqual([]);
    });

    it('keep each schema apart: a store in one schema sees nothing of another', async () => {
      const a = fresh();
      const b = fresh();
      const storeA = await openStore(a.url);
      defer(() => storeA.close());
      const storeB = await openStore(b.url);
      defer(() => storeB.close());
      await storeA.recordAudit({ at: '2026-03-02T00:00:00.000Z', address: null, action: 'signIn', outcome: 'success', details: {} });
      expect(await storeA.listAudit({ limit: 5 })).toHaveLength(1);
      expect(await storeB.listAudit({ limit: 5 })).toEqual([]);
    });

    it('refuses a wrong password as such, without printing it', async () => {
      const url = new URL(withSchema(TEST_DATABASE_URL as string, 'unused_schema'));
      url.password = 'sai-mat-khau-9';
      const error = await openStore(url.toString()).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'store.auth-failed', details: { sqlState: '28P01' } });
      expect((error as Error).message).not.toContain('sai-mat-khau-9');
    });

    it('refuses a database that does not exist as such', async () => {
      const url = new URL(TEST_DATABASE_URL as string);
      url.pathname = '/sipas_no_such_database';
      await expect(openStore(url.toString())).rejects.toMatchObject({ code: 'store.database-missing' });
    });
  },
);
