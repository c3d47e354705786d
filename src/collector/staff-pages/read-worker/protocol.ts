/*
 * The messages between the collector's main thread and a read worker. Jobs travel on the worker's own
 * port; an export's bytes travel on a MessagePort of its own, chunk by chunk, each one asked for
 * ("pull") by the main thread only when the HTTP answer has room: the worker never runs ahead of the
 * client by more than a few chunks, so a 100,000-row export never sits in memory on either side.
 */

/** What a worker is started with (workerData). */
export interface WorkerConfig {
  /** The worker module to run (a .ts file, loaded through tsx by boot.js). */
  entry: string;
  /** The store URL the worker opens its own connection with (openStore). */
  storeUrl: string;
  /** Opened only to read (openReadStore: a replica, never migrated) instead. */
  readOnly?: boolean;
  /** Whatever a custom entry needs (tests); structured-cloned. */
  data?: unknown;
}

/** Main thread → worker, on the worker's port. */
export type ToWorker =
  | { type: 'value'; id: number; job: string; args: unknown[] }
  | { type: 'stream'; id: number; job: string; args: unknown[]; port: MessagePortLike }
  /** Finish: close the store and end the thread (jobs still running are cut). */
  | { type: 'close' };

/** Worker → main thread, on the worker's port. */
export type FromWorker =
  /** The worker opened its store and takes jobs. */
  | { type: 'ready' }
  /** The worker could not open its store. */
  | { type: 'failed'; error: WorkerError }
  /** A value job's result; the job is over. */
  | { type: 'value'; id: number; ok: true; value: unknown }
  | { type: 'value'; id: number; ok: false; error: WorkerError }
  /** A stream job is over (ended, failed or cancelled) and its read closed. */
  | { type: 'done'; id: number };

/** Worker → main thread, on an export's own port. */
export type FromStream =
  /** What is known before the first byte (the row count for X-Row-Count). */
  | { type: 'head'; head: StreamHead }
  | { type: 'chunk'; chunk: Uint8Array }
  | { type: 'end' }
  | { type: 'error'; error: WorkerError };

/** Main thread → worker, on an export's own port. */
export type ToStream =
  /** Room for this many more chunks. */
  | { type: 'pull'; n: number }
  /** The client went away: stop reading and close the snapshot. */
  | { type: 'cancel' };

/** The part of a streamed read that is known before its first byte. */
export interface StreamHead {
  rowCount: number;
}

/** An error as it crosses threads (an Error's prototype does not survive structured cloning). */
export interface WorkerError {
  message: string;
  stack?: string;
}

/** The least of a MessagePort the messages need (node:worker_threads' one, typed by the side using it). */
export type MessagePortLike = object;

/** An error from the other thread as an Error again. */
export function toError(error: WorkerError): Error {
  const result = new Error(error.message);
  if (error.stack !== undefined) result.stack = error.stack;
  return result;
}

/** Any thrown value as a WorkerError. */
export function fromError(error: unknown): WorkerError {
  return error instanceof Error ? { message: error.message, stack: error.stack } : { message: String(error) };
}
