/**
 * The collector's storage: one interface per domain (devices, responses, staff sign-in) composed into
 * CollectorStore, openStore(url) as the one way to open one, and the SQLite and PostgreSQL stores with
 * their numbered `.sql` migrations per dialect. Nothing outside this folder opens a database itself.
 */
export * from './store';
export { gapsOpenedAbove, rangesLeftAfterStoring, type SequenceRange } from './sequence-figures';
export { rebuildFleetFigures } from './sqlite-fleet';
export { rebuildPgFleetFigures } from './pg-fleet';
export { StoreOpenError, type StoreOpenErrorCode } from './store-error';
export { describeStoreUrl, isPostgresUrl, openReadStore, openStore, sqliteFileOf, STORE_SCHEMES } from './open-store';
export { openPostgresStore, type PostgresStoreOptions } from './pg-store';
export { copySqliteToPostgres, type CopiedTable, type CopyResult } from './copy-to-postgres';
export { parsePostgresUrl, POSTGRES_SCHEMES, type PostgresTarget } from './pg-pool';
export { POSTGRES_MIGRATIONS_DIR, readPostgresMigrations } from './pg-migrations';
export { TALLY_SHARD_LOCK_KEY, TALLY_SHARDS } from './pg-tallies';
export { DATABASE_FILE, openSqliteStore, type SqliteStoreOptions } from './sqlite-store';
export { readSqliteMigrations, SCHEMA_VERSION, SQLITE_MIGRATIONS_DIR, type Migration } from './sqlite-migrations';
export { MAX_UNIT_ROWS } from './unit-rules';
export { textAnswerMark } from './store-rows';
