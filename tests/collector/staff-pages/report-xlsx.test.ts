/*
 * report.xlsx (issue 11, part 7) read back with exceljs, cell by cell, on a hand-computed dataset
 * (sipas-2023 v1, March 2026, only TC1, CC1 and INT1 answered):
 *
 *   BN Tỉnh Bắc Ninh (province) ── TTA Trung tâm A (centre): Q1 Quầy A1
 *                               └─ XA  UBND xã Tam Sơn (commune): Q1 Quầy một cửa
 *
 *          TC1  CC1  INT1   (and PA0 "no" everywhere: component 5 not applicable)
 *   TTA/Q1  5    5   none
 *   TTA/Q1  4    2   some
 *   TTA/Q1  3    4   –
 *   XA/Q1   5    2   –
 *
 *   TC1 5,4,3,5 → 3 of 4 satisfied = 75 %, counts [0,0,1,1,2]; Wilson 95 % (z 1.96) 30.06 %–95.44 %
 *   CC1 5,2,4,2 → 2 of 4 = 50 %, counts [0,2,0,1,1]; Wilson 15.00 %–85.00 %
 *   C1 = 75 %, C3 = 50 %, C2, C4, C5 undefined → SIPAS = (75 + 50) / 2 = 62.5 %, n = 4
 *   Targets 2026: province overall 60 → gap +2.5, met; C1 80 → gap −5, not met; C3 none.
 *   INT1: asked 4, answered 2: none 1 (1/2 of answered, 1/4 of asked), some 1, many 0; 2 unanswered (2/4).
 *   Ranking (minValid 3, inside BN): TTA TC1 2/3, CC1 2/3 → 66.67 %, n 3, rank 1, gap +6.67;
 *     XA TC1 1/1, CC1 0/1 → 50 %, n 1: listed, not ranked, shown without decimals. February: nothing.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import {
  readUnitCsv,
  REPORT_FORMATS,
  REPORT_HEADER_ROW,
  REPORT_SHEETS,
  reportLetterhead,
  staffT,
  UnitTree,
  type SipasReport,
} from '../../../src/collector/staff-pages';
import type { UnitRecord } from '../../../src/collector/stores';
import type { SurveyDefinition, SurveyResponse } from '../../../src/shared/survey';
import { deferCleanups, makeBatch, makeResponse, resultsOf, startAdminCollector, type AdminTestCollector } from '../helpers';

let sipas2023: SurveyDefinition;
beforeAll(() => {
  sipas2023 = loadDefinitionsFromDir(DEFINITIONS_DIR).definitions.find((d) => d.id === 'sipas-2023' && d.version === 1)!;
});

const defer = deferCleanups();
const NOW = new Date('2026-04-15T03:00:00.000Z');
const QUERY = '?period=2026-03&minValid=3';

const TREE_CSV = [
  'code,name,parent_code,kind',
  'BN,Tỉnh Bắc Ninh,,province',
  'TTA,Trung tâm A,BN,centre',
  'Q1,Quầy A1,TTA,counter',
  'XA,UBND xã Tam Sơn,BN,commune',
  'Q1,Quầy một cửa,XA,counter',
].join('\n');

function dataset(): SurveyResponse[] {
  const rows: Array<[string, number, number, string | undefined]> = [
    ['TTA', 5, 5, 'none'],
    ['TTA', 4, 2, 'some'],
    ['TTA', 3, 4, undefined],
    ['XA', 5, 2, undefined],
  ];
  return rows.map(([agencyCode, TC1, CC1, INT1], i) =>
    makeResponse({
      definitionId: 'sipas-2023',
      definitionVersion: 1,
      agencyCode,
      counterCode: 'Q1',
      seq: i + 1,
      completedAt: `2026-03-${String(10 + i).padStart(2, '0')}T02:00:00.000Z`,
      // PA0 "no": no feedback given, so component 5 is not asked (and not applicable).
      answers: INT1 === undefined ? { TC1, CC1, PA0: 'no' } : { TC1, CC1, PA0: 'no', INT1 },
    }),
  );
}

async function withDataset(): Promise<AdminTestCollector> {
  const c = await startAdminCollector({ definitions: [sipas2023], now: () => NOW });
  defer(() => c.close());
  const tree = readUnitCsv(TREE_CSV);
  if (!tree.ok) throw new Error('tree CSV');
  expect(await c.store.writeUnits(tree.inputs, 'import')).toMatchObject({ ok: true });
  expect(await c.store.setTarget({ year: 2026, unitCode: null, figures: { overall: 60, c1: 80 }, updatedAt: NOW.toISOString() })).toBe(
    true,
  );
  const submitted = resultsOf(await c.submit(makeBatch(dataset()))).results;
  expect(
    submitted.map((r) => r.status),
    JSON.stringify(submitted[0]),
  ).toEqual(Array(4).fill('created'));
  return c;
}

async function workbookOf(c: AdminTestCollector, query: string): Promise<{ workbook: ExcelJS.Workbook; headers: Record<string, unknown> }> {
  const answer = await c.get(`/api/v1/admin/report.xlsx${query}`);
  expect(answer.statusCode, answer.body.slice(0, 300)).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(answer.rawPayload as unknown as ArrayBuffer);
  return { workbook, headers: answer.headers };
}

async function reportJson(c: AdminTestCollector, query: string): Promise<SipasReport> {
  const answer = await c.get(`/api/v1/admin/report${query}`);
  expect(answer.statusCode).toBe(200);
  return JSON.parse(answer.body) as SipasReport;
}

/** A sheet's table: header texts, and each data row as { header: cell }. */
function table(sheet: ExcelJS.Worksheet): { heads: string[]; rows: Array<Record<string, ExcelJS.Cell>> } {
  const heads = (sheet.getRow(REPORT_HEADER_ROW).values as unknown[]).slice(1).map(String);
  const rows: Array<Record<string, ExcelJS.Cell>> = [];
  for (let r = REPORT_HEADER_ROW + 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    // A blank row ends the table (notes follow it).
    if (heads.every((_, i) => row.getCell(i + 1).value === null)) break;
    rows.push(Object.fromEntries(heads.map((h, i) => [h, row.getCell(i + 1)])));
  }
  return { heads, rows };
}

