/*
 * The read pool: the SIPAS report and the exports run in worker threads, each with its own store
 * connection, so that scoring 100,000 responses or serialising them never holds up the event loop that
 * answers kiosks. A few workers (one by default), a few jobs at a time on each (they are asynchronous
 * and interleave), the rest queued in order. A worker that dies fails only its own jobs and is
 * replaced for the next one; a worker that cannot start at all (no store URL, an in-memory database,
 * a runtime without tsx) makes the pool run every read in-process, as before, said once in the log.
 */
import { Readable } from 'node:stream';
import { Worker, MessageChannel, type MessagePort } from 'node:worker_threads';
import type { ResponseStore } from '../../stores';
import { isPostgresUrl, sqliteFileOf } from '../../stores';
import {
  runStreamJob,
  runValueJob,
  type ExportBody,
  type StreamJob,
  type StreamJobArgs,
  type ValueJob,
  type ValueJobArgs,
  type ValueJobResult,
} from './jobs';
import { toError, type FromStream, type FromWorker, type ToStream, type ToWorker, type WorkerConfig } from './protocol';

/** Read worker threads by default. */
export const DEFAULT_READ_WORKERS = 1;
/** Jobs one worker runs at a time; more wait in the queue. */
export const DEFAULT_JOBS_PER_WORKER = 4;
/** Chunks (about 64 KB each) an export may have on their way to the HTTP answer. */
const STREAM_WINDOW_CHUNKS = 4;
/**
 * The read worker's nursery. A read's garbage is rows and text that die within one batch (jobs.ts
 * EXPORT_BATCH_ROWS); V8's default nursery grows to 48 MB under an export's allocation rate, and that
 * much resident memory stayed taken for every export (issue 12's export figure). Too small a one is
 * worse: at 6 MB (2 MB semi-spaces, a scavenge every 2 MB allocated) a batch still being written was
 * caught by two scavenges and promoted, and the old space filled with 45 MB of dead rows between its
 * mark-compacts (--trace-gc: 57–64 → 15 MB every 2.5 s). 12 MB with 32-row batches lets them die young.
 */
const READ_WORKER_YOUNG_GENERATION_MB = 12;
/** How long a closing worker gets to close its store before it is terminated. */
const CLOSE_GRACE_MS = 2_000;

const BOOT_URL = new URL('./boot.js', import.meta.url);
const WORKER_URL = new URL('./worker.ts', import.meta.url);

/** How a read pool is made. */
export interface ReadPoolOptions {
  /** The collector's store: the in-process fallback reads from it. */
  store: ResponseStore;
  /** The URL the store was opened with; workers open their own connection to it. None: in-process. */
  storeUrl?: string;
  /**
   * A PostgreSQL replica of that database the workers read from instead (openReadStore: read-only,
   * never migrated). Reports and exports are then as fresh as the replica's replay; the in-process
   * fallback still reads the collector's own store.
   */
  readStoreUrl?: string;
  /** Worker threads (default 1); 0 runs every read in-process. */
  workers?: number;
  /** Jobs each worker runs at a time (default 4). */
  jobsPerWorker?: number;
  /** Told once when the pool falls back to in-process reads, and when a worker dies. */
  log?: (message: string, error?: unknown) => void;
  /** The worker module (tests use one that wraps the store, then calls serveReads); default ./worker.ts. */
  workerEntry?: URL;
  /** Given to a custom entry as workerData.data. */
  workerData?: unknown;
}

/** Where the pool's reads ran, for tests and the bench. */
export interface ReadPoolStats {
  workerJobs: number;
  inProcessJobs: number;
  /** Workers started so far (a replaced worker counts again). */
  workersStarted: number;
  /** Worker threads running now. */
  workersAlive: number;
}

interface Pending {
  /** Fails the job because its worker died. */
  fail(error: Error): void;
}

/** One worker thread and the jobs it runs. */
class Slot {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  /** Jobs running on it, by id. */
  readonly jobs = new Map<number, Pending>();
  /** Settles value jobs by id. */
  readonly values = new Map<number, (message: Extract<FromWorker, { type: 'value' }>) => void>();
  /** Jobs given to it: running, or waiting for it to be ready. */
  load = 0;
  wasReady = false;
  dead = false;

