/** The collector's storage: the store interfaces and the embedded SQLite store. */
export * from './store';
export { DATABASE_FILE, MIGRATIONS, openSqliteStore, SCHEMA_VERSION } from './sqlite-store';
