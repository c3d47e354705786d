/**
 * exceljs, loaded at the first workbook rather than with the module: it is the heaviest thing the
 * staff pages import (0.6–1 s of start-up), and every read worker, command line and test process that
 * never writes a spreadsheet paid for it. A synchronous require, so the writers keep their shapes.
 */
import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';

let loaded: typeof ExcelJS | undefined;

export function excel(): typeof ExcelJS {
  return (loaded ??= createRequire(import.meta.url)('exceljs') as typeof ExcelJS);
}
