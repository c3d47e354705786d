/**
 * Reading never stalls writing (issue 10 part 8), for `npm run bench`: ingest latency while simulated
 * kiosks send 100 batches/s (10 kiosks × 10 batches/s, 20 responses each) over HTTP on loopback, first
 * idle, then while a SIPAS report and a CSV export of 100,000 responses run again and again; with the
 * reads on a worker thread (the collector as shipped) and, for comparison, on the main thread. The
 * collector runs in its own process (node --import tsx), as in production, so the bench's own HTTP
 * clients never share its thread. Latency is measured from when a batch was due, not when it was sent,
 * so a stalled collector shows in full. Target: p99 during reads ≤ 3 × idle p99 (reported, not asserted).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openStore, registerDevice, setAdminPassword } from '../../src/collector';
import { SUBMIT_PATH } from '../../src/shared/wire';
import type { SurveyResponse } from '../../src/shared/survey';
import { ADMIN_PASSWORD, makeReport, makeResponse, seedResponses, tempDatabase } from '../collector/helpers';
import { sipasResponse } from './collector-admin';

const KIOSKS = 10;
const BATCHES_PER_KIOSK_PER_SECOND = 10;
const BATCH_SIZE = 20;
const PHASE_MS = 8_000;
const SERVER = fileURLToPath(new URL('./read-load-server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Latency figures of one phase, in ms. */
export interface LatencyFigures {
  batches: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Batches not answered 200 with every response created. */
  failed: number;
}

/** What the bench reports. */
export interface ReadLoadResult {
  idle: LatencyFigures;
  /** Reads on the read worker (as shipped). */
  duringReads: LatencyFigures;
  /** Reads on the main thread (read workers 0), for comparison. */
  duringReadsInProcess: LatencyFigures;
  /** Reports and exports completed during the worker phase, and their mean durations. */
  reads: { reports: number; exports: number; reportMeanSeconds: number; exportMeanSeconds: number };
  /** Where the reads ran in the worker run (proves the worker path was taken). */
  workerJobs: number;
  /** The collector's event-loop delay (how long the kiosks' thread could not run), in ms. */
  loopDelayMs: { idleP99: number; duringReadsP99: number; duringReadsMax: number; duringReadsInProcessP99: number; duringReadsInProcessMax: number };
}

interface Kiosk {
  kioskId: string;
  token: string;
  seq: number;
}

/** Seeds n sipas-2023 responses and KIOSKS devices; the kiosks' batches go to another questionnaire, so every read covers exactly n. */
async function seed(file: string, n: number): Promise<Kiosk[]> {
  const store = await openStore(file);
  try {
    const { deviceId } = await registerDevice(store, { label: 'Bench', agencyCode: 'SNV', counterCode: 'Q01' });
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await seedResponses(store, deviceId, n, (i) => sipasResponse(i, ids));
    await setAdminPassword(store, ADMIN_PASSWORD);
    const kiosks: Kiosk[] = [];
    for (let k = 0; k < KIOSKS; k++) {
      const { token } = await registerDevice(store, { label: `Quầy ${k + 1}`, agencyCode: 'UBND-Q1', counterCode: 'Q01' });
      kiosks.push({ kioskId: randomUUID(), token, seq: 0 });
    }
    return kiosks;
  } finally {
    await store.close();
  }
}

/** A batch of BATCH_SIZE valid responses completed just before `dueAt`. */
function batchBody(kiosk: Kiosk, dueAt: number): string {
  const responses: SurveyResponse[] = [];
  for (let j = 0; j < BATCH_SIZE; j++) {
    const seq = ++kiosk.seq;
    const completed = dueAt - 5_000 - (BATCH_SIZE - j) * 100;
    const code = (k: number) => ((seq * 7 + k * 3) % 5) + 1;
    responses.push(
      makeResponse({
        kioskId: kiosk.kioskId,
        seq,
        definitionId: 'sipas-bench',
        startedAt: new Date(completed - 90_000).toISOString(),
        completedAt: new Date(completed).toISOString(),
        durationMs: 90_000,
        answers: { TC1: code(1), TC2: code(2), TT1: code(3), CC1: code(4), KQ1: code(5), PA0: 'no' },
      }),
    );
  }
  return JSON.stringify({ kiosk: makeReport({ kioskId: kiosk.kioskId, definition: 'sipas-bench@1', queueDepth: 0 }), responses });
}

/** Sends the kiosks' batches on schedule (open loop: a slow answer never delays the next batch) for `ms`. */
async function ingestLoad(base: string, kiosks: Kiosk[], ms: number): Promise<LatencyFigures> {
  const intervalMs = 1000 / (KIOSKS * BATCHES_PER_KIOSK_PER_SECOND);
  const total = Math.round(ms / intervalMs);
  const latencies: number[] = [];
  const inFlight: Array<Promise<void>> = [];
  let failed = 0;
  const start = performance.now() + 50;
  const wallStart = Date.now() + 50;
  for (let n = 0; n < total; n++) {
    const due = start + n * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const kiosk = kiosks[n % kiosks.length];
    const body = batchBody(kiosk, wallStart + n * intervalMs);
    inFlight.push(
      fetch(`${base}${SUBMIT_PATH}`, { method: 'POST', headers: { authorization: `Bearer ${kiosk.token}`, 'content-type': 'application/json' }, body })
        .then(async (response) => {
          const text = await response.text();
          latencies.push(performance.now() - due);
          if (response.status !== 200 || (JSON.parse(text) as { results: Array<{ status: string }> }).results.some((r) => r.status !== 'created')) failed++;
        })
        .catch(() => {
          latencies.push(performance.now() - due);
          failed++;
        }),
    );
  }
  await Promise.all(inFlight);
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { batches: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: round(sorted[sorted.length - 1] ?? 0), failed };
}

