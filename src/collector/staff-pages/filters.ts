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
 * The flags a report discloses and staff may leave out: the kiosk's (tooFast, belowMinInterval), the
 * collector's (placeMismatch, clockSkew), and endedByTimeout, which no kiosk sends yet (counted when
 * present, never stored as a column, so excluding it leaves out nothing today).
 */
export const REPORT_FLAGS = [...STORED_FLAGS, 'endedByTimeout'] as const;
export type ReportFlag = (typeof REPORT_FLAGS)[number];
/** `exclude=all`: every flag. */
export const EXCLUDE_ALL = 'all';
/** `version=all`: every version of the questionnaire, matched by question id. */
export const ALL_VERSIONS = 'all';

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
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'the start date on or before the end date', path: ['to'] })
  .refine((q) => typeof q.version !== 'number' || q.definition !== undefined, { message: 'a questionnaire when a version is given', path: ['version'] });

export type FilterQuery = z.infer<typeof filterQuerySchema>;

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
  if (query.agency !== undefined) filter.agencyCode = query.agency;
  if (query.counter !== undefined) filter.counterCode = query.counter;
  if (query.definition !== undefined) filter.definitionId = query.definition;
  if (typeof query.version === 'number') filter.definitionVersion = query.version;
  if (query.from !== undefined) filter.completedFrom = startOfVietnamDay(query.from);
  if (query.to !== undefined) filter.completedBefore = endOfVietnamDay(query.to);
  if (query.field !== undefined) filter.answer = { questionId: SERVICE_FIELD_QUESTION, code: query.field };
  const stored = storedFlags(query.exclude ?? []);
  if (stored.length > 0) filter.excludeFlags = stored;
  return filter;
}

/** The flags among `flags` that the store keeps as columns (endedByTimeout is none of them). */
export function storedFlags(flags: readonly ReportFlag[]): StoredFlag[] {
  return flags.filter((flag): flag is StoredFlag => (STORED_FLAGS as readonly string[]).includes(flag));
}

/** A query string for links that keep the current filters (empty values left out). */
export function queryString(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
