import { beforeAll, describe, expect, it } from 'vitest';
import { scoringView, type SipasReport } from '../../../src/collector/staff-pages';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import type { SurveyDefinition, SurveyResponse } from '../../../src/shared/survey';
import { definitionSchema } from '../../../src/shared/schemas';
import type { CollectorFlags } from '../../../src/collector/stores';
import { makeBatch, makeResponse, resultsOf, seedResponses, startAdminCollector, testDefinition, validItem, type AdminTestCollector, deferCleanups } from '../helpers';

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

    // (Issue 11: trend points name their period and its days, and say when they rest on few responses.)
    expect(r.trend).toHaveLength(2);
    expect(r.trend[0]).toMatchObject({ period: '2026-03', from: '2026-03-01', to: '2026-03-31', responses: 3, lowN: true });
    expect(r.trend[0].percent).toBeCloseTo(190 / 3, 10);
    expect(r.trend[1]).toEqual({ period: '2026-04', from: '2026-04-01', to: '2026-04-30', responses: 1, percent: 75, lowN: true });

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
    expect(april.trend).toEqual([{ period: '2026-04', from: '2026-04-01', to: '2026-04-30', responses: 1, percent: 75, lowN: true }]);

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
    // (Issue 11: a threshold of 1 keeps every figure with its decimals; the default marks this 4-response
    // set "ít phiếu", which report-figures.test.ts checks.)
    const page = await c.get('/admin/report?minValid=1');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    expect(body).toContain('<span class="big">66,67%</span> tính trên 4 phiếu đầy đủ · 1 phiếu bỏ dở không được tính');
    expect(body).toContain('Tỷ lệ hài lòng của một câu = số người chọn mức 4 (Hài lòng) hoặc 5 (Rất hài lòng) chia cho số người trả lời hợp lệ');
    // The five components in the bar chart, with their values as text.
    expect(body).toContain('<svg role="img" aria-label="Biểu đồ tỷ lệ hài lòng của năm yếu tố"');
    for (const value of ['58,33%', '75,00%', '50,00%']) expect(body).toContain(`font-weight="700" fill="#111">${value}</text>`);
    // Item rows: percent, n, counts 1–5, share not applicable with its count, skipped.
    expect(body).toMatch(/<td>PA1<\/td>\s*<td class="text"><strong>Dễ phản ánh, kiến nghị<\/strong><br\/><span class="hint">Cơ quan có bố trí hình thức[^<]*<\/span><\/td>\s*<td class="num"><strong>50,00%<\/strong><br\/><span class="hint ci" title="[^"]*">KTC 95%: 9,5–90,5%<\/span><\/td>\s*<td class="num">2<\/td>\s*<td class="num">0<\/td><td class="num">1<\/td><td class="num">0<\/td><td class="num">1<\/td><td class="num">0<\/td>\s*<td class="num">50,0% \(2\)<\/td>\s*<td class="num">0<\/td>/);
    // Trend chart and table.
    expect(body).toContain('aria-label="Biểu đồ chỉ số SIPAS theo tháng"');
    expect(body).toContain('<tr><td>Tháng 03/2026</td><td class="num">3</td><td class="num">63,33%</td></tr>');
    expect(body).toContain('<tr><td>Tháng 04/2026</td><td class="num">1</td><td class="num">75,00%</td></tr>');
    // Integrity and priorities as shares of those asked (issue 11, part 5: INT1 none 2 of the 4 asked),
    // where they were shares of those who answered (66,7%) before.
    expect(body).toContain('<li data-option="none">Không có: 50,0% (2)</li>');
    expect(body).toContain('Phiền hà, tiêu cực');
    // The comment is shown as text, never as markup.
    expect(body).toContain('&lt;b>Cán bộ &quot;nhiệt tình&quot;&lt;/b> &lt;script>alert(1)&lt;/script>');
    expect(body).not.toContain('<script>alert(1)</script>');
    // Printable: navigation and forms hidden on paper.
    expect(body).toContain('@media print');
    expect(body).toContain('<button type="button" class="secondary" data-print>In báo cáo</button>');

    const english = await c.get('/admin/report?lang=en&counter=Q1');
    expect(english.body).toContain('<html lang="en">');
    // Two responses under the default threshold of 30: no decimals, marked.
    expect(english.body).toContain('<span class="big">85%</span> from 2 complete responses');
    expect(english.body).toContain('(few responses)</span>');
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

