import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  countSyllables,
  estimatePath,
  extrasAhead,
  firstQuestionId,
  findQuestion,
  leavesCore,
  nextQuestionId,
  partOf,
  pathProgress,
  reviewGroups,
  type AnswerValue,
  type Answers,
  type Condition,
  type EngineOptions,
  type PathProgress,
  type Question,
  type SurveyDefinition,
  type SurveyPart,
} from '../../../src/shared/survey';
import { definitionSchema } from '../../../src/shared/schemas';
import { smallDefinition } from '../../build/definitions/small-definition';
import { fiveComponentDefinition } from '../../fixtures/five-components';
import { miniDefinition } from '../../fixtures/mini-definition';

const shipped = (name: string): SurveyDefinition =>
  definitionSchema.parse(JSON.parse(readFileSync(new URL(`../../../survey-definitions/${name}.json`, import.meta.url), 'utf8')));
const SIPAS_2023 = shipped('sipas-2023');
const SIPAS_2017 = shipped('sipas-2017');
const small = definitionSchema.parse(smallDefinition());

// ---------------------------------------------------------------------------------------------
// Walking every condition branch

function conditionQuestions(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionQuestions);
  if ('any' in condition) return condition.any.flatMap(conditionQuestions);
  if ('not' in condition) return conditionQuestions(condition.not);
  return [condition.question];
}

/** Every value a question can take that a condition could tell apart: each code, and no answer when it may be skipped. */
function branchValues(question: Question): Array<AnswerValue | undefined> {
  const skip = question.required ? [] : [undefined];
  switch (question.kind) {
    case 'satisfaction':
      return [1, 2, 3, 4, 5, ...skip];
    case 'single':
      return [...question.options.map((o) => o.code), ...skip];
    case 'multiple':
      return [...question.options.map((o) => [o.code]), ...skip];
    case 'text':
      return ['ý kiến', ...skip];
  }
}

/** All combinations of values for the questions any condition of `def` looks at. */
function branchAssignments(def: SurveyDefinition): Answers[] {
  const ids = new Set<string>();
  for (const section of def.sections) {
    if (section.showIf) conditionQuestions(section.showIf).forEach((id) => ids.add(id));
    for (const question of section.questions) if (question.showIf) conditionQuestions(question.showIf).forEach((id) => ids.add(id));
  }
  let assignments: Answers[] = [{}];
  for (const id of ids) {
    const values = branchValues(findQuestion(def, id)!.question);
    assignments = assignments.flatMap((partial) => values.map((value) => (value === undefined ? partial : { ...partial, [id]: value })));
  }
  return assignments;
}

/** What a walking citizen answers where no branch is chosen: a code on the scale, a required choice, else a skip. */
function fillerAnswer(question: Question): AnswerValue | undefined {
  if (question.kind === 'satisfaction') return 4;
  if (question.required && question.kind === 'single') return question.options[0]!.code;
  return undefined;
}

interface Step {
  questionId: string;
  progress: PathProgress;
  leavesCore: boolean;
  /** Answers once this question has been answered (or skipped). */
  answers: Answers;
}

/** The kiosk's walk: first question, answer, next, … until there is none. */
function walk(def: SurveyDefinition, branch: Answers, options?: EngineOptions): Step[] {
  const steps: Step[] = [];
  let answers: Answers = {};
  let current = firstQuestionId(def, answers, options);
  while (current !== null) {
    const { question } = findQuestion(def, current)!;
    const value = Object.hasOwn(branch, current) ? branch[current] : fillerAnswer(question);
    if (value !== undefined) answers = { ...answers, [current]: value };
    steps.push({ questionId: current, progress: pathProgress(def, current, options), leavesCore: leavesCore(def, answers, current, options), answers });
    current = nextQuestionId(def, answers, current, options);
    if (steps.length > 500) throw new Error('walk does not end');
  }
  return steps;
}

/** The static count the totals must show: questions of the part's sections that are switched on. */
function staticTotal(def: SurveyDefinition, part: SurveyPart, options?: EngineOptions): number {
  return def.sections
    .filter((s) => s.part === part && !(s.optional && options?.disabledSections?.includes(s.id)))
    .reduce((n, s) => n + s.questions.length, 0);
}

