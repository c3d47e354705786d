/*
 * The filters staff choose (agency, counter, questionnaire and version, service field, period, flagged
 * responses left out) as they arrive in a
 * query string, checked once and turned into the store's ResponseFilter. Dates are calendar days in
 * Vietnam (shared/l10n's one Asia/Ho_Chi_Minh rule).
 */
import { z } from 'zod';
import { DEFINITION_ID, OPTION_CODE, STORED_PLACE_CODE_MAX_LENGTH } from '../../shared/ids';
import { endOfVietnamDay, startOfVietnamDay } from '../../shared/l10n';
import { STORED_FLAGS, type ResponseFilter, type StoredFlag } from '../stores';

/** Question whose answer is the service field (lĩnh vực) in the SIPAS definitions. */
export const SERVICE_FIELD_QUESTION = 'FIELD';

/** A calendar day as staff type it in a filter, YYYY-MM-DD, that really exists. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
  .refine((text) => {
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
  }, 'a real calendar date');

const code = z.string().trim().min(1).max(STORED_PLACE_CODE_MAX_LENGTH);

/**
 * The flags a report discloses and staff may leave out: every stored flag, the kiosk's (tooFast,
 * belowMinInterval), the collector's (placeMismatch, clockSkew) and how the response ended
 * (endedByTimeout: complete, and scored, but sent by the idle timeout rather than the citizen).
 */
export const REPORT_FLAGS = STORED_FLAGS;
export type ReportFlag = StoredFlag;
/** `exclude=all`: every flag. */
export const EXCLUDE_ALL = 'all';
/** `version=all`: every version of the questionnaire, matched by question id. */
export const ALL_VERSIONS = 'all';

/** Granularities of the report's periods and trend. */
export const PERIOD_GRANULARITIES = ['month', 'quarter', 'year'] as const;
export type PeriodGranularity = (typeof PERIOD_GRANULARITIES)[number];
/** A month `2026-03`, a quarter `2026-Q1` or a year `2026`, in Vietnam's calendar. */
export const PERIOD_PATTERN = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$/;

/** The granularity of a period key (PERIOD_PATTERN), or undefined when it is none. */
export function periodGranularity(period: string): PeriodGranularity | undefined {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) return undefined;
  return match[2] !== undefined ? 'month' : match[3] !== undefined ? 'quarter' : 'year';
}

