/** Wire constants, kept free of zod so the citizen bundle can use them. */

/** Path of the batch submission endpoint, relative to the collector's base URL. */
export const SUBMIT_PATH = '/api/v1/responses';
export const HEALTH_PATH = '/api/v1/health';

/** Limits the collector enforces; the kiosk sizes its batches below them. */
export const MAX_BATCH_RESPONSES = 500;
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Outcome for one response of a batch. created and duplicate are both success: the kiosk may forget it. */
export const RESULT_STATUSES = ['created', 'duplicate', 'conflict', 'rejected'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

/** Is this outcome one the kiosk may treat as delivered? */
export function isDelivered(status: ResultStatus): boolean {
  return status === 'created' || status === 'duplicate';
}
