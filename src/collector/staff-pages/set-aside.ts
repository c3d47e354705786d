/*
 * What the collector set aside, for staff: the filters of the set-aside page as they arrive in a query
 * string, the readable difference between a stored response and the conflicting content that arrived
 * later, and the CSV export (formula-neutralised cells from shared/csv), read page by page from the
 * store so that no listing is ever cut short.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import { CSV_BOM, csvLine, type CellValue } from '../../shared/csv';
import { endOfVietnamDay, startOfVietnamDay } from '../../shared/l10n';
import { canonicalJson, type SurveyResponse } from '../../shared/survey';
import { parseOrExplain } from '../ingest';
import type { CaseDuplicateIds, ConflictRecord, RejectionRecord, ResponseStore, SetAsideFilter, SetAsidePage } from '../stores';
import { cleanQuery, isoDate } from './filters';

/** Which kinds of set-aside entries a listing shows. */
export const SET_ASIDE_KINDS = ['all', 'conflicts', 'rejections'] as const;
export type SetAsideKind = (typeof SET_ASIDE_KINDS)[number];

/** Entries of each kind the page shows (the newest); the CSV has them all. */
export const SET_ASIDE_PAGE_ROWS = 200;

const cursor = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The set-aside page's query string; empty form fields count as not given. */
export const setAsideQuerySchema = z
  .object({
    device: z.string().min(1).max(100).optional(),
    kind: z.enum(SET_ASIDE_KINDS).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    /** Paging of the JSON listing: entries older than these ids. */
    conflictsBefore: cursor.optional(),
    rejectionsBefore: cursor.optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'the start date on or before the end date', path: ['to'] });

export type SetAsideQuery = z.infer<typeof setAsideQuerySchema>;

/** The store filter of a checked query (days are Vietnam calendar days, both ends included). */
export function toSetAsideFilter(query: SetAsideQuery): SetAsideFilter {
  const filter: SetAsideFilter = {};
  if (query.device !== undefined) filter.deviceId = query.device;
  if (query.from !== undefined) filter.receivedFrom = startOfVietnamDay(query.from);
  if (query.to !== undefined) filter.receivedBefore = endOfVietnamDay(query.to);
  return filter;
}

/** The checked set-aside query, or its problems in words; `values` are the fields as given. */
export function parseSetAsideQuery(
  query: unknown,
): { ok: true; query: SetAsideQuery; values: Record<string, string> } | { ok: false; problems: string[]; values: Record<string, string> } {
  const values = cleanQuery(query);
  delete values.lang;
  const parsed = parseOrExplain(setAsideQuerySchema, values, '?');
  return parsed.ok ? { ok: true, query: parsed.data, values } : { ok: false, problems: parsed.problems, values };
}

/** What a query lists: each kind asked for (null: not asked for). */
export interface SetAsideListings {
  conflicts: SetAsidePage<ConflictView> | null;
  rejections: SetAsidePage<RejectionRecord> | null;
  caseDuplicates: CaseDuplicateIds[] | null;
}

/**
 * Ids stored more than once in different letter case (found once, by migration 0004) belong to no
 * device and to no day of receipt: they are listed when every kind is asked for without a device or a date.
 */
export function wantsCaseDuplicates(query: SetAsideQuery): boolean {
  return (query.kind === undefined || query.kind === 'all') && query.device === undefined && query.from === undefined && query.to === undefined;
}

/** The listings a query asks for, newest first, at most `limit` conflicts and rejections each. */
export async function loadSetAside(store: ResponseStore, query: SetAsideQuery, limit: number): Promise<SetAsideListings> {
  const filter = toSetAsideFilter(query);
  const [conflicts, rejections, caseDuplicates] = await Promise.all([
    wantsKind(query, 'conflicts') ? store.listConflicts({ ...filter, limit, beforeId: query.conflictsBefore }) : null,
    wantsKind(query, 'rejections') ? store.listRejections({ ...filter, limit, beforeId: query.rejectionsBefore }) : null,
    wantsCaseDuplicates(query) ? store.listCaseDuplicateIds() : null,
  ]);
  return { conflicts: conflicts && { total: conflicts.total, entries: conflicts.entries.map(viewConflict) }, rejections, caseDuplicates };
}

/** Does the query ask for this kind? */
export function wantsKind(query: SetAsideQuery, kind: 'conflicts' | 'rejections'): boolean {
  return query.kind === undefined || query.kind === 'all' || query.kind === kind;
}

/** One line of a conflict's difference: a field or an answer, as stored and as it arrived. */
export interface DifferenceLine {
  /** A question id, or `response.<field>` for the response's own fields. */
  field: string;
  /** null: the version has no such value. */
  stored: string | null;
  incoming: string | null;
}

/** A value as text a person reads: multiple choices joined by "; ", nothing as null. */
export function valueText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => valueText(v) ?? '').join('; ');
  // Keys sorted: the stored row and the incoming canonical JSON need not list them in the same order.
  return canonicalJson(value);
}

