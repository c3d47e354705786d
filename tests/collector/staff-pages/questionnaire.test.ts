import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportChoice, SipasReport } from '../../../src/collector/staff-pages';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import { definitionSchema } from '../../../src/shared/schemas';
import type { SurveyDefinition, SurveyResponse } from '../../../src/shared/survey';
import { deferCleanups, makeBatch, makeReport, makeResponse, resultsOf, startAdminCollector, testDefinition, type AdminTestCollector } from '../helpers';

// The whole questionnaire reported (issue 11, part 5): every choice question outside the scored
// components as shares of the respondents asked, with n asked and answered, asked but not answered,
// and not asked (the section switched off on that tablet, or not applicable).

let sipas2023: SurveyDefinition;
beforeAll(() => {
  sipas2023 = loadDefinitionsFromDir(DEFINITIONS_DIR).definitions.find((d) => d.id === 'sipas-2023' && d.version === 1)!;
});

const defer = deferCleanups();
const KIOSK_A = '0b7e2c1a-8d4f-4a6b-9c3e-1f2a3b4c5d6e';
const KIOSK_B = '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f';

/*
 * The hand-computed dataset (sipas-2023 v1, March 2026; the core is the same in every response):
 * tablet A asks every section, tablet B has "process" switched off.
 *
 *        tablet  PROC1   PROC2  PROC3 (if PROC2 = yes)  PROC4 (if PROC2 = yes)  INT1
 *   A1   A       c1      yes    yes                     no                      none
 *   A2   A       c2plus  no     —                       —                       some
 *   A3   A       c0      yes    no                      (unanswered)            none
 *   A4   A       (unanswered)                                                   none
 *   B1   B       (process off)                                                  many
 *   B2   B       (process off)                                                  none
 *   B3   B       (process off)                                                  (unanswered)
 *
 * 7 responses scored.
 *   PROC1  asked 4, answered 3, unanswered 1; not asked 3 = switched off 3 + not applicable 0;
 *          c0 1/4 = 25%, c1 1/4, c2plus 1/4
 *   PROC2  asked 4, answered 3 (yes 2 = 50%, no 1 = 25%, notYet 0), unanswered 1; not asked 3 (3 off)
 *   PROC3  asked 2 (A1, A3), answered 2 (yes 1, no 1 = 50% each); not asked 5 = 3 off + 2 not applicable (A2, A4)
 *   PROC4  asked 2, answered 1 (no 1 = 50%), unanswered 1; not asked 5 = 3 off + 2 not applicable
 *   INT1   asked 7, answered 6 (none 4 = 57.14%, some 1, many 1), unanswered 1; not asked 0
 * All under the default threshold of 30: "ít phiếu", shares without decimals (57%).
 */
function dataset(): { a: SurveyResponse[]; b: SurveyResponse[] } {
  const core = { TC1: 4, TT1: 5, CC1: 4, KQ1: 3, PA0: 'no' };
  const at = (kioskId: string, counterCode: string, seq: number, answers: SurveyResponse['answers'], extra: Partial<SurveyResponse> = {}) =>
    makeResponse({ definitionId: 'sipas-2023', kioskId, seq, agencyCode: 'SNV', counterCode, completedAt: `2026-03-${String(10 + seq).padStart(2, '0')}T02:00:00.000Z`, answers: { ...core, ...answers }, ...extra });
  const a = (seq: number, answers: SurveyResponse['answers']) => at(KIOSK_A, 'QA', seq, answers);
  const b = (seq: number, answers: SurveyResponse['answers']) => at(KIOSK_B, 'QB', seq, answers, { sectionsOff: ['process'] });
  return {
    a: [
      a(1, { PROC1: 'c1', PROC2: 'yes', PROC3: 'yes', PROC4: 'no', INT1: 'none' }),
      a(2, { PROC1: 'c2plus', PROC2: 'no', INT1: 'some' }),
      a(3, { PROC1: 'c0', PROC2: 'yes', PROC3: 'no', INT1: 'none' }),
      a(4, { INT1: 'none' }),
    ],
    b: [b(1, { INT1: 'many' }), b(2, { INT1: 'none' }), b(3, {})],
  };
}

async function collectorWith(definitions: SurveyDefinition[], batches: Array<{ kioskId: string; responses: SurveyResponse[] }>): Promise<AdminTestCollector> {
  const c = await startAdminCollector({ definitions, now: () => new Date('2026-04-15T03:00:00.000Z') });
  defer(() => c.close());
  for (const { kioskId, responses } of batches) {
    const results = resultsOf(await c.submit(makeBatch(responses, makeReport({ kioskId, definition: `${responses[0].definitionId}@1` }))));
    expect(results.results.map((x) => x.status)).toEqual(responses.map(() => 'created'));
  }
  return c;
}

async function report(c: AdminTestCollector, query: string): Promise<SipasReport> {
  const answer = await c.get(`/api/v1/admin/report${query}`);
  expect(answer.statusCode, answer.body).toBe(200);
  return JSON.parse(answer.body) as SipasReport;
}

