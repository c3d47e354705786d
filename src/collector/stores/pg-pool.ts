/*
 * The PostgreSQL connection pool: opened from a postgres:// URL, checked by one round trip (so a
 * collector that cannot reach its database refuses to start, clearly), and migrated under an
 * advisory lock before anything else uses it.
 */
import pg from 'pg';
import { StoreOpenError } from './store-error';

/** The URL schemes that name a PostgreSQL database. */
export const POSTGRES_SCHEMES: readonly string[] = ['postgres:', 'postgresql:'];

/** What a pool client and the pool both offer: one query at a time, parameters as $1, $2 … */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** A PostgreSQL database as named by a store URL, with the password kept out of everything printable. */
export interface PostgresTarget {
  /** What pg connects with: the URL without the collector's own `schema` parameter. */
  connectionString: string;
  /** The schema the store's tables live in (search_path), when the URL names one. */
  schema: string | undefined;
  /** `postgres://user@host:port/db?schema=…`: the URL without its password, for logs and messages. */
  display: string;
}

/** A schema name the URL may give: a plain lower-case SQL identifier, so it never needs quoting. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads a `postgres://user:password@host:5432/database` (or `postgresql://`) URL. Besides pg's own
 * parameters (sslmode, application_name, options …) it takes `schema=<name>`: the store's tables then
 * live in that schema (created when missing), which lets several collectors or test runs share one
 * database without meeting. Errors never repeat the URL: it may carry a password.
 */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreOpenError('store.bad-url', 'the PostgreSQL URL is not a valid URL (expected postgres://user:password@host:5432/database)', {
      scheme: 'postgres:',
    });
  }
  if (!POSTGRES_SCHEMES.includes(parsed.protocol)) {
    throw new StoreOpenError('store.bad-url', `not a PostgreSQL URL: scheme "${parsed.protocol}"`, { scheme: parsed.protocol });
  }
  if (parsed.hostname === '' || parsed.pathname.length <= 1) {
    throw new StoreOpenError('store.bad-url', 'a PostgreSQL URL names a host and a database: postgres://user:password@host:5432/database', {
      scheme: parsed.protocol,
    });
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreOpenError('store.bad-url', `the schema parameter must be a lower-case SQL identifier (a–z, 0–9, _), found ${JSON.stringify(schema.slice(0, 64))}`, {
      scheme: parsed.protocol,
    });
  }
  if (schema !== undefined && parsed.searchParams.has('options')) {
    // Both would set the startup options; which one wins would be an accident of pg's parser.
    throw new StoreOpenError('store.bad-url', 'give either schema= or options= in a PostgreSQL URL, not both', { scheme: parsed.protocol });
  }
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  const shown = new URL(parsed.toString());
  shown.password = '';
  if (schema !== undefined) shown.searchParams.set('schema', schema);
  return { connectionString, schema, display: shown.toString() };
}

/** How many connections a collector process keeps at most (pg's own default, written down). */
export const DEFAULT_POOL_MAX = 10;

/** How long a connection attempt may take before the store gives up on the server. */
export const CONNECT_TIMEOUT_MS = 10_000;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * int8 (count(*), bigint columns) and numeric (sum of bigints) read as JS numbers rather than strings:
 * every integer the collector stores is a safe integer (the wire schemas say so), and the SQLite store
 * returns numbers, so the stores' values stay identical.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && (oid === INT8_OID || oid === NUMERIC_OID)) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Options of openPostgresPool. */
export interface PostgresPoolOptions {
  /** Connections kept at most (default DEFAULT_POOL_MAX). */
  max?: number;
  /** How long a query waits for a free connection, or a new one, before the store answers busy (default CONNECT_TIMEOUT_MS). */
  connectionTimeoutMs?: number;
  /** Every transaction read-only (default_transaction_read_only): the pool of a store that only reads, e.g. on a replica. */
  readOnly?: boolean;
}

/**
 * Opens a pool on the database the URL names and proves it answers (one `SELECT 1`), so a wrong
 * password or an unreachable server fails here, as a StoreOpenError with a code, rather than at the
 * first kiosk's batch. The schema named by `?schema=` is every connection's search_path.
 */
