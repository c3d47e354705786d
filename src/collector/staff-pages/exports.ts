/*
 * Streamed exports of stored responses: CSV (the kiosk's own format from src/export: UTF-8 BOM, RFC 4180,
 * formula neutralisation), XLSX (exceljs' streaming writer, with a legend sheet) and JSON (one array).
 * Rows are read from a store snapshot one at a time and written as the client takes them, so 100,000
 * responses never sit in memory; nothing is capped. The row count is known before the first byte (the
 * snapshot counts in the same read transaction) and sent as X-Row-Count. If the export fails half-way
 * the connection is cut rather than ended, so a browser reports a failed download, never a short file.
 */
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { excel } from './excel';
import { CSV_BOM, csvLine, HEADER_MAX_CHARS, METADATA_COLUMNS, responseColumns, type CellValue, type Column, type CsvSeparator } from '../../shared/csv';
import { definitionKey } from '../../shared/ids';
import { localize, VIETNAM_OFFSET_MS } from '../../shared/l10n';
import type { SurveyDefinition } from '../../shared/survey';
import type { DefinitionCount, ResponseSnapshot, StoredRow } from '../stores';
import { LANGS, staffT, type Lang } from './i18n';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

/** Header that carries the number of responses in the export. */
export const ROW_COUNT_HEADER = 'x-row-count';

/** Column holding the raw answers of responses whose definition this collector no longer knows. */
export const RAW_ANSWERS_COLUMN = 'answersJson';

/** Name of the XLSX data sheet and of its legend (Excel forbids "/" in sheet names). */
export const XLSX_DATA_SHEET = 'Phiếu – Responses';
export const XLSX_LEGEND_SHEET = 'Chú thích – Legend';

/** Text is flushed to the client in pieces of about this size, not one write per row. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The definitions whose questions become columns, in column order: the newest version first, then the
 * others by how many responses they have. Also tells whether some responses' definitions are unknown.
 */
export function exportDefinitions(
  known: readonly SurveyDefinition[],
  present: readonly DefinitionCount[],
): { definitions: SurveyDefinition[]; unknown: DefinitionCount[] } {
  const byKey = new Map(known.map((d) => [definitionKey(d.id, d.version), d]));
  const definitions: SurveyDefinition[] = [];
  const unknown: DefinitionCount[] = [];
  for (const entry of present) {
    const definition = byKey.get(definitionKey(entry.id, entry.version));
    if (definition) definitions.push(definition);
    else unknown.push(entry);
  }
  definitions.sort((a, b) => (a.id === b.id ? b.version - a.version : 0));
  return { definitions, unknown };
}

/** One column of a collector export: its cell reads the stored row, so what the collector noticed is there too. */
export interface ExportColumn {
  code: string;
  header: string;
  cell(row: StoredRow): CellValue;
  /** The column's name in words (Vietnamese, or English with lang=en), for the names header row. */
  name?: string;
  /** The cell is a UTC instant shown as Vietnam time: `YYYY-MM-DD HH:mm` in CSV, a date cell in XLSX. */
  vietnamTime?: true;
}

/**
 * What the collector keeps beside each response, as columns after the response's own metadata: the
 * placed time (completedAt corrected by the kiosk's clock skew when flagged), the skew seen, and the
 * collector's flags (1 or 0), so an export hides nothing the report counts or leaves out.
 */
export const COLLECTOR_COLUMNS: readonly ExportColumn[] = [
  { code: 'placedAt', header: 'placedAt', cell: (row) => row.placedAt },
  { code: 'clockSkewMs', header: 'clockSkewMs', cell: (row) => row.collectorFlags.clockSkewMs },
  { code: 'flag_clockSkew', header: 'flag_clockSkew', cell: (row) => (row.collectorFlags.clockSkew ? 1 : 0) },
  { code: 'flag_placeMismatch', header: 'flag_placeMismatch', cell: (row) => (row.collectorFlags.placeMismatch ? 1 : 0) },
];

/** The column saying how a response ended, after the response's own metadata. */
export const ENDED_BY_COLUMN = 'endedBy';

/**
 * How the response ended: the code as the kiosk sent it (empty for a kiosk older than the field), or
 * with labels "người dân" / "hết thời gian chờ", an older kiosk's response read as the citizen's.
 */
