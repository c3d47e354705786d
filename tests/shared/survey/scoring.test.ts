import { describe, expect, it } from 'vitest';
import {
  createScoreAccumulator,
  formatPercent,
  mergeChoices,
  mergeScores,
  scoreResponses,
  type Answers,
  type ItemScore,
  type ScorableResponse,
  type SipasScore,
  type SurveyDefinition,
} from '../../../src/shared/survey';
import { definitionSchema } from '../../../src/shared/schemas';
import { fiveComponentDefinition } from '../../fixtures/five-components';

/** The shared five-component definition (see the fixture), under this file's own id. */
function makeDefinition(overrides: { satisfiedCodes?: number[] } = {}): SurveyDefinition {
  return fiveComponentDefinition({ id: 'scoring-test', version: 3, ...overrides });
}

const def = makeDefinition();
const complete = (answers: Answers): ScorableResponse => ({ definitionId: 'scoring-test', status: 'complete', answers });
const itemOf = (score: SipasScore, id: string): ItemScore => score.components.flatMap((c) => c.items).find((i) => i.questionId === id)!;

/**
 * The hand-computed dataset. "—" is shown but skipped; "n/a" is hidden by FB = no.
 *
 *      TC1 TC2 | TT1 TT2 | CC1 CC2 | KQ1 KQ2 | FB  | PA1 PA2 | CH              LATE TOLD
 *  R1   5   4  |  4   3  |  5   5  |  4   2  | yes |  4   —  | direct,online   no
 *  R2   4   3  |  2   —  |  4   3  |  5   5  | no  | n/a n/a | online          no
 *  R3   3   5  |  5   4  |  1   —  |  4   4  | yes |  1   —  | —               yes  yes (APOLOGY —)
 *  R4   5   —  |  4   4  |  4   4  |  3   —  | no  | n/a n/a | direct          —
 *  R5   2   2  |  —   5  |  5   2  |  4   5  | yes |  —   —  | online,post     no
 *  R6 partial, R7 another definition: excluded, although every answer is a 1.
 *
 *  TC1 5,4,3,5,2  valid 5 sat 3 → 60     TC2 4,3,5,2  valid 4 sat 2 → 50   C1 = (60+50)/2 = 55
 *  TT1 4,2,5,4    valid 4 sat 3 → 75     TT2 3,4,4,5  valid 4 sat 3 → 75   C2 = 75
 *  CC1 5,4,1,4,5  valid 5 sat 4 → 80     CC2 5,3,4,2  valid 4 sat 2 → 50   C3 = (80+50)/2 = 65
 *  KQ1 4,5,4,3,4  valid 5 sat 4 → 80     KQ2 2,5,4,5  valid 4 sat 3 → 75   C4 = (80+75)/2 = 77.5
 *  PA1 4,1        valid 2 sat 1 → 50     PA2 none     valid 0 → undefined   C5 = 50 (one item defined)
 *  SIPAS = (55 + 75 + 65 + 77.5 + 50) / 5 = 322.5 / 5 = 64.5
 *  PA1, PA2 not applicable in R2, R4: 2 of 5 responses = 0.4.
 */
