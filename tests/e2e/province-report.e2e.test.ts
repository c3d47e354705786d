/*
 * The report a province acts on (issue 11), end to end in Chromium with the staff's own clicks: the
 * unit tree imported from CSV (a refused file first), the year's targets set (province-wide and one
 * centre's override), tablets registered to counters, their responses sent through the batch
 * endpoint with their own tokens, then the ranking page (order, names, gaps, the low-n unit shown
 * unranked, a component's header clicked) and report.xlsx downloaded and read back with exceljs.
 *
 * The responses are chosen so every figure is known by hand (sipas-2023, feedback not given, so
 * component 5 is not applicable and the index is the mean of components 1–4), November 2025:
 *   TTHCC  (centre, 40): every item 5, except the five CC items 2 for 4 people  → c3 90,  index 97.5
 *   CN-TS  (centre, 40): every item 5, except the four TC items 3 for 10 people → c1 75,  index 93.75
 *   XA-DONG (commune, 5): every item 5, except the five CC items 1 for 1 person  → c3 80,  index 95 (n 5: not ranked)
 * plus October 2025 at TTHCC, 10 responses all 4 (index 100): the previous period.
 */
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurveyResponse } from '../../src/shared/schemas';
import { SUBMIT_PATH } from '../../src/shared/wire';
import { launchProfile, removeProfile } from './browser';
import { signInAsStaff, startStaffCollector, type RunningCollector } from './harness';

const ITEMS = {
  c1: ['TC1', 'TC2', 'TC3', 'TC4'],
  c2: ['TT1', 'TT2', 'TT3', 'TT4'],
  c3: ['CC1', 'CC2', 'CC3', 'CC4', 'CC5'],
  c4: ['KQ1', 'KQ2', 'KQ3'],
} as const;

const PROVINCE = 'Tỉnh Bắc Ninh';
const CENTRE = 'Trung tâm Phục vụ hành chính công tỉnh';
const BRANCH = 'Chi nhánh Trung tâm tại Từ Sơn';
const COMMUNE = 'UBND xã Đông Phong';

/** The tree as a province's office would keep it in a spreadsheet; `communeParent` is the commune's parent code. */
function unitCsv(communeParent: string): string {
  return [
    'code,name,parent_code,kind',
    `BN,${PROVINCE},,province`,
    `TTHCC,${CENTRE},BN,centre`,
    `XA-DONG,${COMMUNE},${communeParent},commune`,
    `CN-TS,${BRANCH},BN,centre`,
    'Q1,Quầy 1 – Đất đai,TTHCC,counter',
    'Q2,Quầy 2 – Tư pháp,TTHCC,counter',
    'Q1,Quầy 1 Từ Sơn,CN-TS,counter',
    'Q1,Quầy một cửa xã,XA-DONG,counter',
  ].join('\r\n');
}

/** A tablet registered on the devices page: its place and the token taken from its provisioning link. */
interface Tablet {
  agencyCode: string;
  counterCode: string;
  label: string;
  token: string;
  kioskId: string;
  nextSeq: number;
}

/** Registers a tablet to a counter on the devices page and reads its token from the provisioning link shown once. */
async function registerOnPage(page: Page, collector: RunningCollector, place: { agencyName: string; agencyCode: string; counterName: string; counterCode: string; label: string }): Promise<Tablet> {
  await page.goto(`${collector.url}/admin/devices`);
  for (const [field, value] of Object.entries(place)) await page.locator(`input[name="${field}"]`).fill(value);
  await page.locator('form[action="/admin/devices"] button[type="submit"]').click();
  const link = await page.locator('figure.qr ~ p a.mono').getAttribute('href');
  // Registered inside the tree: no "chưa có trong cây đơn vị" warning.
  expect(await page.locator('p.warning[role="status"]').count()).toBe(0);
  const token = new URLSearchParams(new URL(link!).hash.slice(1)).get('provision');
  expect(token).toBeTruthy();
  return { agencyCode: place.agencyCode, counterCode: place.counterCode, label: place.label, token: token!, kioskId: randomUUID(), nextSeq: 1 };
}

/** `count` complete sipas-2023 responses of a tablet, one a minute from `startUtc`; `answer(i, item)` is person i's code. */
function responsesOf(tablet: Tablet, count: number, startUtc: number, answer: (i: number, item: string) => number): SurveyResponse[] {
  return Array.from({ length: count }, (_, i) => {
    const completed = startUtc + i * 60_000;
    const answers: SurveyResponse['answers'] = { PA0: 'no' };
    for (const item of Object.values(ITEMS).flat()) answers[item] = answer(i, item);
    return {
      id: randomUUID(),
      kioskId: tablet.kioskId,
      seq: tablet.nextSeq++,
      definitionId: 'sipas-2023',
      definitionVersion: 1,
      locale: 'vi',
      status: 'complete',
      startedAt: new Date(completed - 120_000).toISOString(),
      completedAt: new Date(completed).toISOString(),
      durationMs: 120_000,
      agencyCode: tablet.agencyCode,
      counterCode: tablet.counterCode,
      deviceLabel: tablet.label,
      appVersion: 'e2e',
      answers,
      flags: { tooFast: false, belowMinInterval: false },
    };
  });
}

