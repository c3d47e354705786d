/*
 * The recycled PostgreSQL schemas of the collector-level tests must be, to a test, fresh ones: these
 * cases prove the premise (migrations alone leave every table but schema_migrations empty) and the
 * recycling (same steps, no rows, identities restarted; a schema a test moved is dropped instead).
 */
import { describe, expect, it } from 'vitest';
import { openStore, registerDevice, SCHEMA_VERSION } from '../../src/collector';
import { deferCleanups, makeResponse, validItem } from './helpers';
import { freshPostgresDatabase, queryPostgres, recycledPostgresDatabase, TEST_DATABASE_URL } from './test-databases';

const defer = deferCleanups();

/** Rows per table of the schema a store URL names, by table name. */
async function rowCounts(url: string): Promise<Record<string, number>> {
  const schema = new URL(url).searchParams.get('schema');
  const tables = await queryPostgres<{ name: string }>(url, 'SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [schema]);
  const counts: Record<string, number> = {};
  // Names read from the catalogue, quoted: no input reaches the statement.
  for (const { name } of tables) counts[name] = Number((await queryPostgres<{ n: string }>(url, `SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`))[0].n);
  return counts;
}

/** Uses a store on `url` the way a test does: a device, a stored response and a logged rejection. */
async function useStore(url: string): Promise<number> {
  const store = await openStore(url);
  try {
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'A', counterCode: 'B' });
    await store.ingest({
      deviceId,
      receivedAt: '2026-03-02T02:00:00.000Z',
      report: null,
      source: 'sync',
      items: [validItem(makeResponse()), { kind: 'rejected', responseId: null, reason: 'test', kioskId: null, seq: null }],
    });
    const [rejection] = await queryPostgres<{ id: string }>(url, 'SELECT id FROM rejections');
    return Number(rejection.id);
  } finally {
    await store.close();
  }
}

const onlyMigrations = (counts: Record<string, number>) => Object.entries(counts).filter(([name, n]) => n > 0 && name !== 'schema_migrations');

describe.skipIf(TEST_DATABASE_URL === undefined)(`recycled test schemas${TEST_DATABASE_URL ? '' : ' (skipped: set TEST_DATABASE_URL=postgres://… to run)'}`, () => {
  it('start from what migrations alone make: rows in schema_migrations only', async () => {
    const db = freshPostgresDatabase();
    defer(() => db.cleanup());
    await (await openStore(db.url)).close();
    const counts = await rowCounts(db.url);
    expect(counts.schema_migrations).toBe(SCHEMA_VERSION);
    expect(onlyMigrations(counts)).toEqual([]);
  });

  it('give the next test the used schema emptied: the same steps, no rows, identities from 1 again', async () => {
    const first = recycledPostgresDatabase();
    expect(await useStore(first.url)).toBe(1);
    await first.cleanup();
    const second = recycledPostgresDatabase();
    defer(() => second.cleanup());
    expect(second.url).toBe(first.url);
    const counts = await rowCounts(second.url);
    expect(counts.schema_migrations).toBe(SCHEMA_VERSION);
    expect(onlyMigrations(counts)).toEqual([]);
    expect(await useStore(second.url)).toBe(1);
  });

  it('drop, not keep, a schema whose recorded steps a test changed', async () => {
    const first = recycledPostgresDatabase();
    await useStore(first.url);
    await queryPostgres(first.url, "INSERT INTO schema_migrations (version, reason, applied_at) VALUES (9999, 'from a newer collector', 'now')");
    await first.cleanup();
    const schema = new URL(first.url).searchParams.get('schema');
    expect(await queryPostgres(first.url, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).toEqual([]);
    const second = recycledPostgresDatabase();
    defer(() => second.cleanup());
    expect(second.url).not.toBe(first.url);
  });
});
