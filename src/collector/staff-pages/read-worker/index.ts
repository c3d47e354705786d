/**
 * Reads that never stall writing: the SIPAS report and the exports run in worker threads with their
 * own store connections (ReadPool), through the same job functions the in-process fallback runs.
 */
export { DEFAULT_JOBS_PER_WORKER, DEFAULT_READ_WORKERS, ReadPool, type ReadPoolOptions, type ReadPoolStats } from './pool';
export { EXPORT_BATCH_ROWS, openExport, type ExportBody } from './jobs';
export { serveReads } from './serve';
export type { WorkerConfig } from './protocol';
