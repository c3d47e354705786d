/*
 * What leaves a kiosk for the collector, by sync or in an evacuation file: the stored response minus
 * the tablet's delivery bookkeeping. One function for both paths, so the collector's UUID check sees
 * byte-identical content either way and treats the second arrival as a duplicate, not a conflict.
 */
import type { SurveyResponse } from '../schemas';

/** Fields a kiosk keeps next to a response for its own outbox; never part of the response. */
const BOOKKEEPING = ['syncState', 'attempts', 'sentAt', 'syncReason'] as const;

/** A stored response as the collector receives it. */
export function toWireResponse(stored: SurveyResponse & Partial<Record<(typeof BOOKKEEPING)[number], unknown>>): SurveyResponse {
  const copy: Record<string, unknown> = { ...stored };
  for (const key of BOOKKEEPING) delete copy[key];
  return copy as SurveyResponse;
}
