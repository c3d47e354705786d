/*
 * Import of a kiosk's evacuation file: the envelope is checked by its zod schema, each response exactly
 * as a synced one (checkResponse), and everything is stored through the same store.ingest with source
 * 'import'. A response already stored with the same content is a duplicate, so importing a file twice,
 * or importing responses that also arrived by sync, creates nothing new.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { evacuationFileSchema } from '../../shared/schemas';
import type { ImportSummary } from '../../shared/wire';
import { checkResponse, findUnsafeJson, parseOrExplain, type DefinitionIndex } from '../ingest';
import type { CollectorStore, IngestItem } from '../stores';

/** Responses stored per transaction, so a big file never holds the write lock for long. */
const IMPORT_CHUNK = 500;
/** Most problem items listed in a summary (the counts are always complete). */
export const MAX_LISTED_PROBLEMS = 1000;


export type ImportResult = { ok: true; summary: ImportSummary } | { ok: false; problems: string[] };

/** Checks and stores an evacuation file already parsed from JSON. */
export async function importEvacuationFile(
  store: CollectorStore,
  definitions: DefinitionIndex,
  body: unknown,
  deviceId: string | null,
  now: () => Date,
): Promise<ImportResult> {
  // The same refusals as a synced batch's envelope: prototype keys and broken Unicode never get in.
  const unsafe = findUnsafeJson(body, '$', { skipItemsOf: 'responses' });
  if (unsafe.length > 0) return { ok: false, problems: unsafe };
  const envelope = parseOrExplain(evacuationFileSchema, body);
  if (!envelope.ok) return { ok: false, problems: envelope.problems };
  const file = envelope.data;
  const summary: ImportSummary = {
    kioskId: file.kioskId,
    exportedAt: file.exportedAt,
    deviceId,
    total: file.responses.length,
    created: 0,
    duplicate: 0,
    conflict: 0,
    rejected: 0,
    problems: [],
    problemsNotListed: 0,
  };
  for (let start = 0; start < file.responses.length; start += IMPORT_CHUNK) {
    const chunk = file.responses.slice(start, start + IMPORT_CHUNK);
    const receivedAt = now();
    const items = chunk.map((raw, i): IngestItem => {
      try {
        // An evacuation file carries no kiosk clock: its instants are judged against the moment of import.
        return checkResponse(raw, start + i, definitions, { receivedAt });
      } catch {
        // As in sync: a collector bug on one odd item rejects that item, not the whole file.
        const id = (raw as { id?: unknown } | null)?.id;
        return { kind: 'rejected', responseId: typeof id === 'string' ? id.slice(0, 100) : null, reason: 'the collector could not check this response' };
      }
    });
    const outcomes = await store.ingest({ deviceId, receivedAt: receivedAt.toISOString(), report: null, source: 'import', items });
    outcomes.forEach((outcome, i) => {
      summary[outcome.status]++;
      if (outcome.status === 'conflict' || outcome.status === 'rejected') {
        if (summary.problems.length >= MAX_LISTED_PROBLEMS) {
          summary.problemsNotListed++;
          return;
        }
        const item = items[i];
        summary.problems.push({
          index: start + i,
          id: item.kind === 'valid' ? item.response.id : item.responseId,
          status: outcome.status,
          reason: outcome.reason ?? '',
        });
      }
    });
    // Let kiosks' batches and page loads in between chunks of a large file.
    await yieldToEventLoop();
  }
  return { ok: true, summary };
}
