/**
 * Reading never stalls writing (issue 10 part 8): reports and exports run in a read worker thread with
 * its own store connection, give exactly what the in-process path gives, answer 500 through the error
 * catalogue when they fail, and leave the kiosks' thread free while they run.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { createCollector, openStore, registerDevice, setAdminPassword, type CollectorStore } from '../../../src/collector';
import { ERROR_CODES, HTTP_ERRORS } from '../../../src/collector/errors';
import { ReadPool, type ReadPoolOptions } from '../../../src/collector/staff-pages';
import { EXPORT_BATCH_ROWS, openExport } from '../../../src/collector/staff-pages/read-worker';
import { SUBMIT_PATH } from '../../../src/shared/wire';
import { ADMIN_PASSWORD, DEFINITIONS, deferCleanups, makeBatch, makeResponse, resultsOf, seedResponses, signIn, tempDatabase, TEST_SCRYPT_COST } from '../helpers';
import { GATE_OPEN, GATE_REACHED, ROWS_READ, type Script } from './read-worker-fixtures/gate';

const defer = deferCleanups();
const NOW = new Date('2026-03-03T02:00:00.000Z');
const SCRIPTED_WORKER = new URL('./read-worker-fixtures/scripted-worker.ts', import.meta.url);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Served {
  app: FastifyInstance;
  pool: ReadPool;
  get(url: string): Promise<LightMyRequestResponse>;
  submit(body: unknown): Promise<LightMyRequestResponse>;
}

/** A store with a device, a staff password and `rows` responses on a temp file, closed after the test. */
async function seededStore(rows: number): Promise<{ store: CollectorStore; file: string; token: string }> {
  const db = tempDatabase();
  defer(db.cleanup);
  const store = await openStore(db.file);
  defer(() => store.close());
  const { token } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'UBND-Q1', counterCode: 'Q01' });
  // Signing in is not what these tests are about: a cheap scrypt cost (it travels with the hash).
  await setAdminPassword(store, ADMIN_PASSWORD, NOW, 'admin-cli', TEST_SCRYPT_COST);
  await seedResponses(store, null, rows, (i) =>
    makeResponse({
      seq: i + 1,
      completedAt: new Date(Date.UTC(2026, 0, 5) + i * 3_600_000).toISOString(),
      startedAt: new Date(Date.UTC(2026, 0, 5) + i * 3_600_000 - 90_000).toISOString(),
      definitionId: i % 4 === 3 ? 'sipas-old' : 'sipas-test',
      definitionVersion: i % 4 === 3 ? 2 : 1,
      answers: { TC1: (i % 5) + 1, TC2: ((i + 2) % 5) + 1, TT1: 4, CC1: (i % 3) + 3, KQ1: 5, PA0: i % 2 ? 'yes' : 'no', ...(i % 2 ? { PA1: 4 } : {}), ...(i % 5 === 0 ? { COMMENT: `Ý kiến "số" ${i}, =1+1` } : {}) },
      status: i % 9 === 8 ? 'partial' : 'complete',
    }),
    'import',
  );
  return { store, file: db.file, token };
}