/** Kiosk settings to walk under: all extras on, each optional section off alone, all off. */
function settingsOf(def: SurveyDefinition): Array<[string, EngineOptions | undefined]> {
  const optional = def.sections.filter((s) => s.optional).map((s) => s.id);
  return [
    ['every section on', undefined],
    ...optional.map((id): [string, EngineOptions] => [`${id} off`, { disabledSections: [id] }]),
    ['every optional section off', { disabledSections: optional }],
  ];
}

describe.each([
  ['sipas-2023', SIPAS_2023],
  ['sipas-2017', SIPAS_2017],
  ['the five-component fixture (a chain of conditions among the extras)', fiveComponentDefinition()],
])('every path through %s', (_name, def) => {
  const branches = branchAssignments(def);

  it('has branches to walk', () => {
    expect(branches.length).toBeGreaterThanOrEqual(2);
  });

  describe.each(settingsOf(def))('with %s', (_setting, options) => {
    const paths = branches.map((branch) => ({ branch, steps: walk(def, branch, options) }));
    const coreTotal = staticTotal(def, 'core', options);
    const extraTotal = staticTotal(def, 'extra', options);

    it('keeps each part total fixed at its static count on every screen', () => {
      for (const { steps } of paths) {
        for (const { progress } of steps) expect(progress.total).toBe(progress.part === 'core' ? coreTotal : extraTotal);
      }
    });

    it('never moves the index back, nor past the total, and asks the core before any extra', () => {
      for (const { steps } of paths) {
        const parts = steps.map((s) => s.progress.part);
        expect(parts.join(',')).toMatch(/^(core,)*core(,extra)*$/);
        for (let i = 1; i < steps.length; i++) {
          const [before, now] = [steps[i - 1]!.progress, steps[i]!.progress];
          if (before.part === now.part) expect(now.index).toBeGreaterThan(before.index);
        }
        for (const { progress } of steps) {
          expect(progress.index).toBeGreaterThanOrEqual(1);
          expect(progress.index).toBeLessThanOrEqual(progress.total);
        }
      }
    });

    it('ends each path on the last extra (or the last core question) with the index at most the total', () => {
      for (const { steps } of paths) {
        const last = steps.at(-1)!.progress;
        if (last.part === 'core') expect(extraTotal).toBe(0);
        else expect(last.index).toBeLessThanOrEqual(extraTotal);
      }
    });

    it('leaves the core exactly once, at the last core question of the path', () => {
      for (const { steps } of paths) {
        const leaving = steps.flatMap((s, i) => (s.leavesCore ? [i] : []));
        const lastCore = steps.map((s) => s.progress.part).lastIndexOf('core');
        expect(leaving).toEqual([lastCore]);
      }
    });

    it('promises at the checkpoint as many extras as the longest path with those core answers asks', () => {
      for (const { steps } of paths) {
        const checkpoint = steps.find((s) => s.leavesCore)!;
        const ahead = extrasAhead(def, checkpoint.answers, 'vi', options);
        const coreAnswers = JSON.stringify(checkpoint.answers);
        const longest = Math.max(
          ...paths
            .filter((other) => JSON.stringify(other.steps.find((s) => s.leavesCore)!.answers) === coreAnswers)
            .map((other) => other.steps.filter((s) => s.progress.part === 'extra').length),
        );
        expect(ahead.questions).toBe(longest);
        expect(ahead.questions).toBeLessThanOrEqual(extraTotal);
        if (ahead.questions === 0) expect(ahead.minutes).toBe(0);
        else expect(ahead.minutes).toBeGreaterThanOrEqual(1);
      }
    });
  });
});