/** The response's own fields compared (answers apart); flags as one field. */
const RESPONSE_FIELDS = [
  'kioskId', 'seq', 'definitionId', 'definitionVersion', 'locale', 'status', 'endedBy', 'sectionsOff', 'startedAt', 'completedAt', 'durationMs',
  'agencyCode', 'counterCode', 'deviceLabel', 'appVersion', 'flags',
] as const satisfies ReadonlyArray<keyof SurveyResponse>;

/** The differing answers (question by question, in the stored order then the new ones), then the differing fields. */
export function conflictDifferences(stored: SurveyResponse | null, incoming: SurveyResponse): DifferenceLine[] {
  const lines: DifferenceLine[] = [];
  const storedAnswers: Record<string, unknown> = stored?.answers ?? {};
  const incomingAnswers: Record<string, unknown> = incoming.answers ?? {};
  const own = Object.prototype.hasOwnProperty;
  const ids = [...new Set([...Object.keys(storedAnswers), ...Object.keys(incomingAnswers)])];
  for (const id of ids) {
    const a = own.call(storedAnswers, id) ? valueText(storedAnswers[id]) : null;
    const b = own.call(incomingAnswers, id) ? valueText(incomingAnswers[id]) : null;
    if (a !== b) lines.push({ field: id, stored: a, incoming: b });
  }
  for (const field of RESPONSE_FIELDS) {
    const a = stored ? comparable(field, stored[field]) : null;
    const b = comparable(field, incoming[field]);
    if (a !== b) lines.push({ field: `response.${field}`, stored: a, incoming: b });
  }
  return lines;
}

/** Instants compared as instants (the store keeps UTC, the kiosk may send an offset). */
function comparable(field: string, value: unknown): string | null {
  if ((field === 'startedAt' || field === 'completedAt') && typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : new Date(ms).toISOString();
  }
  return valueText(value);
}

/** A conflict as the page and the JSON show it: the record and its difference. */
export type ConflictView = ConflictRecord & { differences: DifferenceLine[] };

/** A conflict with its difference worked out. */
export function viewConflict(record: ConflictRecord): ConflictView {
  return { ...record, differences: conflictDifferences(record.stored?.response ?? null, record.incoming) };
}

/** The CSV's columns, in order. */
export const SET_ASIDE_CSV_COLUMNS = [
  'kind', 'receivedAt', 'deviceId', 'deviceLabel', 'responseId', 'kioskId', 'seq', 'reason', 'differences',
  'storedReceivedAt', 'storedJson', 'incomingJson',
] as const;

/** The download's file name. */
export const SET_ASIDE_CSV_NAME = 'sipas-set-aside.csv';

function conflictCells(c: ConflictView, label: (id: string | null) => string): CellValue[] {
  const differences = c.differences.map((d) => `${d.field}: ${d.stored ?? '—'} → ${d.incoming ?? '—'}`).join('\n');
  return [
    'conflict', c.receivedAt, c.deviceId, label(c.deviceId), c.responseId, c.incoming.kioskId, c.incoming.seq, null, differences,
    c.stored?.receivedAt ?? null, c.stored ? JSON.stringify(c.stored.response) : null, JSON.stringify(c.incoming),
  ];
}

function rejectionCells(r: RejectionRecord, label: (id: string | null) => string): CellValue[] {
  return ['rejection', r.receivedAt, r.deviceId, label(r.deviceId), r.responseId, r.kioskId, r.seq, r.reason, null, null, null, null];
}

/**
 * The CSV of every matching entry, conflicts then rejections (newest first), then case-duplicate ids, as a byte stream: read
 * from the store one page at a time (keyset paging), so nothing is held whole or cut short.
 */
export function setAsideCsv(store: ResponseStore, query: SetAsideQuery, deviceLabels: ReadonlyMap<string, string>): Readable {
  const filter = toSetAsideFilter(query);
  const label = (id: string | null) => (id === null ? '' : (deviceLabels.get(id) ?? ''));
  async function* chunks(): AsyncGenerator<string> {
    yield CSV_BOM + csvLine(SET_ASIDE_CSV_COLUMNS);
    if (wantsKind(query, 'conflicts')) {
      for (let beforeId: number | undefined; ; ) {
        const page = await store.listConflicts({ ...filter, beforeId });
        if (page.entries.length === 0) break;
        yield page.entries.map((c) => csvLine(conflictCells(viewConflict(c), label))).join('');
        beforeId = page.entries[page.entries.length - 1].id;
      }
    }
    if (wantsKind(query, 'rejections')) {
      for (let beforeId: number | undefined; ; ) {
        const page = await store.listRejections({ ...filter, beforeId });
        if (page.entries.length === 0) break;
        yield page.entries.map((r) => csvLine(rejectionCells(r, label))).join('');
        beforeId = page.entries[page.entries.length - 1].id;
      }
    }
    if (wantsCaseDuplicates(query)) {
      for (const d of await store.listCaseDuplicateIds()) {
        yield csvLine(['caseDuplicate', d.foundAt, null, null, d.canonicalId, null, null, `stored ${d.ids.length} times in different letter case`, d.ids.join('\n'), null, null, null]);
      }
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