const all1: Answers = { TC1: 1, TC2: 1, TT1: 1, TT2: 1, CC1: 1, CC2: 1, KQ1: 1, KQ2: 1, FB: 'yes', PA1: 1, PA2: 1 };
const dataset: ScorableResponse[] = [
  complete({ TC1: 5, TC2: 4, TT1: 4, TT2: 3, CC1: 5, CC2: 5, KQ1: 4, KQ2: 2, FB: 'yes', PA1: 4, CH: ['direct', 'online'], LATE: 'no' }),
  complete({ TC1: 4, TC2: 3, TT1: 2, CC1: 4, CC2: 3, KQ1: 5, KQ2: 5, FB: 'no', CH: ['online'], LATE: 'no' }),
  complete({ TC1: 3, TC2: 5, TT1: 5, TT2: 4, CC1: 1, KQ1: 4, KQ2: 4, FB: 'yes', PA1: 1, LATE: 'yes', TOLD: 'yes' }),
  complete({ TC1: 5, TT1: 4, TT2: 4, CC1: 4, CC2: 4, KQ1: 3, FB: 'no', CH: ['direct'] }),
  complete({ TC1: 2, TC2: 2, TT2: 5, CC1: 5, CC2: 2, KQ1: 4, KQ2: 5, FB: 'yes', CH: ['online', 'post'], LATE: 'no' }),
  { definitionId: 'scoring-test', status: 'partial', answers: all1 },
  { definitionId: 'sipas-2017', status: 'complete', answers: all1 },
];

describe('scoreResponses on the hand-computed dataset', () => {
  const score = scoreResponses(def, dataset);

  it('scores the five complete responses and counts the excluded ones', () => {
    expect(score).toMatchObject({
      definitionId: 'scoring-test',
      method: 'item-percent-mean',
      responses: 5,
      excludedPartial: 1,
      excludedOtherDefinition: 1,
      percent: 64.5,
      componentsDefined: 5,
    });
  });

  it.each<[number, string, number | null, number, number]>([
    [1, 'access', 55, 2, 5],
    [2, 'procedures', 75, 2, 5],
    [3, 'servant', 65, 2, 5],
    [4, 'result', 77.5, 2, 5],
    [5, 'feedback', 50, 1, 2],
  ])('component %i (%s): %s%% over %i defined items, %i respondents', (component, sectionId, percent, itemsDefined, respondents) => {
    expect(score.components[component - 1]).toMatchObject({ component, sectionId, percent, itemsDefined, respondents });
  });

  it.each<[string, [number, number, number, number, number], number, number, number | null, number, number, number]>([
    // id      counts at 1..5   valid sat  percent n/a skipped share n/a
    ['TC1', [0, 1, 1, 1, 2], 5, 3, 60, 0, 0, 0],
    ['TC2', [0, 1, 1, 1, 1], 4, 2, 50, 0, 1, 0],
    ['TT1', [0, 1, 0, 2, 1], 4, 3, 75, 0, 1, 0],
    ['TT2', [0, 0, 1, 2, 1], 4, 3, 75, 0, 1, 0],
    ['CC1', [1, 0, 0, 2, 2], 5, 4, 80, 0, 0, 0],
    ['CC2', [0, 1, 1, 1, 1], 4, 2, 50, 0, 1, 0],
    ['KQ1', [0, 0, 1, 3, 1], 5, 4, 80, 0, 0, 0],
    ['KQ2', [0, 1, 0, 1, 2], 4, 3, 75, 0, 1, 0],
    ['PA1', [1, 0, 0, 1, 0], 2, 1, 50, 2, 1, 0.4],
    ['PA2', [0, 0, 0, 0, 0], 0, 0, null, 2, 3, 0.4],
  ])('item %s', (questionId, counts, valid, satisfied, percent, notApplicable, skipped, shareNotApplicable) => {
    const component = { TC: 1, TT: 2, CC: 3, KQ: 4, PA: 5 }[questionId.slice(0, 2)];
    expect(itemOf(score, questionId)).toEqual({ questionId, component, counts, valid, satisfied, percent, notApplicable, skipped, shareNotApplicable });
  });

  it('lists components in order with their items in definition order', () => {
    expect(score.components.map((c) => [c.component, c.items.map((i) => i.questionId)])).toEqual([
      [1, ['TC1', 'TC2']],
      [2, ['TT1', 'TT2']],
      [3, ['CC1', 'CC2']],
      [4, ['KQ1', 'KQ2']],
      [5, ['PA1', 'PA2']],
    ]);
  });

  it('summarizes choices as shares of those answering and of those asked', () => {
    const accumulator = createScoreAccumulator(def);
    dataset.forEach((response) => accumulator.add(response));
    const byId = Object.fromEntries(accumulator.choices().map((c) => [c.questionId, c]));
    expect(accumulator.choices().map((c) => c.questionId)).toEqual(['FB', 'CH', 'LATE', 'TOLD', 'APOLOGY']);
    expect(byId.FB).toEqual({
      questionId: 'FB',
      kind: 'single',
      asked: 5,
      answered: 5,
      notAsked: 0,
      switchedOff: 0,
      options: [
        { code: 'yes', count: 3, shareOfAnswered: 0.6, shareOfAsked: 0.6 },
        { code: 'no', count: 2, shareOfAnswered: 0.4, shareOfAsked: 0.4 },
      ],
    });
    // CH: asked of all 5, answered by 4 (R3 skipped); direct R1 R4, online R1 R2 R5, post R5.
    expect(byId.CH).toEqual({
      questionId: 'CH',
      kind: 'multiple',
      asked: 5,
      answered: 4,
      notAsked: 0,
      switchedOff: 0,
      options: [
        { code: 'direct', count: 2, shareOfAnswered: 0.5, shareOfAsked: 0.4 },
        { code: 'online', count: 3, shareOfAnswered: 0.75, shareOfAsked: 0.6 },
        { code: 'post', count: 1, shareOfAnswered: 0.25, shareOfAsked: 0.2 },
      ],
    });
    expect(byId.LATE.options).toEqual([
      { code: 'yes', count: 1, shareOfAnswered: 0.25, shareOfAsked: 0.2 },
      { code: 'no', count: 3, shareOfAnswered: 0.75, shareOfAsked: 0.6 },
    ]);
    // TOLD and APOLOGY are asked only of R3 (late, then told); R3 left APOLOGY unanswered.
    expect([byId.TOLD.asked, byId.TOLD.answered, byId.TOLD.options[0].shareOfAnswered]).toEqual([1, 1, 1]);
    expect(byId.APOLOGY).toMatchObject({
      asked: 1,
      answered: 0,
      options: [
        { code: 'yes', count: 0, shareOfAnswered: null, shareOfAsked: 0 },
        { code: 'no', count: 0, shareOfAnswered: null, shareOfAsked: 0 },
      ],
    });
  });
});

