/**
 * The reference collector: the HTTP endpoint kiosks send their batches to, and its storage. Node only.
 * The wire contract lives in src/shared/wire and src/shared/schemas; the delivery rules are in README ("Collection endpoint").
 */
export { createCollector, DEVICE_SELF_PATH, type CollectorOptions } from './server';
export { ERROR_CODES, UNAUTHORIZED_MESSAGE } from './errors';
export { checkResponse, indexDefinitions, MAX_RESPONSE_BYTES, type DefinitionIndex } from './ingest';
export {
  DEMO_DEVICE,
  authenticateToken,
  issueDemoDeviceToken,
  registerDevice,
  revokeDevice,
  rotateDeviceToken,
  type DeviceDetails,
  type IssuedToken,
} from './devices';
export { DATABASE_FILE, openSqliteStore, openStore, readSqliteMigrations, SCHEMA_VERSION, STORE_SCHEMES, StoreOpenError, type StoreOpenErrorCode } from './stores';
export {
  ensureAdminPassword,
  setAdminPassword,
  signOutAllSessions,
  passwordProblem,
  MIN_PASSWORD_LENGTH,
  type AdminPasswordOrigin,
  type ThrottleOptions,
} from './staff-pages';
export type {
  AdminSession,
  CollectorStore,
  DeviceStore,
  ResponseStore,
  StaffAuthStore,
  DefinitionCount,
  PlaceCount,
  ResponseFilter,
  ResponseSnapshot,
  ScorableRow,
  SnapshotOptions,
  StoredRow,
  DeviceRecord,
  IngestBatch,
  IngestItem,
  IngestOutcome,
  NewDevice,
  ResponseSource,
  SequenceGap,
  DeviceFunnelTotals,
  FunnelFilter,
  FunnelPlace,
  FunnelRow,
  FunnelTotals,
} from './stores';
