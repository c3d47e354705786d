/**
 * The collector's command lines (main.ts: the server; admin-cli.ts: staff password and sessions;
 * devices-cli.ts: kiosk devices) share these helpers: flags, usage, and failing without skipping the
 * store's close.
 */
export * from './cli-helpers';
// The command lines' runners, for tests: imported, they do not run.
export { collectorCli } from './main';
export { adminCli } from './admin-cli';
export { devicesCli } from './devices-cli';
export { talliesCli } from './tallies-cli';
export { formatCopyTable, migrateToPostgresCli } from './migrate-to-postgres';
