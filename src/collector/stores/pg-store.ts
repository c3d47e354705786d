import { pgDeviceStore } from './pg-devices';
import type pg from 'pg';
import { checkPostgresSchema, migratePostgres, POSTGRES_MIGRATIONS_DIR, readPostgresMigrations } from './pg-migrations';
import { connectError, openPostgresPool, parsePostgresUrl, type PostgresPoolOptions } from './pg-pool';
import { pgResponseStore, type OpenSnapshots } from './pg-responses';
import { pgStaffAuthStore } from './pg-staff-auth';
import { pgUnitStore } from './pg-units';
import { checkSchemaVersion } from './migration-files';
import { StoreOpenError } from './store-error';
import type { CollectorStore } from './store';

/** How a PostgreSQL store is opened. */
export interface PostgresStoreOptions extends PostgresPoolOptions {
  /** Where the numbered `.sql` steps are read from; only tests of the migration rules change it. */
  migrationsDir?: string;
}

/**
 * Opens a store that only reads (the read workers' connection to a replica, `--read-database`): every
 * transaction read-only, nothing migrated, the schema checked to be this collector's. A write through
 * it fails as the server refuses it (on a primary too), so it can never change what it reports on.
 */
export async function openPostgresReadStore(url: string, options: PostgresPoolOptions = {}): Promise<CollectorStore> {
  const target = parsePostgresUrl(url);
  const pool = await openPostgresPool(target, { ...options, readOnly: true });
  try {
    await checkPostgresSchema(pool, `PostgreSQL at ${target.display}`);
  } catch (error) {
    await pool.end();
    throw error instanceof StoreOpenError ? error : migrationError(error, target.display);
  }
  return storeOverPool(pool);
}

/**
 * Opens the collector's PostgreSQL store named by a `postgres://` URL (see parsePostgresUrl for its
 * `schema=` parameter): one pool, migrated under an advisory lock, shared by the domain query
 * modules. Outside stores/, open a store with openStore(url).
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<CollectorStore> {
  const target = parsePostgresUrl(url);
  // Read and checked before connecting: broken migration files must not half-build a database.
  const migrations = readPostgresMigrations(options.migrationsDir ?? POSTGRES_MIGRATIONS_DIR);
  checkSchemaVersion(migrations, 'PostgreSQL');
  const pool = await openPostgresPool(target, options);
  try {
    await migratePostgres(pool, migrations, target.schema);
  } catch (error) {
    await pool.end();
    // A refusal of ours (newer schema) as it is; a server's error while migrating, named with the URL shown without password.
    throw error instanceof StoreOpenError ? error : migrationError(error, target.display);
  }
  return storeOverPool(pool);
}

/** The store's domain query modules over one pool. */
function storeOverPool(pool: pg.Pool): CollectorStore {
  let closed: Promise<void> | undefined;
  const openSnapshots: OpenSnapshots = new Set();
  return {
    ...pgDeviceStore(pool),
    ...pgResponseStore(pool, openSnapshots),
    ...pgStaffAuthStore(pool),
    ...pgUnitStore(pool),
    close() {
      // Safe to call twice: pool.end() refuses a second call. Snapshots a caller left open are ended
      // first: the pool's end waits for every client to come back, so one of them would hold it forever.
      closed ??= Promise.all([...openSnapshots].map((closeSnapshot) => closeSnapshot())).then(() => pool.end());
      return closed;
    },
  };
}

function migrationError(error: unknown, where: string): StoreOpenError {
  const refused = connectError(error, { connectionString: '', schema: undefined, display: where });
  if (refused.code !== 'store.connect-failed') return refused;
  const step = error instanceof Error ? error.message : String(error);
  return new StoreOpenError('store.migration-files', `PostgreSQL at ${where}: a schema step failed: ${step}`, refused.details);
}
