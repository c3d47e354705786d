/*
 * The on-device export files, built chunk by chunk from IndexedDB into Blobs so that neither the
 * responses nor the text are ever held whole in memory (kpi#2370: exports must not time out or be cut).
 */
import {
  CSV_BOM,
  EVACUATION_CLOSING,
  csvHeader,
  csvRow,
  evacuationEntry,
  evacuationOpening,
  questionColumn,
  responseColumns,
  type Column,
} from '../../shared/csv';
import type { KioskSettings } from '../../shared/settings';
import { definitionKey } from '../../shared/ids';
import { heldResponsesForExport, readKioskId } from '../storage';
import type { SurveyDefinition } from '../../shared/schemas';
import { eachTabletRecord, eachUnsentResponse } from './staff-storage';
import { fileSafe, fileStamp } from './format';

/** A file ready to hand to the browser. */
export interface ExportFile {
  name: string;
  blob: Blob;
  /** Responses in it. */
  count: number;
}

/** Responses read per IndexedDB transaction. */
export const EXPORT_CHUNK = 500;

/** "sipas-<agency>-<counter>-<YYYYMMDD-HHmm>" in the tablet's local time. */
export function exportBaseName(settings: Pick<KioskSettings, 'agencyCode' | 'counterCode'>, at: Date): string {
  return `sipas-${fileSafe(settings.agencyCode)}-${fileSafe(settings.counterCode)}-${fileStamp(at)}`;
}

/**
 * Every response on the tablet (all sync states) as a CSV with BOM. A first pass finds which
 * definitions the responses were answered on, so responses kept from an earlier questionnaire
 * keep their columns: the active definition's questions first, then codes only older ones have.
 */
export async function buildResponsesCsv(
  definitions: readonly SurveyDefinition[],
  activeDefinition: SurveyDefinition,
  settings: KioskSettings,
  options: { labels: boolean; locale: string; at: Date },
): Promise<ExportFile> {
  const used = new Set<string>();
  const answerIds = new Set<string>();
  for await (const chunk of eachTabletRecord(EXPORT_CHUNK)) {
    for (const response of chunk) {
      used.add(definitionKey(response.definitionId, response.definitionVersion));
      for (const id of Object.keys(response.answers)) answerIds.add(id);
    }
  }
  const others = definitions
    .filter((d) => definitionKey(d.id, d.version) !== definitionKey(activeDefinition.id, activeDefinition.version) && used.has(definitionKey(d.id, d.version)))
    .sort((a, b) => (a.id === b.id ? b.version - a.version : a.id < b.id ? -1 : 1));
  const csvOptions = { labels: options.labels, locale: options.locale, headerStyle: options.labels ? ('codes+labels' as const) : ('codes' as const) };
  const columns: Column[] = responseColumns([activeDefinition, ...others], csvOptions);
  const known = new Set(columns.map((c) => c.code));
  for (const id of answerIds) if (!known.has(id)) columns.push(questionColumn(id, csvOptions));

  const parts: BlobPart[] = [CSV_BOM + csvHeader(columns)];
  let count = 0;
  for await (const chunk of eachTabletRecord(EXPORT_CHUNK)) {
    let text = '';
    for (const response of chunk) text += csvRow(columns, response);
    parts.push(new Blob([text])); // a Blob per chunk lets the browser move the text out of the JS heap
    count += chunk.length;
  }
  return { name: `${exportBaseName(settings, options.at)}.csv`, blob: new Blob(parts, { type: 'text/csv;charset=utf-8' }), count };
}

/**
 * The responses the collector has not accepted (pending, conflict, rejected) as an evacuation file,
 * with those held in memory because storage refused them (issue 9) last, in the order they will take.
 */
export async function buildEvacuationFile(settings: KioskSettings, at: Date): Promise<ExportFile> {
  const parts: BlobPart[] = [evacuationOpening(await readKioskId(), at.toISOString())];
  let count = 0;
  for await (const chunk of eachUnsentResponse(EXPORT_CHUNK)) {
    let text = '';
    for (const response of chunk) text += evacuationEntry(response, count++);
    parts.push(new Blob([text]));
  }
  let held = '';
  for (const response of await heldResponsesForExport()) held += evacuationEntry(response, count++);
  parts.push(held, EVACUATION_CLOSING);
  return { name: `${exportBaseName(settings, at)}-unsent.json`, blob: new Blob(parts, { type: 'application/json' }), count };
}

/**
 * Only the responses held in memory (storage full), as an evacuation file: what staff must save before
 * anything else, since a reload would lose them. Reads only, so it works on a full disk.
 */
export async function buildHeldResponsesFile(settings: KioskSettings, at: Date): Promise<ExportFile> {
  const held = await heldResponsesForExport();
  const text = evacuationOpening(await readKioskId(), at.toISOString()) + held.map((response, i) => evacuationEntry(response, i)).join('') + EVACUATION_CLOSING;
  return { name: `${exportBaseName(settings, at)}-held.json`, blob: new Blob([text], { type: 'application/json' }), count: held.length };
}

/**
 * Hands a file to the browser as a download (Blob, object URL, <a download>). The URL is revoked a
 * minute later, not at once: some browsers start reading it only after click() returns.
 */
export function downloadFile(file: Pick<ExportFile, 'name' | 'blob'>): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