/** A collector over `store` whose reads go through `pool`, signed in, closed after the test. */
async function serve(store: CollectorStore, token: string, pool: ReadPool): Promise<Served> {
  const app = await createCollector({ store, definitions: DEFINITIONS, now: () => NOW, reader: pool });
  defer(() => app.close());
  const cookie = await signIn(app);
  return {
    app,
    pool,
    get: (url) => app.inject({ method: 'GET', url, headers: { cookie } }),
    submit: (body) =>
      app.inject({ method: 'POST', url: SUBMIT_PATH, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
  };
}

function workerPool(store: CollectorStore, file: string, options: Partial<ReadPoolOptions> = {}): ReadPool {
  return new ReadPool({ store, storeUrl: file, ...options });
}

function scripted(store: CollectorStore, file: string, script: Script, options: Partial<ReadPoolOptions> = {}): ReadPool {
  return workerPool(store, file, { workerEntry: SCRIPTED_WORKER, workerData: script, ...options });
}

/** A batch of one valid response, as a kiosk sends it. */
function oneResponseBatch(seq: number) {
  return makeBatch([makeResponse({ seq, startedAt: '2026-03-03T01:50:00.000Z', completedAt: '2026-03-03T01:51:30.000Z', durationMs: 90_000 })]);
}

/** Every cell of every sheet of a workbook. */
async function workbookValues(bytes: Buffer): Promise<unknown[][][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets.map((sheet) => sheet.getSheetValues().map((row) => (Array.isArray(row) ? row : [])));
}

const READS = [
  { name: 'the report as JSON', url: '/api/v1/admin/report?definition=sipas-test' },
  { name: 'the report of all versions', url: '/api/v1/admin/report?definition=sipas-test&version=all' },
  { name: 'a CSV export', url: '/api/v1/admin/responses.csv' },
  { name: 'a filtered CSV export with labels', url: '/api/v1/admin/responses.csv?definition=sipas-test&labels=1&lang=en' },
  { name: 'an empty CSV export', url: '/api/v1/admin/responses.csv?definition=sipas-test&from=2030-01-01' },
  { name: 'a JSON export', url: '/api/v1/admin/responses.json' },
];

describe('read worker', () => {
  // Closing the app ends the worker thread: checked here, as a case of its own would start one more
  // worker (seconds of loading under tsx) to show it.
  it('gives the report, its page and every export as the in-process path does, byte for byte, and ends its worker thread when the app closes', async () => {
    const { store, file, token } = await seededStore(60);
    const viaWorker = await serve(store, token, workerPool(store, file));
    const inProcess = await serve(store, token, new ReadPool({ store, workers: 0 }));
    for (const { url } of READS) {
      const [a, b] = [await viaWorker.get(url), await inProcess.get(url)];
      expect(a.statusCode, url).toBe(200);
      expect(a.rawPayload.equals(b.rawPayload), url).toBe(true);
      expect(a.headers['x-row-count'], url).toBe(b.headers['x-row-count']);
      expect(a.headers['content-type'], url).toBe(b.headers['content-type']);
    }
    // The page carries a fresh CSP nonce, the workbook its time of writing: compare without them.
    const page = (c: Served) => c.get('/admin/report?definition=sipas-test').then((r) => r.body.replace(/nonce="[^"]*"/g, 'nonce'));
    expect(await page(viaWorker)).toBe(await page(inProcess));
    const [a, b] = [await viaWorker.get('/api/v1/admin/responses.xlsx'), await inProcess.get('/api/v1/admin/responses.xlsx')];
    expect(a.statusCode).toBe(200);
    expect(a.headers['x-row-count']).toBe('60');
    expect(await workbookValues(a.rawPayload)).toEqual(await workbookValues(b.rawPayload));
    const reads = READS.length + 2;
    expect(viaWorker.pool.stats).toMatchObject({ workerJobs: reads, inProcessJobs: 0, workersStarted: 1 });
    expect(inProcess.pool.stats).toMatchObject({ workerJobs: 0, inProcessJobs: reads });
    expect(viaWorker.pool.stats.workersAlive).toBe(1);
    await viaWorker.app.close();
    expect(viaWorker.pool.stats.workersAlive).toBe(0);
  });

  it('answers a batch while an export holds its worker thread, and the export then ends complete', async () => {
    const { store, file, token } = await seededStore(50);
    const gate = new SharedArrayBuffer(8);
    const view = new Int32Array(gate);
    const c = await serve(store, token, scripted(store, file, { mode: 'gate', gate }));
    const order: string[] = [];
    const exported = c.get('/api/v1/admin/responses.csv').then((r) => {
      order.push('export ended');
      return r;
    });
    // Wait (without polling) until the worker is stuck in the export's first read.
    await Atomics.waitAsync(view, GATE_REACHED, 0).value;
    const posted = await c.submit(oneResponseBatch(1_000));
    order.push('batch answered');
    Atomics.store(view, GATE_OPEN, 1);
    Atomics.notify(view, GATE_OPEN);
    const csv = await exported;
    expect(order).toEqual(['batch answered', 'export ended']);
    expect(resultsOf(posted).results[0].status).toBe('created');
    // The export is the snapshot it started from: 50 rows, not the one stored meanwhile.
    expect(csv.headers['x-row-count']).toBe('50');
    expect(csv.body.trimEnd().split('\r\n')).toHaveLength(51);
    expect(c.pool.stats.workerJobs).toBe(1);
  });

  it.each([
    { mode: 'fail' as const, what: 'a read that throws' },
    { mode: 'crash' as const, what: 'a worker that dies' },
  ])('answers 500 from the error catalogue for $what, and keeps serving kiosks and staff', async ({ mode }) => {
    const { store, file, token } = await seededStore(5);
    const logged: string[] = [];
    const c = await serve(store, token, scripted(store, file, { mode }, { log: (message) => logged.push(message) }));
    for (const url of ['/api/v1/admin/report?definition=sipas-test', '/api/v1/admin/responses.csv']) {
      const answer = await c.get(url);
      expect(answer.statusCode).toBe(500);
      expect(answer.json()).toEqual({ error: ERROR_CODES.internal, message: HTTP_ERRORS.internal.message(undefined) });
    }
    expect((await c.get('/admin/report?definition=sipas-test')).statusCode).toBe(500);
    expect(resultsOf(await c.submit(oneResponseBatch(2_000))).results[0].status).toBe('created');
    expect((await c.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
    // Each read really went to a worker (a dead one is replaced for the next read).
    expect(c.pool.stats.workerJobs).toBe(3);
    expect(c.pool.stats.inProcessJobs).toBe(0);
    expect(c.pool.stats.workersStarted).toBe(mode === 'crash' ? 3 : 1);
    if (mode === 'crash') expect(logged).toEqual(Array(3).fill('a read worker stopped; the reads it was running failed'));
  });

  it('runs reads in-process when no worker can start, and says so once', async () => {
    const { store, file, token } = await seededStore(12);
    const logged: string[] = [];
    const pool = workerPool(store, file, { workerEntry: new URL('./read-worker-fixtures/no-such-worker.ts', import.meta.url), log: (message) => logged.push(message) });
    const c = await serve(store, token, pool);
    const reference = await serve(store, token, new ReadPool({ store, workers: 0 }));
    for (let i = 0; i < 2; i++) {
      const [a, b] = [await c.get('/api/v1/admin/report?definition=sipas-test'), await reference.get('/api/v1/admin/report?definition=sipas-test')];
      expect(a.statusCode).toBe(200);
      expect(a.body).toBe(b.body);
    }
    expect(logged).toEqual(['read workers cannot start here; reports and exports run on the main thread']);
    expect(pool.stats).toMatchObject({ workerJobs: 0, inProcessJobs: 2, workersStarted: 1 });
  });

  it('starts its worker with the collector when asked (as npm start does), so the first report runs on it without starting another', async () => {
    const { store, file } = await seededStore(12);
    const pool = workerPool(store, file);
    const app = await createCollector({ store, definitions: DEFINITIONS, now: () => NOW, reader: pool, startReadWorkers: true });
    defer(() => app.close());
    expect(pool.stats).toEqual({ workerJobs: 0, inProcessJobs: 0, workersStarted: 1, workersAlive: 1 });
    const cookie = await signIn(app);
    const report = await app.inject({ method: 'GET', url: '/api/v1/admin/report?definition=sipas-test', headers: { cookie } });
    expect(report.statusCode).toBe(200);
    expect(pool.stats).toEqual({ workerJobs: 1, inProcessJobs: 0, workersStarted: 1, workersAlive: 1 });
  });

  it('falls back to reading in-process, saying so once, when the worker started with the collector cannot start', async () => {
    const { store, file, token } = await seededStore(12);
    const logged: string[] = [];
    const pool = workerPool(store, file, { workerEntry: new URL('./read-worker-fixtures/no-such-worker.ts', import.meta.url), log: (message) => logged.push(message) });
    await pool.start();
    expect(logged).toEqual(['read workers cannot start here; reports and exports run on the main thread']);
    const c = await serve(store, token, pool);
    expect((await c.get('/api/v1/admin/report?definition=sipas-test')).statusCode).toBe(200);
    expect(pool.stats).toMatchObject({ workerJobs: 0, inProcessJobs: 1, workersStarted: 1 });
    expect(logged).toHaveLength(1);
  });

  it.each([
    { storeUrl: undefined, workers: 1, why: 'no store URL' },
    { storeUrl: ':memory:', workers: 1, why: 'an in-memory database (private to its connection)' },
    { storeUrl: 'FILE', workers: 0, why: 'no workers asked for' },
  ])('reads in-process, starting no worker, with $why', async ({ storeUrl, workers }) => {
    const { store, file, token } = await seededStore(3);
    const pool = new ReadPool({ store, storeUrl: storeUrl === 'FILE' ? file : storeUrl, workers });
    const c = await serve(store, token, pool);
    expect((await c.get('/api/v1/admin/responses.csv')).headers['x-row-count']).toBe('3');
    expect(pool.stats).toMatchObject({ workerJobs: 0, inProcessJobs: 1, workersStarted: 0 });
  });

  it('starts no more workers than its bound, however many reads arrive at once', async () => {
    const { store, file, token } = await seededStore(20);
    const pool = workerPool(store, file, { workers: 2, jobsPerWorker: 1 });
    const c = await serve(store, token, pool);
    const answers = await Promise.all(
      ['report?definition=sipas-test', 'responses.csv', 'responses.json', 'report?definition=sipas-old', 'responses.csv?agency=UBND-Q1'].map((path) => c.get(`/api/v1/admin/${path}`)),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(pool.stats).toMatchObject({ workerJobs: 5, inProcessJobs: 0, workersStarted: 2 });
  });

  it('releases the worker read when the client of an export goes away half-way', async () => {
    const { store, file, token } = await seededStore(3_000);
    const pool = workerPool(store, file, { workers: 1, jobsPerWorker: 1 });
    const c = await serve(store, token, pool);
    await c.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = c.app.server.address() as AddressInfo;
    const cookie = await signIn(c.app);
    for (const format of ['csv', 'xlsx', 'json']) {
      // A browser cancelling a download closes the connection after the first bytes.
      await new Promise<void>((resolve) => {
        const request = httpGet(`http://127.0.0.1:${port}/api/v1/admin/responses.${format}`, { headers: { cookie } }, (response) => {
          expect(response.statusCode).toBe(200);
          response.once('data', () => request.destroy());
        });
        request.on('close', resolve);
      });
    }
    // With one job at a time on one worker, this export runs only once the abandoned ones were released …
    const next = await c.get('/api/v1/admin/responses.csv?agency=UBND-Q1');
    expect(next.headers['x-row-count']).toBe('3000');
    expect(next.body.trimEnd().split('\r\n')).toHaveLength(3_001);
    expect(pool.stats).toMatchObject({ workerJobs: 4, workersStarted: 1 });
    // … and the worker holds no read snapshot: the write-ahead log can be checkpointed to the end.
    await vi.waitFor(() => {
      const raw = new Database(file);
      try {
        expect(raw.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
      } finally {
        raw.close();
      }
    });
  });

  it('reads an export no further ahead of its reader than a few chunks: an unread export stops the worker', async () => {
    const db = tempDatabase();
    defer(db.cleanup);
    const store = await openStore(db.file);
    defer(() => store.close());
    const total = 3_000;
    // Fat rows (about 1.5 KB of CSV each), so a few 64 KB chunks hold a small share of the export.
    await seedResponses(store, null, total, (i) => makeResponse({ seq: i + 1, answers: { TC1: 4, COMMENT: `${i} ${'ý kiến '.repeat(200)}` } }), 'import');
    const rows = new SharedArrayBuffer(4);
    const read = new Int32Array(rows);
    const pool = scripted(store, db.file, { mode: 'count', rows }, { workers: 1, jobsPerWorker: 1 });
    defer(() => pool.close());
    const unread = await pool.export(DEFINITIONS, {}, 'vi', 'csv');
    expect(unread.rowCount).toBe(total);
    // The first chunk has arrived; nobody reads further (a client that stopped reading).
    await once(unread.stream, 'readable');
    const chunk = unread.stream.read() as Buffer;
    const rowsPerChunk = chunk.toString('utf8').split('\r\n').length;
    await unread.close();
    // One read at a time on one worker: the next export starts once the unread one was released, so
    // the count is final. A worker that ran ahead would have read the whole export by now.
    const empty = await pool.export(DEFINITIONS, { from: '2030-01-01' }, 'vi', 'csv');
    expect(empty.rowCount).toBe(0);
    await empty.close();
    expect(rowsPerChunk).toBeLessThan(100);
    expect(Atomics.load(read, ROWS_READ)).toBeGreaterThan(0);
    // The chunks asked for, the one being written and one batch of the snapshot (256 rows) at most.
    expect(Atomics.load(read, ROWS_READ)).toBeLessThanOrEqual(8 * rowsPerChunk + 256);
    expect(Atomics.load(read, ROWS_READ)).toBeLessThan(total / 3);
  });

  it('reads an export a few rows at a time, so the rows it holds die young in the worker', async () => {
    const { store } = await seededStore(100);
    const batches: number[] = [];
    // The real store, its snapshot's row batches counted as the export takes them.
    const counting: CollectorStore = Object.assign(Object.create(store) as CollectorStore, {
      openResponseSnapshot: async (...args: Parameters<CollectorStore['openResponseSnapshot']>) => {
        const snapshot = await store.openResponseSnapshot(...args);
        return {
          ...snapshot,
          async *responses() {
            for await (const batch of snapshot.responses()) {
              batches.push(batch.length);
              yield batch;
            }
          },
        };
      },
    });
    const body = await openExport(counting, DEFINITIONS, {}, 'vi', 'csv');
    let csv = '';
    for await (const piece of body.stream) csv += String(piece);
    expect(body.rowCount).toBe(100);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(101);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(100);
    expect(Math.max(...batches)).toBe(EXPORT_BATCH_ROWS);
  });

  // A real process loading the collector twice (its main thread and a worker thread, both through tsx):
  // 33 s measured at a load average of 16 on this 2-core machine, past the default 30 s.
  it('works when started as production starts the collector (node --import tsx)', { timeout: 120_000 }, async () => {
    const script = fileURLToPath(new URL('./read-worker-fixtures/under-tsx.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, timeout: 110_000 });
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toMatchObject({
      stats: { workerJobs: 2, inProcessJobs: 0, workersStarted: 1 },
      responses: 30,
      rowCount: 30,
    });
  });
});
