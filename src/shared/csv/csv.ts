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

/** Characters that force a cell into quotes (RFC 4180, 2.6), by separator. */
const NEEDS_QUOTES = /[",\r\n]/;
const NEEDS_QUOTES_SEMICOLON = /[";\r\n]/;

/**
 * The separators a CSV may use: "," (RFC 4180), or ";" for Excel on a PC whose regional settings use
 * the comma as decimal mark (Vietnamese, most of Europe), where Excel reads "," files as one column.
 * No "sep=" first line: some Excel versions show it as a row, and it breaks the UTF-8 BOM's effect.
 */
export type CsvSeparator = ',' | ';';

/**
 * One CSV cell. Text that a spreadsheet would run as a formula gets a leading single quote (it
 * stays visible, which is the lesser evil); numbers are written as they are, so -3 stays a number.
 * Commas, quotes and line breaks are quoted, quotes doubled.
 */
export function csvCell(value: CellValue, separator: CsvSeparator = ','): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return (separator === ';' ? NEEDS_QUOTES_SEMICOLON : NEEDS_QUOTES).test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line of already-computed values, ending with CRLF. */
export function csvLine(values: readonly CellValue[], separator: CsvSeparator = ','): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : separator) + csvCell(values[i], separator);
  return line + CSV_EOL;
}
