import { SUBMIT_PATH } from '../../shared/wire';
import type { KioskReport, ResponseResult, SubmitBatch, SubmitResult, SurveyResponse } from '../../shared/schemas';
import { kindOfStatus, type SyncError } from './sync-error';

/** What one POST of a batch came to, as the outbox needs to know it. */
export type BatchOutcome =
  /** `place`: the device's registered place as the collector sent it, unchecked (see settingsWithPlace); absent from an older collector. */
  | { kind: 'ok'; results: ResponseResult[]; place?: unknown }
  | { kind: 'unauthorized' }
  | { kind: 'too-large'; message: string }
  | { kind: 'failed'; error: SyncError };

/** A request that takes longer is abandoned; the responses stay queued and are retried. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The collector's base URL: the configured one, or the origin the kiosk was loaded from. */
export function submitUrl(endpointUrl: string, origin: string): string {
  return new URL(SUBMIT_PATH, endpointUrl || origin).toString();
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
): Promise<BatchOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const answer = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      // sentAt: the tablet's clock now, from which the collector learns how far off that clock is.
      body: JSON.stringify({ kiosk, responses, sentAt: new Date().toISOString() } satisfies SubmitBatch),
      signal: controller.signal,
      cache: 'no-store',
    });
    if (answer.status === 401) return { kind: 'unauthorized' };
    const body: unknown = await answer.json().catch(() => null);
    const message = (body as { message?: unknown } | null)?.message;
    if (answer.status === 413) return { kind: 'too-large', message: typeof message === 'string' ? message : 'batch too large' };
    if (!answer.ok) {
      return { kind: 'failed', error: { kind: kindOfStatus(answer.status), status: answer.status, ...(typeof message === 'string' ? { detail: message } : {}) } };
    }
    if (!isSubmitResult(body, responses.length)) return { kind: 'failed', error: { kind: 'badAnswer', status: answer.status } };
    return { kind: 'ok', results: body.results, place: (body as { place?: unknown }).place };
  } catch (error) {
    return { kind: 'failed', error: controller.signal.aborted ? { kind: 'timeout' } : { kind: 'network', detail: String(error) } };
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
