/*
 * Survey responses as spreadsheet rows: fixed metadata columns, then one column per question code
 * in definition order. Shared by the kiosk's on-device export and the collector's exports, so the
 * two files have the same columns.
 */
import { definitionKey } from '../ids';
import { localize } from '../l10n';
import { answerLabel } from '../survey';
import type { Question, SurveyDefinition } from '../schemas';
import type { AnswerValue, SurveyResponse } from '../schemas';
import { CSV_BOM, csvLine, type CellValue } from './csv';

/** One spreadsheet column. */
export interface Column {
  /** Stable code of the column: a metadata name ("seq") or a question id ("TC1"). */
  code: string;
  /** What the header row shows for it. */
  header: string;
  /** The cell of one response. */
  cell(response: SurveyResponse): CellValue;
}

/** How answers and headers are written. */
export interface ResponseCsvOptions {
  /**
   * false (default): answers as codes — satisfaction 1–5 as numbers, option codes, several codes
   * joined by ";". true: answers as labels in `locale` — "4 – Hài lòng" (the number is kept with
   * its label, as SIPAS shows it), option labels joined by "; ", texts as they are.
   */
  labels?: boolean;
  /** Language of labels and labelled headers; default the (first) definition's first language. */
  locale?: string;
  /**
   * 'codes' (default): the header row holds only column codes, easy to use in formulas and scripts.
   * 'codes+labels': question columns read "TC1 Cơ quan cung cấp thông tin…", cut to
   * HEADER_MAX_CHARS characters; metadata columns keep their codes.
   */
  headerStyle?: 'codes' | 'codes+labels';
  /**
   * With labels: 'labels' (default) writes satisfaction answers as "4 – Hài lòng"; 'numbers' keeps
   * them as the numbers 1–5, so a spreadsheet can still average them while the other answers read
   * as words (the collector's exports).
   */
  scaleAnswers?: 'labels' | 'numbers';
}

/** Longest labelled header cell, so a header row stays readable in a spreadsheet. */
export const HEADER_MAX_CHARS = 80;

/** Separator of several option codes in one cell (codes mode). */
export const MULTIPLE_CODES_SEPARATOR = ';';

const hasOwn = Object.prototype.hasOwnProperty;
const flag = (value: boolean | undefined): number | null => (value === undefined ? null : value ? 1 : 0);

/** The fixed metadata columns, in this order, before the question columns. Flags are 1 or 0. */
export const METADATA_COLUMNS: readonly Column[] = [
  { code: 'id', header: 'id', cell: (r) => r.id },
  { code: 'kioskId', header: 'kioskId', cell: (r) => r.kioskId },
  { code: 'seq', header: 'seq', cell: (r) => r.seq },
  { code: 'definitionId', header: 'definitionId', cell: (r) => r.definitionId },
  { code: 'definitionVersion', header: 'definitionVersion', cell: (r) => r.definitionVersion },
  { code: 'status', header: 'status', cell: (r) => r.status },
  { code: 'locale', header: 'locale', cell: (r) => r.locale },
  { code: 'agencyCode', header: 'agencyCode', cell: (r) => r.agencyCode },
  { code: 'counterCode', header: 'counterCode', cell: (r) => r.counterCode },
  { code: 'deviceLabel', header: 'deviceLabel', cell: (r) => r.deviceLabel },
  { code: 'startedAt', header: 'startedAt', cell: (r) => r.startedAt },
  { code: 'completedAt', header: 'completedAt', cell: (r) => r.completedAt },
  { code: 'durationMs', header: 'durationMs', cell: (r) => r.durationMs },
  { code: 'flag_tooFast', header: 'flag_tooFast', cell: (r) => flag(r.flags?.tooFast) },
  { code: 'flag_belowMinInterval', header: 'flag_belowMinInterval', cell: (r) => flag(r.flags?.belowMinInterval) },
];

/**
 * The columns of a response export: METADATA_COLUMNS, then one per question code in definition
 * order. Given several definitions (versions of a questionnaire, or a period in which the kiosk
 * changed questionnaire), the question columns are their union: the first definition's order, then
 * codes only later ones have. Labels come from the definition each response was answered on.
 */
export function responseColumns(definitions: SurveyDefinition | readonly SurveyDefinition[], options: ResponseCsvOptions = {}): Column[] {
  const defs = Array.isArray(definitions) ? (definitions as readonly SurveyDefinition[]) : [definitions as SurveyDefinition];
  const locale = options.locale ?? defs[0]?.languages[0] ?? 'vi';
  const byKey = new Map(defs.map((def) => [definitionKey(def.id, def.version), def]));
  const columns: Column[] = [...METADATA_COLUMNS];
  const seen = new Set<string>();
  for (const def of defs) {
    for (const section of def.sections) {
      for (const question of section.questions) {
        if (seen.has(question.id)) continue;
        seen.add(question.id);
        columns.push(questionColumn(question.id, { ...options, locale }, def, question, byKey));
      }
    }
  }
  return columns;
}

/**
 * A column for one question code. Without a definition (a code no known definition has) the
 * answers are written as codes and the header is the code.
 */
export function questionColumn(
  questionId: string,
  options: ResponseCsvOptions = {},
  def?: SurveyDefinition,
  question?: Question,
  definitionsByKey: ReadonlyMap<string, SurveyDefinition> = new Map(),
): Column {
  const locale = options.locale ?? def?.languages[0] ?? 'vi';
  const text = question ? localize(question.text, locale) : '';
  const header = options.headerStyle === 'codes+labels' && text ? truncate(`${questionId} ${text}`, HEADER_MAX_CHARS) : questionId;
  return {
    code: questionId,
    header,
    cell(response) {
      if (!hasOwn.call(response.answers, questionId)) return null; // skipped or not asked: an empty cell
      const value = response.answers[questionId];
      if (!options.labels || !def) return codeCell(value);
      if (options.scaleAnswers === 'numbers' && question?.kind === 'satisfaction' && typeof value === 'number') return value;
      const own = definitionsByKey.get(definitionKey(response.definitionId, response.definitionVersion));
      return answerLabel(own && hasQuestion(own, questionId) ? own : def, questionId, value, locale);
    },
  };
}

function codeCell(value: AnswerValue): CellValue {
  return Array.isArray(value) ? value.join(MULTIPLE_CODES_SEPARATOR) : value;
}

function hasQuestion(def: SurveyDefinition, questionId: string): boolean {
  return def.sections.some((section) => section.questions.some((q) => q.id === questionId));
}

/** Collapses whitespace (a header is one line) and cuts to `max` characters with an ellipsis. */
function truncate(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** The header line (column headers), ending with CRLF; the BOM is not included. */
export function csvHeader(columns: readonly Column[]): string {
  return csvLine(columns.map((column) => column.header));
}

/** One response as a CSV line, ending with CRLF. */
export function csvRow(columns: readonly Column[], response: SurveyResponse): string {
  return csvLine(columns.map((column) => column.cell(response)));
}

/**
 * A whole export as pieces to stream: first the BOM with the header line, then one line per
 * response. Nothing is held beyond the current line, so 100,000 responses never become one string.
 */
export function* responsesToCsv(
  definitions: SurveyDefinition | readonly SurveyDefinition[],
  responses: Iterable<SurveyResponse>,
  options: ResponseCsvOptions = {},
): Generator<string, void, undefined> {
  const columns = responseColumns(definitions, options);
  yield CSV_BOM + csvHeader(columns);
  for (const response of responses) yield csvRow(columns, response);
}
