/*
 * The store contract: one body of tests run against every store — SQLite always, PostgreSQL when
 * TEST_DATABASE_URL is set (each test in a schema of its own). Without it the PostgreSQL half shows
 * as skipped, with the variable to set in its name.
 */
import { describe } from 'vitest';
import { openStore, type CollectorStore } from '../../../src/collector';
import type { Defer } from '../helpers';
import { freshPostgresDatabase, freshSqliteDatabase, TEST_DATABASE_URL, type TestDatabase } from '../test-databases';

/** Which store a contract body is running against. */
export type StoreKind = 'SQLite' | 'PostgreSQL';

/** What a contract body is given: fresh databases and store handles on them, all cleaned up after each test. */
export interface StoreKit {
  kind: StoreKind;
  /** A fresh, empty database's store URL (removed after the test). */
  database(): TestDatabase;
  /** Opens a store (closed after the test): on `url`, or on a fresh database. */
  open(url?: string): Promise<CollectorStore>;
}

const STORES: ReadonlyArray<{ kind: StoreKind; fresh: () => TestDatabase; available: boolean }> = [
  { kind: 'SQLite', fresh: freshSqliteDatabase, available: true },
  { kind: 'PostgreSQL', fresh: () => freshPostgresDatabase(), available: TEST_DATABASE_URL !== undefined },
];

/**
 * Describes `title` once per store, as `<title> (SQLite)` and `<title> (PostgreSQL)`; `defer` is the
 * test file's deferCleanups(). The body registers its tests with the kit of that store.
 */
export function describeEachStore(title: string, defer: Defer, body: (kit: StoreKit) => void): void {
  for (const store of STORES) {
    const name = store.available ? `${title} (${store.kind})` : `${title} (${store.kind}: skipped, set TEST_DATABASE_URL=postgres://… to run)`;
    describe.skipIf(!store.available)(name, () => {
      const database = () => {
        const db = store.fresh();
        defer(() => db.cleanup());
        return db;
      };
      body({
        kind: store.kind,
        database,
        open: async (url) => {
          const opened = await openStore(url ?? database().url);
          defer(() => opened.close());
          return opened;
        },
      });
    });
  }
}
