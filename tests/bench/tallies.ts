/**
 * The SIPAS report from tallies (issue 12, part 3), for `npm run bench`: n sipas-2023 responses seeded
 * in bulk straight into the store (tallies kept as they are ingested), then the report computed
 * in-process as the read worker computes it, unfiltered and for one unit and one quarter. Also the
 * bulk ingest rate with tallies kept, and with only counts (the store lacking the definition), which
 * is the price of the tally upsert.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openStore, type CollectorStore } from '../../src/collector';
import { buildReport } from '../../src/collector/staff-pages';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import { seedResponses, tempDatabase } from '../collector/helpers';
import { sipasResponse } from './collector-admin';
import { bulkSeed } from './bulk-seed';
import { bulkSeedPostgres } from './pg-bulk-seed';
import { freshPostgresDatabase, TEST_DATABASE_URL } from '../collector/test-databases';

/** The stores a figure is measured on. */
export type BenchStore = 'sqlite' | 'postgres';

/** Figures of one size. */
export interface TalliesBenchResult {
  store: BenchStore;
  responses: number;
  seedPerSecond: number;
  /** Of the seed in bulk: the rows written, then the tallies recounted from them by the store (useDefinitions). */
  bulkRowsSeconds?: number;
  recountSeconds?: number;
  /** The bench process's resident set after the recount (the store runs in it, as does PostgreSQL's client). */
  rssAfterSeedMb: number;
  /** Median of 5 reports after one warm-up, in ms. */
  reportMs: number;
  filteredReportMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeReport(store: CollectorStore, query: Record<string, string>): Promise<number> {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  const run = () => buildReport(store, definitions, { query: { definition: 'sipas-2023', ...query }, values: query, generatedAt: new Date().toISOString() });
  await run();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const began = performance.now();
    await run();
    times.push(performance.now() - began);
  }
  return Math.round(median(times) * 10) / 10;
}

const YEAR_MS = 365 * 86_400_000;

/** Above this many responses the bench seeds in bulk (bulk-seed.ts): through ingest, 1M would take longer than the rest of the bench. */
const INGEST_SEED_MAX = 100_000;

/**
 * Seeds n responses with tallies kept, then times the report and a filtered report (one unit, one
 * quarter). Up to INGEST_SEED_MAX through ingest (seedPerSecond is its rate with tallies); above,
 * rows in bulk and the tallies recomputed per group by the store (seedPerSecond counts both).
 */
export async function benchTallies(n: number, options: { countsOnly?: boolean; store?: BenchStore; ingestSeed?: boolean } = {}): Promise<TalliesBenchResult> {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  const kind = options.store ?? 'sqlite';
  // PostgreSQL: a fresh schema in TEST_DATABASE_URL, always seeded by COPY (the tallies then by the store's recompute).
  const db = kind === 'postgres' ? freshPostgresDatabase(TEST_DATABASE_URL) : (() => { const file = tempDatabase(); return { url: file.file, cleanup: async () => file.cleanup() }; })();
  const kioskIds = Array.from({ length: 20 }, () => randomUUID());
  // One year of responses at every size, as a province's or the nation's year: the report then covers
  // the same 12 months whatever n is, so its time compares sizes, not spans (5 minutes apart, 1M
  // responses would run to 2034 and the report would chart 114 months).
  const msApart = YEAR_MS / n;
  const make = (i: number) => sipasResponse(i, kioskIds, msApart);
  // ingestSeed: through the store's ingest at any size (tallies kept batch by batch, no recomputation).
  const bulk = (n > INGEST_SEED_MAX || kind === 'postgres') && !options.countsOnly && !options.ingestSeed;
  const began = performance.now();
  if (bulk && kind === 'postgres') await bulkSeedPostgres(db.url, n, make);
  else if (bulk) await bulkSeed(db.url, n, make);
  const rowsWritten = performance.now();
  const store = await openStore(db.url);
  try {
    // In bulk, this is where the stale versions' tallies are computed from the rows.
    if (!options.countsOnly) await store.useDefinitions(definitions);
    if (!bulk) await seedResponses(store, null, n, make, 'import');
    const seeded = performance.now();
    const seedPerSecond = Math.round(n / ((seeded - began) / 1000));
    const seconds = (ms: number) => Math.round(ms / 100) / 10;
    const phases = bulk ? { bulkRowsSeconds: seconds(rowsWritten - began), recountSeconds: seconds(seeded - rowsWritten) } : {};
    const rssAfterSeedMb = Math.round(process.memoryUsage().rss / 1_048_576);
    if (options.countsOnly) return { store: kind, responses: n, seedPerSecond, rssAfterSeedMb, reportMs: NaN, filteredReportMs: NaN };
    // The responses run through 2025: its second quarter is inside every size here.
    return {
      store: kind,
      responses: n,
      seedPerSecond,
      ...phases,
      rssAfterSeedMb,
      reportMs: await timeReport(store, {}),
      filteredReportMs: await timeReport(store, { agency: 'STP', from: '2025-04-01', to: '2025-06-30' }),
    };
  } finally {
    await store.close();
    await db.cleanup();
  }
}

// Run alone: `npx tsx tests/bench/tallies.ts [--store sqlite|postgres] [n …]`.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const args = process.argv.slice(2);
  const store = args.includes('postgres') ? 'postgres' : 'sqlite';
  const ingestSeed = args.includes('--ingest-seed');
  const sizes = args.map(Number).filter((v) => v > 0);
  for (const n of sizes.length > 0 ? sizes : [100_000]) {
    const full = await benchTallies(n, { store, ingestSeed });
    const countsOnly = await benchTallies(Math.min(n, 100_000), { countsOnly: true });
    console.log(JSON.stringify({ ...full, seedCountsOnlyPerSecond: countsOnly.seedPerSecond }));
  }
}
