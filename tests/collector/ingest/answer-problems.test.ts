import { describe, expect, it } from 'vitest';
import { checkResponse, explainAnswerProblem, indexDefinitions } from '../../../src/collector/ingest';
import { validateAnswers, type Answers } from '../../../src/shared/survey';
import { fiveComponentDefinition } from '../../fixtures/five-components';
import { makeResponse } from '../helpers';

const def = fiveComponentDefinition();
const ROOT = '$.responses[3]';
const valid: Answers = { CC1: 4, FB: 'no' };

/** The reasons a collector gives for these answers, one per problem the engine finds. */
const reasons = (answers: Answers, status: 'complete' | 'partial', disabledSections?: string[]) =>
  validateAnswers(def, answers, status, { disabledSections }).map((problem) => explainAnswerProblem(problem, ROOT));

describe("explainAnswerProblem: the wording of the engine's answer problems", () => {
  it.each<[string, Answers, 'complete' | 'partial', string[], string[]?]>([
    [
      'unknown question id',
      { ...valid, OLD1: 4 },
      'complete',
      ['$.responses[3].answers.OLD1: expected a question of engine-test version 2, found an answer 4 to a question it does not have'],
    ],
    ['satisfaction out of range', { ...valid, CC2: 7 }, 'complete', ['$.responses[3].answers.CC2: expected a code 1–5, found 7']],
    ['satisfaction not an integer', { ...valid, CC2: 2.5 }, 'complete', ['$.responses[3].answers.CC2: expected a code 1–5, found 2.5']],
    ['satisfaction as a text', { ...valid, TC1: '5' }, 'complete', ['$.responses[3].answers.TC1: expected a code 1–5, found "5"']],
    [
      'single unknown code',
      { CC1: 4, FB: 'maybe' },
      'partial',
      ['$.responses[3].answers.FB: expected one of the codes yes, no, found "maybe"'],
    ],
    [
      'single as a list',
      { CC1: 4, FB: ['yes'] },
      'partial',
      ['$.responses[3].answers.FB: expected one of the codes yes, no, found ["yes"]'],
    ],
    [
      'multiple not a list',
      { ...valid, CH: 'direct' },
      'complete',
      ['$.responses[3].answers.CH: expected a list of codes from direct, online, post, found "direct"'],
    ],
    [
      'multiple unknown code',
      { ...valid, CH: ['direct', 'fax'] },
      'complete',
      ['$.responses[3].answers.CH: expected only the codes direct, online, post, found "fax"'],
    ],
    [
      'multiple repeated code',
      { ...valid, CH: ['online', 'online'] },
      'complete',
      ['$.responses[3].answers.CH: expected each code at most once, found "online" more than once'],
    ],
    [
      'multiple with every problem at once',
      { ...valid, CH: ['fax', 'post', 'post', 'telex'] },
      'complete',
      [
        '$.responses[3].answers.CH: expected only the codes direct, online, post, found "fax", "telex"',
        '$.responses[3].answers.CH: expected each code at most once, found "post" more than once',
        '$.responses[3].answers.CH: expected at most 2 codes, found 4',
      ],
    ],
    [
      'multiple over maxSelected',
      { ...valid, CH: ['direct', 'online', 'post'] },
      'complete',
      ['$.responses[3].answers.CH: expected at most 2 codes, found 3'],
    ],
    ['text not a string', { ...valid, COMMENT: 5 }, 'complete', ['$.responses[3].answers.COMMENT: expected a text, found 5']],
    [
      'text over maxLength',
      { ...valid, COMMENT: 'x'.repeat(21) },
      'complete',
      ['$.responses[3].answers.COMMENT: expected a text of at most 20 characters, found 21'],
    ],
    [
      'a long value cut to 60 characters',
      { ...valid, FB: 'y'.repeat(80) },
      'complete',
      [`$.responses[3].answers.FB: expected one of the codes yes, no, found "${'y'.repeat(56)}…`],
    ],
    [
      'answered but hidden by its own condition',
      { ...valid, LATE: 'no', TOLD: 'yes' },
      'complete',
      ['$.responses[3].answers.TOLD: answered but not asked: hidden by its condition, found "yes"'],
    ],
    [
      'answered but hidden by its section condition',
      { ...valid, PA1: 5 },
      'complete',
      ['$.responses[3].answers.PA1: answered but not asked: hidden by the condition of its section feedback, found 5'],
    ],
    [
      'answered in a switched-off section',
      { ...valid, CH: ['direct'] },
      'complete',
      ['$.responses[3].answers.CH: answered but not asked: its section extra is switched off on this kiosk, found ["direct"]'],
      ['extra'],
    ],
    [
      'required questions missing in a complete response',
      {},
      'complete',
      [
        '$.responses[3].answers.CC1: required, expected an answer, found none',
        '$.responses[3].answers.FB: required, expected an answer, found none',
      ],
    ],
    [
      'an answer to a question id that is not a plain identifier in the path',
      { ...valid, 'Z-1': 1 },
      'complete',
      ['$.responses[3].answers["Z-1"]: expected a question of engine-test version 2, found an answer 1 to a question it does not have'],
    ],
  ])('%s', (_, answers, status, expected, disabled) => {
    expect(reasons(answers, status, disabled)).toEqual(expected);
  });

  it('names a required multiple left as an empty list, a required text left empty or blank', () => {
    const strict = structuredClone(def);
    for (const section of strict.sections) for (const q of section.questions) q.required = true;
    const answers: Answers = {
      TC1: 1,
      TC2: 2,
      TT1: 3,
      TT2: 4,
      CC1: 5,
      CC2: 4,
      KQ1: 3,
      KQ2: 2,
      FB: 'no',
      CH: [],
      LATE: 'no',
      COMMENT: '  ',
    };
    const explain = (a: Answers) => validateAnswers(strict, a, 'complete').map((problem) => explainAnswerProblem(problem, '$'));
    expect(explain(answers)).toEqual([
      '$.answers.CH: required, expected an answer, found an empty list',
      '$.answers.COMMENT: required, expected an answer, found a blank text',
    ]);
    expect(explain({ ...answers, COMMENT: '' })).toContain('$.answers.COMMENT: required, expected an answer, found an empty text');
  });
});

