/**
 * The CSV export of n responses (issue 12 benchmarks) on SQLite and PostgreSQL: seeded in bulk, then
 * GET /api/v1/admin/responses.csv through real HTTP on loopback, read as it streams; its time and the
 * process's memory growth while it runs (resident set, sampled every 5 ms, which includes the read
 * worker's heap; and the main thread's heap). An export that streams grows by a constant, whatever n
 * is: the target is ≤ 50 MB at 1,000,000. The tallies are not computed (the export reads rows only):
 * the bulk seed's stale marks are cleared so opening the collector does not spend minutes on them.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createCollector, openStore, setAdminPassword } from '../../src/collector';
import { parsePostgresUrl } from '../../src/collector/stores';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import { ADMIN_PASSWORD, signIn, tempDatabase } from '../collector/helpers';
import { freshPostgresDatabase, TEST_DATABASE_URL } from '../collector/test-databases';
import { sipasResponse } from './collector-admin';
import { bulkSeed } from './bulk-seed';
import { bulkSeedPostgres } from './pg-bulk-seed';
import type { BenchStore } from './tallies';

/** Figures of one export. */
export interface ExportBenchResult {
  store: BenchStore;
  rows: number;
  bytes: number;
  seedSeconds: number;
  seconds: number;
  baselineRssMb: number;
  peakRssMb: number;
  rssGrowthMb: number;
  heapGrowthMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Seeds n sipas-2023 responses on `kind`, then streams their CSV export once and measures it. */
export async function benchExportMemory(n: number, kind: BenchStore): Promise<ExportBenchResult> {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  const kioskIds = Array.from({ length: 20 }, () => randomUUID());
  const db = kind === 'postgres' ? freshPostgresDatabase(TEST_DATABASE_URL) : (() => { const file = tempDatabase(); return { url: file.file, cleanup: async () => file.cleanup() }; })();
  try {
    const began = performance.now();
    if (kind === 'postgres') {
      await bulkSeedPostgres(db.url, n, (i) => sipasResponse(i, kioskIds));
      const target = parsePostgresUrl(db.url);
      const client = new pg.Client({ connectionString: target.connectionString, options: `-c search_path=${target.schema}` });
      await client.connect();
      await client.query('DELETE FROM tally_stale_versions');
      await client.end();
    } else {
      await bulkSeed(db.url, n, (i) => sipasResponse(i, kioskIds));
      const file = new Database(db.url);
      file.prepare('DELETE FROM tally_stale_versions').run();
      file.close();
    }
    const seedSeconds = Math.round((performance.now() - began) / 100) / 10;
    const store = await openStore(db.url);
    await setAdminPassword(store, ADMIN_PASSWORD);
    const app = await createCollector({ store, definitions });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const cookie = await signIn(app);
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      global.gc?.();
      const baselineRss = process.memoryUsage().rss;
      const baselineHeap = process.memoryUsage().heapUsed;
      let peakRss = baselineRss;
      let peakHeap = baselineHeap;
      const sample = () => {
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakHeap = Math.max(peakHeap, now.heapUsed);
      };
      const timer = setInterval(sample, 5);
      const start = performance.now();
      let bytes = 0;
      let lineEnds = 0;
      try {
        const response = await fetch(`${base}/api/v1/admin/responses.csv?definition=sipas-2023`, { headers: { cookie } });
        if (response.status !== 200) throw new Error(`export answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          bytes += chunk.length;
          for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) lineEnds++;
        }
      } finally {
        clearInterval(timer);
        sample();
      }
      const seconds = Math.round((performance.now() - start) / 100) / 10;
      // No comment holds a line break: every line end is a row end, the header's included.
      const rows = lineEnds - 1;
      if (rows !== n) throw new Error(`export incomplete: ${rows} rows of ${n}`);
      return { store: kind, rows, bytes, seedSeconds, seconds, baselineRssMb: mb(baselineRss), peakRssMb: mb(peakRss), rssGrowthMb: mb(peakRss - baselineRss), heapGrowthMb: mb(peakHeap - baselineHeap) };
    } finally {
      await app.close();
      await store.close();
    }
  } finally {
    await db.cleanup();
  }
}

// Run alone: `[TEST_DATABASE_URL=…] npx tsx tests/bench/export-memory.ts [sqlite|postgres] [n]`.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const kind: BenchStore = process.argv.includes('postgres') ? 'postgres' : 'sqlite';
  const n = process.argv.slice(2).map(Number).find((v) => v > 0) ?? 100_000;
  console.log(JSON.stringify(await benchExportMemory(n, kind)));
}
