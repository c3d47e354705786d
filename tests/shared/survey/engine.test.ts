import { describe, expect, it } from 'vitest';
import {
  answerLabel,
  canLeaveQuestion,
  findQuestion,
  firstQuestionId,
  isAnswered,
  isComplete,
  isConditionMet,
  nextQuestionId,
  previousQuestionId,
  progressOf,
  pruneAnswers,
  validateAnswers,
  visibleQuestions,
  type AnswerProblem,
  type AnswerProblemDetails,
  type Answers,
  type Condition,
  type Question,
} from '../../../src/shared/survey';
import { fiveComponentDefinition } from '../../fixtures/five-components';

const def = fiveComponentDefinition();

const ids = (answers: Answers, options?: { disabledSections?: string[] }) =>
  visibleQuestions(def, answers, options).map((ref) => ref.question.id);
const question = (id: string): Question => findQuestion(def, id)!.question;

const CORE = ['TC1', 'TC2', 'TT1', 'TT2', 'CC1', 'CC2', 'KQ1', 'KQ2', 'FB'];

describe('isConditionMet', () => {
  const answers: Answers = { FB: 'yes', TC1: 4, CH: ['direct', 'online'], COMMENT: '   ', EMPTY: [] };
  it.each<[string, Condition | undefined, boolean]>([
    ['no condition holds', undefined, true],
    ['equals a single code', { question: 'FB', equals: 'yes' }, true],
    ['equals another code', { question: 'FB', equals: 'no' }, false],
    ['equals a satisfaction code', { question: 'TC1', equals: 4 }, true],
    ['does not coerce "4" to 4', { question: 'TC1', equals: '4' }, false],
    ['equals is "includes" for a multiple answer', { question: 'CH', equals: 'online' }, true],
    ['equals a code not chosen', { question: 'CH', equals: 'post' }, false],
    ['equals on an unanswered question', { question: 'TC2', equals: 4 }, false],
    ['in: any value', { question: 'TC1', in: [1, 4] }, true],
    ['in: none of the values', { question: 'TC1', in: [1, 2, 3] }, false],
    ['in on a multiple answer', { question: 'CH', in: ['post', 'direct'] }, true],
    ['answered: true', { question: 'TC1', answered: true }, true],
    ['answered: true on a missing answer', { question: 'TC2', answered: true }, false],
    ['answered: false on a missing answer', { question: 'TC2', answered: false }, true],
    ['a blank text is not an answer', { question: 'COMMENT', answered: true }, false],
    ['an empty list is not an answer', { question: 'EMPTY', answered: false }, true],
    ['an inherited property is not an answer', { question: 'constructor', answered: true }, false],
    ['all: every part', { all: [{ question: 'FB', equals: 'yes' }, { question: 'TC1', in: [4, 5] }] }, true],
    ['all: one part fails', { all: [{ question: 'FB', equals: 'yes' }, { question: 'TC1', equals: 5 }] }, false],
    ['any: one part holds', { any: [{ question: 'FB', equals: 'no' }, { question: 'TC1', equals: 4 }] }, true],
    ['any: no part holds', { any: [{ question: 'FB', equals: 'no' }, { question: 'TC1', equals: 5 }] }, false],
    ['not', { not: { question: 'FB', equals: 'yes' } }, false],
    ['nested', { not: { any: [{ question: 'TC2', answered: true }, { all: [{ question: 'CH', equals: 'post' }] }] } }, true],
  ])('%s', (_, condition, expected) => {
    expect(isConditionMet(condition, answers)).toBe(expected);
  });
});

