import { beforeAll, describe, expect, it } from 'vitest';
import { scoringView, type SipasReport } from '../../../src/collector/staff-pages';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import type { SurveyDefinition, SurveyResponse } from '../../../src/shared/survey';
import { makeBatch, makeResponse, resultsOf, startAdminCollector, type AdminTestCollector, deferCleanups } from '../helpers';

let sipas2023: SurveyDefinition;
let sipas2017: SurveyDefinition;
beforeAll(() => {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  sipas2023 = definitions.find((d) => d.id === 'sipas-2023')!;
  sipas2017 = definitions.find((d) => d.id === 'sipas-2017')!;
});

const defer = deferCleanups();

/*
 * The hand-computed dataset (sipas-2023; only the items listed are answered, all others skipped):
 *
 *        counter  completed (Vietnam)    TC1 TC2 TT1 CC1 KQ1 PA0 PA1  INT1  PRI1      FIELD    status
 *   R1   Q1       05/03/2026 09:00        5   4   3   5   4  no   –   none  veryMuch  land     complete
 *   R2   Q1       20/03/2026 09:00        4   2   4   4   5  yes  4   some  –         land     complete
 *   R3   Q2       25/03/2026 09:00        3   5   5   2   1  yes  2   none  little    justice  complete
 *   R4   Q2       01/04/2026 00:30 (=31/03 17:30 UTC) 1 – 4 5 4 no – –  –         justice  complete, comment
 *   R5   Q1       10/04/2026 09:00        5   (partial: never scored)                          partial
 *
 * Whole set (R1–R4 scored, R5 excluded as partial):
 *   TC1: 5,4,3,1 → valid 4, satisfied 2 (the 5 and the 4) → 50 %; counts [1,0,1,1,1]
 *   TC2: 4,2,5 (R4 skipped) → valid 3, satisfied 2 → 66.667 %; counts [0,1,0,1,1]; skipped 1, N/A 0
 *   TC3, TC4: nobody answered → no percent (left out of the component's mean)
 *   C1 = mean(50, 66.667) = 58.333 %
 *   TT1: 3,4,5,4 → 3/4 = 75 %; counts [0,0,1,2,1] → C2 = 75 %
 *   CC1: 5,4,2,5 → 3/4 = 75 %; counts [0,1,0,1,2] → C3 = 75 %
 *   KQ1: 4,5,1,4 → 3/4 = 75 %; counts [1,0,0,2,1] → C4 = 75 %
 *   PA1: R1 and R4 said no feedback, so component 5 was not asked: not applicable 2 of 4 (share 0.5);
 *        R2 4, R3 2 → 1/2 = 50 %; counts [0,1,0,1,0] → C5 = 50 %
 *   SIPAS = mean(58.333, 75, 75, 75, 50) = 333.333 / 5 = 66.667 %, n = 4, partial excluded 1
 *   INT1: asked 4 (the section is shown to all), answered 3: none 2 (2/3), some 1 (1/3), many 0
 *   PRI1: asked 4, answered 2: veryMuch 1/2, little 1/2
 *
 * By month (Vietnam time):
 *   03/2026 = R1, R2, R3: TC1 5,4,3 → 66.667; TC2 4,2,5 → 66.667; C1 66.667; TT1 3,4,5 → 66.667;
 *             CC1 5,4,2 → 66.667; KQ1 4,5,1 → 66.667; PA1 4,2 → 50; SIPAS = (4 × 66.667 + 50) / 5 = 63.333 %
 *   04/2026 = R4 (R5 partial): TC1 1 → 0 (TC2 skipped) so C1 0; TT1, CC1, KQ1 → 100; C5 not applicable;
 *             SIPAS = (0 + 100 + 100 + 100) / 4 = 75 %, n = 1
 * Counter Q1 = R1, R2 (+ R5 partial): TC1 5,4 → 100, TC2 4,2 → 50, C1 75; TT1 3,4 → 50; CC1 → 100;
 *             KQ1 → 100; PA1 4 → 100; SIPAS = (75 + 50 + 100 + 100 + 100) / 5 = 85 %, n = 2
 * Field "justice" = R3, R4: TC1 3,1 → 0, TC2 5 → 100, C1 50; TT1 5,4 → 100; CC1 2,5 → 50; KQ1 1,4 → 50;
 *             PA1 2 → 0; SIPAS = (50 + 100 + 50 + 50 + 0) / 5 = 50 %, n = 2
 */
