/** Wire constants, kept free of zod so the citizen bundle can use them. */

/** Path of the batch submission endpoint, relative to the collector's base URL. */
export const SUBMIT_PATH = '/api/v1/responses';
export const HEALTH_PATH = '/api/v1/health';

/** Limits the collector enforces; the kiosk sizes its batches below them. */
export const MAX_BATCH_RESPONSES = 500;
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
