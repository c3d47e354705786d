import { describe, expect, it } from 'vitest';
import { nextPeriod, offeredPeriods, periodDays, periodGranularity, periodOfMonth, type SipasReport } from '../../../src/collector/staff-pages';
import type { SurveyResponse } from '../../../src/shared/survey';
import { adminCollectors, deferCleanups, makeBatch, makeResponse, resultsOf, type AdminTestCollector } from '../helpers';

const defer = deferCleanups();
const admin = adminCollectors(defer);

type Report = SipasReport & { explanation: Record<'vi' | 'en', string[]> };

async function report(c: AdminTestCollector, query = ''): Promise<Report> {
  const answer = await c.get(`/api/v1/admin/report?definition=sipas-test${query}`);
  expect(answer.statusCode, answer.body).toBe(200);
  return JSON.parse(answer.body) as Report;
}

const item = (r: SipasReport, id: string) => r.components.flatMap((c) => c.items).find((i) => i.questionId === id)!;
const component = (r: SipasReport, n: number) => r.components.find((c) => c.component === n)!;

/*
 * Fifty sipas-test responses in March 2026, nobody with feedback (PA0 no, so component 5 is never asked):
 *   TC1: 45 × "4", 5 × "3" → 45/50 = 90 %; Wilson 95 % (z 1.96) = [78.6395, 95.6525] (tests/shared/survey/wilson.test.ts)
 *   TC2 5, TT1 4, CC1 5, KQ1 4 for everyone → 100 %, Wilson [92.8652, 100] (50/50: low = 1 / (1 + 3.8416/50) = 0.928652)
 *   C1 = (90 + 100) / 2 = 95; C2 = C3 = C4 = 100; C5 undefined; SIPAS = 395 / 4 = 98.75 %, n = 50
 *   not applicable: PA1 for all 50 → component 5 share 1, component 1 share 0, overall 50 / (6 items × 50) = 1/6
 */
async function fifty(): Promise<AdminTestCollector> {
  const c = await admin({ now: () => new Date('2026-04-15T03:00:00.000Z') });
  const responses = Array.from({ length: 50 }, (_, i) =>
    makeResponse({
      seq: i + 1,
      startedAt: new Date(Date.parse('2026-03-02T01:00:00.000Z') + i * 3_600_000).toISOString(),
      completedAt: new Date(Date.parse('2026-03-02T01:02:00.000Z') + i * 3_600_000).toISOString(),
      answers: { TC1: i < 45 ? 4 : 3, TC2: 5, TT1: 4, CC1: 5, KQ1: 4, PA0: 'no' },
    }),
  );
  resultsOf(await c.submit(makeBatch(responses)));
  return c;
}