function endedByColumn(labels: boolean, locale: string): ExportColumn {
  if (!labels) return { code: ENDED_BY_COLUMN, header: ENDED_BY_COLUMN, cell: ({ response }) => response.endedBy ?? null };
  const t = staffT((LANGS as readonly string[]).includes(locale) ? (locale as Lang) : 'vi');
  const citizen = t('endedBy.citizen');
  const timeout = t('endedBy.timeout');
  return { code: ENDED_BY_COLUMN, header: ENDED_BY_COLUMN, cell: ({ response }) => (response.endedBy === 'timeout' ? timeout : citizen) };
}

/** The column naming the optional sections switched off on the tablet, after how the response ended. */
export const SECTIONS_OFF_COLUMN = 'sectionsOff';

/**
 * The sections switched off on the tablet when the response was answered, joined by "; " as multiple
 * answers are: their ids, or with labels the sections' titles; empty when every section was on (or
 * the kiosk was older than the field). Its name in words is set here, from the questionnaire texts.
 */
function sectionsOffColumn(definitions: readonly SurveyDefinition[], labels: boolean, locale: string): ExportColumn {
  const lang: Lang = (LANGS as readonly string[]).includes(locale) ? (locale as Lang) : 'vi';
  const titles = new Map<string, string>();
  for (const definition of definitions) for (const section of definition.sections) if (!titles.has(section.id)) titles.set(section.id, localize(section.title, lang));
  return {
    code: SECTIONS_OFF_COLUMN,
    header: SECTIONS_OFF_COLUMN,
    name: staffT(lang)('questionnaire.exportColumn'),
    cell: ({ response }) => {
      const off = response.sectionsOff ?? [];
      return off.length === 0 ? null : off.map((id) => (labels ? (titles.get(id) ?? id) : id)).join('; ');
    },
  };
}

const ofResponse = (column: Column): ExportColumn => ({ code: column.code, header: column.header, cell: (row) => column.cell(row.response) });

/** The instant columns that get a Vietnam-time twin right after them (the UTC one stays, for software). */
const VIETNAM_TIME_TWINS: Record<string, (row: StoredRow) => CellValue> = {
  startedAt: (row) => row.response.startedAt,
  completedAt: (row) => row.response.completedAt,
  placedAt: (row) => row.placedAt,
};