function dataset(): SurveyResponse[] {
  const base = { definitionId: 'sipas-2023', definitionVersion: 1, agencyCode: 'SNV' };
  const r = (seq: number, counterCode: string, completedAt: string, answers: SurveyResponse['answers'], status: SurveyResponse['status'] = 'complete') =>
    makeResponse({ ...base, seq, counterCode, startedAt: new Date(Date.parse(completedAt) - 120_000).toISOString(), completedAt, answers, status });
  return [
    r(1, 'Q1', '2026-03-05T02:00:00.000Z', { TC1: 5, TC2: 4, TT1: 3, CC1: 5, KQ1: 4, PA0: 'no', INT1: 'none', PRI1: 'veryMuch', FIELD: 'land' }),
    r(2, 'Q1', '2026-03-20T02:00:00.000Z', { TC1: 4, TC2: 2, TT1: 4, CC1: 4, KQ1: 5, PA0: 'yes', PA1: 4, INT1: 'some', FIELD: 'land' }),
    r(3, 'Q2', '2026-03-25T02:00:00.000Z', { TC1: 3, TC2: 5, TT1: 5, CC1: 2, KQ1: 1, PA0: 'yes', PA1: 2, INT1: 'none', PRI1: 'little', FIELD: 'justice' }),
    r(4, 'Q2', '2026-03-31T17:30:00.000Z', { TC1: 1, TT1: 4, CC1: 5, KQ1: 4, PA0: 'no', FIELD: 'justice', COMMENT: '<b>Cán bộ "nhiệt tình"</b> <script>alert(1)</script>' }),
    r(5, 'Q1', '2026-04-10T02:00:00.000Z', { TC1: 5 }, 'partial'),
  ];
}

async function withDataset(): Promise<AdminTestCollector> {
  const c = await startAdminCollector({ definitions: [sipas2023, sipas2017], now: () => new Date('2026-04-15T03:00:00.000Z') });
  defer(() => c.close());
  const results = resultsOf(await c.submit(makeBatch(dataset())));
  expect(results.results.map((x) => x.status)).toEqual(Array(5).fill('created'));
  return c;
}

async function report(c: AdminTestCollector, query = ''): Promise<SipasReport> {
  const answer = await c.get(`/api/v1/admin/report${query}`);
  expect(answer.statusCode, answer.body).toBe(200);
  return JSON.parse(answer.body) as SipasReport;
}

const item = (r: SipasReport, id: string) => r.components.flatMap((c) => c.items).find((i) => i.questionId === id)!;
const component = (r: SipasReport, n: number) => r.components.find((c) => c.component === n)!;