describe('item percent', () => {
  it('answers 5, 4, 3, 2, 1 and a skip: valid 5, satisfied 2, 40%, one at each level', () => {
    const score = scoreResponses(def, [5, 4, 3, 2, 1, undefined].map((code) => complete(code === undefined ? {} : { TC1: code })));
    expect(itemOf(score, 'TC1')).toMatchObject({ valid: 5, satisfied: 2, percent: 40, counts: [1, 1, 1, 1, 1], skipped: 1, notApplicable: 0 });
  });

  it.each<[number, number]>([
    [1, 0],
    [2, 0],
    [3, 0], // "Bình thường" is neutral, not satisfied
    [4, 100],
    [5, 100],
  ])('a single answer %i scores %i%%', (code, percent) => {
    expect(itemOf(scoreResponses(def, [complete({ TC1: code })]), 'TC1').percent).toBe(percent);
  });

  it('uses the satisfied codes of the definition', () => {
    const strict = makeDefinition({ satisfiedCodes: [5] });
    const score = scoreResponses(strict, [complete({ TC1: 4 }), complete({ TC1: 5 }), complete({ TC1: 5 }), complete({ TC1: 3 })]);
    expect(itemOf(score, 'TC1')).toMatchObject({ valid: 4, satisfied: 2, percent: 50 });
  });

  it('keeps the exact value: 2 of 3 satisfied is 66.666…, not rounded', () => {
    const score = scoreResponses(def, [complete({ TC1: 4 }), complete({ TC1: 5 }), complete({ TC1: 3 })]);
    expect(itemOf(score, 'TC1').percent).toBeCloseTo(66.666666667, 8);
    expect(score.percent).toBeCloseTo(66.666666667, 8);
  });

  it('counts values that are not codes 1–5 as skipped, never as a score', () => {
    const score = scoreResponses(def, [complete({ TC1: 7, TC2: '5', TT1: 0, TT2: 4.5, CC1: [] as string[] })]);
    for (const id of ['TC1', 'TC2', 'TT1', 'TT2', 'CC1']) {
      expect(itemOf(score, id)).toMatchObject({ valid: 0, skipped: 1, percent: null, counts: [0, 0, 0, 0, 0] });
    }
  });
});