/** sipas-test from the helpers as version 1, and a version 2 that drops TC2, adds TC3 and rewords TT1. */
function versionedDefinitions(): SurveyDefinition[] {
  const v1 = testDefinition('sipas-ver', 1);
  const base = testDefinition('sipas-ver', 2);
  const v2 = definitionSchema.parse({
    ...base,
    sections: base.sections.map((section) => {
      if (section.id === 'access') return { ...section, questions: [section.questions[0], { ...section.questions[1], id: 'TC3', text: { vi: 'Câu TC3', en: 'Item TC3' } }] };
      if (section.id === 'procedures') return { ...section, questions: [{ ...section.questions[0], text: { vi: 'Câu TT1 (sửa)', en: 'Item TT1 (reworded)' } }] };
      return section;
    }),
  });
  return [v1, v2];
}

/** Stores rows straight through the store (no HTTP checks), with the collector's flags when given. */
async function store(c: AdminTestCollector, rows: Array<{ response: SurveyResponse; collectorFlags?: CollectorFlags }>): Promise<void> {
  const items = rows.map(({ response, collectorFlags }) => ({ ...validItem(response), ...(collectorFlags ? { collectorFlags } : {}) }));
  const outcomes = await c.store.ingest({ deviceId: c.deviceId, receivedAt: '2026-04-15T03:00:00.000Z', report: null, source: 'sync', items });
  expect(outcomes.map((o) => o.status)).toEqual(rows.map(() => 'created'));
}

/*
 * Two versions of sipas-ver (v1: TC1 TC2 TT1 CC1 KQ1 PA1; v2: TC1 TC3 TT1* CC1 KQ1 PA1), v1 answered in
 * March, v2 in April (Vietnam time):
 *
 *        TC1 TC2 TC3 TT1 CC1 KQ1 PA0 PA1
 *   A1 v1  5   4   ·   4   5   4  no   –
 *   A2 v1  2   5   ·   3   4   2  no   –
 *   B1 v2  4   ·   4   5   5   5  yes  4
 *   B2 v2  4   ·   2   4   2   4  no   –
 *   B3 v2  1   ·   5   2   4   5  no   –
 *
 * Default (the newest version with responses, v2, n = 3): TC1 4,4,1 → 66.667; TC3 4,2,5 → 66.667; C1 66.667;
 *   TT1 5,4,2 → 66.667; CC1 5,2,4 → 66.667; KQ1 5,4,5 → 100; PA1 4 → 100 (N/A 2);
 *   SIPAS = (3 × 66.667 + 100 + 100) / 5 = 80
 * version=1 (n = 2): TC1 5,2 → 50; TC2 4,5 → 100; C1 75; TT1 4,3 → 50; CC1 → 100; KQ1 4,2 → 50; C5 none;
 *   SIPAS = (75 + 50 + 100 + 50) / 4 = 68.75
 * version=all (n = 5): TC1 5,2,4,4,1 → 3/5 = 60, counts [1,1,0,2,1]; TC2 4,5 → 100, N/A 3 (v2's respondents);
 *   TC3 4,2,5 → 66.667, N/A 2 (v1's), skipped 0; C1 = (60 + 66.667 + 100) / 3 = 680 / 9;
 *   TT1 4,3,5,4,2 → 60; CC1 5,4,5,2,4 → 80; KQ1 4,2,5,4,5 → 80; PA1 4 → 100 (N/A 4);
 *   SIPAS = (680/9 + 60 + 80 + 80 + 100) / 5 = 3560 / 45 = 79.111; trend 03/2026 = 68.75 (n 2), 04/2026 = 80 (n 3)
 */
