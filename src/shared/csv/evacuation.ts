/*
 * The evacuation file: the responses a kiosk could not deliver, carried by hand to the collector.
 * Each response is written exactly as the sync engine sends it (the stored record minus its delivery
 * bookkeeping), so the collector's UUID check treats a response that also arrives by sync, or a file
 * imported twice, as a duplicate rather than a conflict.
 */
import type { SurveyResponse } from '../schemas';
import { toWireResponse } from '../wire';

export const EVACUATION_FORMAT = 'sipas-kiosk-evacuation';
export const EVACUATION_VERSION = 1;

/** The whole file once parsed. */
export interface EvacuationFile {
  format: typeof EVACUATION_FORMAT;
  version: typeof EVACUATION_VERSION;
  kioskId: string;
  exportedAt: string;
  responses: SurveyResponse[];
}

/** The file's opening, up to the start of the responses array. */
export function evacuationOpening(kioskId: string, exportedAt: string): string {
  const head = JSON.stringify({ format: EVACUATION_FORMAT, version: EVACUATION_VERSION, kioskId, exportedAt });
  return `${head.slice(0, -1)},"responses":[\n`;
}

/** One response of the array; `index` 0 is the first (no separating comma). */
export function evacuationEntry(response: SurveyResponse, index: number): string {
  return `${index === 0 ? '' : ',\n'}${JSON.stringify(toWireResponse(response))}`;
}

/** The file's closing. */
export const EVACUATION_CLOSING = '\n]}\n';

/** A whole evacuation file as pieces to stream, one response per piece. */
export function* evacuationJson(kioskId: string, exportedAt: string, responses: Iterable<SurveyResponse>): Generator<string, void, undefined> {
  yield evacuationOpening(kioskId, exportedAt);
  let index = 0;
  for (const response of responses) yield evacuationEntry(response, index++);
  yield EVACUATION_CLOSING;
}