describe('visibleQuestions', () => {
  it.each<[string, Answers, string[]]>([
    ['nothing answered: component 5 and the late chain are hidden', {}, [...CORE, 'CH', 'LATE', 'COMMENT']],
    ['the filter opens component 5 in place', { FB: 'yes' }, [...CORE, 'PA1', 'PA2', 'CH', 'LATE', 'COMMENT']],
    ['the filter answered no keeps it hidden', { FB: 'no', PA1: 5 }, [...CORE, 'CH', 'LATE', 'COMMENT']],
    ['a late result asks whether they were told', { LATE: 'yes' }, [...CORE, 'CH', 'LATE', 'TOLD', 'COMMENT']],
    ['told opens the apology question', { LATE: 'yes', TOLD: 'yes' }, [...CORE, 'CH', 'LATE', 'TOLD', 'APOLOGY', 'COMMENT']],
    // TOLD is hidden (LATE is no), so its left-over "yes" must not open APOLOGY.
    ['an answer to a hidden question opens nothing', { LATE: 'no', TOLD: 'yes' }, [...CORE, 'CH', 'LATE', 'COMMENT']],
  ])('%s', (_, answers, expected) => {
    expect(ids(answers)).toEqual(expected);
  });

  it('returns each question with its section', () => {
    const refs = visibleQuestions(def, { FB: 'yes' });
    expect(refs.find((ref) => ref.question.id === 'PA2')?.section.id).toBe('feedback');
  });

  it('skips an optional section that staff switched off', () => {
    expect(ids({ LATE: 'yes' }, { disabledSections: ['extra'] })).toEqual([...CORE, 'COMMENT']);
  });

  it('ignores switching off a section that is not optional', () => {
    expect(ids({}, { disabledSections: ['access', 'closing'] })).toEqual([...CORE, 'CH', 'LATE', 'COMMENT']);
  });
});

describe('navigation', () => {
  it.each<[string, Answers, string, string | null, string[]?]>([
    ['within a component', {}, 'TC1', 'TC2'],
    ['across components', {}, 'KQ2', 'FB'],
    ['filter no: past component 5', { FB: 'no' }, 'FB', 'CH'],
    ['filter yes: into component 5', { FB: 'yes' }, 'FB', 'PA1'],
    ['late yes: to the follow-up', { LATE: 'yes' }, 'LATE', 'TOLD'],
    ['late no: past the chain', { LATE: 'no' }, 'LATE', 'COMMENT'],
    ['switched-off section skipped', { FB: 'no' }, 'FB', 'COMMENT', ['extra']],
    ['the last question leads to the review', {}, 'COMMENT', null],
    ['an unknown current id falls back to the first question', {}, 'NOPE', 'TC1'],
  ])('next: %s', (_, answers, current, expected, disabled) => {
    expect(nextQuestionId(def, answers, current, { disabledSections: disabled })).toBe(expected);
  });

  it.each<[string, Answers, string, string | null]>([
    ['the first question has none', {}, 'TC1', null],
    ['filter no: back over component 5', { FB: 'no' }, 'CH', 'FB'],
    ['filter yes: back into component 5', { FB: 'yes' }, 'CH', 'PA2'],
    ['from the text back to the chain', { LATE: 'yes', TOLD: 'yes' }, 'COMMENT', 'APOLOGY'],
    ['an unknown id has none', {}, 'NOPE', null],
  ])('previous: %s', (_, answers, current, expected) => {
    expect(previousQuestionId(def, answers, current)).toBe(expected);
  });

  it('starts at the first visible question', () => {
    expect(firstQuestionId(def, {})).toBe('TC1');
  });

  it('walks every visible question forward and back in order', () => {
    const answers: Answers = { FB: 'yes', LATE: 'yes' };
    const forward: string[] = [];
    for (let id = firstQuestionId(def, answers); id !== null; id = nextQuestionId(def, answers, id)) forward.push(id);
    expect(forward).toEqual([...CORE, 'PA1', 'PA2', 'CH', 'LATE', 'TOLD', 'COMMENT']);
    const back: string[] = [];
    for (let id: string | null = 'COMMENT'; id !== null; id = previousQuestionId(def, answers, id)) back.push(id);
    expect(back).toEqual([...forward].reverse());
  });

  it.each<[string, Answers, string, { position: number; total: number }]>([
    ['first of 12 with nothing answered', {}, 'TC1', { position: 1, total: 12 }],
    ['the filter is 9th', {}, 'FB', { position: 9, total: 12 }],
    ['filter yes adds two questions', { FB: 'yes' }, 'CH', { position: 12, total: 14 }],
    ['last question', { FB: 'no' }, 'COMMENT', { position: 12, total: 12 }],
    // PA1 is hidden by FB = no: it still counts as a step so position never passes total.
    ['a question no longer asked', { FB: 'no' }, 'PA1', { position: 10, total: 13 }],
    ['an unknown id', {}, 'NOPE', { position: 0, total: 12 }],
  ])('progress: %s', (_, answers, current, expected) => {
    expect(progressOf(def, answers, current)).toEqual(expected);
  });
});