describe('SIPAS report', () => {
  it('equals the hand-computed figures per item, per component and overall, with n, counts and shares not applicable', async () => {
    const c = await withDataset();
    const r = await report(c);
    expect(r.definition).toMatchObject({ id: 'sipas-2023', version: 1 });
    expect(r.method).toBe('item-percent-mean');
    expect(r.responses).toBe(4);
    expect(r.excludedPartial).toBe(1);

    expect(item(r, 'TC1')).toMatchObject({ valid: 4, satisfied: 2, percent: 50, counts: [1, 0, 1, 1, 1], notApplicable: 0, skipped: 0, shareNotApplicable: 0 });
    expect(item(r, 'TC2')).toMatchObject({ valid: 3, satisfied: 2, counts: [0, 1, 0, 1, 1], notApplicable: 0, skipped: 1 });
    expect(item(r, 'TC2').percent).toBeCloseTo(200 / 3, 10);
    expect(item(r, 'TC3')).toMatchObject({ valid: 0, percent: null, skipped: 4 });
    expect(item(r, 'TT1')).toMatchObject({ valid: 4, percent: 75, counts: [0, 0, 1, 2, 1] });
    expect(item(r, 'CC1')).toMatchObject({ valid: 4, percent: 75, counts: [0, 1, 0, 1, 2] });
    expect(item(r, 'KQ1')).toMatchObject({ valid: 4, percent: 75, counts: [1, 0, 0, 2, 1] });
    expect(item(r, 'PA1')).toMatchObject({ valid: 2, satisfied: 1, percent: 50, counts: [0, 1, 0, 1, 0], notApplicable: 2, skipped: 0, shareNotApplicable: 0.5 });
    expect(item(r, 'PA2')).toMatchObject({ valid: 0, percent: null, notApplicable: 2, skipped: 2 });
    expect(item(r, 'TC1').text.vi).toMatch(/^Cơ quan cung cấp thông tin/);

    expect(component(r, 1).percent).toBeCloseTo(175 / 3, 10);
    expect(component(r, 1)).toMatchObject({ itemsDefined: 2, respondents: 4, title: { vi: 'Tiếp cận dịch vụ' } });
    expect([2, 3, 4].map((n) => component(r, n).percent)).toEqual([75, 75, 75]);
    expect(component(r, 5)).toMatchObject({ percent: 50, respondents: 2, itemsDefined: 1 });
    expect(r.componentsDefined).toBe(5);
    expect(r.percent).toBeCloseTo(200 / 3, 10);

    const int1 = r.choices.find((x) => x.questionId === 'INT1')!;
    expect(int1).toMatchObject({ sectionId: 'integrity', asked: 4, answered: 3 });
    expect(int1.options.map((o) => [o.code, o.count, o.shareOfAnswered])).toEqual([
      ['none', 2, 2 / 3],
      ['some', 1, 1 / 3],
      ['many', 0, 0],
    ]);
    const pri1 = r.choices.find((x) => x.questionId === 'PRI1')!;
    expect(pri1.options.map((o) => [o.code, o.count, o.shareOfAnswered])).toEqual([
      ['veryMuch', 1, 0.5],
      ['much', 0, 0],
      ['little', 1, 0.5],
    ]);

    expect(r.trend).toHaveLength(2);
    expect(r.trend[0].month).toBe('2026-03');
    expect(r.trend[0].responses).toBe(3);
    expect(r.trend[0].percent).toBeCloseTo(190 / 3, 10);
    expect(r.trend[1]).toEqual({ month: '2026-04', responses: 1, percent: 75 });

    expect(r.comments).toEqual([
      { completedAt: '2026-03-31T17:30:00.000Z', agencyCode: 'SNV', counterCode: 'Q2', questionId: 'COMMENT', text: '<b>Cán bộ "nhiệt tình"</b> <script>alert(1)</script>' },
    ]);
  });

  it('filters by counter, by month and by service field', async () => {
    const c = await withDataset();
    const q1 = await report(c, '?counter=Q1');
    expect(q1).toMatchObject({ responses: 2, excludedPartial: 1, percent: 85 });
    expect([1, 2, 3, 4, 5].map((n) => component(q1, n).percent)).toEqual([75, 50, 100, 100, 100]);
    expect(item(q1, 'PA1')).toMatchObject({ valid: 1, notApplicable: 1, shareNotApplicable: 0.5 });

    const april = await report(c, '?from=2026-04-01&to=2026-04-30');
    expect(april).toMatchObject({ responses: 1, excludedPartial: 1, percent: 75, componentsDefined: 4 });
    expect(component(april, 5).percent).toBeNull();
    expect(april.trend).toEqual([{ month: '2026-04', responses: 1, percent: 75 }]);

    const march = await report(c, '?from=2026-03-01&to=2026-03-31&definition=sipas-2023&version=1');
    expect(march.responses).toBe(3);
    expect(march.percent).toBeCloseTo(190 / 3, 10);

    const justice = await report(c, '?field=justice');
    expect(justice).toMatchObject({ responses: 2, percent: 50 });
    expect([1, 2, 3, 4, 5].map((n) => component(justice, n).percent)).toEqual([50, 100, 50, 50, 0]);

    const nobody = await report(c, '?agency=NOBODY');
    expect(nobody).toMatchObject({ responses: 0, percent: null, trend: [], comments: [] });
  });

  it('refuses unknown questionnaires and malformed filters', async () => {
    const c = await withDataset();
    for (const query of ['?definition=sipas-1999', '?definition=sipas-2023&version=7', '?from=2026-04-31', '?field=a b']) {
      const answer = await c.get(`/api/v1/admin/report${query}`);
      expect(answer.statusCode, query).toBe(400);
      expect(JSON.parse(answer.body).error, query).toBe('bad_request');
    }
    const other = await report(c, '?definition=sipas-2017');
    expect(other).toMatchObject({ responses: 0, definition: { id: 'sipas-2017' } });
  });

  it('prints the same numbers on a page, with both charts, the method and every figure escaped', async () => {
    const c = await withDataset();
    const page = await c.get('/admin/report');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    expect(body).toContain('<span class="big">66,67%</span> tính trên 4 phiếu đầy đủ · 1 phiếu bỏ dở không được tính');
    expect(body).toContain('% hài lòng của một câu = số trả lời ở mức 4 (Hài lòng) hoặc 5 (Rất hài lòng) ÷ số trả lời hợp lệ');
    // The five components in the bar chart, with their values as text.
    expect(body).toContain('<svg role="img" aria-label="Biểu đồ tỷ lệ hài lòng của năm yếu tố"');
    for (const value of ['58,33%', '75,00%', '50,00%']) expect(body).toContain(`font-weight="700" fill="#111">${value}</text>`);
    // Item rows: percent, n, counts 1–5, share not applicable with its count, skipped.
    expect(body).toMatch(/<td>PA1<\/td>\s*<td class="text"><strong>Dễ phản ánh, kiến nghị<\/strong><br\/><span class="hint">Cơ quan có bố trí hình thức[^<]*<\/span><\/td>\s*<td class="num"><strong>50,00%<\/strong><\/td>\s*<td class="num">2<\/td>\s*<td class="num">0<\/td><td class="num">1<\/td><td class="num">0<\/td><td class="num">1<\/td><td class="num">0<\/td>\s*<td class="num">50,0% \(2\)<\/td>\s*<td class="num">0<\/td>/);
    // Trend chart and table.
    expect(body).toContain('aria-label="Biểu đồ chỉ số SIPAS theo tháng"');
    expect(body).toContain('<tr><td>03/2026</td><td class="num">3</td><td class="num">63,33%</td></tr>');
    expect(body).toContain('<tr><td>04/2026</td><td class="num">1</td><td class="num">75,00%</td></tr>');
    // Integrity and priorities as shares of those who answered.
    expect(body).toContain('<td class="num">66,7% (2)</td>');
    expect(body).toContain('Phiền hà, tiêu cực');
    // The comment is shown as text, never as markup.
    expect(body).toContain('&lt;b>Cán bộ &quot;nhiệt tình&quot;&lt;/b> &lt;script>alert(1)&lt;/script>');
    expect(body).not.toContain('<script>alert(1)</script>');
    // Printable: navigation and forms hidden on paper.
    expect(body).toContain('@media print');
    expect(body).toContain('<button type="button" class="secondary" data-print>In báo cáo</button>');

    const english = await c.get('/admin/report?lang=en&counter=Q1');
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('<span class="big">85.00%</span> from 2 complete responses');
    // (Attribute order is the cookie library's; RFC 6265 gives it no meaning.)
    expect(english.headers['set-cookie']).toMatch(/^sipas_admin_lang=en;/);
    expect((english.headers['set-cookie'] as string).split('; ')).toContain('Path=/admin');
    expect(english.body).toContain('href="/api/v1/admin/report?definition=sipas-2023&amp;counter=Q1"');
  });

  it('scores the monthly trend on a view of the definition that keeps every scored item and the questions deciding them', () => {
    const view = scoringView(sipas2023);
    expect(view.sections.map((s) => s.id)).toEqual(['access', 'procedures', 'civilServants', 'results', 'feedbackFilter', 'feedback']);
  });
});