const twoTablets = async () => {
  const { a, b } = dataset();
  return collectorWith([sipas2023], [
    { kioskId: KIOSK_A, responses: a },
    { kioskId: KIOSK_B, responses: b },
  ]);
};

const choiceOf = (r: SipasReport, id: string): ReportChoice => r.questionnaire.flatMap((s) => s.choices).find((c) => c.questionId === id)!;

describe('the whole questionnaire in the report', () => {
  it('lists every section outside the scored components that asks choices, in the definition’s order, under its Vietnamese title', async () => {
    const c = await twoTablets();
    // The tallies the report reads equal a recomputation from the rows (on either store).
    expect(await c.store.checkTallies([sipas2023])).toEqual([]);
    const r = await report(c, '?definition=sipas-2023');
    expect(r.questionnaire.map((s) => [s.sectionId, s.title.vi, s.optional])).toEqual([
      ['feedbackFilter', 'Phản ánh, kiến nghị', false],
      ['integrity', 'Phiền hà, tiêu cực', true],
      ['process', 'Quá trình giải quyết hồ sơ', true],
      ['channels', 'Cách nộp hồ sơ và nhận kết quả', true],
      ['priorities', 'Những việc cơ quan cần cải thiện', true],
      ['profile', 'Thông tin về Ông/Bà (không ghi tên)', true],
      ['serviceField', 'Lĩnh vực thủ tục', true],
    ]);
    expect(r.questionnaire.find((s) => s.sectionId === 'process')!.choices.map((c) => c.questionId)).toEqual(['PROC1', 'PROC2', 'PROC3', 'PROC4']);
    expect(r.questionnaire.find((s) => s.sectionId === 'profile')!.choices.map((c) => c.questionId)).toEqual(['RESP_TYPE', 'GENDER', 'AGE', 'EDU', 'OCC']);
  });

  it.each<[string, number, number, number, number, number, number]>([
    // question, asked, answered, unanswered, not asked, switched off, not applicable
    ['PROC1', 4, 3, 1, 3, 3, 0],
    ['PROC2', 4, 3, 1, 3, 3, 0],
    ['PROC3', 2, 2, 0, 5, 3, 2],
    ['PROC4', 2, 1, 1, 5, 3, 2],
    ['INT1', 7, 6, 1, 0, 0, 0],
  ])('%s: asked %i, answered %i, asked but not answered %i, not asked %i (section off %i, not applicable %i)', async (id, asked, answered, unanswered, notAsked, switchedOff, notApplicable) => {
    const r = await report(await twoTablets(), '?definition=sipas-2023');
    expect(r.responses).toBe(7);
    expect(choiceOf(r, id)).toMatchObject({ asked, answered, unanswered, notAsked, switchedOff, notApplicable, lowN: true });
  });

  it('gives each option as a share of the respondents asked, and of those who answered', async () => {
    const r = await report(await twoTablets(), '?definition=sipas-2023');
    const shares = (id: string) => choiceOf(r, id).options.map((o) => [o.code, o.count, o.shareOfAsked]);
    expect(shares('PROC1')).toEqual([['c0', 1, 0.25], ['c1', 1, 0.25], ['c2plus', 1, 0.25]]);
    expect(shares('PROC2')).toEqual([['yes', 2, 0.5], ['no', 1, 0.25], ['notYet', 0, 0]]);
    expect(shares('PROC4')).toEqual([['yes', 0, 0], ['no', 1, 0.5]]);
    expect(shares('INT1')).toEqual([['none', 4, 4 / 7], ['some', 1, 1 / 7], ['many', 1, 1 / 7]]);
    expect(choiceOf(r, 'INT1').options[0].shareOfAnswered).toBe(4 / 6);
    expect(choiceOf(r, 'INT1').options[0].label.vi).toBe('Không có');
  });

  it('reports each tablet alone: A asked every respondent the process questions, B asked none (switched off)', async () => {
    const r = await report(await twoTablets(), '?definition=sipas-2023&counter=QA');
    expect(choiceOf(r, 'PROC1')).toMatchObject({ asked: 4, answered: 3, notAsked: 0, switchedOff: 0 });
    const b = await report(await twoTablets(), '?definition=sipas-2023&counter=QB');
    expect(choiceOf(b, 'PROC1')).toMatchObject({ asked: 0, answered: 0, notAsked: 3, switchedOff: 3, lowN: false });
    expect(choiceOf(b, 'PROC1').options.every((o) => o.shareOfAsked === null)).toBe(true);
  });

  it('drops the "ít phiếu" mark once enough respondents were asked (minValid)', async () => {
    const r = await report(await twoTablets(), '?definition=sipas-2023&minValid=4');
    expect([choiceOf(r, 'PROC1').lowN, choiceOf(r, 'PROC3').lowN, choiceOf(r, 'INT1').lowN]).toEqual([false, true, false]);
  });

  it('shows the page: section titles, shares of those asked without decimals on few respondents, and the counts', async () => {
    const c = await twoTablets();
    const page = await c.get('/admin/report?definition=sipas-2023');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    expect(body).toContain('<h2 id="questionnaire">Các câu hỏi khác của phiếu</h2>');
    const order = ['Phiền hà, tiêu cực', 'Quá trình giải quyết hồ sơ', 'Cách nộp hồ sơ và nhận kết quả', 'Những việc cơ quan cần cải thiện', 'Thông tin về Ông/Bà (không ghi tên)', 'Lĩnh vực thủ tục'];
    const at = order.map((title) => body.indexOf(`${title}<span class="hint"> (phần tùy chọn`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    const row = (id: string) => body.match(new RegExp(`<tr data-question="${id}">[\\s\\S]*?</tr>`))?.[0] ?? '';
    expect(row('INT1')).toContain('<li data-option="none">Không có: 57% (4)</li>');
    // n asked with the mark, answered, asked but not answered, section off, not applicable.
    expect(row('PROC3')).toMatch(/<td class="num">2 <span class="bad low-n"[^>]*>\(ít phiếu\)<\/span><\/td><td class="num">2<\/td><td class="num">0<\/td><td class="num">3<\/td><td class="num">2<\/td>/);
    expect(body).toContain('Không được hỏi: phần tắt trên máy');

    const english = await c.get('/admin/report?definition=sipas-2023&lang=en&minValid=4');
    expect(english.body).toContain('<h2 id="questionnaire">The rest of the questionnaire</h2>');
    expect(english.body.match(/<tr data-question="INT1">[\s\S]*?<\/tr>/)?.[0]).toContain('<li data-option="none">None: 57.1% (4)</li>');
  });
});

describe('a multiple-choice question in the report', () => {
  /** The collector test definition with an optional section asking for several channels at once. */
  function withChannels(): SurveyDefinition {
    const base = testDefinition('sipas-multi', 1);
    const text = (vi: string, en: string) => ({ vi, en });
    return definitionSchema.parse({
      ...base,
      sections: [
        ...base.sections,
        {
          id: 'ways',
          optional: true,
          title: text('Kênh liên hệ', 'Ways to reach us'),
          questions: [
            {
              id: 'WAYS',
              kind: 'multiple',
              text: text('Ông/Bà muốn liên hệ qua kênh nào?', 'How would you like to reach us?'),
              options: [
                { code: 'phone', label: text('Điện thoại', 'Phone') },
                { code: 'online', label: text('Trực tuyến', 'Online') },
                { code: 'counter', label: text('Tại quầy', 'At the counter') },
              ],
            },
          ],
        },
      ],
    });
  }

  /*
   *   M1 phone, online   M2 phone, online   M3 online   M4 (unanswered)   M5 (section "ways" off)
   *   asked 4, answered 3, unanswered 1, not asked 1 (switched off 1)
   *   phone 2/4 = 50%, online 3/4 = 75%, counter 0: 125% together, since one person may choose several
   */
  it('gives shares of the respondents asked, which add up to more than 100%, and says so on the page', async () => {
    const definition = withChannels();
    const core = { TC1: 4, PA0: 'no' };
    const m = (seq: number, answers: SurveyResponse['answers'], extra: Partial<SurveyResponse> = {}) =>
      makeResponse({ definitionId: 'sipas-multi', seq, completedAt: `2026-03-1${seq}T02:00:00.000Z`, answers: { ...core, ...answers }, ...extra });
    const responses = [m(1, { WAYS: ['phone', 'online'] }), m(2, { WAYS: ['online', 'phone'] }), m(3, { WAYS: ['online'] }), m(4, {}), m(5, {}, { sectionsOff: ['ways'] })];
    const c = await collectorWith([definition], [{ kioskId: makeReport().kioskId, responses }]);
    const r = await report(c, '?definition=sipas-multi');
    const ways = choiceOf(r, 'WAYS');
    expect(ways).toMatchObject({ kind: 'multiple', asked: 4, answered: 3, unanswered: 1, notAsked: 1, switchedOff: 1, notApplicable: 0 });
    expect(ways.options.map((o) => [o.code, o.count, o.shareOfAsked])).toEqual([['phone', 2, 0.5], ['online', 3, 0.75], ['counter', 0, 0]]);
    expect(ways.options.reduce((sum, o) => sum + (o.shareOfAsked ?? 0), 0)).toBe(1.25);

    const page = (await c.get('/admin/report?definition=sipas-multi')).body;
    expect(page).toContain('Ông/Bà muốn liên hệ qua kênh nào?<span class="hint"> (chọn nhiều)</span>');
    expect(page).toContain('nên cộng lại có thể vượt quá 100%');
    expect(page).toContain('<li data-option="online">Trực tuyến: 75% (3)</li>');
  });
});
