/*
 * The reads that run off the kiosks' thread: the SIPAS report and the exports. Each is a function of a
 * store and plain data, so the very same code runs in a read worker (on the worker's own connection)
 * and in-process (the fallback): both paths give byte-identical answers.
 */
import type { Readable } from 'node:stream';
import type { SurveyDefinition } from '../../../shared/survey';
import type { ResponseStore } from '../../stores';
import { CSV_SEPARATORS, toResponseFilter, type FilterQuery } from '../filters';
import { csvStream, excelColumns, exportDefinitions, jsonStream, xlsxStream, type ExportFormat } from '../exports';
import { buildReport } from '../report';
import type { StreamHead } from './protocol';

/** An export as it is sent: its row count (known before the first byte), its bytes, and how to end its read. */
export interface ExportBody extends StreamHead {
  stream: Readable;
  /** Releases the read (safe to call twice, and after the stream ended). */
  close(): Promise<void>;
}

/**
 * Rows an export takes from its snapshot at a time. A batch is live until its last row is written, and
 * the store's default of 256 (about 1 MB of parsed rows) outlived the read worker's scavenges: those
 * rows were promoted and filled its old space with 45 MB of dead rows between mark-compacts (issue 12's
 * export memory: 83 → 23 MB growth at 1,000,000 rows on SQLite, same speed). 32 rows die young.
 */
export const EXPORT_BATCH_ROWS = 32;

/**
 * Opens an export of the responses matching `query`: one consistent snapshot gives the row count, the
 * definitions present (their questions become columns) and the rows, serialised as `format`.
 */
export async function openExport(
  store: ResponseStore,
  known: readonly SurveyDefinition[],
  query: FilterQuery,
  lang: string,
  format: ExportFormat,
): Promise<ExportBody> {
  const snapshot = await store.openResponseSnapshot(toResponseFilter(query), { batchRows: EXPORT_BATCH_ROWS });
  try {
    const rowCount = snapshot.count ?? 0; // opened with its summary, so always known
    const present = exportDefinitions(known, snapshot.definitions);
    // An empty export still gets the columns of the questionnaire asked for.
    const definitions =
      present.definitions.length > 0 || rowCount > 0
        ? present.definitions
        : known.filter((d) => (query.definition === undefined || d.id === query.definition) && (typeof query.version !== 'number' || d.version === query.version));
    const columns = excelColumns(definitions, present.unknown, { labels: query.labels === '1', locale: lang });
    const stream =
      format === 'csv'
        ? csvStream(columns, snapshot.responses(), { headers: query.headers, separator: CSV_SEPARATORS[query.sep ?? 'comma'] })
        : format === 'json'
          ? jsonStream(snapshot.responses())
          : xlsxStream(columns, definitions, snapshot, query.headers);
    return { rowCount, stream, close: () => snapshot.close() };
  } catch (error) {
    await snapshot.close();
    throw error;
  }
}

/** A job's arguments after the store, which the side running it provides. */
type ArgsAfterStore<F> = F extends (store: never, ...args: infer A) => unknown ? A : never;

/** Reads answered with one value (structured-cloned back from a worker). */
export const VALUE_JOBS = { report: buildReport } as const;
/** Reads answered with a stream of bytes. */
export const STREAM_JOBS = { export: openExport } as const;

export type ValueJob = keyof typeof VALUE_JOBS;
export type StreamJob = keyof typeof STREAM_JOBS;
export type ValueJobArgs<K extends ValueJob> = ArgsAfterStore<(typeof VALUE_JOBS)[K]>;
export type ValueJobResult<K extends ValueJob> = Awaited<ReturnType<(typeof VALUE_JOBS)[K]>>;
export type StreamJobArgs<K extends StreamJob> = ArgsAfterStore<(typeof STREAM_JOBS)[K]>;

/** Runs a value job on `store`. */
export function runValueJob<K extends ValueJob>(store: ResponseStore, job: K, args: ValueJobArgs<K>): Promise<ValueJobResult<K>> {
  const run = VALUE_JOBS[job] as (store: ResponseStore, ...args: unknown[]) => Promise<ValueJobResult<K>>;
  return run(store, ...(args as unknown[]));
}

/** Runs a stream job on `store`. */
export function runStreamJob<K extends StreamJob>(store: ResponseStore, job: K, args: StreamJobArgs<K>): Promise<ExportBody> {
  const run = STREAM_JOBS[job] as (store: ResponseStore, ...args: unknown[]) => Promise<ExportBody>;
  return run(store, ...(args as unknown[]));
}

/** Is `name` a job of `table`? (Names arrive from another thread.) */
export function isJob<T extends object>(table: T, name: string): name is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(table, name);
}