describe('component and overall means', () => {
  it('averages a component over the items that have answers only (an item with none is left out, not 0)', () => {
    // TC1: 4, 2 → 50%; TC2 never answered → undefined; C1 = 50 (counting TC2 as 0 would give 25).
    const score = scoreResponses(def, [complete({ TC1: 4 }), complete({ TC1: 2 })]);
    expect(score.components[0]).toMatchObject({ percent: 50, itemsDefined: 1, respondents: 2 });
  });

  it('averages SIPAS over the components that have a percent only', () => {
    // C1 = 100 (TC1: 5), C2 = 0 (TT1: 1), C3–C5 undefined → SIPAS = (100 + 0) / 2 = 50, not 20.
    const score = scoreResponses(def, [complete({ TC1: 5, TT1: 1 })]);
    expect(score).toMatchObject({ percent: 50, componentsDefined: 2 });
    expect(score.components.map((c) => c.percent)).toEqual([100, 0, null, null, null]);
  });

  it('averages items then components, not answers: 3 answers at 100% and 1 at 0% give 50', () => {
    // TC1: 5, 5, 5 → 100; TC2: 1 → 0; C1 = (100 + 0) / 2 = 50 (pooling the 4 answers would give 75).
    const score = scoreResponses(def, [complete({ TC1: 5, TC2: 1 }), complete({ TC1: 5 }), complete({ TC1: 5 })]);
    expect(score.components[0].percent).toBe(50);
    expect(score.percent).toBe(50);
  });
});

