/**
 * The store reports and exports read from a replica (`--read-database`, openReadStore): read-only,
 * never migrated, refused when its schema is not this collector's. On PostgreSQL a replica is a
 * copy of the primary, so the primary itself stands in for one here; read-only is the server's own
 * default_transaction_read_only, which a hot standby enforces too.
 */
import { describe, expect, it } from 'vitest';
import { openStore, SCHEMA_VERSION, StoreOpenError } from '../../../src/collector';
import { buildReport, ReadPool } from '../../../src/collector/staff-pages';
import { openReadStore } from '../../../src/collector/stores';
import { DEFINITIONS, deferCleanups, makeResponse, seedResponses, tempDatabase } from '../helpers';
import { freshPostgresDatabase, queryPostgres, TEST_DATABASE_URL } from '../test-databases';

const defer = deferCleanups();

/** A migrated PostgreSQL schema holding `rows` responses, written through the collector's own store. */
async function primaryWith(rows: number) {
  const db = freshPostgresDatabase();
  defer(() => db.cleanup());
  const primary = await openStore(db.url);
  defer(() => primary.close());
  await primary.useDefinitions(DEFINITIONS);
  await seedResponses(primary, null, rows, (i) => makeResponse({ seq: i + 1, answers: { TC1: (i % 5) + 1, CC1: 4 } }), 'import');
  return { db, primary };
}

const report = (store: Parameters<typeof buildReport>[0]) =>
  buildReport(store, DEFINITIONS, { query: { definition: 'sipas-test' }, values: {}, generatedAt: '2026-12-01T00:00:00.000Z' });

describe('the read store (a replica for reports and exports)', () => {
  it('refuses a SQLite file: a replica is PostgreSQL', async () => {
    const { file, cleanup } = tempDatabase();
    defer(cleanup);
    await expect(openReadStore(file)).rejects.toMatchObject({ code: 'store.unsupported-scheme', message: expect.stringMatching(/a read database must be PostgreSQL/) });
  });

  describe.skipIf(TEST_DATABASE_URL === undefined)('on PostgreSQL (needs TEST_DATABASE_URL)', () => {
    it('reads what the primary stored, the same report as the primary gives', async () => {
      const { db, primary } = await primaryWith(40);
      const replica = await openReadStore(db.url);
      defer(() => replica.close());
      const fromReplica = await report(replica);
      expect(fromReplica).toEqual(await report(primary));
      expect(JSON.stringify(fromReplica)).toContain('"responses":40');
    });

    it('refuses every write, so reading through it can never change what it reports on', async () => {
      const { db } = await primaryWith(3);
      const replica = await openReadStore(db.url);
      defer(() => replica.close());
      await expect(seedResponses(replica, null, 1, (i) => makeResponse({ seq: 100 + i }), 'import')).rejects.toThrow(/read-only transaction/);
      expect(await queryPostgres(db.url, 'SELECT count(*)::int AS n FROM responses')).toEqual([{ n: 3 }]);
    });

    it('refuses a database no collector has migrated, naming the versions, and creates nothing there', async () => {
      const empty = freshPostgresDatabase();
      defer(() => empty.cleanup());
      const refused = await openReadStore(empty.url).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(StoreOpenError);
      expect(refused).toMatchObject({ code: 'store.schema-behind', details: { found: 0, expected: SCHEMA_VERSION } });
      expect((refused as Error).message).toMatch(new RegExp(`schema version 0, this collector needs ${SCHEMA_VERSION}; a read database is never migrated`));
      const schema = new URL(empty.url).searchParams.get('schema');
      expect(await queryPostgres(TEST_DATABASE_URL!, 'SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = $1', [schema])).toEqual([{ n: 0 }]);
    });

    it('refuses a replica behind the collector by a step, rather than reading tables it does not have', async () => {
      const { db } = await primaryWith(1);
      await queryPostgres(db.url, 'DELETE FROM schema_migrations WHERE version = $1', [SCHEMA_VERSION]);
      await expect(openReadStore(db.url)).rejects.toMatchObject({ code: 'store.schema-behind', details: { found: SCHEMA_VERSION - 1 } });
    });

    it('is what the read workers open when given a read URL: reports and exports run on the worker, from the replica', async () => {
      const { db, primary } = await primaryWith(25);
      const logged: string[] = [];
      // No storeUrl of the primary's: the worker's connection can only be the read one.
      const pool = new ReadPool({ store: primary, readStoreUrl: db.url, log: (message) => logged.push(message) });
      defer(() => pool.close());
      await pool.start();
      const viaWorker = await pool.report(DEFINITIONS, { query: { definition: 'sipas-test' }, values: {}, generatedAt: '2026-12-01T00:00:00.000Z' });
      expect(viaWorker).toEqual(await report(primary));
      const body = await pool.export(DEFINITIONS, { definition: 'sipas-test' }, 'vi', 'csv');
      let csv = '';
      for await (const piece of body.stream) csv += String(piece);
      expect(body.rowCount).toBe(25);
      expect(csv.trimEnd().split('\r\n')).toHaveLength(26);
      expect(pool.stats).toMatchObject({ workerJobs: 2, inProcessJobs: 0, workersStarted: 1 });
      expect(logged).toEqual([]);
    });
  });
});
