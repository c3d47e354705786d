/** Why a store could not be opened; the code doubles as the message key once the CLIs are localised. */
export type StoreOpenErrorCode =
  | 'store.unsupported-scheme'
  | 'store.bad-url'
  | 'store.migration-files'
  | 'store.schema-newer'
  /** A database opened only to read (a replica) whose schema is behind this collector's: nothing there migrates it. */
  | 'store.schema-behind'
  /** A database server that does not answer (refused, unknown host, timed out). */
  | 'store.unreachable'
  /** The server refused the user name or password. */
  | 'store.auth-failed'
  /** The server answers but has no database of that name. */
  | 'store.database-missing'
  /** Any other refusal of the server while connecting or migrating. */
  | 'store.connect-failed';

/** A store that cannot be opened as asked: a URL it does not support, broken migration files, a newer schema. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';

  constructor(
    readonly code: StoreOpenErrorCode,
    message: string,
    /** What the message is built from (scheme, file, versions), for a caller that words it itself. */
    readonly details: Readonly<Record<string, string | number | readonly string[]>> = {},
  ) {
    super(message);
  }
}