describe('what is scored', () => {
  it('excludes partial responses and responses of another definition', () => {
    const score = scoreResponses(def, [
      complete({ TC1: 5 }),
      { definitionId: 'scoring-test', status: 'partial', answers: { TC1: 1, TC2: 1 } },
      { definitionId: 'scoring-test', status: 'partial', answers: {} },
      { definitionId: 'other', status: 'complete', answers: { TC1: 1 } },
    ]);
    expect(score).toMatchObject({ responses: 1, excludedPartial: 2, excludedOtherDefinition: 1, percent: 100 });
    expect(itemOf(score, 'TC1').counts).toEqual([0, 0, 0, 0, 1]);
    expect(itemOf(score, 'TC2').valid).toBe(0);
  });

  it('tells not applicable (filtered out) from skipped (shown, not answered)', () => {
    const score = scoreResponses(def, [complete({ FB: 'no' }), complete({ FB: 'no' }), complete({ FB: 'yes' }), complete({ FB: 'yes', PA1: 5 })]);
    expect(itemOf(score, 'PA1')).toMatchObject({ valid: 1, notApplicable: 2, skipped: 1, shareNotApplicable: 0.5, percent: 100 });
    expect(itemOf(score, 'PA2')).toMatchObject({ valid: 0, notApplicable: 2, skipped: 2, percent: null });
    expect(itemOf(score, 'TC1')).toMatchObject({ notApplicable: 0, skipped: 4 });
    expect(score.components[4].respondents).toBe(1);
  });

  it('defaults nothing: a response without answers adds to skipped and never to a score', () => {
    const score = scoreResponses(def, [complete({})]);
    expect(score).toMatchObject({ responses: 1, percent: null, componentsDefined: 0 });
    for (const component of score.components) {
      expect(component).toMatchObject({ percent: null, itemsDefined: 0, respondents: 0 });
      for (const i of component.items) {
        expect(i.counts).toEqual([0, 0, 0, 0, 0]);
        // Without FB = yes component 5 is not asked: not applicable rather than skipped.
        expect([i.skipped, i.notApplicable]).toEqual(component.component === 5 ? [0, 1] : [1, 0]);
      }
    }
  });

  it('gives undefined shares, not zeros, when nothing was scored', () => {
    const score = scoreResponses(def, []);
    expect(score).toMatchObject({ responses: 0, percent: null, componentsDefined: 0 });
    expect(itemOf(score, 'PA1').shareNotApplicable).toBeNull();
    const accumulator = createScoreAccumulator(def);
    expect(accumulator.choices()[0]).toMatchObject({ asked: 0, answered: 0, options: [{ shareOfAnswered: null, shareOfAsked: null }, {}] });
  });

  it('scores another version of the definition by question id', () => {
    // Version 1 had an item OLD1 (since removed) and asked PA1 without the FB filter.
    const score = scoreResponses(def, [complete({ OLD1: 1, TC1: 4, PA1: 2 }), complete({ OLD1: 1, TC1: 2, PA1: 5 })]);
    expect(itemOf(score, 'TC1')).toMatchObject({ valid: 2, percent: 50 });
    // A valid answer was asked when it was given, so it counts although this version would hide it.
    expect(itemOf(score, 'PA1')).toMatchObject({ valid: 2, satisfied: 1, percent: 50, notApplicable: 0 });
    expect(itemOf(score, 'PA2')).toMatchObject({ valid: 0, notApplicable: 2 });
    expect(score.components.flatMap((c) => c.items.map((i) => i.questionId))).not.toContain('OLD1');
  });

  it('counts a repeated option code once and ignores unknown codes in choices', () => {
    const accumulator = createScoreAccumulator(def);
    accumulator.add(complete({ CH: ['online', 'online', 'fax'] }));
    accumulator.add(complete({ CH: ['fax'], FB: 'maybe' }));
    const [fb, ch] = accumulator.choices();
    expect(ch).toMatchObject({ asked: 2, answered: 1, options: [{ count: 0 }, { count: 1, shareOfAnswered: 1, shareOfAsked: 0.5 }, { count: 0 }] });
    expect(fb).toMatchObject({ asked: 2, answered: 0 });
  });

  it('does not count a switched-off section as asked', () => {
    const accumulator = createScoreAccumulator(def, { disabledSections: ['extra'] });
    accumulator.add(complete({ FB: 'no' }));
    const byId = Object.fromEntries(accumulator.choices().map((c) => [c.questionId, c.asked]));
    expect(byId).toEqual({ FB: 1, CH: 0, LATE: 0, TOLD: 0, APOLOGY: 0 });
  });
});

describe('createScoreAccumulator', () => {
  it('streams to the same result as scoring the whole list, and can report midway', () => {
    const accumulator = createScoreAccumulator(def);
    accumulator.add(dataset[0]);
    // After R1 alone: every answered item is one answer; TC1 5 → 100, TC2 4 → 100, C1 = 100.
    expect(accumulator.result().components[0].percent).toBe(100);
    expect(accumulator.result().responses).toBe(1);
    dataset.slice(1).forEach((response) => accumulator.add(response));
    expect(accumulator.result()).toEqual(scoreResponses(def, dataset));
    expect(accumulator.result().percent).toBe(64.5);
  });

  it('hands out results the caller may change without touching the tallies', () => {
    const accumulator = createScoreAccumulator(def);
    accumulator.add(complete({ TC1: 5 }));
    accumulator.result().components[0].items[0].counts[4] = 99;
    expect(accumulator.result().components[0].items[0].counts).toEqual([0, 0, 0, 0, 1]);
  });
});

