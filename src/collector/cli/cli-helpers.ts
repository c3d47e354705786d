/**
 * What the collector's command lines share: the --data and --help flags, parsing with node:util
 * parseArgs, and one way to fail. `fail()` throws; runCli prints `<cli>: <message>` and sets a
 * non-zero exit code once the stack has unwound, so a store opened with withStore is always closed
 * first (process.exit would skip it and leave the write-ahead log unmerged beside the database).
 */
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DATABASE_FILE, isPostgresUrl, openStore, type CollectorStore } from '../stores';

/** A failure the command line reports in its own words (no stack trace): thrown by fail(). */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/** Stops the command with a message for the person at the terminal; runCli prints it and exits non-zero. */
export function fail(message: string): never {
  throw new CliFailure(message);
}

/**
 * Runs a command line's main function. Any failure is printed as `<name>: <message>` with exit code 1,
 * through process.exitCode rather than process.exit, so every pending finally (the store's close) runs.
 */
export async function runCli(name: string, main: () => Promise<void>): Promise<void> {
  const code = await exitCodeOf(name, main);
  if (code !== 0) process.exitCode = code;
}

/** Runs a command line's main function and resolves with its exit code: 0, or 1 once `<name>: <message>` is printed. */
export async function exitCodeOf(name: string, main: () => Promise<void>): Promise<number> {
  try {
    await main();
    return 0;
  } catch (error) {
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** A command line run on `args` (default: the process's arguments); resolves with its exit code. */
export type CliRunner = (args?: string[]) => Promise<number>;

/** Whether the module at `moduleUrl` is the script node was started with (`tsx <file>`), not one imported. */
export function isEntryPoint(moduleUrl: string, script: string | undefined = process.argv[1]): boolean {
  if (script === undefined) return false;
  try {
    // Real paths: the module's URL is resolved through symbolic links, the script's path is not.
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    // A script or module that is no file (`node -e`, a data: URL) is not this module.
    return false;
  }
}

/**
 * Defines the command line `name` whose work is `main`. Started as a script it runs at once through
 * runCli; imported (by a test) it only returns its runner, which takes the words and prints to the console.
 */
export function defineCli(name: string, moduleUrl: string, main: (args?: string[]) => Promise<void>): CliRunner {
  if (isEntryPoint(moduleUrl)) void runCli(name, () => main());
  return (args) => exitCodeOf(name, () => main(args));
}

/** The flags every collector command line takes. */
export const SHARED_OPTIONS = {
  /** The collector's data folder (default COLLECTOR_DATA_DIR, else ./data). */
  data: { type: 'string' },
  /** The store URL (default COLLECTOR_DATABASE_URL, else the SQLite file in the data folder): postgres://… or a SQLite path. */
  database: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

type Options = NonNullable<ParseArgsConfig['options']>;

/** What parseCommandLine returns: parseArgs' result for the command's own flags plus the shared ones. */
export type CommandLine<O extends Options, P extends boolean> = ReturnType<
  typeof parseArgs<{ options: typeof SHARED_OPTIONS & O; allowPositionals: P; strict: true }>
>;

/** What a command line accepts, for parseCommandLine. */
export interface CommandLineSpec<O extends Options, P extends boolean> {
  /** Printed with a bad flag and for --help. */
  usage: string;
  /** The command's own flags; the shared ones are added. */
  options: O;
  /** Whether the command takes words such as `register <deviceId>`. */
  positionals?: P;
  /** The words to parse (default: process.argv after the script). */
  args?: string[];
}

/**
 * Parses the command line strictly with the shared flags added. A bad flag fails with the message and
 * the usage; --help prints the usage and returns null (the caller returns, exit code 0).
 */
export function parseCommandLine<O extends Options, P extends boolean = false>(spec: CommandLineSpec<O, P>): CommandLine<O, P> | null {
  let parsed: CommandLine<O, P>;
  try {
    parsed = parseArgs({
      args: spec.args,
      options: { ...SHARED_OPTIONS, ...spec.options },
      allowPositionals: spec.positionals ?? false,
      strict: true,
    }) as CommandLine<O, P>;
  } catch (error) {
    fail(`${(error as Error).message}\n${spec.usage}`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(spec.usage);
    return null;
  }
  return parsed;
}

/** The data folder: --data, else COLLECTOR_DATA_DIR, else ./data, as an absolute path. */
export function dataDirOf(flag: string | undefined): string {
  return resolve(flag ?? process.env.COLLECTOR_DATA_DIR ?? 'data');
}

/** The store URL of a data folder: its SQLite file (a plain path is a store URL). */
export function storeUrlIn(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/** The store URL given: --database, else COLLECTOR_DATABASE_URL; undefined when neither is (the data folder's SQLite file then). */
export function databaseUrlOf(flag: string | undefined): string | undefined {
  const url = flag ?? process.env.COLLECTOR_DATABASE_URL;
  if (url === undefined || url.trim() === '') return undefined;
  return url.trim();
}

/** The store a command line works on: --database, else COLLECTOR_DATABASE_URL, else the SQLite file in the data folder. */
export function storeUrlOf(values: { data?: string; database?: string }): string {
  return databaseUrlOf(values.database) ?? storeUrlIn(dataDirOf(values.data));
}

/**
 * The store a staff command line works on, which must already exist: a database server is asked at
 * open (and says clearly when it cannot be reached); a SQLite file must be there already.
 */
export function existingStoreOf(values: { data?: string; database?: string }): string {
  const url = databaseUrlOf(values.database);
  if (url !== undefined && isPostgresUrl(url)) return url;
  if (url !== undefined) {
    if (!existsSync(url)) fail(`no collector database at ${url}; start the collector once or pass --database`);
    return url;
  }
  return existingStoreIn(dataDirOf(values.data));
}

/** The store URL of a data folder whose database must already exist (the staff CLIs never create one). */
export function existingStoreIn(dataDir: string): string {
  const file = storeUrlIn(dataDir);
  if (!existsSync(file)) fail(`no collector database at ${file}; start the collector once or pass --data`);
  return file;
}

/** Opens the store, runs `work` with it and closes it however `work` ends. */
export async function withStore<T>(url: string, work: (store: CollectorStore) => Promise<T>): Promise<T> {
  const store = await openStore(url);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