describe('pruneAnswers', () => {
  it('drops component 5 when the filter changes from yes to no', () => {
    const before: Answers = { TC1: 4, FB: 'yes', PA1: 5, PA2: 3, COMMENT: 'ok' };
    expect(pruneAnswers(def, { ...before, FB: 'no' })).toEqual({ TC1: 4, FB: 'no', COMMENT: 'ok' });
  });

  it('reaches the fixed point: a hidden follow-up hides its own follow-up', () => {
    const answers: Answers = { LATE: 'no', TOLD: 'yes', APOLOGY: 'no', COMMENT: 'x' };
    expect(pruneAnswers(def, answers)).toEqual({ LATE: 'no', COMMENT: 'x' });
  });

  it('keeps every answer that is still asked', () => {
    const answers: Answers = { TC1: 1, CC1: 5, FB: 'yes', PA2: 2, CH: ['post'], LATE: 'yes', TOLD: 'yes', APOLOGY: 'no' };
    expect(pruneAnswers(def, answers)).toEqual(answers);
  });

  it('drops answers of a switched-off section, unknown ids, empty lists and blank texts', () => {
    const answers: Answers = { TC1: 3, CH: ['direct'], LATE: 'no', OLD: 4, COMMENT: '  ' };
    expect(pruneAnswers(def, answers, { disabledSections: ['extra'] })).toEqual({ TC1: 3 });
    expect(pruneAnswers(def, { TC2: 2, CH: [] })).toEqual({ TC2: 2 });
  });

  it('returns a new object and leaves the input alone', () => {
    const answers: Answers = { FB: 'no', PA1: 5 };
    const pruned = pruneAnswers(def, answers);
    expect(pruned).not.toBe(answers);
    expect(answers).toEqual({ FB: 'no', PA1: 5 });
  });
});

describe('answering', () => {
  it.each<[string, string, Answers[string] | undefined, boolean]>([
    ['satisfaction 1', 'TC1', 1, true],
    ['satisfaction 5', 'TC1', 5, true],
    ['satisfaction 0', 'TC1', 0, false],
    ['satisfaction 6', 'TC1', 6, false],
    ['satisfaction 4.5', 'TC1', 4.5, false],
    ['satisfaction "4"', 'TC1', '4', false],
    ['satisfaction missing', 'TC1', undefined, false],
    ['single option code', 'FB', 'no', true],
    ['single unknown code', 'FB', 'maybe', false],
    ['single number', 'FB', 1, false],
    ['multiple with one code', 'CH', ['post'], true],
    ['multiple empty', 'CH', [], false],
    ['multiple as a string', 'CH', 'post', false],
    ['text', 'COMMENT', ' tốt ', true],
    ['text blank', 'COMMENT', ' \n ', false],
    ['text empty', 'COMMENT', '', false],
  ])('isAnswered: %s', (_, id, value, expected) => {
    expect(isAnswered(question(id), value)).toBe(expected);
  });

  it.each<[string, string, Answers[string] | undefined, boolean]>([
    ['a required question without an answer blocks', 'CC1', undefined, false],
    ['a required question with an invalid value blocks', 'CC1', 7, false],
    ['a required question with an answer lets go', 'CC1', 3, true],
    ['a required filter without an answer blocks', 'FB', undefined, false],
    ['an optional question can be skipped', 'CC2', undefined, true],
    ['an optional multiple can be left empty', 'CH', [], true],
  ])('canLeaveQuestion: %s', (_, id, value, expected) => {
    expect(canLeaveQuestion(question(id), value)).toBe(expected);
  });
});

