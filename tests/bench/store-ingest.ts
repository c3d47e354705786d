/**
 * Ingest straight into a store, one stream (issue 12, part 3): n sipas-2023 responses in batches of
 * 100 through store.ingest, no HTTP, so the store's own cost per batch shows apart from the machine's
 * load and the server's parsing. On SQLite always, on PostgreSQL when TEST_DATABASE_URL is set.
 * Run alone: `[TEST_DATABASE_URL=postgres://…] npx tsx tests/bench/store-ingest.ts [n] [kiosks]`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openStore, registerDevice } from '../../src/collector';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import type { IngestItem } from '../../src/collector/stores';
import { validItem } from '../collector/helpers';
import { freshPostgresDatabase, freshSqliteDatabase, TEST_DATABASE_URL, type TestDatabase } from '../collector/test-databases';
import { sipasResponse } from './collector-admin';

/** Figures of one run. */
export interface StoreIngestResult {
  store: 'SQLite' | 'PostgreSQL';
  responses: number;
  batchSize: number;
  seconds: number;
  perSecond: number;
  batchMs: { p50: number; p99: number };
  /** checkTallies found the tallies exact afterwards. */
  talliesExact: boolean;
}

/** Ingests `n` responses of `kiosks` kiosks in batches of `batchSize` into a fresh database and times it. */
export async function benchStoreIngest(kind: 'SQLite' | 'PostgreSQL', n = 10_000, batchSize = 100, kiosks = 4): Promise<StoreIngestResult> {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  const db: TestDatabase = kind === 'SQLite' ? freshSqliteDatabase() : freshPostgresDatabase();
  try {
    const store = await openStore(db.url);
    try {
      await store.useDefinitions(definitions);
      const { deviceId } = await registerDevice(store, { label: 'Bench', agencyCode: 'SNV', counterCode: 'Q01' });
      const kioskIds = Array.from({ length: kiosks }, () => randomUUID());
      // Items are made (and hashed) before the clock starts: that is the HTTP layer's work, not the store's.
      const batches: IngestItem[][] = [];
      for (let start = 0; start < n; start += batchSize) {
        const items: IngestItem[] = [];
        // At the device's place, as a real kiosk's responses are (a batch then spans a few service fields and days, not a dozen places).
        for (let i = start; i < Math.min(n, start + batchSize); i++) items.push(validItem({ ...sipasResponse(i, kioskIds), agencyCode: 'SNV', counterCode: 'Q01' }));
        batches.push(items);
      }
      const batchMs: number[] = [];
      const began = performance.now();
      for (const items of batches) {
        const t0 = performance.now();
        const outcomes = await store.ingest({ deviceId, receivedAt: new Date().toISOString(), report: null, source: 'sync', items });
        batchMs.push(performance.now() - t0);
        const failed = outcomes.find((o) => o.status !== 'created');
        if (failed) throw new Error(`ingest failed: ${failed.status} ${failed.reason ?? ''}`);
      }
      const seconds = (performance.now() - began) / 1000;
      const differences = await store.checkTallies(definitions);
      const sorted = [...batchMs].sort((a, b) => a - b);
      const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 10) / 10;
      return { store: kind, responses: n, batchSize, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(n / seconds), batchMs: { p50: at(0.5), p99: at(0.99) }, talliesExact: differences.length === 0 };
    } finally {
      await store.close();
    }
  } finally {
    await db.cleanup();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const n = Number(process.argv[2] ?? 10_000);
  const kiosks = Number(process.argv[3] ?? 4);
  const kinds: Array<'SQLite' | 'PostgreSQL'> = TEST_DATABASE_URL === undefined ? ['SQLite'] : ['SQLite', 'PostgreSQL'];
  for (const kind of kinds) console.log(JSON.stringify(await benchStoreIngest(kind, n, 100, kiosks)));
}
