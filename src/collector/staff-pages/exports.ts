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
import ExcelJS from 'exceljs';
import { CSV_BOM, csvLine, METADATA_COLUMNS, responseColumns, type CellValue, type Column } from '../../shared/csv';
import { definitionKey } from '../../shared/ids';
import { localize } from '../../shared/l10n';
import type { SurveyDefinition } from '../../shared/survey';
import type { DefinitionCount, ResponseSnapshot, StoredRow } from '../stores';

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

const ofResponse = (column: Column): ExportColumn => ({ code: column.code, header: column.header, cell: (row) => column.cell(row.response) });

/**
 * The export's columns: the response's metadata, the collector's columns, then the questions; a
 * raw-answers column is added when some definition is unknown, so no answer is lost.
 */
export function exportColumns(definitions: readonly SurveyDefinition[], unknown: readonly DefinitionCount[], labels: boolean, locale: string): ExportColumn[] {
  const response = responseColumns(definitions, { labels, locale });
  const metadata = METADATA_COLUMNS.length;
  const columns = [...response.slice(0, metadata).map(ofResponse), ...COLLECTOR_COLUMNS, ...response.slice(metadata).map(ofResponse)];
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
export function csvStream(columns: readonly ExportColumn[], batches: AsyncIterable<readonly StoredRow[]>): Readable {
  async function* chunks(): AsyncGenerator<string> {
    let chunk = CSV_BOM + csvLine(columns.map((c) => c.header));
    for await (const batch of batches) {
      for (const row of batch) chunk += csvLine(columns.map((c) => c.cell(row)));
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
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
      }
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
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
  placedAt: ['Thời điểm được tính (giờ UTC): giờ hoàn thành, đã chỉnh theo độ lệch đồng hồ của máy khi bị gắn cờ', 'Placed at (UTC): completedAt, corrected by the kiosk clock skew when flagged'],
  clockSkewMs: ['Đồng hồ máy trừ đồng hồ máy chủ khi nhận (mili giây)', "Kiosk clock minus the collector's at receipt (milliseconds)"],
  flag_clockSkew: ['1 = đồng hồ máy lệch, thời điểm đã được chỉnh', '1 = kiosk clock off, time placed corrected'],
  flag_placeMismatch: ['1 = cơ quan/quầy khác nơi đăng ký của máy', "1 = agency or counter other than the device's registered place"],
  [RAW_ANSWERS_COLUMN]: ['Câu trả lời gốc (bộ câu hỏi không còn trên máy chủ)', 'Raw answers (questionnaire no longer known)'],
};

/** The legend's rows: every column with its meaning, and every answer code with its label. */
export function legendRows(columns: readonly Pick<Column, 'code'>[], definitions: readonly SurveyDefinition[]): Array<Array<string | number | null>> {
  const rows: Array<Array<string | number | null>> = [LEGEND_HEAD];
  for (const column of columns) {
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
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  workbook.creator = 'SIPAS kiosk collector';
  const sheet = workbook.addWorksheet(XLSX_DATA_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(columns.map((c) => c.header)).commit();
  for await (const batch of batches) {
    for (const row of batch) sheet.addRow(columns.map((c) => xlsxCell(c.cell(row)))).commit();
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
export function xlsxStream(columns: readonly ExportColumn[], definitions: readonly SurveyDefinition[], snapshot: ResponseSnapshot): PassThrough {
  const out = new PassThrough();
  writeXlsx(out, columns, definitions, snapshot.responses()).catch((error: unknown) => {
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
