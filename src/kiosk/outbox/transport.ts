import { HEALTH_PATH, SUBMIT_PATH } from '../../shared/wire';
import type { KioskReport, ResponseResult, SubmitBatch, SubmitResult, SurveyResponse } from '../../shared/schemas';
import { kindOfStatus, type SyncError } from './sync-error';

/** What one POST of a batch came to, as the outbox needs to know it. */
export type BatchOutcome =
  /** `place`: the device's registered place as the collector sent it, unchecked (see settingsWithPlace); absent from an older collector. */
  | { kind: 'ok'; results: ResponseResult[]; place?: unknown }
  | { kind: 'unauthorized' }
  | { kind: 'too-large'; message: string }
  /** `retryAfterMs`: the wait a 503 or 429 asked for in its Retry-After header, when it gave one. */
  | { kind: 'failed'; error: SyncError; retryAfterMs?: number };

/**
 * The fixed part of a batch's time allowance, and the whole of it for an empty batch: the old fixed
 * timeout, so a slow collector's 20–30 s replies to small batches still arrive.
 */
export const REQUEST_TIMEOUT_BASE_MS = 30_000;
/**
 * Upload rate the allowance assumes for the bytes of a batch: 8 kbit/s, below the slowest link the
 * kiosk is asked to carry (10 kbit/s), so a batch is never abandoned merely for its size on such a
 * link; on slower links the timeout halves the batch until it fits.
 */
export const ASSUMED_SLOW_LINK_BYTES_PER_SECOND = 1_000;
/** No request waits longer than this: a hung collector must not hold the drain for many minutes. */
export const REQUEST_TIMEOUT_MAX_MS = 120_000;
/** The allowance for an empty batch (a heartbeat); kept under its old name for callers. */
export const REQUEST_TIMEOUT_MS = REQUEST_TIMEOUT_BASE_MS;

/**
 * How long a POST of `bodyBytes` may take: the base plus the bytes at the assumed slow rate, times
 * `factor` (raised by the outbox after a timeout, for a collector slow to answer), at most the cap.
 */
export function requestTimeoutMs(bodyBytes: number, factor = 1): number {
  const allowance = (REQUEST_TIMEOUT_BASE_MS + (bodyBytes / ASSUMED_SLOW_LINK_BYTES_PER_SECOND) * 1000) * factor;
  return Math.round(Math.min(REQUEST_TIMEOUT_MAX_MS, allowance));
}

/** The collector's base URL: the configured one, or the origin the kiosk was loaded from. */
export function submitUrl(endpointUrl: string, origin: string): string {
  return new URL(SUBMIT_PATH, endpointUrl || origin).toString();
}

/** The collector's reachability check, next to the batch endpoint. */
export function healthUrl(endpointUrl: string, origin: string): string {
  return new URL(HEALTH_PATH, endpointUrl || origin).toString();
}

/**
 * A Retry-After header's wait in ms from `nowMs`: delta-seconds or an HTTP date (RFC 9110 §10.2.3);
 * undefined when absent or unreadable, 0 for a date already past.
 */
export function retryAfterMsOf(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** What postBatch may be told beyond the batch: the fetch to use and its time allowance factor. */
export interface PostOptions {
  /** Multiplies the allowance of requestTimeoutMs (default 1). */
  timeoutFactor?: number;
  now?: () => Date;
}

/**
 * POSTs one batch. Reachability is judged by this real request, not by navigator.onLine. The
 * answer is checked for shape before anything is marked sent: an odd body is a failure to retry.
 */
export async function postBatch(
  url: string,
  token: string,
  kiosk: KioskReport,
  responses: SurveyResponse[],
  fetchImpl: typeof fetch = fetch,
  options: PostOptions = {},
): Promise<BatchOutcome> {
  const now = options.now ?? (() => new Date());
  // sentAt: the tablet's clock now, from which the collector learns how far off that clock is.
  const body = JSON.stringify({ kiosk, responses, sentAt: now().toISOString() } satisfies SubmitBatch);
  const controller = new AbortController();
  // Bytes as UTF-8 go over the wire; the string length undercounts Vietnamese text.
  const timer = setTimeout(() => controller.abort(), requestTimeoutMs(new TextEncoder().encode(body).byteLength, options.timeoutFactor));
  try {
    const answer = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
      signal: controller.signal,
      cache: 'no-store',
    });
    if (answer.status === 401) return { kind: 'unauthorized' };
    const parsed: unknown = await answer.json().catch(() => null);
    const message = (parsed as { message?: unknown } | null)?.message;
    if (answer.status === 413) return { kind: 'too-large', message: typeof message === 'string' ? message : 'batch too large' };
    if (!answer.ok) {
      const error: SyncError = { kind: kindOfStatus(answer.status), status: answer.status, ...(typeof message === 'string' ? { detail: message } : {}) };
      // Only "come back later" answers carry a wait the kiosk honours; elsewhere the header means nothing.
      const retryAfterMs = answer.status === 503 || answer.status === 429 ? retryAfterMsOf(answer.headers.get('retry-after'), now().getTime()) : undefined;
      return retryAfterMs === undefined ? { kind: 'failed', error } : { kind: 'failed', error, retryAfterMs };
    }
    if (!isSubmitResult(parsed, responses.length)) return { kind: 'failed', error: { kind: 'badAnswer', status: answer.status } };
    return { kind: 'ok', results: parsed.results, place: (parsed as { place?: unknown }).place };
  } catch (error) {
    return { kind: 'failed', error: controller.signal.aborted ? { kind: 'timeout' } : { kind: 'network', detail: String(error) } };
  } finally {
    clearTimeout(timer);
  }
}

/** How long the reachability check may take: it is a few bytes, so a slow answer means "not yet". */
export const HEALTH_CHECK_TIMEOUT_MS = 10_000;

/**
 * The cheap reachability check: GET /api/v1/health, no token. True only for a 200 whose body says
 * `ok: true`, so a captive portal or a proxy's error page does not count as the collector being back.
 */
export async function collectorReachable(url: string, fetchImpl: typeof fetch = fetch): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), HEALTH_CHECK_TIMEOUT_MS);
  try {
    const answer = await fetchImpl(url, { method: 'GET', signal: controller.signal, cache: 'no-store' });
    if (answer.status !== 200) return false;
    const body = (await answer.json().catch(() => null)) as { ok?: unknown } | null;
    return body?.ok === true;
  } catch {
    // Unreachable is the answer this check exists to give, not an error.
    return false;
  } finally {
    clearTimeout(timer);
  }
}

const STATUSES = new Set(['created', 'duplicate', 'conflict', 'rejected']);

/**
 * Shape check of the collector's answer. Hand-written rather than the zod schema in protocol/
 * because the citizen bundle must stay small (zod is ~25 KB gzip); the types still come from it.
 */
function isSubmitResult(body: unknown, expected: number): body is SubmitResult {
  const results = (body as { results?: unknown } | null)?.results;
  return (
    Array.isArray(results) &&
    results.length === expected &&
    results.every(
      (r: { id?: unknown; status?: unknown; index?: unknown }) =>
        r && (typeof r.id === 'string' || r.id === null) && typeof r.index === 'number' && STATUSES.has(r.status as string),
    )
  );
}