describe('isComplete', () => {
  it.each<[string, Answers, boolean, string[]?]>([
    ['the two required questions are enough', { CC1: 4, FB: 'no' }, true],
    ['required CC1 missing', { FB: 'no' }, false],
    ['required filter missing', { CC1: 4 }, false],
    ['an invalid value', { CC1: 4, FB: 'no', TC1: 9 }, false],
    ['an answer left on a hidden question', { CC1: 4, FB: 'no', PA1: 5 }, false],
    ['an answer in a switched-off section', { CC1: 4, FB: 'no', LATE: 'no' }, false, ['extra']],
    ['everything answered', { TC1: 1, TC2: 2, TT1: 3, TT2: 4, CC1: 5, CC2: 4, KQ1: 3, KQ2: 2, FB: 'yes', PA1: 1, PA2: 5, CH: ['online'], LATE: 'no', COMMENT: 'cảm ơn' }, true],
  ])('%s', (_, answers, expected, disabled) => {
    expect(isComplete(def, answers, { disabledSections: disabled })).toBe(expected);
  });
});

describe('validateAnswers', () => {
  const valid: Answers = { CC1: 4, FB: 'no' };
  const options = ['direct', 'online', 'post'];
  const at = (questionId: string, details: AnswerProblemDetails): AnswerProblem => ({ questionId, path: ['answers', questionId], ...details });
  it.each<[string, Answers, 'complete' | 'partial', AnswerProblem[], string[]?]>([
    ['nothing wrong', valid, 'complete', []],
    [
      'unknown question id',
      { ...valid, OLD1: 4 },
      'complete',
      [at('OLD1', { kind: 'unknownQuestion', expected: { definitionId: 'engine-test', definitionVersion: 2 }, found: 4 })],
    ],
    ['satisfaction out of range', { ...valid, CC2: 7 }, 'complete', [at('CC2', { kind: 'notInScale', found: 7 })]],
    ['satisfaction not an integer', { ...valid, CC2: 2.5 }, 'complete', [at('CC2', { kind: 'notInScale', found: 2.5 })]],
    ['satisfaction as a text', { ...valid, TC1: '5' }, 'complete', [at('TC1', { kind: 'notInScale', found: '5' })]],
    ['single unknown code', { CC1: 4, FB: 'maybe' }, 'partial', [at('FB', { kind: 'notAnOption', expected: ['yes', 'no'], found: 'maybe' })]],
    ['single as a list', { CC1: 4, FB: ['yes'] }, 'partial', [at('FB', { kind: 'notAnOption', expected: ['yes', 'no'], found: ['yes'] })]],
    ['multiple not a list', { ...valid, CH: 'direct' }, 'complete', [at('CH', { kind: 'notAList', expected: options, found: 'direct' })]],
    ['multiple unknown code', { ...valid, CH: ['direct', 'fax'] }, 'complete', [at('CH', { kind: 'unknownCodes', expected: options, found: ['fax'] })]],
    ['multiple repeated code', { ...valid, CH: ['online', 'online'] }, 'complete', [at('CH', { kind: 'repeatedCodes', found: ['online'] })]],
    [
      'multiple with every problem at once, each reported',
      { ...valid, CH: ['fax', 'post', 'post', 'fax'] },
      'complete',
      [
        at('CH', { kind: 'unknownCodes', expected: options, found: ['fax', 'fax'] }),
        at('CH', { kind: 'repeatedCodes', found: ['post', 'fax'] }),
        at('CH', { kind: 'tooManyCodes', expected: 2, found: 4 }),
      ],
    ],
    ['multiple over maxSelected', { ...valid, CH: ['direct', 'online', 'post'] }, 'complete', [at('CH', { kind: 'tooManyCodes', expected: 2, found: 3 })]],
    ['text not a string', { ...valid, COMMENT: 5 }, 'complete', [at('COMMENT', { kind: 'notAText', found: 5 })]],
    ['text over maxLength', { ...valid, COMMENT: 'x'.repeat(21) }, 'complete', [at('COMMENT', { kind: 'tooLong', expected: 20, found: 21 })]],
    ['text at maxLength', { ...valid, COMMENT: 'x'.repeat(20) }, 'complete', []],
    [
      'answered but hidden by its own condition',
      { ...valid, LATE: 'no', TOLD: 'yes' },
      'complete',
      [at('TOLD', { kind: 'hidden', because: 'condition', sectionId: 'extra', found: 'yes' })],
    ],
    [
      'answered but hidden by its section condition',
      { ...valid, PA1: 5 },
      'complete',
      [at('PA1', { kind: 'hidden', because: 'sectionCondition', sectionId: 'feedback', found: 5 })],
    ],
    [
      'answered in a switched-off section',
      { ...valid, CH: ['direct'] },
      'complete',
      [at('CH', { kind: 'hidden', because: 'sectionSwitchedOff', sectionId: 'extra', found: ['direct'] })],
      ['extra'],
    ],
    [
      'required questions missing in a complete response',
      {},
      'complete',
      [at('CC1', { kind: 'required', found: undefined }), at('FB', { kind: 'required', found: undefined })],
    ],
    ['required questions may be missing in a partial response', { TC1: 3 }, 'partial', []],
    [
      'a required question with a wrong value is reported as wrong, not as missing',
      { CC1: 0, FB: 'no' },
      'complete',
      [at('CC1', { kind: 'notInScale', found: 0 })],
    ],

    ['an empty list is no answer, not a wrong one', { ...valid, CH: [] }, 'complete', []],
    [
      'problems come in definition order, unknown ids last',
      { ZZZ: 'a', COMMENT: 9, FB: 'no', TC1: 6 },
      'complete',
      [
        at('TC1', { kind: 'notInScale', found: 6 }),
        at('CC1', { kind: 'required', found: undefined }),
        at('COMMENT', { kind: 'notAText', found: 9 }),
        at('ZZZ', { kind: 'unknownQuestion', expected: { definitionId: 'engine-test', definitionVersion: 2 }, found: 'a' }),
      ],
    ],
  ])('%s', (_, answers, status, expected, disabled) => {
    expect(validateAnswers(def, answers, status, { disabledSections: disabled })).toStrictEqual(expected);
  });

  it('reports a required multiple left as an empty list, or a required text left blank, as missing with what was found', () => {
    const strict = structuredClone(def);
    for (const section of strict.sections) for (const q of section.questions) q.required = true;
    const answers: Answers = { TC1: 1, TC2: 2, TT1: 3, TT2: 4, CC1: 5, CC2: 4, KQ1: 3, KQ2: 2, FB: 'no', CH: [], LATE: 'no', COMMENT: '  ' };
    expect(validateAnswers(strict, answers, 'complete')).toStrictEqual([at('CH', { kind: 'required', found: [] }), at('COMMENT', { kind: 'required', found: '  ' })]);
  });

  it('finds an answer keyed "constructor" to be one to an unknown question, not an inherited property', () => {
    expect(validateAnswers(def, { ...valid, constructor: 3 }, 'complete').map((p) => [p.questionId, p.kind])).toEqual([['constructor', 'unknownQuestion']]);
  });
});