const sheet = (workbook: ExcelJS.Workbook, key: keyof typeof REPORT_SHEETS) => workbook.getWorksheet(REPORT_SHEETS[key])!;
const isNumber = (cell: ExcelJS.Cell) => cell.type === ExcelJS.ValueType.Number;

describe('report.xlsx', () => {
  it('has one sheet per table, Vietnamese names Excel accepts, in the report page order', async () => {
    const c = await withDataset();
    const { workbook, headers } = await workbookOf(c, QUERY);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      'Chỉ số chung',
      'Yếu tố',
      'Tiêu chí',
      'Xếp hạng đơn vị',
      'Xu hướng',
      'Quy trình, liêm chính, ưu tiên',
      'Phương pháp',
    ]);
    for (const name of Object.values(REPORT_SHEETS)) {
      expect(Array.from(name).length).toBeLessThanOrEqual(31);
      expect(name).not.toMatch(/[\\/?*[\]:]|^'|'$/);
    }
    expect(headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(headers['content-disposition']).toBe(
      `attachment; filename="sipas-report-all-2026-03-01_2026-03-31-sipas-2023.xlsx"; filename*=UTF-8''sipas-report-all-2026-03-01_2026-03-31-sipas-2023.xlsx`,
    );
  });

  it('opens every sheet with the title block, freezes the header row and filters each table', async () => {
    const c = await withDataset();
    const { workbook } = await workbookOf(c, `${QUERY}&agency=TTA`);
    for (const ws of workbook.worksheets) {
      expect(ws.getCell('A1').value).toBe('ỦY BAN NHÂN DÂN TỈNH BẮC NINH — TRUNG TÂM A');
      expect(String(ws.getCell('A2').value)).toMatch(/^Báo cáo kết quả khảo sát sự hài lòng .* — /);
      expect(String(ws.getCell('A3').value)).toContain('Kỳ báo cáo: Tháng 03/2026');
      expect(String(ws.getCell('A3').value)).toContain('Lập lúc: ');
      expect(String(ws.getCell('A3').value)).toContain('Cơ quan: Trung tâm A');
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: REPORT_HEADER_ROW });
      const { heads } = table(ws);
      for (let i = 1; i <= heads.length; i++) expect(ws.getColumn(i).width).toBeGreaterThanOrEqual(7);
      if (ws.name === REPORT_SHEETS.method) expect(ws.autoFilter).toBeUndefined();
      else
        expect(ws.autoFilter).toBe(
          `A${REPORT_HEADER_ROW}:${String.fromCharCode(64 + heads.length)}${REPORT_HEADER_ROW + Math.max(table(ws).rows.length, 1)}`,
        );
    }
    const { workbook: whole, headers } = await workbookOf(c, QUERY);
    expect(whole.getWorksheet(REPORT_SHEETS.headline)!.getCell('A1').value).toBe('ỦY BAN NHÂN DÂN TỈNH BẮC NINH');
    expect(headers['content-disposition']).toMatch(/^attachment; filename="sipas-report-all-/);
  });

  it('holds the headline, components and items as numbers equal to report.json, shares as % formats, gaps in points', async () => {
    const c = await withDataset();
    const { workbook } = await workbookOf(c, QUERY);
    const json = await reportJson(c, QUERY);
    expect(json.percent).toBe(62.5);

    const headline = table(sheet(workbook, 'headline'));
    expect(headline.heads).toEqual([
      'Chỉ số',
      'Tỷ lệ hài lòng',
      'Số phiếu (n)',
      'Tỷ lệ không áp dụng',
      'Mục tiêu',
      'Chênh lệch so với mục tiêu (điểm %)',
      'Đạt mục tiêu',
      'Ít phiếu',
    ]);
    expect(headline.rows).toHaveLength(1);
    const overall = headline.rows[0];
    expect(overall['Chỉ số'].value).toBe('Chỉ số SIPAS chung');
    expect(overall['Tỷ lệ hài lòng'].value).toBe(0.625);
    expect(overall['Tỷ lệ hài lòng'].value).toBe(json.percent! / 100);
    expect(overall['Tỷ lệ hài lòng'].numFmt).toBe('0.00%');
    expect(overall['Số phiếu (n)'].value).toBe(4);
    expect(overall['Tỷ lệ không áp dụng'].value).toBe(json.figures.shareNotApplicable);
    expect(overall['Mục tiêu'].value).toBe(0.6);
    expect(overall['Mục tiêu'].numFmt).toBe('0.00%');
    expect(overall['Chênh lệch so với mục tiêu (điểm %)'].value).toBe(2.5);
    expect(overall['Chênh lệch so với mục tiêu (điểm %)'].numFmt).toBe(REPORT_FORMATS.points);
    expect(overall['Đạt mục tiêu'].value).toBe('Đạt');
    expect(overall['Ít phiếu'].value).toBeNull();

    const components = table(sheet(workbook, 'components'));
    expect(components.rows.map((r) => r['Yếu tố'].value)).toEqual([1, 2, 3, 4, 5]);
    const c1 = components.rows[0];
    expect(c1['Tên yếu tố'].value).toBe('Tiếp cận dịch vụ');
    expect(c1['Tỷ lệ hài lòng'].value).toBe(0.75);
    expect(c1['Số phiếu (n)'].value).toBe(4);
    expect(c1['Mục tiêu'].value).toBe(0.8);
    expect(c1['Chênh lệch so với mục tiêu (điểm %)'].value).toBe(-5);
    expect(c1['Đạt mục tiêu'].value).toBe('Chưa đạt');
    expect(components.rows[2]['Tỷ lệ hài lòng'].value).toBe(0.5);
    expect(components.rows[2]['Mục tiêu'].value).toBeNull();
    expect(components.rows[1]['Tỷ lệ hài lòng'].value).toBeNull();
    json.components.forEach((component, i) => {
      expect(components.rows[i]['Tỷ lệ hài lòng'].value).toBe(component.percent === null ? null : component.percent / 100);
      expect(components.rows[i]['Tỷ lệ không áp dụng'].value).toBe(component.shareNotApplicable);
    });

    const items = table(sheet(workbook, 'items'));
    expect(items.heads.slice(0, 10)).toEqual([
      'Yếu tố',
      'Mã câu',
      'Tên ngắn',
      'Nội dung câu hỏi',
      'Tỷ lệ hài lòng',
      'Số trả lời hợp lệ (n)',
      'Cận dưới KTC 95%',
      'Cận trên KTC 95%',
      'Ít phiếu',
      'Số hài lòng (mức 4, 5)',
    ]);
    expect(items.heads.slice(10, 15)).toEqual([
      'Mức 1: Rất không hài lòng',
      'Mức 2: Không hài lòng',
      'Mức 3: Bình thường',
      'Mức 4: Hài lòng',
      'Mức 5: Rất hài lòng',
    ]);
    expect(items.rows).toHaveLength(json.components.flatMap((x) => x.items).length);
    const tc1 = items.rows.find((r) => r['Mã câu'].value === 'TC1')!;
    expect(tc1['Yếu tố'].value).toBe(1);
    expect(String(tc1['Nội dung câu hỏi'].value)).toMatch(/^Cơ quan cung cấp thông tin/);
    expect(tc1['Tỷ lệ hài lòng'].value).toBe(0.75);
    expect(tc1['Số trả lời hợp lệ (n)'].value).toBe(4);
    expect(tc1['Cận dưới KTC 95%'].value as number).toBeCloseTo(0.3006, 4);
    expect(tc1['Cận trên KTC 95%'].value as number).toBeCloseTo(0.9544, 4);
    expect(tc1['Cận dưới KTC 95%'].numFmt).toBe('0.0%');
    expect(items.heads.slice(10, 15).map((h) => tc1[h].value)).toEqual([0, 0, 1, 1, 2]);
    const cc1 = items.rows.find((r) => r['Mã câu'].value === 'CC1')!;
    expect(cc1['Tỷ lệ hài lòng'].value).toBe(0.5);
    expect(cc1['Cận dưới KTC 95%'].value as number).toBeCloseTo(0.15, 4);
    expect(cc1['Cận trên KTC 95%'].value as number).toBeCloseTo(0.85, 4);
    expect(items.heads.slice(10, 15).map((h) => cc1[h].value)).toEqual([0, 2, 0, 1, 1]);
    for (const item of json.components.flatMap((x) => x.items)) {
      const row = items.rows.find((r) => r['Mã câu'].value === item.questionId)!;
      expect(row['Tỷ lệ hài lòng'].value).toBe(item.percent === null ? null : item.percent / 100);
      expect(row['Cận dưới KTC 95%'].value).toBe(item.interval === null ? null : item.interval.low / 100);
      expect(row['Số trả lời hợp lệ (n)'].value).toBe(item.valid);
      expect(isNumber(row['Số trả lời hợp lệ (n)'])).toBe(true);
    }
  });

  it('carries the units ranking, the trend, the choice questions with the people asked who did not answer, and the method', async () => {
    const c = await withDataset();
    const { workbook } = await workbookOf(c, QUERY);

    const ranking = table(sheet(workbook, 'ranking'));
    expect(ranking.heads).toEqual([
      'Hạng',
      'Đơn vị / quầy',
      'Cấp',
      'Thuộc đơn vị',
      'Số phiếu (n)',
      'Chỉ số chung',
      'Yếu tố 1',
      'Yếu tố 2',
      'Yếu tố 3',
      'Yếu tố 4',
      'Yếu tố 5',
      'Mục tiêu',
      'Chênh lệch so với mục tiêu (điểm %)',
      'Xếp hạng',
      'Kỳ trước',
      'Thay đổi so với kỳ trước (điểm %)',
      'Cùng kỳ năm trước',
      'Thay đổi so với cùng kỳ năm trước (điểm %)',
    ]);
    const tta = ranking.rows.find((r) => r['Đơn vị / quầy'].value === 'Trung tâm A')!;
    expect(tta['Hạng'].value).toBe(1);
    expect(tta['Cấp'].value).toBe('Trung tâm Phục vụ hành chính công');
    expect(tta['Số phiếu (n)'].value).toBe(3);
    expect(tta['Chỉ số chung'].value as number).toBeCloseTo(2 / 3, 12);
    expect(tta['Chỉ số chung'].numFmt).toBe('0.00%');
    expect(tta['Yếu tố 1'].value as number).toBeCloseTo(2 / 3, 12);
    expect(tta['Yếu tố 2'].value).toBeNull();
    expect(tta['Mục tiêu'].value).toBe(0.6);
    expect(tta['Chênh lệch so với mục tiêu (điểm %)'].value).toBe(6.67);
    expect(tta['Xếp hạng'].value).toBe('Có');
    expect(tta['Kỳ trước'].value).toBeNull();
    expect(tta['Thay đổi so với kỳ trước (điểm %)'].value).toBeNull();
    const xa = ranking.rows.find((r) => r['Đơn vị / quầy'].value === 'UBND xã Tam Sơn')!;
    expect(xa['Hạng'].value).toBeNull();
    expect(xa['Cấp'].value).toBe('Xã, phường, đặc khu');
    expect(xa['Chỉ số chung'].value).toBe(0.5);
    expect(xa['Chỉ số chung'].numFmt).toBe('0%');
    expect(xa['Xếp hạng'].value).toBe('chưa xếp hạng: ít phiếu');

    const trend = table(sheet(workbook, 'trend'));
    expect(trend.heads).toEqual(['Kỳ', 'Từ ngày', 'Đến ngày', 'Số phiếu', 'Tỷ lệ hài lòng', 'Ít phiếu']);
    expect(trend.rows).toHaveLength(1);
    expect(trend.rows[0]['Kỳ'].value).toBe('Tháng 03/2026');
    expect(trend.rows[0]['Từ ngày'].value).toEqual(new Date('2026-03-01T00:00:00.000Z'));
    expect(trend.rows[0]['Từ ngày'].numFmt).toBe('dd/mm/yyyy');
    expect(trend.rows[0]['Đến ngày'].value).toEqual(new Date('2026-03-31T00:00:00.000Z'));
    expect(trend.rows[0]['Số phiếu'].value).toBe(4);
    expect(trend.rows[0]['Tỷ lệ hài lòng'].value).toBe(0.625);

    const choices = table(sheet(workbook, 'choices'));
    const int1 = choices.rows.filter((r) => r['Mã câu hỏi'].value === 'INT1');
    expect(
      int1.map((r) => [
        r['Phương án'].value,
        r['Số lượt chọn'].value,
        r['Tỷ lệ trên số người trả lời'].value,
        r['Tỷ lệ trên số người được hỏi'].value,
      ]),
    ).toEqual([
      ['Không có', 1, 0.5, 0.25],
      ['Một số', 1, 0.5, 0.25],
      ['Nhiều', 0, 0, 0],
      ['(được hỏi nhưng không trả lời)', 2, null, 0.5],
    ]);
    expect(int1.every((r) => r['Số người được hỏi'].value === 4 && r['Số người trả lời'].value === 2)).toBe(true);
    // Every response was asked INT1: no tablet had the section off, no condition hid it.
    expect(int1.every((r) => r['Không được hỏi: phần tắt trên máy'].value === 0 && r['Không được hỏi: không áp dụng'].value === 0)).toBe(
      true,
    );
    const json = await reportJson(c, QUERY);
    for (const choice of json.choices) {
      const rows = choices.rows.filter((r) => r['Mã câu hỏi'].value === choice.questionId);
      expect(rows.length).toBe(choice.options.length + (choice.kind === 'single' ? 1 : 0));
      expect(rows[0]['Không được hỏi: không áp dụng'].value).toBe(choice.notApplicable);
      expect(rows[0]['Không được hỏi: phần tắt trên máy'].value).toBe(choice.notAsked - choice.notApplicable);
    }
    expect(int1[0]['Tỷ lệ trên số người trả lời'].numFmt).toBe('0.00%');

    const method = sheet(workbook, 'method');
    const paragraphs = table(method).rows.map((r) => String(r['Nội dung'].value));
    expect(paragraphs[0]).toMatch(/^Chỉ số SIPAS/);
    expect(paragraphs.join('\n')).toContain('ít hơn 3');
    expect(paragraphs.at(-1)).toMatch(/0,9512.*95,12%/);

    const audit = await c.store.listAudit({ action: 'export', limit: 10 });
    expect(audit[0]).toMatchObject({
      action: 'export',
      outcome: 'success',
      details: { format: 'report.xlsx', filters: { period: '2026-03', minValid: '3' } },
    });
  });

  it('prints figures resting on fewer answers than the threshold without decimals, marked "ít phiếu"', async () => {
    const c = await withDataset();
    const { workbook } = await workbookOf(c, '?period=2026-03&minValid=10');
    const overall = table(sheet(workbook, 'headline')).rows[0];
    expect(overall['Tỷ lệ hài lòng'].value).toBe(0.625);
    expect(overall['Tỷ lệ hài lòng'].numFmt).toBe('0%');
    expect(overall['Ít phiếu'].value).toBe('ít phiếu');
    const tc1 = table(sheet(workbook, 'items')).rows.find((r) => r['Mã câu'].value === 'TC1')!;
    expect(tc1['Tỷ lệ hài lòng'].numFmt).toBe('0%');
    expect(tc1['Cận dưới KTC 95%'].numFmt).toBe('0%');
  });

  it('refuses bad filters and a questionnaire it does not know, as the report does', async () => {
    const c = await withDataset();
    expect((await c.get('/api/v1/admin/report.xlsx?from=2026-13-01')).statusCode).toBe(400);
    const unknown = await c.get('/api/v1/admin/report.xlsx?definition=sipas-1999');
    expect(unknown.statusCode).toBe(400);
    expect(JSON.parse(unknown.body)).toMatchObject({
      error: 'bad_request',
      message: expect.stringContaining('unknown definition sipas-1999'),
    });
    const signedOut = await c.app.inject({ method: 'GET', url: '/api/v1/admin/report.xlsx' });
    expect(signedOut.statusCode).toBe(401);
  });

  it('says in the ranking sheet why there is no ranking when the unit is not in the tree', async () => {
    const c = await withDataset();
    const { workbook } = await workbookOf(c, `${QUERY}&agency=NOWHERE`);
    const ws = sheet(workbook, 'ranking');
    expect(table(ws).rows).toHaveLength(0);
    const notes = [REPORT_HEADER_ROW + 2, REPORT_HEADER_ROW + 3].map((r) => ws.getCell(r, 1).value);
    expect(notes).toContain('Không có đơn vị “NOWHERE” trong cây đơn vị.');
  });
});

