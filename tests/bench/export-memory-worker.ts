/**
 * The export bench's read worker when it traces (EXPORT_BENCH_TRACE): the real worker entry, plus its
 * own heap and ArrayBuffer figures written into memory shared with the bench, which only the worker's
 * thread can see (process.memoryUsage's heap figures are per thread; the resident set is the process's).
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../../src/collector/stores';
import { serveReads, type WorkerConfig } from '../../src/collector/staff-pages/read-worker';
import { WORKER_BUFFERS, WORKER_BUFFERS_PEAK, WORKER_HEAP, WORKER_HEAP_PEAK } from './memory-breakdown';


const figures = new Float64Array((workerData as WorkerConfig).data as SharedArrayBuffer);
const sample = () => {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  figures[WORKER_HEAP] = heapUsed;
  figures[WORKER_HEAP_PEAK] = Math.max(figures[WORKER_HEAP_PEAK]!, heapUsed);
  figures[WORKER_BUFFERS] = arrayBuffers;
  figures[WORKER_BUFFERS_PEAK] = Math.max(figures[WORKER_BUFFERS_PEAK]!, arrayBuffers);
};
setInterval(sample, 5).unref();
// As worker.ts starts: the thread's nice value lowered, its own store connection, the real serveReads.
setPriority(10);
serveReads(parentPort!, await openStore((workerData as WorkerConfig).storeUrl));