describe('answerLabel', () => {
  it.each<[string, string, Answers[string], string, string]>([
    ['satisfaction shows the number with its label', 'TC1', 4, 'vi', '4 – Hài lòng'],
    ['in English', 'TC1', 3, 'en', '3 – Neutral'],
    ['a missing language falls back to the default', 'TC1', 5, 'fr', '5 – Rất hài lòng'],
    ['single', 'FB', 'no', 'en', 'No'],
    ['multiple, joined', 'CH', ['online', 'direct'], 'vi', 'Trực tuyến; Trực tiếp'],
    ['unknown code shown as is', 'CH', ['fax'], 'en', 'fax'],
    ['text as is', 'COMMENT', 'Nhanh; gọn', 'en', 'Nhanh; gọn'],
    ['unknown question', 'OLD', 4, 'en', '4'],
  ])('%s', (_, id, value, locale, expected) => {
    expect(answerLabel(def, id, value, locale)).toBe(expected);
  });
});

describe('findQuestion', () => {
  it('finds a question and its section, or nothing', () => {
    expect(findQuestion(def, 'APOLOGY')?.section.id).toBe('extra');
    expect(findQuestion(def, 'NOPE')).toBeUndefined();
    expect(findQuestion(def, 'constructor')).toBeUndefined();
  });
});