/** The first and last Vietnam days (YYYY-MM-DD, inclusive) of a period key; throws on anything else. */
export function periodDays(period: string): { from: string; to: string } {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) throw new Error(`not a period: ${period}`);
  const year = Number(match[1]);
  const [firstMonth, lastMonth] = match[2] !== undefined ? [Number(match[2]), Number(match[2])] : match[3] !== undefined ? [Number(match[3]) * 3 - 2, Number(match[3]) * 3] : [1, 12];
  // Day 0 of the next month is the last day of this one.
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return { from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(lastMonth)}-${pad(lastDay)}` };
}

/** The default and the bounds of `minValid`, the answers a figure needs not to be marked "ít phiếu". */
export const MIN_VALID_DEFAULT = 30;
export const MIN_VALID_MAX = 10_000;
/** Export header rows: Vietnamese names, codes, or names above codes. */
export const EXPORT_HEADERS = ['names', 'codes', 'both'] as const;
export type ExportHeaders = (typeof EXPORT_HEADERS)[number];
/** CSV separators by name (a bare ";" in a query string is easy to lose). */
export const CSV_SEPARATORS = { comma: ',', semicolon: ';' } as const;
export type CsvSeparatorName = keyof typeof CSV_SEPARATORS;

const reportFlag = z.enum(REPORT_FLAGS);
/** `exclude=tooFast,clockSkew` or `exclude=all`, as a list of flags in REPORT_FLAGS order. */
const excludeList = z
  .string()
  .max(200)
  .transform((text) => text.split(',').map((part) => part.trim()).filter((part) => part !== ''))
  .pipe(z.array(z.union([z.literal(EXCLUDE_ALL), reportFlag])))
  .transform((names): ReportFlag[] => (names.includes(EXCLUDE_ALL) ? [...REPORT_FLAGS] : REPORT_FLAGS.filter((flag) => (names as string[]).includes(flag))));

/** The query string of exports and reports; empty form fields count as not given. */
export const filterQuerySchema = z
  .object({
    definition: z.string().regex(DEFINITION_ID, 'a questionnaire id such as sipas-2023').optional(),
    version: z.union([z.literal(ALL_VERSIONS), z.coerce.number().int().positive()]).optional(),
    agency: code.optional(),
    counter: code.optional(),
    field: z.string().regex(OPTION_CODE, 'an option code').optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    labels: z.enum(['0', '1']).optional(),
    exclude: excludeList.optional(),
    /** A month, quarter or year (PERIOD_PATTERN); the period filter becomes its first and last day. */
    period: z.string().regex(PERIOD_PATTERN, 'a month 2026-03, a quarter 2026-Q1 or a year 2026').optional(),
    /** The trend's granularity (default month). */
    trend: z.enum(PERIOD_GRANULARITIES).optional(),
    /** Valid answers a figure needs not to be marked "ít phiếu" (default MIN_VALID_DEFAULT). */
    minValid: z.coerce.number().int().min(1).max(MIN_VALID_MAX).optional(),
    /** Export header rows (default codes, as scripts expect; the export page sends both). */
    headers: z.enum(EXPORT_HEADERS).optional(),
    /** CSV separator (default comma). */
    sep: z.enum(Object.keys(CSV_SEPARATORS) as [CsvSeparatorName, ...CsvSeparatorName[]]).optional(),
    /** `rollup=0`: a unit's report counts only its own counters, not the units below it (default: rolled up). */
    rollup: z.enum(['0', '1']).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'the start date on or before the end date', path: ['to'] })
  .refine((q) => typeof q.version !== 'number' || q.definition !== undefined, { message: 'a questionnaire when a version is given', path: ['version'] })
  .refine((q) => q.period === undefined || (q.from === undefined && q.to === undefined), {
    message: 'either a month, quarter or year, or a range of days, not both',
    path: ['period'],
  })
  // A chosen period is a range of whole days: everything downstream (store filters, tallies) reads from/to.
  .transform((q) => (q.period === undefined ? q : { ...q, ...periodDays(q.period) }));

/**
 * A checked query; `agencyCodes` is set by the caller that knows the unit tree (never from the query
 * string): the report's unit and every unit below it, read instead of the one `agency` code.
 */
export type FilterQuery = z.infer<typeof filterQuerySchema> & { agencyCodes?: readonly string[] };

/**
 * The units a report of `query` rolls up (issue 11 part 1): its unit and every unit below it, when the
 * tree knows the unit, has units below it, and `rollup` is not 0; otherwise undefined (the one code as given).
 */
export function rolledUpAgencies(query: { agency?: string; rollup?: string }, tree: { descendantUnits(code: string): string[] }): string[] | undefined {
  if (query.agency === undefined || query.rollup === '0') return undefined;
  const units = tree.descendantUnits(query.agency);
  return units.length > 1 ? units : undefined;
}

/** The agency part of a store filter: the rolled-up units when known, else the one code, else nothing. */
export function agencyFilter(query: FilterQuery): { agencyCodes: readonly string[] } | { agencyCode: string } | Record<string, never> {
  if (query.agencyCodes !== undefined) return { agencyCodes: query.agencyCodes };
  return query.agency !== undefined ? { agencyCode: query.agency } : {};
}

/** Drops empty values and keeps only the first of repeated keys, as forms send them. */
export function cleanQuery(query: unknown): Record<string, string> {
  const clean: Record<string, string> = {};
  if (query && typeof query === 'object') {
    for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'string' && first.trim() !== '') clean[key] = first.trim();
    }
  }
  return clean;
}

/** The store filter for a checked query. */
export function toResponseFilter(query: FilterQuery): ResponseFilter {
  const filter: ResponseFilter = {};
  Object.assign(filter, agencyFilter(query));
  if (query.counter !== undefined) filter.counterCode = query.counter;
  if (query.definition !== undefined) filter.definitionId = query.definition;
  if (typeof query.version === 'number') filter.definitionVersion = query.version;
  if (query.from !== undefined) filter.completedFrom = startOfVietnamDay(query.from);
  if (query.to !== undefined) filter.completedBefore = endOfVietnamDay(query.to);
  if (query.field !== undefined) filter.answer = { questionId: SERVICE_FIELD_QUESTION, code: query.field };
  if (query.exclude !== undefined && query.exclude.length > 0) filter.excludeFlags = query.exclude;
  return filter;
}

/** A query string for links that keep the current filters (empty values left out). */
export function queryString(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