describe('the shipped definitions as parts', () => {
  it.each<[string, SurveyDefinition, Record<SurveyPart, string[]>]>([
    [
      'sipas-2023',
      SIPAS_2023,
      {
        core: ['access', 'procedures', 'civilServants', 'results', 'feedbackFilter', 'feedback'],
        extra: ['integrity', 'process', 'channels', 'priorities', 'profile', 'serviceField', 'comment'],
      },
    ],
    ['sipas-2017', SIPAS_2017, { core: ['access', 'procedures', 'civilServants', 'results', 'feedbackFilter', 'feedback'], extra: ['comment'] }],
  ])('%s puts the scored components and their filter in the core', (_name, def, parts) => {
    expect(def.sections.filter((s) => s.part === 'core').map((s) => s.id)).toEqual(parts.core);
    expect(def.sections.filter((s) => s.part === 'extra').map((s) => s.id)).toEqual(parts.extra);
  });

  it.each<[string, number, number, SurveyDefinition]>([
    // 19 items + the filter PA0; component 5 is counted in from the start ("Câu 5 / 20").
    ['sipas-2023', 20, 23, SIPAS_2023],
    ['sipas-2017', 23, 1, SIPAS_2017],
  ])('%s counts %i core and %i extra questions', (_name, core, extra, def) => {
    expect(pathProgress(def, 'TC1')).toEqual({ part: 'core', index: 1, total: core });
    expect(pathProgress(def, 'PA0').total).toBe(core);
    expect(pathProgress(def, 'COMMENT')).toEqual({ part: 'extra', index: extra, total: extra });
  });
});

describe('partOf and pathProgress', () => {
  it.each<[string, SurveyPart]>([
    ['TC1', 'core'],
    ['PA0', 'core'],
    ['PA1', 'core'],
    ['CH1', 'extra'],
    ['COMMENT', 'extra'],
    ['NOPE', 'core'],
  ])('puts %s in the %s', (questionId, part) => {
    expect(partOf(miniDefinition, questionId)).toBe(part);
  });

  it.each<[string, EngineOptions | undefined, PathProgress]>([
    ['TC1', undefined, { part: 'core', index: 1, total: 7 }],
    ['PA0', undefined, { part: 'core', index: 6, total: 7 }],
    // A question hidden by a condition keeps its place: PA1 is 7 of 7 whether or not it is asked.
    ['PA1', undefined, { part: 'core', index: 7, total: 7 }],
    ['CH1', undefined, { part: 'extra', index: 1, total: 2 }],
    ['COMMENT', undefined, { part: 'extra', index: 2, total: 2 }],
    // A switched-off section leaves the count; its questions, never asked, stay within the total.
    ['COMMENT', { disabledSections: ['extra'] }, { part: 'extra', index: 0, total: 0 }],
    ['NOPE', undefined, { part: 'core', index: 0, total: 7 }],
  ])('gives %s (options %j) %j', (questionId, options, expected) => {
    expect(pathProgress(miniDefinition, questionId, options)).toEqual(expected);
  });

  it('does not count a switched-off core section that is optional', () => {
    const def = definitionSchema.parse({
      ...smallDefinition(),
      sections: smallDefinition().sections.map((s) => (s.id === 'extra' ? { ...s, part: 'core' } : s)),
    });
    expect(pathProgress(def, 'A1')).toEqual({ part: 'core', index: 1, total: 8 });
    expect(pathProgress(def, 'A1', { disabledSections: ['extra'] })).toEqual({ part: 'core', index: 1, total: 6 });
  });
});

describe('leavesCore', () => {
  it.each<[string, Answers, string, boolean]>([
    ['a core question followed by a core one', { TC1: 4 }, 'TC1', false],
    ['the filter when it opens component 5', { PA0: 'yes' }, 'PA0', false],
    ['the filter when it closes component 5', { PA0: 'no' }, 'PA0', true],
    ['the last component item', { PA0: 'yes', PA1: 5 }, 'PA1', true],
    ['an extra question', { PA0: 'no' }, 'CH1', false],
    ['an unknown question', {}, 'NOPE', false],
  ])('on %s is %s', (_name, answers, questionId, expected) => {
    expect(leavesCore(miniDefinition, answers, questionId)).toBe(expected);
  });

  it('is true on the last core question when the extras are switched off (nothing follows)', () => {
    expect(leavesCore(miniDefinition, { PA0: 'no' }, 'PA0', { disabledSections: ['extra'] })).toBe(true);
  });
});