async function withVersions(): Promise<AdminTestCollector> {
  const c = await startAdminCollector({ definitions: [...versionedDefinitions(), sipas2023], now: () => new Date('2026-04-15T03:00:00.000Z') });
  defer(() => c.close());
  const r = (seq: number, definitionVersion: number, completedAt: string, answers: SurveyResponse['answers']) => ({
    response: makeResponse({ seq, definitionId: 'sipas-ver', definitionVersion, startedAt: new Date(Date.parse(completedAt) - 90_000).toISOString(), completedAt, answers }),
  });
  await store(c, [
    r(1, 1, '2026-03-10T02:00:00.000Z', { TC1: 5, TC2: 4, TT1: 4, CC1: 5, KQ1: 4, PA0: 'no' }),
    r(2, 1, '2026-03-11T02:00:00.000Z', { TC1: 2, TC2: 5, TT1: 3, CC1: 4, KQ1: 2, PA0: 'no' }),
    r(3, 2, '2026-04-02T02:00:00.000Z', { TC1: 4, TC3: 4, TT1: 5, CC1: 5, KQ1: 5, PA0: 'yes', PA1: 4 }),
    r(4, 2, '2026-04-03T02:00:00.000Z', { TC1: 4, TC3: 2, TT1: 4, CC1: 2, KQ1: 4, PA0: 'no' }),
    r(5, 2, '2026-04-04T02:00:00.000Z', { TC1: 1, TC3: 5, TT1: 2, CC1: 4, KQ1: 5, PA0: 'no' }),
  ]);
  return c;
}

