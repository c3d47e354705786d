/**
 * A read worker's entry (started by the read pool through boot.js): opens its own connection to the
 * collector's store (SQLite in WAL mode lets it read while the main thread writes) and serves reads.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openReadStore, openStore } from '../../stores';
import { fromError, type FromWorker, type WorkerConfig } from './protocol';
import { serveReads } from './serve';

const port = parentPort;
if (!port) throw new Error('the read worker runs in a worker thread');
const { storeUrl, readOnly } = workerData as WorkerConfig;
lowerThreadPriority();
try {
  serveReads(port, await (readOnly ? openReadStore(storeUrl) : openStore(storeUrl)));
} catch (error) {
  port.postMessage({ type: 'failed', error: fromError(error) } satisfies FromWorker);
  process.exit(1);
}

/** Nice value of a read worker's thread: when the cores are all busy, the kiosks' thread runs first. */
const READ_WORKER_NICE = 10;

/**
 * Lowers this thread's scheduling priority. Only on Linux, where the nice value belongs to a thread
 * (setpriority(2), "Linux/NPTL" note); elsewhere it would slow the whole collector down.
 */
function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(READ_WORKER_NICE);
  } catch {
    // A system that refuses only costs the head start; the reads still run off the kiosks' thread.
  }
}
