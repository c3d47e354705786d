/**
 * Exports of survey responses: CSV that opens correctly in Excel with Vietnamese text, and the
 * kiosk's evacuation file of unsent responses. Pure: no DOM, no IndexedDB, no network; the kiosk
 * and the collector both use it.
 */
export { CSV_BOM, CSV_EOL, csvCell, csvLine, type CellValue, type CsvSeparator } from './csv';
export {
  HEADER_MAX_CHARS,
  METADATA_COLUMNS,
  MULTIPLE_CODES_SEPARATOR,
  csvHeader,
  csvRow,
  questionColumn,
  responseColumns,
  responsesToCsv,
  type Column,
  type ResponseCsvOptions,
} from './response-columns';
export {
  EVACUATION_CLOSING,
  EVACUATION_FORMAT,
  EVACUATION_VERSION,
  evacuationEntry,
  evacuationJson,
  evacuationOpening,
  type EvacuationFile,
} from './evacuation';