describe('SIPAS report over several versions', () => {
  it('covers only the newest version with responses by default, and lists the others with their counts', async () => {
    const c = await withVersions();
    const r = await report(c, '?definition=sipas-ver');
    expect(r.definition).toMatchObject({ id: 'sipas-ver', version: 2 });
    expect(r.versions).toEqual({
      scope: 'one',
      covered: [2],
      available: [
        { version: 2, responses: 3, known: true },
        { version: 1, responses: 2, known: true },
      ],
      changes: [{ from: 1, to: 2, added: ['TC3'], removed: ['TC2'], reworded: ['TT1'] }],
    });
    expect(r.responses).toBe(3);
    expect(r.percent).toBeCloseTo(80, 10);
    expect(r.components[0].items.map((i) => i.questionId)).toEqual(['TC1', 'TC3']);
    expect(item(r, 'TC1').percent).toBeCloseTo(200 / 3, 10);
    expect(item(r, 'PA1')).toMatchObject({ valid: 1, percent: 100, notApplicable: 2 });
    expect(r.trend).toEqual([{ period: '2026-04', from: '2026-04-01', to: '2026-04-30', responses: 3, percent: r.percent, lowN: true }]);
  });

  it('covers one chosen version', async () => {
    const c = await withVersions();
    const r = await report(c, '?definition=sipas-ver&version=1');
    expect(r.versions).toMatchObject({ scope: 'one', covered: [1] });
    expect(r).toMatchObject({ responses: 2, percent: 68.75, componentsDefined: 4 });
    expect(item(r, 'TC2')).toMatchObject({ valid: 2, percent: 100 });
    expect(r.components[0].items.map((i) => i.questionId)).toEqual(['TC1', 'TC2']);
  });

  it('matches items by id over all versions: never asked is not applicable, removed items keep their answers', async () => {
    const c = await withVersions();
    const r = await report(c, '?definition=sipas-ver&version=all');
    expect(r.versions).toMatchObject({ scope: 'all', covered: [2, 1] });
    expect(r.responses).toBe(5);
    expect(item(r, 'TC1')).toMatchObject({ valid: 5, satisfied: 3, percent: 60, counts: [1, 1, 0, 2, 1], notApplicable: 0, skipped: 0 });
    expect(item(r, 'TC2')).toMatchObject({ valid: 2, percent: 100, notApplicable: 3, skipped: 0, shareNotApplicable: 0.6 });
    expect(item(r, 'TC3')).toMatchObject({ valid: 3, satisfied: 2, notApplicable: 2, skipped: 0, shareNotApplicable: 0.4 });
    expect(item(r, 'TT1')).toMatchObject({ valid: 5, percent: 60, text: { vi: 'Câu TT1 (sửa)' } });
    expect(item(r, 'PA1')).toMatchObject({ valid: 1, notApplicable: 4 });
    expect(r.components[0].items.map((i) => i.questionId)).toEqual(['TC1', 'TC3', 'TC2']);
    expect(r.components[0].percent).toBeCloseTo(680 / 9, 10);
    expect([2, 3, 4, 5].map((n) => component(r, n).percent)).toEqual([60, 80, 80, 100]);
    expect(r.percent).toBeCloseTo(3560 / 45, 10);
    expect(r.trend.map((p) => [p.period, p.responses])).toEqual([
      ['2026-03', 2],
      ['2026-04', 3],
    ]);
    expect(r.trend[0].percent).toBeCloseTo(68.75, 10);
    expect(r.trend[1].percent).toBeCloseTo(80, 10);
  });

  it('says on the page which version it covers, links the others and all versions, and lists the items that differ', async () => {
    const c = await withVersions();
    const page = (await c.get('/admin/report?definition=sipas-ver')).body;
    expect(page).toContain('Báo cáo này chỉ tính phiên bản 2 (3 phiếu khớp bộ lọc).');
    expect(page).toContain('<a href="/admin/report?definition=sipas-ver&amp;version=1">phiên bản 1 (2 phiếu)</a>');
    expect(page).toContain('<a href="/admin/report?definition=sipas-ver&amp;version=all">Gộp mọi phiên bản (theo mã câu hỏi)</a>');
    expect(page).toContain('<strong>Từ phiên bản 1 sang phiên bản 2:</strong> thêm: TC3; bỏ: TC2; đổi cách diễn đạt: TT1');
    const all = (await c.get('/admin/report?definition=sipas-ver&version=all&lang=en')).body;
    expect(all).toContain('This report merges versions 2, 1 item by item, by question id');
    expect(all).toContain('<option value="all" selected>All versions together (by question id)</option>');
    // (5 responses, under the default threshold of 30: printed without decimals, issue 11.)
    expect(all).toContain('<span class="big">79%</span> from 5 complete responses');
  });

  it('says nothing about other versions when only one has responses', async () => {
    const c = await withDataset();
    const r = await report(c);
    expect(r.versions).toEqual({ scope: 'one', covered: [1], available: [{ version: 1, responses: 5, known: true }], changes: [] });
    expect((await c.get('/admin/report')).body).not.toContain('Phiên bản khác có phiếu');
  });
});

/*
 * Flags (sipas-test, PA0 = no everywhere, so component 5 is never asked; stored with the collector's
 * flags as ingest would set them):
 *
 *        flags                      TC1 TC2 TT1 CC1 KQ1   completed (UTC)
 *   F1   –                            5   5   5   5   5   2026-03-10 02:00
 *   F2   –                            4   2   4   4   2   2026-03-11 02:00
 *   F3   tooFast                      1   1   1   1   1   2026-03-12 02:00
 *   F4   placeMismatch, clockSkew     5   4   2   5   4   2026-03-31 20:00 (01/04 in Vietnam), kiosk 5 h ahead:
 *                                                        placed 2026-03-31 15:00 UTC = 31/03 22:00 in Vietnam
 *   F5   belowMinInterval             4   4   4   4   4   2026-03-13 02:00
 *
 * Everything (n 5): TC1 4/5 = 80, TC2 3/5 = 60 → C1 70; TT1 60; CC1 80; KQ1 60; SIPAS = 270 / 4 = 67.5
 * Without flagged (F1, F2): TC1 100, TC2 50 → C1 75; TT1 100; CC1 100; KQ1 50; SIPAS = 325 / 4 = 81.25 (+13.75 pp)
 * exclude=tooFast (n 4): TC1 100, TC2 75 → C1 87.5; TT1 75; CC1 100; KQ1 75; SIPAS = 337.5 / 4 = 84.375
 */
