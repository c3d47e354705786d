import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import type { SurveyDefinition, SurveyResponse } from '../../../src/shared/survey';
import { deferCleanups, makeResponse, startAdminCollector, validItem } from '../helpers';

// Exports carry the sections switched off on the tablet (issue 11, part 5), so a spreadsheet user can
// tell an empty cell that was never asked from one the citizen skipped.

let sipas2023: SurveyDefinition;
beforeAll(() => {
  sipas2023 = loadDefinitionsFromDir(DEFINITIONS_DIR).definitions.find((d) => d.id === 'sipas-2023' && d.version === 1)!;
});
const defer = deferCleanups();

/** RFC 4180 rows of a CSV body without its BOM (quotes doubled inside quoted fields). */
function csvRows(body: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const text = body.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('the sections-off column of the exports', () => {
  it('follows endedBy: ids, section titles with labels, "Phần tắt trên máy" as its name, explained in the legend, kept in JSON', async () => {
    const c = await startAdminCollector({ definitions: [sipas2023] });
    defer(() => c.close());
    const base = { definitionId: 'sipas-2023', answers: { TC1: 4, PA0: 'no' } };
    const sent = {
      two: makeResponse({ ...base, seq: 1, sectionsOff: ['process', 'profile'] }),
      allOn: makeResponse({ ...base, seq: 2 }),
    };
    const outcomes = await c.store.ingest({ deviceId: c.deviceId, receivedAt: '2026-04-01T00:00:00.000Z', report: null, source: 'sync', items: Object.values(sent).map((r) => validItem(r)) });
    expect(outcomes.map((o) => o.status)).toEqual(['created', 'created']);

    const cellsOf = (body: string, headerRow = 0) => {
      const rows = csvRows(body);
      const at = rows[headerRow].indexOf('sectionsOff');
      return { header: rows[headerRow], cells: new Map(rows.slice(headerRow + 1).filter((r) => r.length > 1).map((r) => [r[rows[headerRow].indexOf('id')], r[at]])) };
    };
    const codes = cellsOf((await c.get('/api/v1/admin/responses.csv')).body);
    expect(codes.header.indexOf('sectionsOff')).toBe(codes.header.indexOf('endedBy') + 1);
    expect(codes.cells).toEqual(new Map([[sent.two.id, 'process; profile'], [sent.allOn.id, '']]));
    const labelled = cellsOf((await c.get('/api/v1/admin/responses.csv?labels=1&headers=both')).body, 1);
    expect(labelled.cells.get(sent.two.id)).toBe('Quá trình giải quyết hồ sơ; Thông tin về Ông/Bà (không ghi tên)');
    const names = csvRows((await c.get('/api/v1/admin/responses.csv?headers=both')).body);
    expect(names[0][names[1].indexOf('sectionsOff')]).toBe('Phần tắt trên máy');
    const english = csvRows((await c.get('/api/v1/admin/responses.csv?headers=both&lang=en')).body);
    expect(english[0][english[1].indexOf('sectionsOff')]).toBe('Sections off on the tablet');

    const json = JSON.parse((await c.get('/api/v1/admin/responses.json')).body) as SurveyResponse[];
    expect(json.find((r) => r.id === sent.two.id)?.sectionsOff).toEqual(['process', 'profile']);
    expect(json.find((r) => r.id === sent.allOn.id)).not.toHaveProperty('sectionsOff');

    const xlsx = await c.get('/api/v1/admin/responses.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const legend = workbook.worksheets[1].getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1));
    expect(legend.find((row) => row[0] === 'sectionsOff')?.[2]).toMatch(/^Phần tắt trên máy: các phần tùy chọn bị tắt trên máy/);
  });
});
