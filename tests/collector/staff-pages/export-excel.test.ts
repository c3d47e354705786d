import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import { attachmentDisposition, excelFileName, vietnamDateTimeText } from '../../../src/collector/staff-pages';
import type { SurveyDefinition } from '../../../src/shared/survey';
import { adminCollectors, deferCleanups, makeBatch, makeResponse, resultsOf, type AdminTestCollector } from '../helpers';

const defer = deferCleanups();
const admin = adminCollectors(defer);

let sipas2023: SurveyDefinition;
beforeAll(() => {
  sipas2023 = loadDefinitionsFromDir(DEFINITIONS_DIR).definitions.find((d) => d.id === 'sipas-2023')!;
});

/** RFC 4180 reader with a chosen separator: quoted cells, doubled quotes, CRLF rows. */
function parseCsv(text: string, separator: ',' | ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += ch;
  }
  if (cell !== '' || row.length) throw new Error('the CSV does not end with a complete line');
  return rows;
}

/*
 * Two hand-made sipas-2023 responses:
 *   X1 completed 2026-03-02T01:00Z = 02/03/2026 08:00 in Vietnam; TC1 4, CC1 5, PA0 no, AGE a18_24, comment with ";" and a formula
 *   X2 completed 2026-03-31T17:30Z = 01/04/2026 00:30 in Vietnam (the day and month change); TC1 2, PA0 yes, PA1 5, INT1 some
 */
async function excelDataset(): Promise<AdminTestCollector> {
  const c = await admin({ definitions: [sipas2023] });
  const base = { definitionId: 'sipas-2023', definitionVersion: 1, agencyCode: 'SNV', counterCode: 'Q1' };
  resultsOf(
    await c.submit(
      makeBatch([
        makeResponse({ ...base, seq: 1, startedAt: '2026-03-02T00:58:00.000Z', completedAt: '2026-03-02T01:00:00.000Z', answers: { TC1: 4, CC1: 5, PA0: 'no', AGE: 'a18_24', COMMENT: '=1+1; nhanh, gọn' } }),
        makeResponse({ ...base, seq: 2, startedAt: '2026-03-31T17:28:00.000Z', completedAt: '2026-03-31T17:30:00.000Z', answers: { TC1: 2, PA0: 'yes', PA1: 5, INT1: 'some' } }),
      ]),
    ),
  );
  return c;
}