/** Sends one batch as the tablet's outbox would, with its own token; every response must be created. */
async function sendBatch(collector: RunningCollector, tablet: Tablet, responses: SurveyResponse[]): Promise<void> {
  const kiosk = {
    kioskId: tablet.kioskId,
    appVersion: 'e2e',
    definition: 'sipas-2023@1',
    queueDepth: 0,
    oldestUnsentAt: null,
    conflicts: 0,
    rejected: 0,
    storage: { persisted: true, usageBytes: 4096, quotaBytes: 1e9 },
    lastError: null,
  };
  const answer = await fetch(`${collector.url}${SUBMIT_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tablet.token}` },
    body: JSON.stringify({ kiosk, responses }),
  });
  expect(answer.status).toBe(200);
  const { results } = (await answer.json()) as { results: Array<{ status: string; reason?: string }> };
  expect(results.filter((r) => r.status !== 'created')).toEqual([]);
  expect(results).toHaveLength(responses.length);
}

/** The ranking table's rows as shown: key, rank cell and name. */
async function shownRows(page: Page): Promise<Array<{ key: string; rank: string; name: string }>> {
  const rows = page.locator('table.ranking tbody tr');
  const out: Array<{ key: string; rank: string; name: string }> = [];
  for (const row of await rows.all()) {
    out.push({ key: (await row.getAttribute('data-key')) ?? '', rank: (await row.locator('td').first().innerText()).trim(), name: (await row.locator('th[scope="row"] > :first-child').innerText()).trim() });
  }
  return out;
}

/** The ranked month, as the filter forms send it. */
const NOVEMBER = 'definition=sipas-2023&from=2025-11-01&to=2025-11-30';

/** Types November 2025 into a filter form's From–To days. */
async function chooseNovember(page: Page): Promise<void> {
  await page.locator('form.filters input[name="from"]').fill('2025-11-01');
  await page.locator('form.filters input[name="to"]').fill('2025-11-30');
}

let collector: RunningCollector;

beforeAll(async () => {
  collector = await startStaffCollector();
});

afterAll(async () => {
  await collector.stop();
  collector.cleanup();
});

const NOV = Date.UTC(2025, 10, 10, 2, 0); // 10/11/2025 09:00 in Vietnam
const OCT = Date.UTC(2025, 9, 15, 2, 0); // 15/10/2025 09:00 in Vietnam

