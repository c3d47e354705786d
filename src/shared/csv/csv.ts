/*
 * CSV cells and lines as Excel, LibreOffice and Google Sheets read them: RFC 4180 quoting, CRLF line
 * ends, a UTF-8 byte order mark so Excel does not read Vietnamese text as the PC's ANSI code page, and
 * formula-injection neutralisation (OWASP "CSV Injection"; ASVS 5.0 requirement 1.2.10).
 */

/** What a cell can be made of; null and undefined give an empty cell. */
export type CellValue = string | number | null | undefined;

/** UTF-8 byte order mark: the first thing of every file, or Excel shows "Hài lòng" as "HÃ i lÃ²ng". */
export const CSV_BOM = '\uFEFF';

/** RFC 4180 line end. */
export const CSV_EOL = '\r\n';

/**
 * Characters that make a spreadsheet read a text cell as a formula (= + - @), or that Excel strips
 * before doing so (TAB, CR); NUL is in ASVS's list too.
 */
const FORMULA_START = /^[=+\-@\t\r\0]/;

/** Characters that force a cell into quotes (RFC 4180, 2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell. Text that a spreadsheet would run as a formula gets a leading single quote (it
 * stays visible, which is the lesser evil); numbers are written as they are, so -3 stays a number.
 * Commas, quotes and line breaks are quoted, quotes doubled.
 */
export function csvCell(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line of already-computed values, ending with CRLF. */
export function csvLine(values: readonly CellValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : ',') + csvCell(values[i]);
  return line + CSV_EOL;
}
