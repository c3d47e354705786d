/*
 * A kiosk's batch as the collector checks it before the store: the envelope (prototype keys, lone
 * surrogates, its schema), the kiosk's report as kept, the kiosk's clock against ours, and each
 * response against its definition. The submit route adds what needs the device (the place flag,
 * the claimed sequence); the ingest bench calls this to measure exactly the route's checks.
 */
import { submitBatchSchema, type KioskReport } from '../../shared/schemas';
import type { IngestItem } from '../stores';
import { checkResponse, type DefinitionIndex } from './check-response';
import { clockSkewOf } from './clock-skew';
import { parseOrExplain } from './describe-issues';
import { findUnsafeJson, normalizeText } from './unsafe-json';

/** A checked batch, or the problems that refuse it whole (each naming where). */
export type CheckedBatch =
  | { ok: false; problems: string[] }
  | {
      ok: true;
      /** The kiosk's report as kept (text in NFC, kiosk id in lower case), its funnel counts apart. */
      report: KioskReport;
      funnel: KioskReport['funnel'];
      /** The responses as sent, by index (a rejected item still names what it claimed). */
      sent: unknown[];
      items: IngestItem[];
      clockSkewMs: number | null;
    };

/**
 * Checks a batch's parsed body received at `receivedAt`. A response whose check throws (a collector
 * bug on one odd item) is rejected alone, told to `onCheckError`: it must not turn the whole batch
 * into a poison pill the kiosk retries forever; the kiosk keeps it for staff, the others go through.
 */
export function checkBatch(body: unknown, definitions: DefinitionIndex, receivedAt: string, onCheckError?: (error: unknown, index: number) => void): CheckedBatch {
  // Prototype keys and lone surrogates in the envelope refuse the batch; in a response, only that item.
  const unsafe = findUnsafeJson(body, '$', { skipItemsOf: 'responses' });
  if (unsafe.length > 0) return { ok: false, problems: unsafe };
  const envelope = parseOrExplain(submitBatchSchema, body);
  if (!envelope.ok) return { ok: false, problems: envelope.problems };
  // The funnel counts are kept in their own table, not repeated in the device's last report.
  const { funnel, ...report } = keptReport(envelope.data.kiosk);
  // The kiosk's clock against ours: its responses' times are judged (and, when far off, placed) corrected by it.
  const clockSkewMs = clockSkewOf(envelope.data, receivedAt);
  const items = envelope.data.responses.map((raw, index): IngestItem => {
    try {
      return checkResponse(raw, index, definitions, { receivedAt, clockSkewMs });
    } catch (error) {
      onCheckError?.(error, index);
      const id = (raw as { id?: unknown } | null)?.id;
      return { kind: 'rejected', responseId: typeof id === 'string' ? id.slice(0, 100) : null, reason: 'the collector could not check this response; it is kept on the kiosk for staff' };
    }
  });
  return { ok: true, report, funnel, sent: envelope.data.responses, items, clockSkewMs };
}

/** The kiosk report as kept: text in NFC, its kiosk id in lower case like the responses'. */
function keptReport(report: KioskReport): KioskReport {
  const normalized = normalizeText(report);
  const kept = (normalized.ok ? normalized.value : report) as KioskReport;
  return { ...kept, kioskId: kept.kioskId.toLowerCase() };
}
