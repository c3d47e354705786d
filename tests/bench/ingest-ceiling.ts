/**
 * The ceiling of ingest on this machine's PostgreSQL (issue 12): how many responses/s the database
 * takes at all in the shape a batch is stored, and how much of it the store's own code and the checks
 * leave. Three figures over the same kiosks and batches (50 kiosks, batches of 100, each kiosk's
 * batches in order), at the same concurrency (`connections` batches in flight, the multi-process
 * bench's 2 processes × 6), each into a fresh schema:
 *   replay      PostgreSQL alone: each batch's statements exactly as the store sent them (same
 *               statements, same prepared names, same parameters, one transaction), recorded from a
 *               store ingest beforehand and sent with their parameters already serialised: no checks,
 *               no query building, no HTTP; what is left is the database and the wire.
 *   store       store.ingest of items checked before the clock starts (query building, tally grouping).
 *   checked     the collector's work minus HTTP: the body's bytes read as JSON (readJsonBody), the
 *               envelope and every response checked (checkBatch, as the submit route does), then store.ingest.
 * The store and checked figures run in this one Node process (two stores, as two collectors have two
 * pools): their checks share one thread, where two collector processes would have two.
 * Needs TEST_DATABASE_URL; without it the figures are skipped with a note.
 * Run alone: `TEST_DATABASE_URL=postgres://… npx tsx tests/bench/ingest-ceiling.ts [batchesPerKiosk] [connections]`.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { indexDefinitions, openStore, type CollectorStore } from '../../src/collector';
import { checkBatch, readJsonBody } from '../../src/collector/ingest';
import type { IngestBatch } from '../../src/collector/stores';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import type { SurveyDefinition } from '../../src/shared/survey';
import { kioskBodies, registerKiosks, storedSequences, type SimulatedKiosk } from '../collector/multi-process/kiosk-load';
import { freshPostgresDatabase, TEST_DATABASE_URL, type TestDatabase } from '../collector/test-databases';

/** pg's own serialisation of a parameter (what Client#query does to each value), run before the clock. */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils') as { prepareValue(value: unknown): unknown };

/** The multi-process bench's concurrency: 2 collector processes admitting 6 batches each. */
const DEFAULT_CONNECTIONS = 12;

/** One statement of a batch's transaction, as the store sent it. */
interface RecordedStatement {
  text: string;
  name?: string;
  values?: unknown[];
}

/** Rate and batch latency of one way of storing the same batches. */
export interface CeilingRate {
  perSecond: number;
  seconds: number;
  batchMs: { p50: number; p99: number };
  /** Every response stored once, every kiosk's numbers 1…n (read back from the database). */
  exactlyOnce: boolean;
  loadAverage: number;
}

/** Figures of one run. */
export interface IngestCeilingResult {
  kiosks: number;
  batchSize: number;
  batches: number;
  connections: number;
  /** Statements per batch's transaction, BEGIN and COMMIT included. */
  statementsPerBatch: number;
  replay: CeilingRate;
  store: CeilingRate;
  checked: CeilingRate;
}

/** One kiosk's batch: its bytes as sent, and the items the collector's checks make of them. */
interface PreparedBatch {
  kiosk: SimulatedKiosk;
  body: Buffer;
  batch: IngestBatch;
}