/** The 100k report and the 100k CSV export, side by side, again and again until `stop()` is true. */
async function readLoop(base: string, cookie: string, n: number, stop: () => boolean): Promise<{ reports: number[]; exports: number[] }> {
  const reports: number[] = [];
  const exports: number[] = [];
  const report = async () => {
    while (!stop()) {
      const began = performance.now();
      const response = await fetch(`${base}/api/v1/admin/report?definition=sipas-2023`, { headers: { cookie } });
      const body = (await response.json()) as { responses: number; excludedPartial: number };
      if (response.status !== 200 || body.responses + body.excludedPartial !== n) throw new Error(`report answered ${response.status}, ${JSON.stringify(body).slice(0, 200)}`);
      reports.push((performance.now() - began) / 1000);
    }
  };
  const csv = async () => {
    while (!stop()) {
      const began = performance.now();
      const response = await fetch(`${base}/api/v1/admin/responses.csv?definition=sipas-2023`, { headers: { cookie } });
      if (response.status !== 200 || Number(response.headers.get('x-row-count')) !== n) throw new Error(`export answered ${response.status}`);
      let lineEnds = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) lineEnds++;
      if (lineEnds - 1 !== n) throw new Error(`export incomplete: ${lineEnds - 1} rows, expected ${n}`);
      exports.push((performance.now() - began) / 1000);
    }
  };
  await Promise.all([report(), csv()]);
  return { reports, exports };
}

interface ServerStats {
  stats: { workerJobs: number; inProcessJobs: number };
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

interface Server {
  base: string;
  cookie: string;
  stats(): Promise<ServerStats>;
  /** Restarts the server's event-loop delay measurement. */
  reset(): void;
  close(): Promise<void>;
}

async function startServer(file: string, workers: number): Promise<Server> {
  const child: ChildProcess = fork(SERVER, [file, String(workers)], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [first] = (await once(child, 'message')) as [{ port: number }];
  const base = `http://127.0.0.1:${first.port}`;
  const login = await fetch(`${base}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ password: ADMIN_PASSWORD, next: '/admin/fleet' }).toString(),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  if (login.status !== 303 || cookie === '') throw new Error(`bench sign-in failed: ${login.status}`);
  return {
    base,
    cookie,
    stats: async () => {
      child.send('stats');
      const [message] = (await once(child, 'message')) as [ServerStats];
      return message;
    },
    reset: () => child.send('reset'),
    close: async () => {
      const exited = once(child, 'exit');
      child.send('close');
      await exited;
    },
  };
}

/** One run with `workers` read workers: warm-up, then an idle phase and a phase under reads. */
async function run(file: string, kiosks: Kiosk[], n: number, workers: number) {
  const server = await startServer(file, workers);
  try {
    // Warm-up: the worker thread starts, the statements are prepared, the pages' code is loaded.
    let warm = 0;
    await readLoop(server.base, server.cookie, n, () => warm++ >= 2); // one report, one export
    await ingestLoad(server.base, kiosks, 1_000);
    server.reset();
    const idle = await ingestLoad(server.base, kiosks, PHASE_MS);
    const idleServer = await server.stats();
    server.reset();
    let stop = false;
    const reading = readLoop(server.base, server.cookie, n, () => stop);
    const during = await ingestLoad(server.base, kiosks, PHASE_MS);
    const duringServer = await server.stats();
    stop = true;
    const reads = await reading;
    return { idle, during, reads, idleServer, duringServer, stats: (await server.stats()).stats };
  } finally {
    await server.close();
  }
}

/** Seeds n responses, then measures ingest latency idle and during reads, with and without the read worker. */
export async function benchReadLoad(n = 100_000): Promise<ReadLoadResult> {
  const db = tempDatabase();
  try {
    const kiosks = await seed(db.file, n);
    const shipped = await run(db.file, kiosks, n, 1);
    const before = await run(db.file, kiosks, n, 0);
    const mean = (xs: number[]) => (xs.length === 0 ? 0 : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1000) / 1000);
    return {
      idle: shipped.idle,
      duringReads: shipped.during,
      duringReadsInProcess: before.during,
      reads: { reports: shipped.reads.reports.length, exports: shipped.reads.exports.length, reportMeanSeconds: mean(shipped.reads.reports), exportMeanSeconds: mean(shipped.reads.exports) },
      workerJobs: shipped.stats.workerJobs,
      loopDelayMs: {
        idleP99: round(shipped.idleServer.loopDelayP99Ms),
        duringReadsP99: round(shipped.duringServer.loopDelayP99Ms),
        duringReadsMax: round(shipped.duringServer.loopDelayMaxMs),
        duringReadsInProcessP99: round(before.duringServer.loopDelayP99Ms),
        duringReadsInProcessMax: round(before.duringServer.loopDelayMaxMs),
      },
    };
  } finally {
    db.cleanup();
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

// `tsx tests/bench/collector-read-load.ts [n]`: this figure alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchReadLoad(Number(process.argv[2] ?? 100_000));
  console.log(JSON.stringify(result, null, 2));
}