describe('extrasAhead', () => {
  const def = fiveComponentDefinition();

  it.each<[string, Answers, EngineOptions | undefined, number]>([
    // CH, LATE, TOLD, APOLOGY, COMMENT: TOLD and APOLOGY may still open while LATE is unanswered.
    ['no extra answered yet', { FB: 'no' }, undefined, 5],
    ['LATE yes: TOLD asked, APOLOGY may open', { FB: 'no', LATE: 'yes' }, undefined, 5],
    ['LATE no: TOLD closed, so APOLOGY can no longer open', { FB: 'no', LATE: 'no' }, undefined, 3],
    ['LATE yes, TOLD no: APOLOGY closed', { FB: 'no', LATE: 'yes', TOLD: 'no' }, undefined, 4],
    ['the extra section switched off', { FB: 'no' }, { disabledSections: ['extra'] }, 1],
  ])('counts %s', (_name, answers, options, questions) => {
    expect(extrasAhead(def, answers, 'vi', options).questions).toBe(questions);
  });

  it('estimates the minutes from the same reading rule, rounded up (tiny fixture)', () => {
    // X1 "Chọn" + "Có" + "Không" = 3 syllables, X2 "Ý kiến" = 2: 5 / 3 s + 2 taps × 1.5 s = 4.67 s → 1 minute.
    expect(extrasAhead(small, { F0: 'no' }, 'vi')).toEqual({ questions: 2, minutes: 1 });
    expect(extrasAhead(small, { F0: 'no' }, 'vi', { disabledSections: ['extra'] })).toEqual({ questions: 0, minutes: 0 });
  });

  it.each<[string, number, SurveyDefinition]>([
    ['sipas-2023', 23, SIPAS_2023],
    ['sipas-2017', 1, SIPAS_2017],
  ])('offers %s citizens all %i extras after the core, in a few minutes', (_name, questions, def) => {
    for (const locale of ['vi', 'en']) {
      const ahead = extrasAhead(def, { PA0: 'no' }, locale);
      expect(ahead.questions).toBe(questions);
      expect(ahead.minutes).toBeGreaterThanOrEqual(1);
      expect(ahead.minutes).toBeLessThanOrEqual(questions === 1 ? 1 : 6);
    }
  });
});

describe('countSyllables', () => {
  it.each<[string, string, number]>([
    ['Rất không hài lòng', 'vi', 4],
    ['  Trụ sở   sạch sẽ, văn minh. ', 'vi', 6],
    ['18–24 – tuổi', 'vi', 2],
    ['Very dissatisfied', 'en', 6],
    ['The office is clean', 'en', 5],
    ['Procedure', 'en', 3],
    ['are posted', 'en', 3],
    ['the table', 'en', 3],
    ['Neutral', 'en-GB', 2],
    ['18–24', 'en', 1],
  ])('counts "%s" (%s) as %i', (text, locale, expected) => {
    expect(countSyllables(text, locale)).toBe(expected);
  });
});