describe('a province office sets up units and targets, and reads the ranking and the report', { timeout: 120_000 }, () => {
  it('imports the tree (a bad row refuses the whole file), sets targets, registers tablets to counters, ranks the units by name against their targets and downloads report.xlsx with the same figures', async () => {
    const office = await launchProfile();
    try {
      const page = await office.context.newPage();
      await signInAsStaff(page, collector);

      // ── The unit tree from CSV: a typo in one parent code refuses the whole file, naming the row. ──
      await page.goto(`${collector.url}/admin/units`);
      await page.locator('textarea[name="csv"]').fill(unitCsv('BAC-NINH'));
      await page.getByRole('button', { name: 'Nhập', exact: true }).click();
      const refusal = page.locator('div.error[role="alert"]');
      await refusal.waitFor();
      expect(await refusal.innerText()).toContain('Chưa ghi gì cả. Số lỗi cần sửa: 1.');
      expect(await refusal.locator('li').allInnerTexts()).toEqual(['Dòng 4, cột parent_code (mã đơn vị cha): không có đơn vị cha mã "BAC-NINH" trong cây hoặc trong tệp']);
      expect(await page.locator('main').innerText()).toContain('Chưa có đơn vị nào.');
      expect((await collector.store.listUnitTree()).units).toEqual([]);
      // The file is shown back to be corrected; the corrected one goes in whole.
      expect(await page.locator('textarea[name="csv"]').inputValue()).toContain('BAC-NINH');
      await page.locator('textarea[name="csv"]').fill(unitCsv('BN'));
      await page.getByRole('button', { name: 'Nhập', exact: true }).click();
      await page.waitForURL(/done=imported/);
      expect(await page.locator('p.note[role="status"]').innerText()).toBe('Đã nhập 8 dòng (đơn vị và quầy).');
      const tree = await page.locator('table.unit-tree tbody').innerText();
      for (const name of [PROVINCE, CENTRE, BRANCH, COMMUNE, 'Quầy 1 Từ Sơn', 'Quầy một cửa xã']) expect(tree).toContain(name);

      // ── Targets for 2025: province-wide, and the branch held to a lower overall figure. ──
      const setTargets = async (unit: string, who: string, figures: Record<string, string>) => {
        // Opened on the unit (as the table's figures are per unit): the form starts from that unit's own figures.
        await page.goto(`${collector.url}/admin/targets?year=2025&unit=${unit}`);
        const form = page.getByRole('form', { name: `Mục tiêu của ${who}, năm 2025` });
        expect(await form.getAttribute('action')).toBe('/admin/targets');
        expect(await form.locator('input[type="hidden"][name="year"]').inputValue()).toBe('2025');
        expect(await form.locator('input[type="hidden"][name="unit"]').inputValue()).toBe(unit);
        for (const [figure, value] of Object.entries(figures)) await form.locator(`input[name="${figure}"]`).fill(value);
        await form.getByRole('button', { name: 'Lưu mục tiêu' }).click();
        await page.waitForURL(/saved=1/);
        expect(await page.locator('p.note[role="status"]').innerText()).toBe(`Đã lưu mục tiêu của ${who}, năm 2025.`);
      };
      await setTargets('', 'toàn tỉnh', { overall: '95', c1: '95', c2: '97,5', c3: '97', c4: '98,5', c5: '95,5' });
      await setTargets('CN-TS', BRANCH, { overall: '90' });
      const branchTargets = page.locator('table tbody tr').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${BRANCH}$`) }) });
      expect(await branchTargets.count()).toBe(1);
      // Its own overall figure in bold, the rest inherited from the province.
      expect(await branchTargets.locator('td strong').allInnerTexts()).toEqual(['90,00%']);
      expect(await branchTargets.innerText()).toContain('97,50% (theo Toàn tỉnh)');

      // ── Three tablets registered to counters of the tree; their outboxes send with their own tokens. ──
      const centre = await registerOnPage(page, collector, { agencyName: CENTRE, agencyCode: 'TTHCC', counterName: 'Quầy 1 – Đất đai', counterCode: 'Q1', label: 'Máy TTHCC quầy 1' });
      const branch = await registerOnPage(page, collector, { agencyName: BRANCH, agencyCode: 'CN-TS', counterName: 'Quầy 1 Từ Sơn', counterCode: 'Q1', label: 'Máy Từ Sơn' });
      const commune = await registerOnPage(page, collector, { agencyName: COMMUNE, agencyCode: 'XA-DONG', counterName: 'Quầy một cửa xã', counterCode: 'Q1', label: 'Máy xã Đông Phong' });
      const cc = ITEMS.c3 as readonly string[];
      const tc = ITEMS.c1 as readonly string[];
      await sendBatch(collector, centre, responsesOf(centre, 10, OCT, () => 4));
      await sendBatch(collector, centre, responsesOf(centre, 40, NOV, (i, item) => (i < 4 && cc.includes(item) ? 2 : 5)));
      await sendBatch(collector, branch, responsesOf(branch, 40, NOV, (i, item) => (i < 10 && tc.includes(item) ? 3 : 5)));
      await sendBatch(collector, commune, responsesOf(commune, 5, NOV, (i, item) => (i === 0 && cc.includes(item) ? 1 : 5)));

      // ── The ranking for November 2025, as the page shows it. ──
      // November as From–To days in the filter form (the month selector offers only the last 24 months).
      await page.goto(`${collector.url}/admin/ranking`);
      await chooseNovember(page);
      await page.getByRole('button', { name: 'Xem bảng' }).click();
      await page.waitForURL(/to=2025-11-30/);
      expect(await shownRows(page)).toEqual([
        { key: 'TTHCC', rank: '1', name: CENTRE },
        { key: 'CN-TS', rank: '2', name: BRANCH },
        { key: 'XA-DONG', rank: 'chưa xếp hạng: ít phiếu', name: COMMUNE },
      ]);
      const rowText = (key: string) => page.locator(`table.ranking tbody tr[data-key="${key}"]`).innerText();
      // Negative figures carry a true minus sign (U+2212).
      const centreRow = await rowText('TTHCC');
      expect(centreRow).toContain('97,50%');
      expect(centreRow).toContain('✓ +2,50 điểm %'); // 97.5 against the province's 95
      expect(centreRow).toContain('−2,50 điểm %'); // October was 100
      expect(centreRow).toContain('−7,00'); // c3 90 against 97
      const branchRow = await rowText('CN-TS');
      expect(branchRow).toContain('93,75%');
      expect(branchRow).toContain('✓ +3,75 điểm %'); // against its own 90, not the province's 95
      expect(branchRow).toContain('−20,00'); // c1 75 against the inherited 95
      // Five responses: printed without decimals, marked, never ranked.
      expect(await rowText('XA-DONG')).toMatch(/95%\s*\(ít phiếu\)/);
      // No place is shown by its bare code.
      const names = (await shownRows(page)).map((r) => r.name);
      for (const code of ['TTHCC', 'CN-TS', 'XA-DONG', 'BN']) expect(names).not.toContain(code);
      // The weakest items ("mất điểm") lead with the centre's civil-servant items.
      expect(await page.locator('table.weakest tbody tr', { hasText: CENTRE }).first().innerText()).toMatch(/CC1[\s\S]*90,00%[\s\S]*40/);

      // Sorting by component 3 (civil servants) with a click on its header: best first.
      await page.locator('table.ranking thead').getByRole('link', { name: '3. Công chức' }).click();
      await page.waitForURL(/sort=c3/);
      expect((await shownRows(page)).map((r) => r.key)).toEqual(['CN-TS', 'TTHCC', 'XA-DONG']);
      expect(await page.locator('table.ranking thead th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
      await page.locator('table.ranking thead').getByRole('link', { name: /3\. Công chức/ }).click();
      await page.waitForURL(/sort=c3&dir=asc|dir=asc.*sort=c3/);
      expect((await shownRows(page)).map((r) => r.key)).toEqual(['XA-DONG', 'TTHCC', 'CN-TS']);

      const ranking = (await (await page.request.get(`${collector.url}/api/v1/admin/ranking?${NOVEMBER}`)).json()) as {
        rows: Array<{ key: string; rank: number | null; ranked: boolean; n: number; overall: number; name: string; changePreviousPp: number | null; gaps: { overall: { gapPp: number; target: number } } }>;
      };
      expect(ranking.rows.map((r) => [r.key, r.rank, r.ranked, r.n])).toEqual([
        ['TTHCC', 1, true, 40],
        ['CN-TS', 2, true, 40],
        ['XA-DONG', null, false, 5],
      ]);
      expect(ranking.rows.map((r) => r.overall)).toEqual([97.5, 93.75, 95]);
      expect(ranking.rows.map((r) => r.gaps.overall)).toEqual([
        { target: 95, met: true, gapPp: 2.5 },
        { target: 90, met: true, gapPp: 3.75 },
        { target: 95, met: true, gapPp: 0 },
      ]);
      expect(ranking.rows[0].changePreviousPp).toBe(-2.5);

      // ── The report for the same month, downloaded as a workbook with the page's own button. ──
      await page.goto(`${collector.url}/admin/report`);
      await chooseNovember(page);
      await page.getByRole('button', { name: 'Xem báo cáo' }).click();
      await page.waitForURL(/to=2025-11-30/);
      const button = page.getByRole('link', { name: 'Tải báo cáo Excel' });
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
      expect(download.suggestedFilename()).toMatch(/^sipas-report-.*\.xlsx$/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile((await download.path())!);
      const report = (await (await page.request.get(`${collector.url}/api/v1/admin/report?${NOVEMBER}`)).json()) as { percent: number; responses: number };
      // All 85 responses: TC 75/85 and CC 80/85 satisfied, TT and KQ all; the index is the mean of the four.
      const expected = ((75 / 85) * 100 + 100 + (80 / 85) * 100 + 100) / 4;
      expect(report.responses).toBe(85);
      expect(report.percent).toBeCloseTo(expected, 10);

      const headline = workbook.getWorksheet('Chỉ số chung')!;
      expect(headline.getCell(6, 2).value).toBe(report.percent / 100);
      expect(headline.getCell(6, 2).numFmt).toBe('0.00%');
      expect(headline.getCell(6, 3).value).toBe(85);
      expect(headline.getCell(6, 5).value).toBe(0.95); // the province's target
      expect(headline.getCell(6, 6).value).toBe(Math.round((report.percent - 95) * 100) / 100);

      const sheet = workbook.getWorksheet('Xếp hạng đơn vị')!;
      const sheetRows = [6, 7, 8].map((r) => ({ rank: sheet.getCell(r, 1).value, name: sheet.getCell(r, 2).value, n: sheet.getCell(r, 5).value, overall: sheet.getCell(r, 6).value }));
      expect(sheetRows).toEqual(ranking.rows.map((r) => ({ rank: r.rank, name: r.name, n: r.n, overall: r.overall / 100 })));
      expect(sheetRows.map((r) => r.name)).toEqual([CENTRE, BRANCH, COMMUNE]);
      expect(sheet.getCell(8, 6).numFmt).toBe('0%'); // the commune's 5 responses: no decimals
    } finally {
      await office.dispose();
      removeProfile(office.profileDir);
    }
  });
});