describe('honest figures', () => {
  it('gives every item its 95% Wilson interval and n, every component and the index their n and share not applicable', async () => {
    const c = await fifty();
    const r = await report(c);
    expect(r.responses).toBe(50);
    expect(r.percent).toBeCloseTo(98.75, 10);
    expect(item(r, 'TC1')).toMatchObject({ valid: 50, satisfied: 45, percent: 90, lowN: false });
    expect(item(r, 'TC1').interval!.low).toBeCloseTo(78.6395, 3);
    expect(item(r, 'TC1').interval!.high).toBeCloseTo(95.6525, 3);
    expect(item(r, 'TC2').interval!.low).toBeCloseTo(92.8652, 3);
    expect(item(r, 'TC2').interval!.high).toBe(100);
    expect(item(r, 'PA1')).toMatchObject({ valid: 0, percent: null, interval: null, lowN: false });
    expect(component(r, 1)).toMatchObject({ n: 50, shareNotApplicable: 0, lowN: false });
    expect(component(r, 1).percent).toBeCloseTo(95, 10);
    expect(component(r, 5)).toMatchObject({ n: 0, percent: null, shareNotApplicable: 1, lowN: false });
    expect(r.figures).toMatchObject({ minValid: 30, interval: 'wilson', confidence: 0.95, z: 1.96, n: 50, lowN: false });
    expect(r.figures.shareNotApplicable).toBeCloseTo(1 / 6, 12);
  });

  it.each<[string, string, boolean]>([
    ['the default 30: 50 answers are enough', '', false],
    ['a threshold of 50: still enough', '&minValid=50', false],
    ['a threshold of 51: few', '&minValid=51', true],
  ])('marks figures on too few answers "ít phiếu" (%s)', async (_name, query, low) => {
    const c = await fifty();
    const r = await report(c, query);
    expect(item(r, 'TC1').lowN).toBe(low);
    expect(component(r, 1).lowN).toBe(low);
    expect(r.figures.lowN).toBe(low);
    expect(r.trend.map((p) => p.lowN)).toEqual([low]);
  });

  it('refuses a threshold that is no whole number from 1 to 10,000', async () => {
    const c = await fifty();
    for (const bad of ['0', '-3', '2.5', '10001', 'many']) expect((await c.get(`/api/v1/admin/report?minValid=${bad}`)).statusCode, bad).toBe(400);
  });

  it('prints two decimals and the interval on enough answers, no decimals and "ít phiếu" on too few', async () => {
    const c = await fifty();
    const enough = (await c.get('/admin/report?definition=sipas-test')).body;
    expect(enough).toContain('<span class="big">98,75%</span>');
    expect(enough).toContain('<strong>90,00%</strong><br/><span class="hint ci" title="Khoảng tin cậy 95% (phương pháp Wilson)');
    expect(enough).toContain('>KTC 95%: 78,6–95,7%</span>');
    expect(enough).toContain('n = 50 phiếu · 16,7% số câu hỏi không áp dụng</p>');
    expect(enough).not.toContain('(ít phiếu)');
    const few = (await c.get('/admin/report?definition=sipas-test&minValid=51')).body;
    expect(few).toContain('<span class="big">99%</span>');
    expect(few).toContain('<strong>90%</strong> <span class="bad low-n" title="Dựa trên ít hơn 51 trả lời hợp lệ');
    expect(few).toContain('>KTC 95%: 79–96%</span>');
    expect(few).toContain('“Ít phiếu”: con số dựa trên ít hơn 51 trả lời hợp lệ');
  });

  it('explains the method in plain Vietnamese and English, on the page and in report.json', async () => {
    const c = await fifty();
    const r = await report(c, '&minValid=40');
    expect(r.explanation.vi).toHaveLength(10);
    expect(r.explanation.en).toHaveLength(10);
    const vi = r.explanation.vi.join('\n');
    for (const words of ['Chỉ số SIPAS', 'mức 4 (Hài lòng) hoặc 5 (Rất hài lòng)', 'trung bình cộng', '“n”', 'Khoảng tin cậy 95%', '“Không áp dụng”', 'ít hơn 40 trả lời hợp lệ', 'Phiếu có cờ', 'hết thời gian chờ', 'giờ Việt Nam']) {
      expect(vi).toContain(words);
    }
    expect(r.explanation.en.join('\n')).toContain('fewer than 40 valid answers');
    const page = (await c.get('/admin/report?definition=sipas-test')).body;
    expect(page).toContain('<h2 id="method">Cách đọc các con số</h2>');
    for (const paragraph of (await report(c)).explanation.vi) expect(page).toContain(`<p>${paragraph}</p>`);
  });
});

/*
 * Five responses (all items 4: every period's index is 100 %) around a year boundary, Vietnam time:
 *   a 2025-11-10T02:00Z → 11/2025, Q4 2025
 *   b 2025-12-31T16:59Z → 31/12/2025 23:59 → 12/2025, Q4 2025, 2025
 *   c 2025-12-31T17:00Z → 01/01/2026 00:00 → 01/2026, Q1 2026, 2026
 *   d 2026-02-10T02:00Z → 02/2026, Q1 2026
 *   e 2026-05-05T02:00Z → 05/2026, Q2 2026
 * "Today" is 15/07/2026.
 */
async function aroundNewYear(): Promise<AdminTestCollector> {
  const c = await admin({ now: () => new Date('2026-07-15T03:00:00.000Z') });
  const at = ['2025-11-10T02:00:00.000Z', '2025-12-31T16:59:00.000Z', '2025-12-31T17:00:00.000Z', '2026-02-10T02:00:00.000Z', '2026-05-05T02:00:00.000Z'];
  const responses: SurveyResponse[] = at.map((completedAt, i) =>
    makeResponse({ seq: i + 1, startedAt: new Date(Date.parse(completedAt) - 90_000).toISOString(), completedAt, answers: { TC1: 4, TC2: 4, TT1: 4, CC1: 4, KQ1: 4, PA0: 'no' } }),
  );
  resultsOf(await c.submit(makeBatch(responses)));
  return c;
}

const points = (r: SipasReport) => r.trend.map((p) => [p.period, p.responses, p.percent]);

