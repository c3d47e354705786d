/**
 * The CSV export of n responses (issue 12 benchmarks) on SQLite and PostgreSQL: seeded in bulk, then
 * GET /api/v1/admin/responses.csv through real HTTP on loopback, read as it streams by a client in a
 * child process (as a browser is: its buffers are not the collector's); its time and the collector
 * process's memory growth while it runs (resident set, sampled every 5 ms, which includes the read
 * worker's heap and its SQLite connection; and the main thread's heap and ArrayBuffers). The collector
 * runs as `npm start` runs it, its read worker started with it; an empty export is made before the
 * baseline (coldRssGrowthMb counts from before it: what the first export after a start costs). An export that streams grows by a constant, whatever n
 * is: the target is ≤ 50 MB at 1,000,000. The tallies are not computed (the export reads rows only):
 * the bulk seed's stale marks are cleared so opening the collector does not spend minutes on them.
 * EXPORT_BENCH_TRACE=1 breaks the growth down on stderr, every second and at the peak: the main
 * thread's heap and ArrayBuffers, the read worker's own (tests/bench/export-memory-worker.ts shares
 * them; they are per thread) and the resident set by mapping (/proc/self/smaps: glibc's per-thread
 * malloc arenas, the main [heap], files, other anonymous memory such as V8's heaps). Its sampling
 * allocates on the main thread: take the figures from a run without it.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createCollector, openStore, setAdminPassword } from '../../src/collector';
import { ReadPool } from '../../src/collector/staff-pages';
import { parsePostgresUrl } from '../../src/collector/stores';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import { ADMIN_PASSWORD, signIn } from '../collector/helpers';
import { sipasResponse } from './collector-admin';
import { bulkSeed } from './bulk-seed';
import { benchDatabase } from './bench-database';
import { bulkSeedPostgres } from './pg-bulk-seed';
import type { BenchStore } from './tallies';
import { smapsBreakdown, WORKER_BUFFERS, WORKER_BUFFERS_PEAK, WORKER_FIGURES, WORKER_HEAP, WORKER_HEAP_PEAK } from './memory-breakdown';

const TRACING_WORKER = new URL('./export-memory-worker.ts', import.meta.url);

/** Figures of one export. */
export interface ExportBenchResult {
  store: BenchStore;
  rows: number;
  bytes: number;
  seedSeconds: number;
  seconds: number;
  baselineRssMb: number;
  peakRssMb: number;
  /** Growth during the export, after a first, empty one. */
  rssGrowthMb: number;
  /** Growth from the collector just started (its read worker started with it, as `npm start` does): what the first export after a start costs. */
  coldRssGrowthMb: number;
  heapGrowthMb: number;
  /** Growth of the main thread's ArrayBuffer memory (outside its heap: the chunks on their way to the socket). */
  arrayBuffersGrowthMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Seeds n sipas-2023 responses on `kind`, then streams their CSV export once and measures it. */
export async function benchExportMemory(n: number, kind: BenchStore): Promise<ExportBenchResult> {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  const kioskIds = Array.from({ length: 20 }, () => randomUUID());
  // EXPORT_BENCH_FILE names a SQLite file kept between runs: seeded once when missing, then reused
  // (seeding a million rows takes minutes; profiling the export takes several runs).
  const db = benchDatabase(kind, 'EXPORT_BENCH_FILE');
  const { reuse } = db;
  try {
    const began = performance.now();
    if (reuse) {
      // Seeded by an earlier run.
    } else if (kind === 'postgres') {
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
    // As `npm start` runs it: the store URL given, so the export is read by a read worker of its own.
    // EXPORT_BENCH_WORKERS=0 reads it on the main thread instead (the pool's fallback).
    const readWorkers = process.env.EXPORT_BENCH_WORKERS === undefined ? undefined : Number(process.env.EXPORT_BENCH_WORKERS);
    // EXPORT_BENCH_TRACE=1: the same worker, which also writes its own thread's heap figures here.
    const tracing = process.env.EXPORT_BENCH_TRACE !== undefined;
    const workerFigures = new Float64Array(new SharedArrayBuffer(WORKER_FIGURES * Float64Array.BYTES_PER_ELEMENT));
    const reader = tracing ? new ReadPool({ store, storeUrl: db.url, workers: readWorkers, workerEntry: TRACING_WORKER, workerData: workerFigures.buffer }) : undefined;
    const app = await createCollector({ store, definitions, storeUrl: db.url, readWorkers, reader, startReadWorkers: true });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const cookie = await signIn(app);
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      global.gc?.();
      const coldRss = process.memoryUsage().rss;
      // An empty export first (the read worker's store connection and code warmed by one export), so
      // the figures below are an export's own and the cold one says what the first one adds.
      const empty = await readInChild(`${base}/api/v1/admin/responses.csv?definition=sipas-2023&from=2999-01-01`, cookie);
      if (empty.status !== 200) throw new Error(`empty export answered ${empty.status}: ${empty.error ?? ''}`);
      global.gc?.();
      const baselineRss = process.memoryUsage().rss;
      const baselineHeap = process.memoryUsage().heapUsed;
      const baselineBuffers = process.memoryUsage().arrayBuffers;
      let peakRss = baselineRss;
      let peakHeap = baselineHeap;
      let peakBuffers = baselineBuffers;
      const sample = () => {
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakHeap = Math.max(peakHeap, now.heapUsed);
        peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
      };
      const timer = setInterval(sample, 5);
      // EXPORT_BENCH_TRACE=1: the memory every second on stderr, to tell a climb from a step.
      // Where the resident set is, by mapping kind: at the baseline, every second, and at each new peak.
      const baseMaps = tracing ? smapsBreakdown() : undefined;
      let peakMaps = baseMaps;
      let tracedPeak = baselineRss;
      const peakTrace = tracing ? setInterval(() => {
        const rss = process.memoryUsage().rss;
        if (rss > tracedPeak + 1024 * 1024) {
          tracedPeak = rss;
          peakMaps = smapsBreakdown();
        }
      }, 20) : undefined;
      const trace = tracing ? setInterval(() => {
        const now = process.memoryUsage();
        console.error(`rss ${mb(now.rss)} main heap ${mb(now.heapUsed)} ab ${mb(now.arrayBuffers)} | worker heap ${mb(workerFigures[WORKER_HEAP]!)} ab ${mb(workerFigures[WORKER_BUFFERS]!)} | ${JSON.stringify(smapsBreakdown())}`);
      }, 1000) : undefined;
      const start = performance.now();
      let read: ClientRead;
      try {
        // The client is another process, as a browser is: its memory is not the collector's.
        read = await readInChild(`${base}/api/v1/admin/responses.csv?definition=sipas-2023`, cookie);
      } finally {
        clearInterval(timer);
        clearInterval(trace);
        clearInterval(peakTrace);
        sample();
      }
      if (tracing) {
        console.error(`baseline maps ${JSON.stringify(baseMaps)}`);
        console.error(`peak maps ${JSON.stringify(peakMaps)} (rss ${mb(tracedPeak)})`);
        console.error(`worker heap peak ${mb(workerFigures[WORKER_HEAP_PEAK]!)} ab peak ${mb(workerFigures[WORKER_BUFFERS_PEAK]!)}`);
      }
      if (read.status !== 200) throw new Error(`export answered ${read.status}: ${read.error ?? ''}`);
      const { bytes, lineEnds } = read;
      const seconds = Math.round((performance.now() - start) / 100) / 10;
      // No comment holds a line break: every line end is a row end, the header's included.
      const rows = lineEnds - 1;
      if (rows !== n) throw new Error(`export incomplete: ${rows} rows of ${n}`);
      return { store: kind, rows, bytes, seedSeconds, seconds, baselineRssMb: mb(baselineRss), peakRssMb: mb(peakRss), rssGrowthMb: mb(peakRss - baselineRss), coldRssGrowthMb: mb(peakRss - coldRss), heapGrowthMb: mb(peakHeap - baselineHeap), arrayBuffersGrowthMb: mb(peakBuffers - baselineBuffers) };
    } finally {
      await app.close();
      await store.close();
    }
  } finally {
    await db.cleanup();
  }
}

/** What the client process read. */
interface ClientRead {
  status: number;
  bytes: number;
  lineEnds: number;
  error?: string;
}

/** Streams `url` in a child process (this file with --client), reading as fast as it comes. */
async function readInChild(url: string, cookie: string): Promise<ClientRead> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--client'], {
    env: { ...process.env, EXPORT_BENCH_URL: url, EXPORT_BENCH_COOKIE: cookie },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the export client exited with ${code}`);
  return JSON.parse(out) as ClientRead;
}

/** The client's side: GET the URL, count bytes and line ends, print them as JSON. */
async function runClient(): Promise<void> {
  const response = await fetch(process.env.EXPORT_BENCH_URL!, { headers: { cookie: process.env.EXPORT_BENCH_COOKIE! } });
  if (response.status !== 200) {
    console.log(JSON.stringify({ status: response.status, bytes: 0, lineEnds: 0, error: (await response.text()).slice(0, 200) } satisfies ClientRead));
    return;
  }
  let bytes = 0;
  let lineEnds = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lineEnds++;
  }
  console.log(JSON.stringify({ status: 200, bytes, lineEnds } satisfies ClientRead));
}

// Run alone: `[TEST_DATABASE_URL=…] npx tsx tests/bench/export-memory.ts [sqlite|postgres] [n]`.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!) && process.argv.includes('--client')) {
  await runClient();
} else if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const kind: BenchStore = process.argv.includes('postgres') ? 'postgres' : 'sqlite';
  const n = process.argv.slice(2).map(Number).find((v) => v > 0) ?? 100_000;
  console.log(JSON.stringify(await benchExportMemory(n, kind)));
}
