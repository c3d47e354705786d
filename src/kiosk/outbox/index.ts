/** The kiosk's outbox drain: batches, backoff, per-response acknowledgement, one drain across tabs. */
export { createSyncEngine, DRAIN_LOCK, type SyncEngine, type DrainStatus, type DrainState, type DrainReason } from './sync-engine';
export { SYNC_ERROR_KINDS, syncErrorText, lastSyncOf, type SyncError, type SyncErrorKind, type LastSync } from './sync-error';
export { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export { postBatch, submitUrl, REQUEST_TIMEOUT_MS, type BatchOutcome } from './transport';