describe('periods', () => {
  it.each<[string, string, string]>([
    ['a month', '2026-02', '&from=2026-02-01&to=2026-02-28'],
    ['a leap February', '2028-02', '&from=2028-02-01&to=2028-02-29'],
    ['a quarter', '2026-Q1', '&from=2026-01-01&to=2026-03-31'],
    ['the last quarter', '2025-Q4', '&from=2025-10-01&to=2025-12-31'],
    ['a year', '2025', '&from=2025-01-01&to=2025-12-31'],
  ])('%s (period=%s) is the same report as its range of days', async (_name, period, range) => {
    const c = await aroundNewYear();
    const byPeriod = await report(c, `&period=${period}`);
    const byDays = await report(c, range);
    expect(byPeriod.responses).toBe(byDays.responses);
    expect(points(byPeriod)).toEqual(points(byDays));
    expect(byPeriod.query.period).toBe(period);
  });

  it('counts the Vietnam-time edges of a year in the right period', async () => {
    const c = await aroundNewYear();
    expect((await report(c, '&period=2025')).responses).toBe(2);
    expect((await report(c, '&period=2026')).responses).toBe(3);
    expect((await report(c, '&period=2025-12')).responses).toBe(1);
    expect((await report(c, '&period=2026-Q1')).responses).toBe(2);
  });

  it('refuses a period with a range of days, and a malformed period', async () => {
    const c = await aroundNewYear();
    for (const bad of ['&period=2026-Q1&from=2026-01-05', '&period=2026-Q5', '&period=2026-13', '&period=26', '&trend=week']) {
      expect((await c.get(`/api/v1/admin/report?definition=sipas-test${bad}`)).statusCode, bad).toBe(400);
    }
  });

  it.each<[string, string, Array<[string, number, number | null]>]>([
    ['quarters over the year boundary', '&trend=quarter&from=2025-10-01&to=2026-06-30', [['2025-Q4', 2, 100], ['2026-Q1', 2, 100], ['2026-Q2', 1, 100]]],
    ['years', '&trend=year', [['2025', 2, 100], ['2026', 3, 100]]],
    [
      'months, the empty ones with 0 and no index',
      '&from=2025-10-01&to=2026-06-30',
      [['2025-10', 0, null], ['2025-11', 1, 100], ['2025-12', 1, 100], ['2026-01', 1, 100], ['2026-02', 1, 100], ['2026-03', 0, null], ['2026-04', 0, null], ['2026-05', 1, 100], ['2026-06', 0, null]],
    ],
    ['months of an open range: from the first to the last with responses', '', [['2025-11', 1, 100], ['2025-12', 1, 100], ['2026-01', 1, 100], ['2026-02', 1, 100], ['2026-03', 0, null], ['2026-04', 0, null], ['2026-05', 1, 100]]],
    ['a range running into the future stops at today', '&from=2026-05-01&to=2026-12-31', [['2026-05', 1, 100], ['2026-06', 0, null], ['2026-07', 0, null]]],
    ['quarters of one chosen year', '&period=2026&trend=quarter', [['2026-Q1', 2, 100], ['2026-Q2', 1, 100], ['2026-Q3', 0, null]]],
  ])('gives a trend by %s', async (_name, query, expected) => {
    const c = await aroundNewYear();
    const r = await report(c, query);
    expect(points(r)).toEqual(expected);
    expect(r.trendGranularity).toBe(query.includes('trend=quarter') ? 'quarter' : query.includes('trend=year') ? 'year' : 'month');
  });

  it('shows the period chosen, the trend by quarter with empty periods as "—", and offers months, quarters and years', async () => {
    const c = await aroundNewYear();
    const page = (await c.get('/admin/report?definition=sipas-test&period=2026&trend=quarter')).body;
    expect(page).toContain('<strong>Phạm vi:</strong> Năm 2026');
    expect(page).toContain('<h2 id="trend">Diễn biến theo quý</h2>');
    expect(page).toContain('<tr><td>Quý 3/2026</td><td class="num">0</td><td class="num">—</td></tr>');
    expect(page).toContain('<option value="2026" selected>Năm 2026</option>');
    expect(page).toContain('<option value="quarter" selected>quý</option>');
    expect(page).toContain('<option value="2026-07">Tháng 07/2026</option>');
    expect(page).not.toContain('<option value="2026-08">');
    const english = (await c.get('/admin/report?definition=sipas-test&period=2025-Q4&lang=en')).body;
    expect(english).toContain('<option value="2025-Q4" selected>Q4 2025</option>');
  });
});

describe('period arithmetic', () => {
  it.each<[string, 'month' | 'quarter' | 'year', string, string]>([
    ['2025-12', 'month', '2025-12', '2026-01'],
    ['2025-12', 'quarter', '2025-Q4', '2026-Q1'],
    ['2026-04', 'quarter', '2026-Q2', '2026-Q3'],
    ['2025-12', 'year', '2025', '2026'],
  ])('%s by %s is %s, followed by %s', (month, granularity, period, next) => {
    expect(periodOfMonth(month, granularity)).toBe(period);
    expect(nextPeriod(period, granularity)).toBe(next);
    expect(periodGranularity(period)).toBe(granularity);
  });

  it('knows the last day of every kind of period', () => {
    expect(periodDays('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodDays('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(periodDays('2026-Q2')).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(periodDays('2026-Q4')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodDays('2026')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(() => periodDays('2026-Q0')).toThrow();
  });

  it('offers the periods up to today, newest first, across year boundaries', () => {
    const offered = offeredPeriods('2026-02-10');
    expect(offered.month.slice(0, 3)).toEqual(['2026-02', '2026-01', '2025-12']);
    expect(offered.month).toHaveLength(24);
    expect(offered.quarter.slice(0, 3)).toEqual(['2026-Q1', '2025-Q4', '2025-Q3']);
    expect(offered.year).toEqual(['2026', '2025', '2024', '2023', '2022']);
  });
});
