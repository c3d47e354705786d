/** The kiosk's outbox drain: batches, backoff, per-response acknowledgement, one drain across tabs. */
export { createSyncEngine, DRAIN_LOCK, type SyncEngine, type SyncStatus, type DrainReason } from './sync-engine';
export { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export { postBatch, submitUrl, REQUEST_TIMEOUT_MS, type BatchOutcome } from './transport';