describe('formatPercent', () => {
  it.each<[number | null, number | undefined, string]>([
    [null, undefined, '—'],
    [64.5, undefined, '64.50%'],
    [200 / 3, undefined, '66.67%'],
    [200 / 3, 0, '67%'],
    [82.66, 1, '82.7%'],
    [100, undefined, '100.00%'],
    [0, undefined, '0.00%'],
  ])('%s with %s digits → %s', (p, digits, expected) => {
    expect(formatPercent(p, digits)).toBe(expected);
  });
});

describe('mergeScores and mergeChoices (versions matched by item id)', () => {
  /*
   * Version 3 is `def`; version 4 drops TC2 and adds TC3 (same id, same everything else). Each version is
   * scored with its own definition, then merged:
   *
   *        TC1 TC2 TC3 | TT1 TT2 | CC1 CC2 | KQ1 KQ2 | FB  | PA1 PA2
   *  O1 v3  5   4   ·  |  4   4  |  5   5  |  4   4  | no  | n/a n/a
   *  O2 v3  2   2   ·  |  4   2  |  4   1  |  5   3  | yes |  4   —
   *  N1 v4  4   ·   5  |  3   5  |  4   4  |  2   4  | no  | n/a n/a
   *  N2 v4  3   ·   —  |  5   4  |  2   5  |  4   5  | yes |  5   2
   *  (· = the version never asked it: not applicable; — = shown, not answered: skipped)
   *
   *  TC1 5,2,4,3 → 2/4 = 50, counts [0,1,1,1,1]; TC2 4,2 → 1/2 = 50, N/A 2 (v4's two);
   *  TC3 5 → 100, N/A 2 (v3's two), skipped 1; C1 = (50 + 100 + 50) / 3 = 66.667
   *  TT1 4,4,3,5 → 75; TT2 4,2,5,4 → 75; CC1 5,4,4,2 → 75; CC2 5,1,4,5 → 75; KQ1 4,5,2,4 → 75; KQ2 4,3,4,5 → 75
   *  PA1 4,5 → 100 (N/A 2); PA2 2 → 0 (N/A 2, skipped 1); C5 = 50
   *  SIPAS = (200/3 + 75 + 75 + 75 + 50) / 5 = 1025 / 15 = 68.333, n = 4
   */
  const v4 = definitionSchema.parse({
    ...def,
    version: 4,
    sections: def.sections.map((section) =>
      section.id === 'access' ? { ...section, questions: [section.questions[0], { ...section.questions[1], id: 'TC3', text: { vi: 'Câu TC3', en: 'Item TC3' } }] } : section,
    ),
  });
  const old = [
    complete({ TC1: 5, TC2: 4, TT1: 4, TT2: 4, CC1: 5, CC2: 5, KQ1: 4, KQ2: 4, FB: 'no' }),
    complete({ TC1: 2, TC2: 2, TT1: 4, TT2: 2, CC1: 4, CC2: 1, KQ1: 5, KQ2: 3, FB: 'yes', PA1: 4 }),
  ];
  const recent = [
    complete({ TC1: 4, TC3: 5, TT1: 3, TT2: 5, CC1: 4, CC2: 4, KQ1: 2, KQ2: 4, FB: 'no' }),
    complete({ TC1: 3, TT1: 5, TT2: 4, CC1: 2, CC2: 5, KQ1: 4, KQ2: 5, FB: 'yes', PA1: 5, PA2: 2 }),
  ];
  const merged = mergeScores([scoreResponses(v4, recent), scoreResponses(def, old)]);

  it('counts an item a version never asked as not applicable for its respondents, never as skipped', () => {
    expect(itemOf(merged, 'TC3')).toMatchObject({ valid: 1, satisfied: 1, percent: 100, counts: [0, 0, 0, 0, 1], notApplicable: 2, skipped: 1, shareNotApplicable: 0.5 });
  });

  it('keeps the answers to an item the newer version removed', () => {
    expect(itemOf(merged, 'TC2')).toMatchObject({ valid: 2, satisfied: 1, percent: 50, counts: [0, 1, 0, 1, 0], notApplicable: 2, skipped: 0 });
  });

  it('sums the tallies of items both versions asked and recomputes component and overall means', () => {
    expect(itemOf(merged, 'TC1')).toMatchObject({ valid: 4, satisfied: 2, percent: 50, counts: [0, 1, 1, 1, 1], notApplicable: 0, skipped: 0, shareNotApplicable: 0 });
    expect(itemOf(merged, 'PA1')).toMatchObject({ valid: 2, percent: 100, notApplicable: 2 });
    expect(itemOf(merged, 'PA2')).toMatchObject({ valid: 1, percent: 0, notApplicable: 2, skipped: 1 });
    expect(merged.components.map((c) => c.items.map((i) => i.questionId))[0]).toEqual(['TC1', 'TC3', 'TC2']);
    expect(merged.components[0]).toMatchObject({ itemsDefined: 3, respondents: 4 });
    expect(merged.components[0].percent).toBeCloseTo(200 / 3, 10);
    expect(merged.components.slice(1).map((c) => c.percent)).toEqual([75, 75, 75, 50]);
    expect(merged).toMatchObject({ responses: 4, componentsDefined: 5, excludedPartial: 0 });
    expect(merged.percent).toBeCloseTo(1025 / 15, 10);
  });

  it('differs from scoring both versions with the newer definition, which the merge exists to avoid', () => {
    const blended = scoreResponses(v4, [...recent, ...old]);
    expect(itemOf(blended, 'TC3')).toMatchObject({ skipped: 3, notApplicable: 0 });
    expect(blended.components[0].items.map((i) => i.questionId)).not.toContain('TC2');
  });

  it('gives back the same score when there is only one', () => {
    const one = scoreResponses(def, dataset);
    expect(mergeScores([one])).toEqual(one);
    expect(() => mergeScores([])).toThrow();
  });

  it('merges choices by question and option, a version that never asked adding nothing', () => {
    const a = createScoreAccumulator(def);
    old.forEach((r) => a.add(r));
    const b = createScoreAccumulator(v4);
    recent.forEach((r) => b.add(r));
    const fb = mergeChoices([b.choices(), a.choices()]).find((c) => c.questionId === 'FB')!;
    expect(fb).toMatchObject({ asked: 4, answered: 4 });
    expect(fb.options.map((o) => [o.code, o.count, o.shareOfAnswered])).toEqual([
      ['yes', 2, 0.5],
      ['no', 2, 0.5],
    ]);
    const onlyOld = mergeChoices([[], a.choices()]).find((c) => c.questionId === 'FB')!;
    expect(onlyOld).toMatchObject({ asked: 2, answered: 2 });
  });
});

