import Database from 'better-sqlite3';
import { sqliteDeviceStore } from './sqlite-devices';
import { checkSchemaVersion, migrate, readSqliteMigrations, SQLITE_MIGRATIONS_DIR } from './sqlite-migrations';
import { sqliteResponseStore } from './sqlite-responses';
import { sqliteStaffAuthStore } from './sqlite-staff-auth';
import { sqliteUnitStore } from './sqlite-units';
import type { CollectorStore } from './store';

/** File name of the database inside the collector's data folder. */
export const DATABASE_FILE = 'collector.sqlite';

/** How a SQLite store is opened. */
export interface SqliteStoreOptions {
  /** Where the numbered `.sql` steps are read from; only tests of the migration rules change it. */
  migrationsDir?: string;
}

/**
 * Opens (creating and migrating if needed) the collector's SQLite database: the three domain query
 * modules over one connection. Outside stores/, open a store with openStore(url).
 */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): CollectorStore {
  // Read and checked before the file is touched: broken migration files must not leave a half-made database.
  const migrations = readSqliteMigrations(options.migrationsDir ?? SQLITE_MIGRATIONS_DIR);
  checkSchemaVersion(migrations);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL survives a process crash; a power cut may lose the last commits but never corrupts.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Several processes or handles on one file wait for each other rather than failing with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return {
      ...sqliteDeviceStore(db),
      ...sqliteResponseStore(db),
      ...sqliteStaffAuthStore(db),
      ...sqliteUnitStore(db),
      async close() {
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