describe('the letterhead', () => {
  const t = staffT('vi');
  const unit = (code: string, name: string, parentCode: string | null, kind: UnitRecord['kind']): UnitRecord => ({
    code,
    name,
    parentCode,
    kind,
  });
  const bacNinh = new UnitTree({
    units: [
      unit('BN', 'Tỉnh Bắc Ninh', null, 'province'),
      unit('TT', 'Trung tâm Phục vụ hành chính công', 'BN', 'centre'),
      unit('CN', 'Chi nhánh số 1', 'TT', 'branch'),
    ],
    counters: [],
  });
  const named = new UnitTree({ units: [unit('HN', 'UBND thành phố Hà Nội', null, 'province')], counters: [] });
  const twoRoots = new UnitTree({
    units: [unit('A', 'Tỉnh A', null, 'province'), unit('B', 'Sở Nội vụ', null, 'department')],
    counters: [],
  });
  const empty = new UnitTree({ units: [], counters: [] });
  it.each([
    ['the province, no unit chosen', bacNinh, undefined, { governing: 'ỦY BAN NHÂN DÂN TỈNH BẮC NINH', unit: null, place: 'Bắc Ninh' }],
    [
      'a unit two levels down: the root on top, the unit below',
      bacNinh,
      'CN',
      { governing: 'ỦY BAN NHÂN DÂN TỈNH BẮC NINH', unit: 'CHI NHÁNH SỐ 1', place: 'Bắc Ninh' },
    ],
    ['the root chosen as the unit', bacNinh, 'BN', { governing: 'ỦY BAN NHÂN DÂN TỈNH BẮC NINH', unit: null, place: 'Bắc Ninh' }],
    ['a root already named as the committee', named, undefined, { governing: 'UBND THÀNH PHỐ HÀ NỘI', unit: null, place: 'Hà Nội' }],
    ['a code the tree lacks', bacNinh, 'XYZ', { governing: 'ỦY BAN NHÂN DÂN TỈNH BẮC NINH', unit: 'XYZ', place: 'Bắc Ninh' }],
    ['several roots, a department chosen', twoRoots, 'B', { governing: 'SỞ NỘI VỤ', unit: null, place: null }],
    [
      'several roots, none chosen: a line to fill in',
      twoRoots,
      undefined,
      { governing: 'ỦY BAN NHÂN DÂN TỈNH ……………', unit: null, place: null },
    ],
    ['no tree at all', empty, 'SNV', { governing: 'ỦY BAN NHÂN DÂN TỈNH ……………', unit: 'SNV', place: null }],
  ])('%s', (_name, tree, agency, expected) => {
    expect(reportLetterhead(tree, agency, t)).toEqual(expected);
  });
});