describe('estimatePath', () => {
  it('adds reading at 3 syllables/s and 1.5 s per tap, screen by screen (tiny fixture)', () => {
    // vi core: 5 items × ("Câu A1" 2 + five "Mức n" labels 10) + F0 ("Có không?" 2 + "Có", "Không" 2) = 64 syllables.
    // Screens: welcome + 6 questions + checkpoint + thank-you; taps: start + 6 + send.
    const vi = estimatePath(small, 'vi');
    expect(vi.core).toEqual({ questions: 6, screens: 9, seconds: expect.closeTo(64 / 3 + 8 * 1.5, 9) });
    // Full adds X1 (3) and X2 (2), the "answer more" tap and a closing send screen.
    expect(vi.full).toEqual({ questions: 8, screens: 12, seconds: expect.closeTo(69 / 3 + 11 * 1.5, 9) });
    // en: "Item A1" 3 + five "Level n" 15 = 18 per item; "Did you?" 2 + "Yes" 1 + "No" 1 = 4; "Choose" 1 (silent e) + 2; "Comment" 2.
    const en = estimatePath(small, 'en');
    expect(en.core.seconds).toBeCloseTo(94 / 3 + 8 * 1.5, 9);
    expect(en.full.seconds).toBeCloseTo(99 / 3 + 11 * 1.5, 9);
  });

  it('is the core path alone when every extra is switched off', () => {
    const { core, full } = estimatePath(small, 'vi', { disabledSections: ['extra'] });
    expect(full).toEqual(core);
  });

  it.each<[string, string, SurveyDefinition, { core: [number, number]; full: [number, number] }]>([
    // [questions, screens]: welcome + 20 core + checkpoint + thank-you; full adds 23 extras and a send screen.
    ['sipas-2023', 'vi', SIPAS_2023, { core: [20, 23], full: [43, 47] }],
    ['sipas-2023', 'en', SIPAS_2023, { core: [20, 23], full: [43, 47] }],
    ['sipas-2017', 'vi', SIPAS_2017, { core: [23, 26], full: [24, 28] }],
    ['sipas-2017', 'en', SIPAS_2017, { core: [23, 26], full: [24, 28] }],
  ])('gives %s in %s plausible figures', (_name, locale, def, expected) => {
    const { core, full } = estimatePath(def, locale);
    expect([core.questions, core.screens]).toEqual(expected.core);
    expect([full.questions, full.screens]).toEqual(expected.full);
    // Every core screen carries a long item and five labels: 6–20 s each; the full path is longer.
    expect(core.seconds).toBeGreaterThan(core.questions * 6);
    expect(core.seconds).toBeLessThan(core.questions * 20);
    expect(full.seconds).toBeGreaterThan(core.seconds);
    expect(full.seconds).toBeLessThan(full.questions * 20);
  });
});

describe('reviewGroups', () => {
  it('groups the visible core by section with each answer, then every visible extra in one group', () => {
    expect(reviewGroups(miniDefinition, { TC1: 4, TT1: 2, PA0: 'no', CH1: ['direct'] })).toEqual([
      { sectionId: 'access', part: 'core', component: 1, questions: [{ questionId: 'TC1', value: 4 }, { questionId: 'TC2', value: undefined }] },
      { sectionId: 'procedures', part: 'core', component: 2, questions: [{ questionId: 'TT1', value: 2 }] },
      { sectionId: 'servant', part: 'core', component: 3, questions: [{ questionId: 'CC1', value: undefined }] },
      { sectionId: 'result', part: 'core', component: 4, questions: [{ questionId: 'KQ1', value: undefined }] },
      { sectionId: 'filter', part: 'core', questions: [{ questionId: 'PA0', value: 'no' }] },
      { sectionId: 'extra', part: 'extra', questions: [{ questionId: 'CH1', value: ['direct'] }, { questionId: 'COMMENT', value: undefined }] },
    ]);
  });

  it('shows component 5 only when the filter opens it, and no extras group when they are switched off', () => {
    const groups = reviewGroups(miniDefinition, { PA0: 'yes', PA1: 5 }, { disabledSections: ['extra'] });
    expect(groups.map((g) => g.sectionId)).toEqual(['access', 'procedures', 'servant', 'result', 'filter', 'feedback']);
    expect(groups.at(-1)).toEqual({ sectionId: 'feedback', part: 'core', component: 5, questions: [{ questionId: 'PA1', value: 5 }] });
  });

  it('puts the extras of several sections into one group named after the first, in order', () => {
    const groups = reviewGroups(SIPAS_2023, { PA0: 'no', PROC2: 'yes', COMMENT: 'Tốt' });
    const extras = groups.filter((g) => g.part === 'extra');
    expect(extras).toHaveLength(1);
    expect(extras[0]!.sectionId).toBe('integrity');
    expect(extras[0]!.questions.map((q) => q.questionId)).toEqual(
      SIPAS_2023.sections.filter((s) => s.part === 'extra').flatMap((s) => s.questions.map((q) => q.id)),
    );
    expect(extras[0]!.questions.at(-1)).toEqual({ questionId: 'COMMENT', value: 'Tốt' });
    expect(groups.filter((g) => g.part === 'core').map((g) => g.component)).toEqual([1, 2, 3, 4, undefined]);
  });
});
