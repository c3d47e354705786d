/**
 * Ingest through HTTP on PostgreSQL with several collector processes (issue 12, part 5): 50 simulated
 * kiosks, each its own device, send batches of 100 concurrently through a round-robin proxy to two
 * collector processes on one database; the rate, the batch latencies (p50/p99) and the proof that
 * every response was stored once with gapless sequences. Needs TEST_DATABASE_URL (a database the bench
 * may create a schema in); without it the figure is skipped with a note.
 */
import { openStore } from '../../src/collector';
import { startCollectorCluster } from '../collector/multi-process/cluster';
import { kioskBodies, registerKiosks, runKioskLoad, storedSequences, type LoadResult } from '../collector/multi-process/kiosk-load';
import { freshPostgresDatabase, TEST_DATABASE_URL } from '../collector/test-databases';

/** The kiosk's default syncBatchSize: what the target is stated for. */
const KIOSK_BATCH_SIZE = 100;

/** Figures of one run. */
export interface MultiProcessBenchResult extends LoadResult {
  processes: number;
  kiosks: number;
  batchSize: number;
  /** Every response stored exactly once and every kiosk's sequence 1…n without a gap. */
  exactlyOnce: boolean;
}

/** Runs the load: `kiosks` × `batchesPerKiosk` batches of `batchSize` through `processes` collectors. */
export async function benchMultiProcessIngest(options: { kiosks?: number; batchesPerKiosk?: number; batchSize?: number; processes?: number; databaseUrl?: string } = {}): Promise<MultiProcessBenchResult | null> {
  const base = options.databaseUrl ?? TEST_DATABASE_URL;
  if (base === undefined) return null;
  const { kiosks: kioskCount = 50, batchesPerKiosk = 20, batchSize = KIOSK_BATCH_SIZE, processes = 2 } = options;
  const db = freshPostgresDatabase(base);
  try {
    const store = await openStore(db.url);
    let kiosks;
    try {
      kiosks = await registerKiosks(store, kioskCount);
    } finally {
      await store.close();
    }
    const bodies = kiosks.map((kiosk) => kioskBodies(kiosk, batchesPerKiosk, batchSize));
    const cluster = await startCollectorCluster({ databaseUrl: db.url, logger: process.env.BENCH_LOG === "1" }, processes);
    let load: LoadResult;
    try {
      load = await runKioskLoad(cluster.url, kiosks, bodies);
    } finally {
      await cluster.stop();
    }
    const perKiosk = batchesPerKiosk * batchSize;
    const stored = await storedSequences(db.url);
    const exactlyOnce =
      load.statuses.created === kioskCount * perKiosk &&
      stored.length === kioskCount &&
      stored.every((s) => s.rows === perKiosk && s.distinctSeqs === perKiosk && s.minSeq === 1 && s.maxSeq === perKiosk);
    return { ...load, processes, kiosks: kioskCount, batchSize, exactlyOnce };
  } finally {
    await db.cleanup();
  }
}

// Run alone: `TEST_DATABASE_URL=postgres://… npx tsx tests/bench/multi-process.ts [batchesPerKiosk] [processes]`.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [batches, processes] = process.argv.slice(2).map(Number);
  const result = await benchMultiProcessIngest({ batchesPerKiosk: batches || undefined, processes: processes || undefined });
  console.log(result ? JSON.stringify(result) : 'skipped: TEST_DATABASE_URL is not set');
}