const FIVE_HOURS_MS = 5 * 3600 * 1000;
async function withFlags(): Promise<AdminTestCollector> {
  const c = await startAdminCollector({ now: () => new Date('2026-04-15T03:00:00.000Z') });
  defer(() => c.close());
  const r = (seq: number, completedAt: string, v: [number, number, number, number, number], flags: Partial<SurveyResponse['flags']> = {}) =>
    makeResponse({
      seq,
      startedAt: new Date(Date.parse(completedAt) - 90_000).toISOString(),
      completedAt,
      answers: { TC1: v[0], TC2: v[1], TT1: v[2], CC1: v[3], KQ1: v[4], PA0: 'no' },
      flags: { tooFast: false, belowMinInterval: false, ...flags },
    });
  await store(c, [
    { response: r(1, '2026-03-10T02:00:00.000Z', [5, 5, 5, 5, 5]) },
    { response: r(2, '2026-03-11T02:00:00.000Z', [4, 2, 4, 4, 2]) },
    { response: r(3, '2026-03-12T02:00:00.000Z', [1, 1, 1, 1, 1], { tooFast: true }) },
    { response: r(4, '2026-03-31T20:00:00.000Z', [5, 4, 2, 5, 4]), collectorFlags: { clockSkewMs: FIVE_HOURS_MS, clockSkew: true, placeMismatch: true } },
    { response: r(5, '2026-03-13T02:00:00.000Z', [4, 4, 4, 4, 4], { belowMinInterval: true }) },
  ]);
  return c;
}

/*
 * Ended by the idle timeout (sipas-test, PA0 = no): the timeout stores a response whose core is done,
 * so it is complete and scored, and disclosed and excludable as the flag endedByTimeout.
 *
 *        endedBy         TC1 TC2 TT1 CC1 KQ1
 *   T1   (not sent)        5   5   5   5   5
 *   T2   timeout           4   2   4   4   2
 *   T3   citizen           1   1   1   1   1
 *
 * Everything (n 3): TC1 66.667, TC2 33.333 → C1 50; TT1 66.667; CC1 66.667; KQ1 33.333 → 650 / 12
 * Without the timeout's (T1, T3): every item 50 → SIPAS 50
 */
describe('SIPAS report: responses ended by the idle timeout', () => {
  async function withTimeouts(): Promise<AdminTestCollector> {
    const c = await startAdminCollector({ now: () => new Date('2026-04-15T03:00:00.000Z') });
    defer(() => c.close());
    const r = (seq: number, v: number[], endedBy?: 'citizen' | 'timeout') =>
      makeResponse({
        seq,
        completedAt: `2026-03-1${seq}T02:00:00.000Z`,
        startedAt: `2026-03-1${seq}T01:58:00.000Z`,
        answers: { TC1: v[0], TC2: v[1], TT1: v[2], CC1: v[3], KQ1: v[4], PA0: 'no' },
        ...(endedBy ? { endedBy } : {}),
      });
    await store(c, [{ response: r(1, [5, 5, 5, 5, 5]) }, { response: r(2, [4, 2, 4, 4, 2], 'timeout') }, { response: r(3, [1, 1, 1, 1, 1], 'citizen') }]);
    return c;
  }

  it('scores them and counts them as ended by the timeout', async () => {
    const r = await report(await withTimeouts(), '?definition=sipas-test');
    expect(r.responses).toBe(3);
    expect(r.percent).toBeCloseTo(650 / 12, 10);
    expect(r.flags.counts.find((f) => f.flag === 'endedByTimeout')).toEqual({ flag: 'endedByTimeout', responses: 1 });
    expect(r.flags).toMatchObject({ flaggedResponses: 1, excludedResponses: 0, percentWithoutFlagged: 50 });
  });

  it('leaves them out with exclude=endedByTimeout', async () => {
    const r = await report(await withTimeouts(), '?definition=sipas-test&exclude=endedByTimeout');
    expect(r.responses).toBe(2);
    expect(r.percent).toBe(50);
    expect(r.flags).toMatchObject({ excluded: ['endedByTimeout'], excludedResponses: 1 });
  });

  it('shows their count on the page', async () => {
    const page = (await (await withTimeouts()).get('/admin/report?definition=sipas-test')).body;
    expect(page).toContain('<td>Kết thúc do hết thời gian chờ</td><td class="num">1</td>');
  });
});