  constructor(config: WorkerConfig, onDone: (slot: Slot, id: number) => void, onDeath: (slot: Slot, error: Error) => void) {
    this.worker = new Worker(BOOT_URL, { workerData: config, resourceLimits: { maxYoungGenerationSizeMb: READ_WORKER_YOUNG_GENERATION_MB } });
    this.worker.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready':
            this.wasReady = true;
            resolve();
            return;
          case 'failed':
            reject(toError(message.error));
            return;
          case 'value':
            this.values.get(message.id)?.(message);
            this.values.delete(message.id);
            onDone(this, message.id);
            return;
          case 'done':
            onDone(this, message.id);
            return;
        }
      });
      const die = (error: Error) => {
        if (this.dead) return;
        this.dead = true;
        reject(error);
        onDeath(this, error);
      };
      this.worker.on('error', die);
      this.worker.on('exit', (code) => die(new Error(`the read worker stopped (exit code ${code})`)));
    });
    // Awaited by every job given to it; a start failure is handled there.
    this.ready.catch(() => undefined);
  }

  post(message: ToWorker, transfer?: MessagePort[]): void {
    this.worker.postMessage(message, transfer);
  }

  /** Keeps the process alive only while the worker has work (an idle pool never holds it open). */
  track(): void {
    if (this.load > 0) this.worker.ref();
    else this.worker.unref();
  }
}

/** Runs the collector's reports and exports off the event loop that serves kiosks. */
export class ReadPool {
  private readonly slots: Slot[] = [];
  /** Jobs waiting for room, in order; each is given a worker, or undefined to run in-process. */
  private readonly queue: Array<(slot: Slot | undefined) => void> = [];
  private readonly maxWorkers: number;
  private readonly jobsPerWorker: number;
  private readonly config: WorkerConfig | undefined;
  private inProcess: boolean;
  private closed = false;
  private nextId = 1;
  private readonly counts = { workerJobs: 0, inProcessJobs: 0, workersStarted: 0 };
  /** Every worker started and not yet exited, closing ones included. */
  private readonly alive = new Set<Slot>();

  constructor(private readonly options: ReadPoolOptions) {
    this.maxWorkers = Math.max(0, Math.floor(options.workers ?? DEFAULT_READ_WORKERS));
    this.jobsPerWorker = Math.max(1, Math.floor(options.jobsPerWorker ?? DEFAULT_JOBS_PER_WORKER));
    const workerUrl = options.readStoreUrl ?? options.storeUrl;
    const shareable = workerUrl !== undefined && workersCanOpen(workerUrl);
    this.config = shareable
      ? { entry: (options.workerEntry ?? WORKER_URL).href, storeUrl: workerUrl, readOnly: options.readStoreUrl !== undefined, data: options.workerData }
      : undefined;
    this.inProcess = this.maxWorkers === 0 || this.config === undefined;
  }

  /** Where reads have run so far. */
  get stats(): ReadPoolStats {
    return { ...this.counts, workersAlive: this.alive.size };
  }

  /** The SIPAS report (buildReport's arguments after the store). */
  report(...args: ValueJobArgs<'report'>): Promise<ValueJobResult<'report'>> {
    return this.value('report', args);
  }

  /** An export, streamed (openExport's arguments after the store); resolves once its row count is known. */
  export(...args: StreamJobArgs<'export'>): Promise<ExportBody> {
    return this.stream('export', args);
  }

  /**
   * Starts the first worker now rather than at the first read, and resolves when it is ready (or the
   * pool fell back to reading in-process): a collector started for staff answers its first report
   * without waiting for a thread to load the collector's code, and the memory that thread takes is
   * taken at start, not in the middle of the first export (issue 12's export figure: about 50 MB).
   */
  async start(): Promise<void> {
    // Taken and given back as a job would be: a worker that cannot start falls back exactly as at a first read.
    const slot = await this.acquire();
    if (slot) this.release(slot);
  }

  /** Ends every worker (their running reads are cut); reads after this run in-process. */
  async close(): Promise<void> {
    this.closed = true;
    this.inProcess = true;
    this.dispatch();
    await Promise.all(this.slots.splice(0).map((slot) => closeSlot(slot)));
  }

  private async value<K extends ValueJob>(job: K, args: ValueJobArgs<K>): Promise<ValueJobResult<K>> {
    const slot = await this.acquire();
    if (!slot) {
      this.counts.inProcessJobs++;
      return runValueJob(this.options.store, job, args);
    }
    this.counts.workerJobs++;
    const id = this.nextId++;
    return new Promise<ValueJobResult<K>>((resolve, reject) => {
      slot.jobs.set(id, { fail: reject });
      slot.values.set(id, (message) => (message.ok ? resolve(message.value as ValueJobResult<K>) : reject(toError(message.error))));
      slot.post({ type: 'value', id, job, args: args as unknown[] });
    });
  }