/** Measures the three rates; null without TEST_DATABASE_URL. */
export async function benchIngestCeiling(options: { kiosks?: number; batchesPerKiosk?: number; batchSize?: number; connections?: number; databaseUrl?: string } = {}): Promise<IngestCeilingResult | null> {
  const base = options.databaseUrl ?? TEST_DATABASE_URL;
  if (base === undefined) return null;
  const { kiosks: kioskCount = 50, batchesPerKiosk = 10, batchSize = 100, connections = DEFAULT_CONNECTIONS } = options;
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  const index = indexDefinitions(definitions);

  // The recording: the batches through the store one at a time, every statement of each transaction kept.
  const recordingDb = freshPostgresDatabase(base);
  let kiosks: SimulatedKiosk[];
  let prepared: PreparedBatch[][];
  let recorded: RecordedStatement[][][];
  try {
    const store = await openStore(recordingDb.url);
    try {
      await store.useDefinitions(definitions);
      kiosks = await registerKiosks(store, kioskCount);
      const receivedAt = new Date().toISOString();
      prepared = kiosks.map((kiosk) =>
        kioskBodies(kiosk, batchesPerKiosk, batchSize).map((text) => {
          const body = Buffer.from(text, 'utf8');
          return { kiosk, body, batch: checkedBatch(body, kiosk, index, receivedAt) };
        }),
      );
      recorded = kiosks.map(() => []);
      for (let b = 0; b < batchesPerKiosk; b++) {
        for (let k = 0; k < kioskCount; k++) recorded[k].push(await recordStatements(() => storeOrThrow(store, prepared[k][b].batch)));
      }
    } finally {
      await store.close();
    }
  } finally {
    await recordingDb.cleanup();
  }
  const statementsPerBatch = recorded[0][0].length;
  const expected = { kiosks: kioskCount, perKiosk: batchesPerKiosk * batchSize };

  const replay = await onFreshDatabase(base, definitions, kiosks, 1, async (url) => {
    // Serialised as pg would, now, so the timed part sends bytes the client has ready.
    const ready = recorded.map((batches) => batches.map((statements) => statements.map((s) => ({ ...s, values: s.values?.map((v) => prepareValue(v)) }))));
    const pool = new pg.Pool({ connectionString: connectionStringOf(url), max: connections, options: `-c search_path=${schemaOf(url)}` });
    try {
      return await timedByKiosk(kioskCount, batchesPerKiosk, batchSize, connections, async (k, b) => {
        const client = await pool.connect();
        try {
          await replayStatements(client, ready[k][b]);
        } finally {
          client.release();
        }
      });
    } finally {
      await pool.end();
    }
  }, expected);

  const storeRate = await onFreshDatabase(base, definitions, kiosks, 2, (_url, stores) =>
    timedByKiosk(kioskCount, batchesPerKiosk, batchSize, connections, (k, b) => storeOrThrow(stores[k % stores.length], { ...prepared[k][b].batch, receivedAt: new Date().toISOString() })),
  expected);

  const checked = await onFreshDatabase(base, definitions, kiosks, 2, (_url, stores) =>
    timedByKiosk(kioskCount, batchesPerKiosk, batchSize, connections, (k, b) =>
      storeOrThrow(stores[k % stores.length], checkedBatch(prepared[k][b].body, kiosks[k], index, new Date().toISOString())),
    ),
  expected);

  return { kiosks: kioskCount, batchSize, batches: kioskCount * batchesPerKiosk, connections, statementsPerBatch, replay, store: storeRate, checked };
}

/**
 * What the submit route does with a batch's bytes before the store (minus the token check and the
 * place flag, which find nothing to flag here): JSON read strictly, then the route's own checkBatch.
 * Throws on anything refused: the bench's bodies are all valid.
 */
function checkedBatch(body: Buffer, kiosk: SimulatedKiosk, definitions: ReturnType<typeof indexDefinitions>, receivedAt: string): IngestBatch {
  const read = readJsonBody(body);
  if (!read.ok) throw new Error(`bench body refused: ${read.problem.kind}`);
  const checked = checkBatch(read.value, definitions, receivedAt, (error) => {
    throw error;
  });
  if (!checked.ok) throw new Error(`bench body refused: ${checked.problems.join('; ')}`);
  return { deviceId: kiosk.deviceId, receivedAt, report: checked.report, source: 'sync', items: checked.items, clockSkewMs: checked.clockSkewMs };
}

async function storeOrThrow(store: CollectorStore, batch: IngestBatch): Promise<void> {
  const outcomes = await store.ingest(batch);
  const failed = outcomes.find((o) => o.status !== 'created');
  if (failed) throw new Error(`ingest did not create every response: ${failed.status} ${failed.reason ?? ''}`);
}

/** The query method every pg client (and so every pool client) runs its statements through. */
type QueryMethod = (this: pg.Client, ...args: unknown[]) => unknown;

/**
 * Runs `work` (one store.ingest, alone on the pool) with every statement any pg client sends kept, in
 * order: the batch's transaction as the store sends it, read from the driver rather than copied SQL.
 */
async function recordStatements(work: () => Promise<void>): Promise<RecordedStatement[]> {
  const statements: RecordedStatement[] = [];
  const original = pg.Client.prototype.query as unknown as QueryMethod;
  (pg.Client.prototype as unknown as { query: QueryMethod }).query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args;
    if (typeof first === 'string') statements.push({ text: first, ...(Array.isArray(second) ? { values: [...second] } : {}) });
    else if (first !== null && typeof first === 'object' && 'text' in first) {
      const config = first as { text: string; name?: string; values?: unknown[] };
      statements.push({ text: config.text, ...(config.name ? { name: config.name } : {}), ...(config.values ? { values: [...config.values] } : {}) });
    }
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    (pg.Client.prototype as unknown as { query: QueryMethod }).query = original;
  }
  if (statements[0]?.text !== 'BEGIN' || statements.at(-1)?.text !== 'COMMIT') {
    throw new Error(`a batch's statements were not one transaction: ${statements.map((s) => s.name ?? s.text.trim().slice(0, 30)).join(' | ')}`);
  }
  return statements;
}