/**
 * Switched-off sections, per response. Two tablets: A with every section on, B with the optional
 * section "extra" (CH, LATE → TOLD → APOLOGY) switched off. Core answers are the same on each.
 *
 *        tablet  CH              LATE  TOLD  APOLOGY
 *   A1   A       direct,online   yes   yes   no
 *   A2   A       online          no    (hidden: LATE ≠ yes)
 *   A3   A       —               —     (hidden)
 *   B1   B       (section off)
 *   B2   B       (section off)
 *
 *   CH       asked 3 (A1–A3), answered 2, not asked 2 (both switched off); direct 1/3, online 2/3 of asked
 *   LATE     asked 3, answered 2, not asked 2 (2 switched off)
 *   TOLD     asked 1 (A1), answered 1, not asked 4 (A2, A3 by condition; B1, B2 switched off)
 *   APOLOGY  asked 1, answered 1, not asked 4 (2 switched off)
 *   FB (core) asked 5, answered 5, not asked 0
 */
describe('scoring with the sections each response had switched off', () => {
  const core: Answers = { TC1: 4, TC2: 5, TT1: 4, TT2: 4, CC1: 5, CC2: 3, KQ1: 4, KQ2: 2, FB: 'no' };
  const tabletA = (extra: Answers): ScorableResponse => complete({ ...core, ...extra });
  const tabletB = (): ScorableResponse => ({ ...complete({ ...core }), sectionsOff: ['extra'] });
  const responses = [
    tabletA({ CH: ['direct', 'online'], LATE: 'yes', TOLD: 'yes', APOLOGY: 'no' }),
    tabletA({ CH: ['online'], LATE: 'no' }),
    tabletA({}),
    tabletB(),
    tabletB(),
  ];
  const accumulator = createScoreAccumulator(def);
  responses.forEach((response) => accumulator.add(response));
  const byId = Object.fromEntries(accumulator.choices().map((c) => [c.questionId, c]));

  it.each([
    ['FB', 5, 5, 0, 0],
    ['CH', 3, 2, 2, 2],
    ['LATE', 3, 2, 2, 2],
    ['TOLD', 1, 1, 4, 2],
    ['APOLOGY', 1, 1, 4, 2],
  ])('%s: asked %i, answered %i, not asked %i (%i with the section switched off)', (questionId, asked, answered, notAsked, switchedOff) => {
    expect(byId[questionId]).toMatchObject({ asked, answered, notAsked, switchedOff });
    expect(byId[questionId].asked + byId[questionId].notAsked).toBe(5);
  });

  it('gives a multiple choice as shares of the respondents asked, which may add up to more than 100%', () => {
    expect(byId.CH.options).toEqual([
      { code: 'direct', count: 1, shareOfAnswered: 0.5, shareOfAsked: 1 / 3 },
      { code: 'online', count: 2, shareOfAnswered: 1, shareOfAsked: 2 / 3 },
      { code: 'post', count: 0, shareOfAnswered: 0, shareOfAsked: 0 },
    ]);
    expect(byId.CH.options.reduce((sum, option) => sum + (option.shareOfAnswered ?? 0), 0)).toBe(1.5);
  });

  it('counts the switched-off responses as asked when the tablet is not known to have switched the section off', () => {
    const unaware = createScoreAccumulator(def);
    responses.forEach(({ sectionsOff: _dropped, ...response }) => unaware.add(response));
    expect(unaware.choices().find((c) => c.questionId === 'CH')).toMatchObject({ asked: 5, answered: 2, notAsked: 0, switchedOff: 0 });
  });

  it('leaves the SIPAS score unchanged: switched-off sections are never scored components', () => {
    const stripped = responses.map(({ sectionsOff: _dropped, ...response }) => response);
    expect(scoreResponses(def, responses)).toEqual(scoreResponses(def, stripped));
  });

  it('ignores a section id that is not an optional section of the definition', () => {
    const odd = createScoreAccumulator(def);
    odd.add({ ...complete({ ...core, CH: ['post'] }), sectionsOff: ['access', 'nowhere'] });
    expect(odd.result()).toEqual(scoreResponses(def, [complete({ ...core, CH: ['post'] })]));
    expect(odd.choices().find((c) => c.questionId === 'CH')).toMatchObject({ asked: 1, answered: 1, notAsked: 0 });
  });

  it('forgets the switched-off counts on reset and carries them through mergeChoices', () => {
    const other = createScoreAccumulator(def);
    other.add(tabletB());
    const merged = mergeChoices([accumulator.choices(), other.choices()]).find((c) => c.questionId === 'LATE')!;
    expect(merged).toMatchObject({ asked: 3, answered: 2, notAsked: 3, switchedOff: 3 });
    other.reset();
    expect(other.choices().find((c) => c.questionId === 'LATE')).toMatchObject({ asked: 0, answered: 0, notAsked: 0, switchedOff: 0 });
  });
});