  private async stream<K extends StreamJob>(job: K, args: StreamJobArgs<K>): Promise<ExportBody> {
    const slot = await this.acquire();
    if (!slot) {
      this.counts.inProcessJobs++;
      return runStreamJob(this.options.store, job, args);
    }
    this.counts.workerJobs++;
    const id = this.nextId++;
    const { port1: port, port2: workerPort } = new MessageChannel();
    let requested = 0;
    let finished = false;
    const finish = () => {
      finished = true;
      port.close();
    };
    const stream = new Readable({
      read() {
        // Top up the chunks asked for; the worker sends no more than that.
        if (finished || requested >= STREAM_WINDOW_CHUNKS) return;
        port.postMessage({ type: 'pull', n: STREAM_WINDOW_CHUNKS - requested } satisfies ToStream);
        requested = STREAM_WINDOW_CHUNKS;
      },
      destroy(error, callback) {
        if (!finished) {
          port.postMessage({ type: 'cancel' } satisfies ToStream);
          finish();
        }
        callback(error);
      },
    });
    return new Promise<ExportBody>((resolve, reject) => {
      let headed = false;
      const fail = (error: Error) => {
        finish();
        // Cut, not ended: the client sees a failed download, never a short file.
        if (headed) stream.destroy(error);
        else reject(error);
      };
      slot.jobs.set(id, { fail });
      port.on('message', (message: FromStream) => {
        switch (message.type) {
          case 'head':
            headed = true;
            resolve({ rowCount: message.head.rowCount, stream, close: async () => void stream.destroy() });
            return;
          case 'chunk':
            requested--;
            stream.push(Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.byteLength));
            return;
          case 'end':
            finish();
            stream.push(null);
            return;
          case 'error':
            fail(toError(message.error));
            return;
        }
      });
      slot.post({ type: 'stream', id, job, args: args as unknown[], port: workerPort }, [workerPort]);
    });
  }

  /** A ready worker with room for one more job (queueing if need be), or undefined to run in-process. */
  private async acquire(): Promise<Slot | undefined> {
    for (;;) {
      if (this.inProcess) return undefined;
      let slot = this.roomy();
      if (slot) this.take(slot);
      else slot = await new Promise<Slot | undefined>((resolve) => this.queue.push(resolve));
      if (!slot) return undefined;
      try {
        await slot.ready;
        return slot;
      } catch (error) {
        this.release(slot);
        if (!slot.wasReady && !this.inProcess) {
          // This runtime cannot start a read worker: say so once, and read in-process from now on.
          this.inProcess = true;
          this.options.log?.('read workers cannot start here; reports and exports run on the main thread', error);
          this.dispatch();
        }
      }
    }
  }

  /** A live worker with room, started if the pool may grow; undefined when all are full. */
  private roomy(): Slot | undefined {
    const slot = this.slots.find((s) => !s.dead && s.load < this.jobsPerWorker);
    if (slot || this.slots.length >= this.maxWorkers || !this.config) return slot;
    this.counts.workersStarted++;
    const started = new Slot(
      this.config,
      (s, id) => {
        s.jobs.delete(id);
        this.release(s);
      },
      (s, error) => this.died(s, error),
    );
    this.slots.push(started);
    this.alive.add(started);
    started.worker.once('exit', () => this.alive.delete(started));
    return started;
  }

  private take(slot: Slot): void {
    slot.load++;
    slot.track();
  }

  private release(slot: Slot): void {
    slot.load = Math.max(0, slot.load - 1);
    slot.track();
    this.dispatch();
  }

  private died(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (slot.jobs.size > 0 && !this.closed) this.options.log?.('a read worker stopped; the reads it was running failed', error);
    for (const job of slot.jobs.values()) job.fail(error);
    slot.jobs.clear();
    slot.values.clear();
    this.dispatch();
  }

  /** Hands queued jobs to workers with room (or back to in-process when the pool fell back or closed). */
  private dispatch(): void {
    while (this.queue.length > 0) {
      if (this.inProcess) {
        this.queue.shift()?.(undefined);
        continue;
      }
      const slot = this.roomy();
      if (!slot) return;
      this.take(slot);
      this.queue.shift()?.(slot);
    }
  }
}

/** Asks a worker to close its store and end; terminates it if it does not in time. */
async function closeSlot(slot: Slot): Promise<void> {
  if (slot.dead) return;
  const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
  try {
    slot.post({ type: 'close' });
  } catch {
    // Already gone: nothing to ask.
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS)));
  try {
    if ((await Promise.race([exited.then(() => 'exited' as const), late])) === 'late') await slot.worker.terminate();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether a worker thread opening `url` itself reaches the same data: a PostgreSQL database always
 * does (each worker has its own pool on it); a SQLite file does, an in-memory SQLite database does not
 * (it is private to its connection: a worker would read another, empty one).
 */
function workersCanOpen(url: string): boolean {
  if (isPostgresUrl(url)) return true;
  const file = safeFileOf(url);
  return file !== undefined && file !== ':memory:' && !file.startsWith('file::memory:');
}

function safeFileOf(url: string): string | undefined {
  try {
    return sqliteFileOf(url);
  } catch {
    // A URL the store would refuse anyway: no worker can open it either.
    return undefined;
  }
}
