/**
 * The collector's storage: one interface per domain (devices, responses, staff sign-in) composed into
 * CollectorStore, openStore(url) as the one way to open one, and the SQLite store with its numbered
 * `.sql` migrations. Nothing outside this folder opens a database itself.
 */
export * from './store';
export { StoreOpenError, type StoreOpenErrorCode } from './store-error';
export { openStore, sqliteFileOf, STORE_SCHEMES } from './open-store';
export { DATABASE_FILE, openSqliteStore, type SqliteStoreOptions } from './sqlite-store';
export { readSqliteMigrations, SCHEMA_VERSION, SQLITE_MIGRATIONS_DIR, type Migration } from './sqlite-migrations';
