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

// ── Drop-off funnel (issue 8): counts per Vietnam day and definition, sent with the health report ──

/** Days of funnel counts a kiosk sends with each health report (the newest ones; older ones were sent before). */
export const FUNNEL_REPORT_DAYS = 14;
/** Most funnel entries (day × definition version) one health report may carry: room for a definition change or two a day. */
export const FUNNEL_REPORT_MAX_ENTRIES = 64;
/** Most questions one funnel entry names as the last reached before abandoning (a definition has at most 200 answers). */
export const FUNNEL_MAX_QUESTIONS = 200;
/** Upper bound of any one funnel count: far above what one tablet sees in a day, so a corrupt value is refused. */
export const FUNNEL_MAX_COUNT = 1_000_000;
/** Days of funnel counts the kiosk keeps (two months), so the history cannot grow without bound. */
export const FUNNEL_KEEP_DAYS = 62;