describe('SIPAS report: flagged responses', () => {
  it('counts every flag, how many were placed corrected for clock skew, and the index with and without them', async () => {
    const c = await withFlags();
    const r = await report(c, '?definition=sipas-test');
    expect(r).toMatchObject({ responses: 5, percent: 67.5 });
    expect(r.flags).toEqual({
      counts: [
        { flag: 'tooFast', responses: 1 },
        { flag: 'belowMinInterval', responses: 1 },
        { flag: 'placeMismatch', responses: 1 },
        { flag: 'clockSkew', responses: 1 },
        { flag: 'endedByTimeout', responses: 0 },
      ],
      flaggedResponses: 3,
      excluded: [],
      excludedResponses: 0,
      placedBySkew: 1,
      percentWithFlagged: 67.5,
      percentWithoutFlagged: 81.25,
      differencePp: 13.75,
      notable: true,
    });
  });

  it.each<[string, number, number, string[]]>([
    ['exclude=tooFast', 4, 84.375, ['tooFast']],
    ['exclude=all', 2, 81.25, ['tooFast', 'belowMinInterval', 'placeMismatch', 'clockSkew', 'endedByTimeout']],
    // F1–F3: TC1 5,4,1 → 66.667; TC2 5,2,1 → 33.333 → C1 50; TT1 66.667; CC1 66.667; KQ1 33.333 → 650 / 12
    ['exclude=clockSkew,belowMinInterval', 3, 650 / 12, ['belowMinInterval', 'clockSkew']],
    ['exclude=endedByTimeout', 5, 67.5, ['endedByTimeout']],
  ])('leaves out the flagged responses chosen with %s', async (query, responses, percent, excluded) => {
    const c = await withFlags();
    const r = await report(c, `?definition=sipas-test&${query}`);
    expect(r.responses).toBe(responses);
    expect(r.flags.excluded).toEqual(excluded);
    expect(r.flags.excludedResponses).toBe(5 - responses);
    expect(r.percent).toBeCloseTo(percent, 10);
    // The disclosure stays whole whatever is left out.
    expect(r.flags).toMatchObject({ flaggedResponses: 3, percentWithFlagged: 67.5, percentWithoutFlagged: 81.25, notable: true });
  });

  it('places a skewed kiosk\'s response in the month of the collector\'s clock', async () => {
    const c = await withFlags();
    const march = await report(c, '?definition=sipas-test&from=2026-03-01&to=2026-03-31');
    expect(march.responses).toBe(5);
    expect(march.trend).toEqual([{ period: '2026-03', from: '2026-03-01', to: '2026-03-31', responses: 5, percent: 67.5, lowN: true }]);
    expect((await report(c, '?definition=sipas-test&from=2026-04-01&to=2026-04-30')).responses).toBe(0);
  });

  it('says beside the headline what leaving flagged responses out would change, and shows the counts', async () => {
    const c = await withFlags();
    const page = (await c.get('/admin/report?definition=sipas-test')).body;
    expect(page).toMatch(/<span class="big">68%<\/span>[^]*?<p class="note flag-note" role="note">Nếu bỏ 3 phiếu có cờ, chỉ số sẽ là 81,25% \(chênh \+13,75 điểm phần trăm\)\. <a href="\/admin\/report\?definition=sipas-test&amp;exclude=all">/);
    expect(page).toContain('<td>Trả lời nhanh bất thường</td><td class="num">1</td>');
    expect(page).toContain('<td>Cơ quan/quầy khác nơi đăng ký của máy</td><td class="num">1</td>');
    expect(page).toContain('1 phiếu được xếp theo thời điểm đã chỉnh lại độ lệch đồng hồ của máy.');
    // endedByTimeout is a flag like the others since kiosks send it: listed, here with none.
    expect(page).toContain('<td>Kết thúc do hết thời gian chờ</td><td class="num">0</td>');
    expect(page).toContain('<select name="exclude">');
    const excluded = (await c.get('/admin/report?definition=sipas-test&exclude=all&lang=en')).body;
    expect(excluded).toContain('<span class="big">81%</span> from 2 complete responses');
    expect(excluded).toContain('Counting the flagged responses too, the index is 67.50% (-13.75 percentage points).');
    expect(excluded).toContain("3 flagged responses left out: Answered implausibly fast, Started too soon after the previous one, Agency or counter other than the device's registered place, Kiosk clock off, Ended by the idle timeout.");
    expect(excluded).toContain("1 response was placed in time corrected by its kiosk's clock skew.");
    expect(excluded).toContain('<option value="all" selected>Every flagged response</option>');
  });

  it.each<[string, number, boolean]>([
    // 1000 unflagged responses, half satisfied on every item (50 %), plus n flagged ones satisfied on every item:
    // 1 flagged → 501/1001 = 50.04995 % (0.04995 pp: no note); 3 flagged → 503/1003 = 50.14955 % (0.14955 pp: the note).
    ['one flagged response moves the index by less than 0.1 pp: no note', 1, false],
    ['three flagged responses move it by 0.1 pp or more: the note', 3, true],
  ])('%s', async (_name, flagged, notable) => {
    const c = await startAdminCollector({ now: () => new Date('2026-04-15T03:00:00.000Z') });
    defer(() => c.close());
    const all = (v: number) => ({ TC1: v, TC2: v, TT1: v, CC1: v, KQ1: v, PA0: 'no' });
    await seedResponses(c.store, c.deviceId, 1000 + flagged, (i) =>
      makeResponse({ seq: i + 1, answers: all(i >= 1000 || i % 2 === 0 ? 5 : 1), flags: { tooFast: i >= 1000, belowMinInterval: false } }),
    );
    const r = await report(c, '?definition=sipas-test');
    expect(r.flags.percentWithoutFlagged).toBeCloseTo(50, 10);
    expect(r.percent).toBeCloseTo((100 * (500 + flagged)) / (1000 + flagged), 10);
    expect(r.flags.notable).toBe(notable);
    const page = (await c.get('/admin/report?definition=sipas-test')).body;
    expect(page.includes('class="note flag-note"')).toBe(notable);
  });

  it('shows no note when leaving flagged responses out changes nothing', async () => {
    const c = await startAdminCollector({ now: () => new Date('2026-04-15T03:00:00.000Z') });
    defer(() => c.close());
    await seedResponses(c.store, c.deviceId, 2, (i) => makeResponse({ seq: i + 1, flags: { tooFast: i === 1, belowMinInterval: false } }));
    const r = await report(c, '?definition=sipas-test');
    expect(r.flags).toMatchObject({ flaggedResponses: 1, differencePp: 0, notable: false });
  });

  it('refuses an unknown flag', async () => {
    const c = await withFlags();
    const answer = await c.get('/api/v1/admin/report?exclude=tooFast,nonsense');
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body).error).toBe('bad_request');
  });
});