describe('exports an Excel user can read: CSV', () => {
  it.each<[',' | ';', string]>([
    [';', 'semicolon'],
    [',', 'comma'],
  ])('reads back with "%s": Vietnamese names over codes, scale answers as numbers, other answers as labels, Vietnam time beside UTC', async (separator, name) => {
    const c = await excelDataset();
    const answer = await c.get(`/api/v1/admin/responses.csv?headers=both&labels=1&sep=${name}`);
    expect(answer.statusCode).toBe(200);
    expect(answer.body.startsWith('\uFEFF')).toBe(true);
    expect(answer.body.startsWith('\uFEFFsep=')).toBe(false);
    const [names, codes, ...rows] = parseCsv(answer.body.slice(1), separator);
    expect(rows).toHaveLength(2);
    expect(names).toHaveLength(codes.length);
    const col = (code: string) => codes.indexOf(code);
    // The names row: the question's short label, the metadata in words.
    expect(names[col('TC1')]).toBe('Thông tin dễ tiếp cận, dễ hiểu');
    expect(names[col('CC1')]).toBe('Lịch sự, tôn trọng');
    expect(names[col('id')]).toBe('Mã phiếu');
    expect(names[col('completedAtVN')]).toBe('Hoàn thành (giờ Việt Nam)');
    // A question without a short label is named by its text, cut to 80 characters.
    expect(names[col('AGE')]).toBe('Ông/Bà bao nhiêu tuổi?');
    expect(Array.from(names[col('PRI1')]).length).toBeLessThanOrEqual(80);
    // Codes row and UTC twin kept for software; the Vietnam-time column right after it.
    expect(codes[col('completedAt') + 1]).toBe('completedAtVN');
    expect(codes[col('placedAt') + 1]).toBe('placedAtVN');
    const [x1, x2] = rows;
    expect(x1[col('TC1')]).toBe('4');
    expect(x1[col('CC1')]).toBe('5');
    expect(x1[col('PA0')]).toBe('Không');
    expect(x1[col('AGE')]).toBe('18–24');
    expect(x1[col('COMMENT')]).toBe("'=1+1; nhanh, gọn");
    expect(x1[col('completedAt')]).toBe('2026-03-02T01:00:00.000Z');
    expect(x1[col('completedAtVN')]).toBe('2026-03-02 08:00');
    expect(x1[col('startedAtVN')]).toBe('2026-03-02 07:58');
    expect(x2[col('completedAtVN')]).toBe('2026-04-01 00:30');
    expect(x2[col('placedAtVN')]).toBe('2026-04-01 00:30');
    expect(x2[col('INT1')]).toBe('Một số');
    expect(x2[col('PA1')]).toBe('5');
    // The separator chosen is the one used: the comment's other punctuation is quoted, not split.
    expect(answer.body).toContain(`${separator}"'=1+1; nhanh, gọn"`);
  });

  it.each<[string, string[][]]>([
    ['names', [['Mã phiếu', 'Mã cài đặt máy']]],
    ['codes', [['id', 'kioskId']]],
    ['', [['id', 'kioskId']]],
    [
      'both',
      [
        ['Mã phiếu', 'Mã cài đặt máy'],
        ['id', 'kioskId'],
      ],
    ],
  ])('writes the header rows chosen (headers=%s; none: codes, as scripts expect)', async (headers, expected) => {
    const c = await excelDataset();
    const answer = await c.get(`/api/v1/admin/responses.csv${headers ? `?headers=${headers}` : ''}`);
    const rows = parseCsv(answer.body.slice(1), ',');
    expect(rows).toHaveLength(expected.length + 2);
    expect(rows.slice(0, expected.length).map((r) => r.slice(0, 2))).toEqual(expected);
  });

  it('names English column heads with lang=en, and refuses an unknown separator or header choice', async () => {
    const c = await excelDataset();
    const english = parseCsv((await c.get('/api/v1/admin/responses.csv?headers=names&lang=en')).body.slice(1), ',');
    expect(english[0].slice(0, 2)).toEqual(['Response id', 'Kiosk installation id']);
    for (const bad of ['?sep=tab', '?headers=labels']) expect((await c.get(`/api/v1/admin/responses.csv${bad}`)).statusCode, bad).toBe(400);
  });
});

describe('exports an Excel user can read: XLSX', () => {
  it('reads back with exceljs: two header rows frozen, numbers stay numbers, labels are words, Vietnam-time date cells', async () => {
    const c = await excelDataset();
    const answer = await c.get('/api/v1/admin/responses.xlsx?headers=both&labels=1&agency=SNV&from=2026-03-01&to=2026-04-30');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-disposition']).toBe(`attachment; filename="sipas-SNV-2026-03-01_2026-04-30.xlsx"; filename*=UTF-8''sipas-SNV-2026-03-01_2026-04-30.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(answer.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(4);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    const names = (sheet.getRow(1).values as unknown[]).slice(1);
    const codes = (sheet.getRow(2).values as unknown[]).slice(1);
    const col = (code: string) => codes.indexOf(code) + 1;
    expect(names[col('TC1') - 1]).toBe('Thông tin dễ tiếp cận, dễ hiểu');
    const x1 = sheet.getRow(3);
    const x2 = sheet.getRow(4);
    expect(x1.getCell(col('TC1')).value).toBe(4);
    expect(x1.getCell(col('TC1')).type).toBe(ExcelJS.ValueType.Number);
    expect(x1.getCell(col('PA0')).value).toBe('Không');
    expect(x1.getCell(col('AGE')).value).toBe('18–24');
    // A real date cell holding Vietnam wall-clock time, with a date-time format; the UTC text kept beside it.
    const completed = x1.getCell(col('completedAtVN'));
    expect(completed.type).toBe(ExcelJS.ValueType.Date);
    expect(completed.value).toBeInstanceOf(Date);
    expect((completed.value as Date).toISOString()).toBe('2026-03-02T08:00:00.000Z');
    expect(completed.numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(x1.getCell(col('completedAt')).value).toBe('2026-03-02T01:00:00.000Z');
    expect((x2.getCell(col('completedAtVN')).value as Date).toISOString()).toBe('2026-04-01T00:30:00.000Z');
    expect((x2.getCell(col('placedAtVN')).value as Date).toISOString()).toBe('2026-04-01T00:30:00.000Z');
    expect(x2.getCell(col('PA1')).value).toBe(5);
    const legend = workbook.worksheets[1].getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1));
    expect(legend.find((row) => row[0] === 'completedAtVN')?.[2]).toMatch(/giờ Việt Nam/);
  });
});