/**
 * Sends one batch's recorded statements on `client`. The one value taken from this run rather than
 * the recording is the tally shard: READ_SHARD takes the first free shard's lock, which depends on the
 * batches running beside it, and the tally write must go to the shard this transaction holds (as the
 * store's does). Its totals are the recording's, so the replayed tallies are not meant to be exact.
 */
async function replayStatements(client: pg.PoolClient, statements: readonly RecordedStatement[]): Promise<void> {
  let shard: unknown;
  try {
    for (const statement of statements) {
      const values = statement.name === 'sipas-tally-write' && shard !== undefined ? [String(shard), ...statement.values!.slice(1)] : statement.values;
      const result = await client.query({ text: statement.text, ...(statement.name ? { name: statement.name } : {}), ...(values ? { values } : {}) });
      if (statement.name === 'sipas-tally-read') shard = (result.rows[0] as { shard: unknown }).shard;
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined); // the error below is the one worth seeing
    throw error;
  }
}

/**
 * `connections` workers, each owning the kiosks k ≡ w (mod connections) and sending their batches
 * kiosk by kiosk, batch by batch: a kiosk's batches in order, as a kiosk's outbox sends them.
 */
async function timedByKiosk(kiosks: number, batchesPerKiosk: number, batchSize: number, connections: number, send: (kiosk: number, batch: number) => Promise<void>): Promise<Omit<CeilingRate, 'exactlyOnce' | 'loadAverage'>> {
  const batchMs: number[] = [];
  const began = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(connections, kiosks) }, async (_, w) => {
      for (let b = 0; b < batchesPerKiosk; b++) {
        for (let k = w; k < kiosks; k += connections) {
          const t0 = performance.now();
          await send(k, b);
          batchMs.push(performance.now() - t0);
        }
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  const sorted = batchMs.sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 10) / 10;
  const responses = kiosks * batchesPerKiosk * batchSize;
  return { perSecond: Math.round(responses / seconds), seconds: Math.round(seconds * 100) / 100, batchMs: { p50: at(0.5), p99: at(0.99) } };
}

/**
 * A fresh schema with the definitions and the same devices (same ids: the recorded statements name
 * them), `stores` stores open on it; `run` is timed there, then the rows are read back.
 */
async function onFreshDatabase(
  base: string,
  definitions: readonly SurveyDefinition[],
  kiosks: readonly SimulatedKiosk[],
  storeCount: number,
  run: (url: string, stores: CollectorStore[]) => Promise<Omit<CeilingRate, 'exactlyOnce' | 'loadAverage'>>,
  expected: { kiosks: number; perKiosk: number },
): Promise<CeilingRate> {
  const db: TestDatabase = freshPostgresDatabase(base);
  try {
    const stores: CollectorStore[] = [];
    try {
      for (let s = 0; s < storeCount; s++) {
        const store = await openStore(db.url);
        stores.push(store);
        await store.useDefinitions(definitions);
      }
      for (const [k, kiosk] of kiosks.entries()) {
        await stores[0].addDevice({
          id: kiosk.deviceId, label: `Kiosk ${k + 1}`, agencyCode: kiosk.agencyCode, counterCode: kiosk.counterCode,
          agencyName: '', counterName: '', tokenHash: randomBytes(32), createdAt: new Date().toISOString(),
        });
      }
      // The replay uses a pool of its own: the stores are closed first, so only its connections work.
      if (storeCount === 1) await stores.pop()!.close();
      const rate = await run(db.url, stores);
      const stored = await storedSequences(db.url);
      const exactlyOnce = stored.length === expected.kiosks && stored.every((s) => s.rows === expected.perKiosk && s.distinctSeqs === expected.perKiosk && s.minSeq === 1 && s.maxSeq === expected.perKiosk);
      return { ...rate, exactlyOnce, loadAverage: Math.round(loadavg()[0] * 10) / 10 };
    } finally {
      for (const store of stores) await store.close();
    }
  } finally {
    await db.cleanup();
  }
}

/** pg's connection string of a store URL (without the store's own schema parameter). */
function connectionStringOf(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete('schema');
  return parsed.toString();
}

function schemaOf(url: string): string {
  const schema = new URL(url).searchParams.get('schema');
  if (schema === null || !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('a bench database URL names its schema');
  return schema;
}

// Run alone: `TEST_DATABASE_URL=postgres://… npx tsx tests/bench/ingest-ceiling.ts [batchesPerKiosk] [connections]`.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [batches, connections] = process.argv.slice(2).map(Number);
  const result = await benchIngestCeiling({ batchesPerKiosk: batches || undefined, connections: connections || undefined });
  console.log(result ? JSON.stringify(result) : 'skipped: TEST_DATABASE_URL is not set');
}