describe('checkResponse: answers that do not fit the definition', () => {
  const definitions = indexDefinitions([def]);

  // Values the response schema lets through (a code 1–5 as a text, a list for a text) reach the engine.
  it('rejects with every problem, each named by its path in the batch, joined by "; "', () => {
    const response = makeResponse({
      definitionId: 'engine-test',
      definitionVersion: 2,
      answers: { ZZZ: 'a', COMMENT: ['x'], FB: 'no', TC1: '6' },
    });
    expect(checkResponse(response, 3, definitions)).toEqual({
      kind: 'rejected',
      responseId: response.id,
      reason:
        '$.responses[3].answers.TC1: expected a code 1–5, found "6"; $.responses[3].answers.CC1: required, expected an answer, found none; ' +
        '$.responses[3].answers.COMMENT: expected a text, found ["x"]; ' +
        '$.responses[3].answers.ZZZ: expected a question of engine-test version 2, found an answer "a" to a question it does not have',
    });
  });

  it('checks with every optional section on: an answer there is accepted', () => {
    const response = makeResponse({ definitionId: 'engine-test', definitionVersion: 2, answers: { ...valid, CH: ['direct'] } });
    expect(checkResponse(response, 0, definitions).kind).toBe('valid');
  });

  it('names the definitions it knows by id@version when a response names another', () => {
    const reason = checkResponse(makeResponse({ definitionId: 'engine-test', definitionVersion: 9 }), 0, definitions);
    expect(reason).toMatchObject({
      kind: 'rejected',
      reason: 'unknown definition engine-test version 9; this collector knows engine-test@2',
    });
  });
});
