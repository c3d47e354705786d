/** The kiosk's outbox drain: batches sized to the link, backoff, per-response acknowledgement, one drain across tabs. */
export {
  createSyncEngine,
  tokenFingerprint,
  DRAIN_LOCK,
  AUTH_PROBE_INTERVAL_MS,
  HEALTH_CHECK_INTERVAL_MS,
  HEALTH_CHECK_JITTER_MS,
  type SyncEngine,
  type SyncEngineOptions,
  type DrainStatus,
  type DrainState,
  type DrainReason,
  type RefusedToken,
} from './sync-engine';
export { SYNC_ERROR_KINDS, syncErrorText, lastSyncOf, type SyncError, type SyncErrorKind, type LastSync } from './sync-error';
export { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export { BatchSizer, GROW_AFTER_SUCCESSES, GROWTH_FACTOR, MAX_TIMEOUT_FACTOR } from './batch-size';
export {
  postBatch,
  collectorReachable,
  submitUrl,
  healthUrl,
  requestTimeoutMs,
  retryAfterMsOf,
  REQUEST_TIMEOUT_MS,
  REQUEST_TIMEOUT_BASE_MS,
  REQUEST_TIMEOUT_MAX_MS,
  ASSUMED_SLOW_LINK_BYTES_PER_SECOND,
  HEALTH_CHECK_TIMEOUT_MS,
  type BatchOutcome,
} from './transport';