/** "2026-03-31 08:30": a UTC instant as Vietnam wall-clock time, the form Excel reads as a date in any regional setting. */
export function vietnamDateTimeText(instant: string): string {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? instant : new Date(ms + VIETNAM_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * A UTC instant as an XLSX date cell showing Vietnam wall-clock time: spreadsheets have no time
 * zones, so the cell holds the Vietnam date and time (exceljs writes a Date by its UTC fields).
 */
export function vietnamDateCell(instant: string): Date | null {
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? null : new Date(ms + VIETNAM_OFFSET_MS);
}

/** The Excel number format of the Vietnam-time date cells. */
export const XLSX_DATE_TIME_FORMAT = 'dd/mm/yyyy hh:mm';

/** Options of the spreadsheet-friendly exports (issue 11). */
export interface ExcelOptions {
  /** Non-scale answers as words; scale answers stay numbers. */
  labels: boolean;
  /** Language of labels and column names ('vi' unless 'en'). */
  locale: string;
}

/**
 * The export's columns for people and software alike: exportColumns' columns with a Vietnam-time
 * twin after each instant column, and each column's name in words (the question's short label, else
 * its text cut to HEADER_MAX_CHARS; the metadata's from the staff texts).
 */
export function excelColumns(definitions: readonly SurveyDefinition[], unknown: readonly DefinitionCount[], options: ExcelOptions): ExportColumn[] {
  const lang: Lang = options.locale === 'en' ? 'en' : 'vi';
  const t = staffT(lang);
  const questions = new Map<string, { text: string; short: string | undefined }>();
  for (const definition of definitions) {
    for (const section of definition.sections) {
      for (const question of section.questions) {
        if (questions.has(question.id)) continue;
        const short = question.kind === 'satisfaction' && question.shortLabel ? localize(question.shortLabel, lang) : undefined;
        questions.set(question.id, { text: localize(question.text, lang), short });
      }
    }
  }
  const metadataName = (code: string): string | undefined => {
    const key = `exportsExcel.columns.${code}`;
    const name = t(key as 'exportsExcel.columns.id');
    return name === key ? undefined : name;
  };
  const nameOf = (code: string): string => {
    const question = questions.get(code);
    if (question) return question.short ?? cut(question.text, HEADER_MAX_CHARS);
    return metadataName(code) ?? code;
  };
  const columns: ExportColumn[] = [];
  for (const column of exportColumns(definitions, unknown, options.labels, lang)) {
    columns.push({ ...column, name: column.name ?? nameOf(column.code) });
    const twin = VIETNAM_TIME_TWINS[column.code];
    if (twin) {
      const code = `${column.code}VN`;
      columns.push({ code, header: code, name: nameOf(code), cell: twin, vietnamTime: true });
    }
  }
  return columns;
}

/** One line of text, cut to `max` characters with an ellipsis. */
function cut(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** The header rows for a choice of `headers` (default codes, as scripts and older links expect). */
export function headerRows(columns: readonly ExportColumn[], headers: 'names' | 'codes' | 'both' = 'codes'): string[][] {
  const names = columns.map((c) => c.name ?? c.header);
  const codes = columns.map((c) => c.header);
  return headers === 'names' ? [names] : headers === 'both' ? [names, codes] : [codes];
}

/** How the CSV is written: header rows and separator. */
export interface CsvOptions {
  headers?: 'names' | 'codes' | 'both';
  separator?: CsvSeparator;
}

/**
 * The export's columns: the response's metadata, the collector's columns, then the questions; a
 * raw-answers column is added when some definition is unknown, so no answer is lost.
 */
export function exportColumns(definitions: readonly SurveyDefinition[], unknown: readonly DefinitionCount[], labels: boolean, locale: string): ExportColumn[] {
  // Scale answers stay numbers even as words: a spreadsheet must still be able to average them.
  const response = responseColumns(definitions, { labels, locale, scaleAnswers: 'numbers' });
  const metadata = METADATA_COLUMNS.length;
  const columns = [
    ...response.slice(0, metadata).map(ofResponse),
    endedByColumn(labels, locale),
    sectionsOffColumn(definitions, labels, locale),
    ...COLLECTOR_COLUMNS,
    ...response.slice(metadata).map(ofResponse),
  ];
  if (unknown.length > 0) {
    const unknownKeys = new Set(unknown.map((u) => definitionKey(u.id, u.version)));
    columns.push({
      code: RAW_ANSWERS_COLUMN,
      header: RAW_ANSWERS_COLUMN,
      cell: ({ response: r }) => (unknownKeys.has(definitionKey(r.definitionId, r.definitionVersion)) ? JSON.stringify(r.answers) : null),
    });
  }
  return columns;
}

/** The CSV as a byte stream. */
export function csvStream(columns: readonly ExportColumn[], batches: AsyncIterable<readonly StoredRow[]>, options: CsvOptions = {}): Readable {
  const separator = options.separator ?? ',';
  const cellOf = (column: ExportColumn, row: StoredRow): CellValue => {
    const value = column.cell(row);
    return column.vietnamTime && typeof value === 'string' ? vietnamDateTimeText(value) : value;
  };
  async function* chunks(): AsyncGenerator<string> {
    let chunk = CSV_BOM + headerRows(columns, options.headers).map((row) => csvLine(row, separator)).join('');
    for await (const batch of batches) {
      for (const row of batch) {
        chunk += csvLine(columns.map((c) => cellOf(c, row)), separator);
        // Checked per row, not per batch: a chunk is CHUNK_CHARS and one row at most, so what waits for
        // the client is a few chunks whatever the rows are like.
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
    }
    yield chunk;
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** The JSON export as a byte stream: one array of responses in the wire form (SurveyResponse), instants in UTC. */
export function jsonStream(batches: AsyncIterable<readonly StoredRow[]>): Readable {
  async function* chunks(): AsyncGenerator<string> {
    let chunk = '[';
    let first = true;
    for await (const batch of batches) {
      for (const { response } of batch) {
        chunk += (first ? '\n' : ',\n') + JSON.stringify(response);
        first = false;
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
    }
    yield `${chunk}\n]\n`;
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** Characters XML 1.0 cannot carry at all; a comment holding one would make the workbook unreadable. */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * An XLSX cell: numbers stay numbers, text stays text. Unlike CSV no quote is added before = + - @:
 * exceljs writes strings as typed string cells, which a spreadsheet never evaluates as formulas.
 */
function xlsxCell(value: CellValue): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return value.replace(XML_INVALID, '\uFFFD');
}

/** Words of the legend sheet in both languages. */
const LEGEND_HEAD = ['Mã cột / Column', 'Phần / Section', 'Nội dung (tiếng Việt)', 'Meaning (English)', 'Mã trả lời / Answer code', 'Nhãn (tiếng Việt)', 'Label (English)'];

const METADATA_MEANINGS: Record<string, [string, string]> = {
  id: ['Mã phiếu (duy nhất)', 'Response id (unique)'],
  kioskId: ['Mã cài đặt của máy', 'Kiosk installation id'],
  seq: ['Số thứ tự phiếu trên máy', 'Sequence number on the kiosk'],
  definitionId: ['Bộ câu hỏi', 'Questionnaire'],
  definitionVersion: ['Phiên bản bộ câu hỏi', 'Questionnaire version'],
  status: ['complete = đầy đủ; partial = bỏ dở (không tính điểm)', 'complete; partial = abandoned (not scored)'],
  locale: ['Ngôn ngữ người trả lời chọn', 'Language chosen'],
  agencyCode: ['Mã cơ quan', 'Agency code'],
  counterCode: ['Mã quầy', 'Counter code'],
  deviceLabel: ['Tên máy', 'Device label'],
  startedAt: ['Bắt đầu (giờ UTC)', 'Started (UTC)'],
  completedAt: ['Hoàn thành (giờ UTC)', 'Completed (UTC)'],
  durationMs: ['Thời gian trả lời (mili giây)', 'Time taken (milliseconds)'],
  flag_tooFast: ['1 = trả lời nhanh bất thường', '1 = implausibly fast'],
  flag_belowMinInterval: ['1 = bắt đầu quá sát phiếu trước', '1 = started too soon after the previous one'],
  startedAtVN: ['Bắt đầu, giờ Việt Nam (UTC+7); trong XLSX là ô ngày giờ', 'Started, Vietnam time (UTC+7); a date cell in XLSX'],
  completedAtVN: ['Hoàn thành, giờ Việt Nam (UTC+7); trong XLSX là ô ngày giờ', 'Completed, Vietnam time (UTC+7); a date cell in XLSX'],
  placedAtVN: ['Thời điểm được tính, giờ Việt Nam (UTC+7); trong XLSX là ô ngày giờ', 'Placed at, Vietnam time (UTC+7); a date cell in XLSX'],
  placedAt: ['Thời điểm được tính (giờ UTC): giờ hoàn thành, đã chỉnh theo độ lệch đồng hồ của máy khi bị gắn cờ', 'Placed at (UTC): completedAt, corrected by the kiosk clock skew when flagged'],
  clockSkewMs: ['Đồng hồ máy trừ đồng hồ máy chủ khi nhận (mili giây)', "Kiosk clock minus the collector's at receipt (milliseconds)"],
  flag_clockSkew: ['1 = đồng hồ máy lệch, thời điểm đã được chỉnh', '1 = kiosk clock off, time placed corrected'],
  flag_placeMismatch: ['1 = cơ quan/quầy khác nơi đăng ký của máy', "1 = agency or counter other than the device's registered place"],
  [SECTIONS_OFF_COLUMN]: [
    'Phần tắt trên máy: các phần tùy chọn bị tắt trên máy khi phiếu được trả lời, câu hỏi của chúng không được hỏi (mã phần, cách nhau bằng ;); trống = mọi phần đều bật',
    'Sections off on the tablet: optional sections switched off when the response was answered, so their questions were not asked (section ids separated by ;); empty = every section on',
  ],
  [RAW_ANSWERS_COLUMN]: ['Câu trả lời gốc (bộ câu hỏi không còn trên máy chủ)', 'Raw answers (questionnaire no longer known)'],
};

/** The legend's rows: every column with its meaning, and every answer code with its label. */
export function legendRows(columns: readonly Pick<Column, 'code'>[], definitions: readonly SurveyDefinition[]): Array<Array<string | number | null>> {
  const rows: Array<Array<string | number | null>> = [LEGEND_HEAD];
  for (const column of columns) {
    if (column.code === ENDED_BY_COLUMN) {
      const [vi, en] = [staffT('vi'), staffT('en')];
      rows.push([column.code, '', `${vi('endedBy.column')}: ${vi('endedBy.meaning')}`, `${en('endedBy.column')}: ${en('endedBy.meaning')}`, null, null, null]);
      for (const code of ['citizen', 'timeout'] as const) rows.push([column.code, '', '', '', code, vi(`endedBy.${code}`), en(`endedBy.${code}`)]);
      continue;
    }
    const meaning = METADATA_MEANINGS[column.code];
    if (meaning) {
      rows.push([column.code, '', meaning[0], meaning[1], null, null, null]);
      continue;
    }
    const definition = definitions.find((d) => d.sections.some((s) => s.questions.some((q) => q.id === column.code)));
    const section = definition?.sections.find((s) => s.questions.some((q) => q.id === column.code));
    const question = section?.questions.find((q) => q.id === column.code);
    if (!definition || !section || !question) {
      rows.push([column.code, '', '', '', null, null, null]);
      continue;
    }
    rows.push([column.code, localize(section.title, 'vi'), localize(question.text, 'vi'), localize(question.text, 'en'), null, null, null]);
    const options =
      question.kind === 'satisfaction'
        ? (definition.scales[question.scale]?.options ?? []).map((o) => ({ code: o.code as string | number, label: o.label }))
        : question.kind === 'text'
          ? []
          : question.options.map((o) => ({ code: o.code as string | number, label: o.label }));
    for (const option of options) rows.push([column.code, '', '', '', option.code, localize(option.label, 'vi'), localize(option.label, 'en')]);
    if (question.kind === 'multiple') rows.push([column.code, '', 'Nhiều mã cách nhau bằng ;', 'Several codes separated by ;', null, null, null]);
  }
  return rows;
}

/**
 * Writes the XLSX into `out`. exceljs' zip pipeline ignores back-pressure between the sheet and the
 * compressor, so rows are produced only while both the client and the compressor keep up.
 */
export async function writeXlsx(
  out: PassThrough,
  columns: readonly ExportColumn[],
  definitions: readonly SurveyDefinition[],
  batches: AsyncIterable<readonly StoredRow[]>,
  headers: 'names' | 'codes' | 'both' = 'codes',
): Promise<void> {
  // Styles are on for the date cells' number format (without it Excel shows a bare serial number).
  const workbook = new (excel().stream.xlsx.WorkbookWriter)({ stream: out, useSharedStrings: false, useStyles: true });
  workbook.creator = 'SIPAS kiosk collector';
  const heads = headerRows(columns, headers);
  const sheet = workbook.addWorksheet(XLSX_DATA_SHEET, { views: [{ state: 'frozen', ySplit: heads.length }] });
  sheet.columns = columns.map((c) => ({ key: c.code, width: c.vietnamTime ? 17 : Math.min(40, Math.max(10, (c.name ?? c.header).length * 0.9)), ...(c.vietnamTime ? { style: { numFmt: XLSX_DATE_TIME_FORMAT } } : {}) }));
  for (const head of heads) sheet.addRow(head).commit();
  const cellOf = (column: ExportColumn, row: StoredRow): string | number | Date | null => {
    const value = column.cell(row);
    return column.vietnamTime && typeof value === 'string' ? vietnamDateCell(value) : xlsxCell(value);
  };
  for await (const batch of batches) {
    for (const row of batch) sheet.addRow(columns.map((c) => cellOf(c, row))).commit();
    await keepUp(out, sheet);
    if (out.destroyed) throw new Error('the client went away');
  }
  sheet.commit();
  const legend = workbook.addWorksheet(XLSX_LEGEND_SHEET);
  legend.columns = [{ width: 22 }, { width: 28 }, { width: 60 }, { width: 50 }, { width: 14 }, { width: 28 }, { width: 28 }];
  for (const row of legendRows(columns, definitions)) legend.addRow(row).commit();
  legend.commit();
  await workbook.commit();
}

/** Most uncompressed sheet data allowed to wait for the compressor. */
const SHEET_BACKLOG_BYTES = 2 * 1024 * 1024;

/** Bytes queued in a stream, for Node streams and for the readable-stream v2 copies archiver uses. */
function queued(stream: unknown): number {
  const s = stream as {
    writableLength?: number;
    readableLength?: number;
    _writableState?: { length?: number };
    _readableState?: { length?: number };
  } | undefined;
  if (!s) return 0;
  return (s.writableLength ?? s._writableState?.length ?? 0) + (s.readableLength ?? s._readableState?.length ?? 0);
}

/**
 * Waits until the rows written so far are on their way: yields to the event loop (the zip archiver,
 * the compressor and other requests all need turns), then waits while the compressor has more than
 * SHEET_BACKLOG_BYTES of sheet XML queued or the client is behind. exceljs hands the sheet to archiver
 * through a stream it writes without waiting; that stream's queue is the backlog to watch (an
 * implementation detail of exceljs 4.4, hence the defensive access).
 */
async function keepUp(out: PassThrough, sheet: ExcelJS.Worksheet): Promise<void> {
  const entry = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0];
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    if (out.destroyed) return;
    if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    else if (queued(entry) <= SHEET_BACKLOG_BYTES) return;
  }
}

/** Starts an XLSX export: the stream to send at once, filled as rows are read. */
export function xlsxStream(columns: readonly ExportColumn[], definitions: readonly SurveyDefinition[], snapshot: ResponseSnapshot, headers: 'names' | 'codes' | 'both' = 'codes'): PassThrough {
  const out = new PassThrough();
  writeXlsx(out, columns, definitions, snapshot.responses(), headers).catch((error: unknown) => {
    void snapshot.close();
    // Cutting the stream with an error makes the server abort the response: the browser shows a failed
    // download instead of saving a workbook that silently lacks rows.
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return out;
}

/** A download file name from the filters: ASCII only, nothing a header could trip on. */
export function exportFileName(parts: Array<string | undefined>, format: ExportFormat): string {
  const safe = parts
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => p.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^A-Za-z0-9._-]+/g, '-'))
    .filter((p) => p !== '' && p !== '-');
  return `${['sipas-responses', ...safe].join('_')}.${format}`;
}

/** What a download's name is made of: the filters, and the day it was made (Vietnam) for an open end. */
export interface ExportNameParts {
  agency?: string;
  counter?: string;
  from?: string;
  to?: string;
  definition?: string;
  version?: number;
  field?: string;
  /** 'unflagged' or 'without-tooFast-…', when flagged responses were left out. */
  exclusion?: string;
  /** YYYY-MM-DD in Vietnam: the end of a period left open. */
  today: string;
}

/**
 * `sipas-<unit or all>-<from>_<to>[-<questionnaire>][-v<version>][-<field>][-<exclusion>].<format>`:
 * the scope first (agency, then counter), then the period ("start" when open at the beginning, the
 * day of the export when open at the end), then what else narrowed it. ASCII only (diacritics and
 * đ folded, anything else a dash), so it survives every browser and file system.
 */
export function excelFileName(parts: ExportNameParts, format: ExportFormat): string {
  const safe = (p: string) =>
    p.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  const unit = [parts.agency, parts.counter].filter((p): p is string => p !== undefined && p !== '').map(safe).filter((p) => p !== '').join('-') || 'all';
  const period = `${safe(parts.from ?? 'start')}_${safe(parts.to ?? parts.today)}`;
  const extras = [parts.definition, parts.version === undefined ? undefined : `v${parts.version}`, parts.field, parts.exclusion]
    .filter((p): p is string => p !== undefined && p !== '')
    .map(safe)
    .filter((p) => p !== '');
  return `${['sipas', unit, period, ...extras].join('-')}.${format}`;
}

/** Content-Disposition for a download: the plain name, and RFC 5987's filename* for clients that prefer it. */
export function attachmentDisposition(fileName: string): string {
  const plain = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