describe('export file names', () => {
  it.each<[string, Parameters<typeof excelFileName>[0], string]>([
    ['every unit, open period', { today: '2026-04-15' }, 'sipas-all-start_2026-04-15.csv'],
    ['one agency, a quarter', { agency: 'SNV', from: '2026-01-01', to: '2026-03-31', today: '2026-04-15' }, 'sipas-SNV-2026-01-01_2026-03-31.csv'],
    ['agency and counter, version, field, flagged left out', { agency: 'SNV', counter: 'QUAY-2', from: '2026-03-01', today: '2026-04-15', version: 2, field: 'land', exclusion: 'unflagged' }, 'sipas-SNV-QUAY-2-2026-03-01_2026-04-15-v2-land-unflagged.csv'],
    ['a name with diacritics and spaces folds to ASCII', { agency: 'Sở Tư pháp', today: '2026-04-15' }, 'sipas-So-Tu-phap-start_2026-04-15.csv'],
  ])('%s', (_name, parts, expected) => {
    expect(excelFileName(parts, 'csv')).toBe(expected);
  });

  it('sends the plain name and the RFC 5987 form', () => {
    expect(attachmentDisposition('sipas-all-start_2026-04-15.csv')).toBe(`attachment; filename="sipas-all-start_2026-04-15.csv"; filename*=UTF-8''sipas-all-start_2026-04-15.csv`);
  });

  it.each<[string, string]>([
    ['2026-03-02T01:00:00.000Z', '2026-03-02 08:00'],
    ['2026-03-31T16:59:59.999Z', '2026-03-31 23:59'],
    ['2026-03-31T17:00:00.000Z', '2026-04-01 00:00'],
    ['2025-12-31T17:30:00.000Z', '2026-01-01 00:30'],
  ])('writes %s as Vietnam time %s', (instant, expected) => {
    expect(vietnamDateTimeText(instant)).toBe(expected);
  });
});

describe('export page', () => {
  it('offers header rows (names over codes by default), the separator, and explains the row count in words', async () => {
    const c = await excelDataset();
    const page = await c.get('/admin/export');
    expect(page.body).toContain('<select name="headers"><option value="names">');
    expect(page.body).toContain('<option value="both" selected>Tên câu hỏi, rồi mã cột ở dòng thứ hai</option>');
    expect(page.body).toContain('<option value="semicolon">Dấu chấm phẩy “;”');
    expect(page.body).toContain('số dòng dữ liệu (không kể một hoặc hai dòng tiêu đề) phải đúng bằng số này');
    const chosen = await c.get('/admin/export?headers=codes&sep=semicolon');
    expect(chosen.body).toContain('<option value="codes" selected>');
    expect(chosen.body).toContain('<option value="semicolon" selected>');
    expect(chosen.body).toContain('2 phiếu khớp bộ lọc.');
  });
});