/** The settings every connection starts with: the URL's schema as its search_path; read-only when asked. */
function startupOptions(target: PostgresTarget, options: PostgresPoolOptions): { options?: string } {
  const settings = [
    ...(target.schema === undefined ? [] : [`-c search_path=${target.schema}`]),
    ...(options.readOnly ? ['-c default_transaction_read_only=on'] : []),
  ];
  return settings.length === 0 ? {} : { options: settings.join(' ') };
}

export async function openPostgresPool(target: PostgresTarget, options: PostgresPoolOptions = {}): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: options.max ?? DEFAULT_POOL_MAX,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? CONNECT_TIMEOUT_MS,
    // Set at connection start-up, so even a connection made later (the pool grows) has it before its first query.
    ...startupOptions(target, options),
    application_name: 'sipas-collector',
    types,
  });
  // An idle connection the server drops (a restart, a failover) must not crash the process: the pool
  // replaces it, and the next query that fails says so where someone is waiting for it.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {
      // Already failing to connect: the refusal below is what the caller needs to see.
    });
    throw connectError(error, target);
  }
  // After the first round trip: a collector that cannot reach its database at all is refused above, clearly.
  answerPoolWaitsAsBusy(pool);
  return pool;
}

/** The SQLSTATE a busy pool's error is given (too_many_connections): what the HTTP layer answers 503 busy with Retry-After. */
export const POOL_BUSY_SQLSTATE = '53300';

/**
 * Is this pg's error for a connection that did not come in time: every connection of the pool busy
 * past connectionTimeoutMillis ("timeout exceeded when trying to connect"), or a new one the server
 * was too slow to accept? Either way nothing was done and the request may be sent again.
 */
export function isPoolWaitTimeout(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === undefined && /timeout exceeded when trying to connect|connection timeout/i.test(error.message);
}

/**
 * Gives the pool's wait timeouts the SQLSTATE of a server refusing for too many connections, so a
 * batch that found every connection busy is answered 503 busy with Retry-After (the store-busy path of
 * server/app.ts), not 500. The callback form is kept too: pool.query itself connects through it.
 */
function answerPoolWaitsAsBusy(pool: pg.Pool): void {
  type Done = (error: Error | undefined, client: pg.PoolClient | undefined, release: (release?: unknown) => void) => void;
  const connect = pool.connect.bind(pool) as unknown as (done?: Done) => Promise<pg.PoolClient> | undefined;
  const asBusy = (error: unknown): unknown => {
    if (isPoolWaitTimeout(error)) Object.assign(error as Error, { code: POOL_BUSY_SQLSTATE });
    return error;
  };
  const wrapped = (done?: Done) => {
    if (done) return connect((error, client, release) => done(error === undefined || error === null ? error : (asBusy(error) as Error), client, release));
    return (connect() as Promise<pg.PoolClient>).catch((error: unknown) => {
      throw asBusy(error);
    });
  };
  (pool as unknown as { connect: typeof wrapped }).connect = wrapped;
}

/** PostgreSQL's SQLSTATE of an error, when it is one the server sent. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Names a failure to connect by what the person starting the collector must fix; the password is never in it. */
export function connectError(error: unknown, target: PostgresTarget): StoreOpenError {
  const state = sqlState(error);
  const code = (error as { code?: unknown } | null)?.code;
  const where = target.display;
  const reason = error instanceof Error ? error.message : String(error);
  if (state === '28P01' || state === '28000') {
    return new StoreOpenError('store.auth-failed', `PostgreSQL at ${where} refused the user name or password`, { sqlState: state });
  }
  if (state === '3D000') return new StoreOpenError('store.database-missing', `PostgreSQL at ${where} has no such database`, { sqlState: state });
  const network = typeof code === 'string' && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'].includes(code);
  if (network || /timeout/i.test(reason)) {
    return new StoreOpenError('store.unreachable', `cannot reach PostgreSQL at ${where} (${typeof code === 'string' ? code : 'timed out'})`, {
      ...(typeof code === 'string' ? { errno: code } : {}),
    });
  }
  // The server's own words (they name no password); the URL shown is the one without it.
  return new StoreOpenError('store.connect-failed', `PostgreSQL at ${where} refused the connection: ${reason}`, state ? { sqlState: state } : {});
}

/**
 * Runs `work` in one transaction on one connection of the pool: BEGIN, then COMMIT when it resolves,
 * ROLLBACK when it throws. `begin` lets a caller ask for an isolation level or a read-only transaction.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // The connection itself failed: give it back destroyed rather than to the next caller.
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
