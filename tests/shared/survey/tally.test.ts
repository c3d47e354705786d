import { describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import {
  createScoreAccumulator,
  emptyTally,
  mergeTallies,
  parseTally,
  scoreFromTally,
  choicesFromTally,
  scoreResponses,
  serialiseTally,
  tallyResponse,
  talliesEqual,
  addTallyToFlat,
  tallyFromFlat,
  tallyLayout,
  TALLY_LAYOUT_VERSION,
  type Answers,
  type ScorableResponse,
  type SurveyDefinition,
} from '../../../src/shared/survey';
import { fiveComponentDefinition } from '../../fixtures/five-components';

const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
const shipped = ['sipas-2023', 'sipas-2017'].map((id) => definitions.filter((d) => d.id === id).sort((a, b) => b.version - a.version)[0]);

/** A small deterministic generator (mulberry32), so a failing dataset can be replayed by its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random answers to every question of `def`: some left out, some off the scale, repeated multiple-choice codes. */
function randomResponse(def: SurveyDefinition, next: () => number): ScorableResponse {
  const answers: Answers = {};
  for (const section of def.sections) {
    for (const question of section.questions) {
      if (next() < 0.2) continue;
      if (question.kind === 'satisfaction') answers[question.id] = next() < 0.05 ? 9 : 1 + Math.floor(next() * 5);
      else if (question.kind === 'single') answers[question.id] = next() < 0.05 ? 'unknown-code' : question.options[Math.floor(next() * question.options.length)].code;
      else if (question.kind === 'multiple') {
        const codes = question.options.filter(() => next() < 0.4).map((o) => o.code);
        if (codes.length > 0 && next() < 0.2) codes.push(codes[0]);
        answers[question.id] = codes;
      } else answers[question.id] = 'ý kiến';
    }
  }
  const roll = next();
  return { definitionId: roll < 0.03 ? 'another-definition' : def.id, status: roll < 0.15 ? 'partial' : 'complete', answers };
}

describe('score tallies', () => {
  for (const def of shipped) {
    it(`give the same score and choices as scoring the rows, on random datasets of ${def.id}`, () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const next = random(seed);
        const rows = Array.from({ length: 50 + Math.floor(next() * 200) }, () => randomResponse(def, next));
        const merged = rows.map((row) => tallyResponse(def, row)).reduce(mergeTallies, emptyTally());
        expect(scoreFromTally(def, merged)).toEqual(scoreResponses(def, rows));
        const accumulator = createScoreAccumulator(def);
        rows.forEach((row) => accumulator.add(row));
        expect(choicesFromTally(def, merged)).toEqual(accumulator.choices());
        // Serialised and read back, in any grouping, the figures stay the same.
        const half = Math.floor(rows.length / 2);
        const left = rows.slice(0, half).map((row) => tallyResponse(def, row)).reduce(mergeTallies, emptyTally());
        const right = rows.slice(half).map((row) => tallyResponse(def, row)).reduce(mergeTallies, emptyTally());
        const roundTripped = mergeTallies(parseTally(serialiseTally(right)), parseTally(serialiseTally(left)));
        expect(scoreFromTally(def, roundTripped)).toEqual(scoreResponses(def, rows));
        expect(talliesEqual(roundTripped, merged)).toBe(true);
      }
    });
  }

  it('count one response by hand: codes, not applicable, skipped, respondents and choices', () => {
    const def = fiveComponentDefinition({ id: 'tally-test', version: 1 });
    const tally = tallyResponse(def, { definitionId: 'tally-test', status: 'complete', answers: { TC1: 5, TC2: 3, FB: 'no', CH: ['direct', 'direct'] } });
    expect(tally.responses).toBe(1);
    expect(tally.items.TC1).toEqual([0, 0, 0, 0, 1, 0, 0]);
    expect(tally.items.TC2).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(tally.items.TT1).toEqual([0, 0, 0, 0, 0, 0, 1]); // shown, not answered: skipped
    expect(tally.items.PA1).toEqual([0, 0, 0, 0, 0, 1, 0]); // hidden by FB = no: not applicable
    expect(Object.values(tally.respondents).reduce((a, b) => a + b, 0)).toBe(1);
    expect(tally.choices.CH).toEqual({ asked: 1, answered: 1, notAsked: 0, switchedOff: 0, counts: { direct: 1 } });
  });

  it('count a partial response and one of another definition without scoring them', () => {
    const def = fiveComponentDefinition({ id: 'tally-test', version: 1 });
    const partial = tallyResponse(def, { definitionId: 'tally-test', status: 'partial', answers: { TC1: 5 } });
    const other = tallyResponse(def, { definitionId: 'other', status: 'complete', answers: { TC1: 5 } });
    expect([partial.partial, partial.responses, Object.keys(partial.items).length > 0 && partial.items.TC1.some((n) => n > 0)]).toEqual([1, 0, false]);
    expect([other.otherDefinition, other.responses]).toEqual([1, 0]);
  });

  it('leave zeros out of the serialised form and read them back as zeros', () => {
    const def = fiveComponentDefinition({ id: 'tally-test', version: 1 });
    const tally = tallyResponse(def, { definitionId: 'tally-test', status: 'complete', answers: { TC1: 4, FB: 'no' } });
    const text = serialiseTally(tally);
    expect(text).not.toContain('"procedures"'); // no valid answer in component 2: no respondent figure kept
    expect(scoreFromTally(def, parseTally(text))).toEqual(scoreFromTally(def, tally));
  });

  it.each([
    ['not an array', '{"responses":1}'],
    ['a negative count', '[-1,0,0,{},{},{}]'],
    ['an item with 6 counts', '[1,0,0,{"TC1":[1,0,0,0,0,0]},{},{}]'],
    ['a fractional count', '[1.5,0,0,{},{},{}]'],
  ])('refuse a serialised tally that is %s', (_name, text) => {
    expect(() => parseTally(text)).toThrow(/tally/);
  });

  it('merge without changing either argument', () => {
    const def = fiveComponentDefinition({ id: 'tally-test', version: 1 });
    const a = tallyResponse(def, { definitionId: 'tally-test', status: 'complete', answers: { TC1: 4 } });
    const b = tallyResponse(def, { definitionId: 'tally-test', status: 'complete', answers: { TC1: 2 } });
    const before = serialiseTally(a);
    const merged = mergeTallies(a, b);
    expect(serialiseTally(a)).toBe(before);
    expect(merged.items.TC1).toEqual([0, 1, 0, 1, 0, 0, 0]);
  });
});

describe('score tallies of responses with sections switched off', () => {
  /** The response with the answers of the sections it switched off left out, as the collector accepts it. */
  function withSectionsOff(def: SurveyDefinition, response: ScorableResponse, next: () => number): ScorableResponse {
    const off = def.sections.filter((section) => section.optional && next() < 0.4).map((section) => section.id);
    if (off.length === 0) return response;
    const answers: Answers = { ...response.answers };
    for (const section of def.sections) if (off.includes(section.id)) for (const question of section.questions) delete answers[question.id];
    return { ...response, answers, sectionsOff: off };
  }

  for (const def of shipped) {
    it(`give the same not-asked counts as scoring the rows, through merging, serialising and the flat layout, on ${def.id}`, () => {
      for (const seed of [11, 12, 13]) {
        const next = random(seed);
        const rows = Array.from({ length: 150 }, () => withSectionsOff(def, randomResponse(def, next), next));
        expect(rows.some((row) => row.sectionsOff)).toBe(true);
        const accumulator = createScoreAccumulator(def);
        rows.forEach((row) => accumulator.add(row));
        const merged = rows.map((row) => tallyResponse(def, row)).reduce(mergeTallies, emptyTally());
        expect(choicesFromTally(def, merged)).toEqual(accumulator.choices());
        expect(choicesFromTally(def, parseTally(serialiseTally(merged)))).toEqual(accumulator.choices());
        const layout = tallyLayout(def);
        const flat = new Float64Array(layout.size);
        addTallyToFlat(layout, merged, flat);
        const back = tallyFromFlat(layout, merged, flat);
        expect(choicesFromTally(def, back)).toEqual(accumulator.choices());
        expect(scoreFromTally(def, back)).toEqual(scoreResponses(def, rows));
        // (sipas-2017's only optional section is the comment: nothing of it is a choice.)
        const optionalChoices = def.sections.some((section) => section.optional && section.questions.some((q) => q.kind === 'single' || q.kind === 'multiple'));
        expect(accumulator.choices().some((c) => c.switchedOff > 0)).toBe(optionalChoices);
        for (const c of accumulator.choices()) expect(c.asked + c.notAsked).toBe(accumulator.result().responses);
      }
    });
  }

  it('keep the not-asked counts in a layout of its own version, so tallies of the older layout are recomputed', () => {
    expect(TALLY_LAYOUT_VERSION).toBe(2);
    const def = fiveComponentDefinition({ id: 'tally-test', version: 1 });
    const layout = tallyLayout(def);
    // FB (2 options), CH (3), LATE, TOLD, APOLOGY (2 each): 4 counts before the options of each.
    const choiceNumbers = layout.choices.reduce((n, c) => n + 4 + c.codes.length, 0);
    expect(choiceNumbers).toBe(4 * 5 + 2 + 3 + 2 + 2 + 2);
    const tally = tallyResponse(def, { definitionId: 'tally-test', status: 'complete', answers: { TC1: 4, FB: 'no' }, sectionsOff: ['extra'] });
    expect(tally.choices.LATE).toEqual({ asked: 0, answered: 0, notAsked: 1, switchedOff: 1, counts: {} });
    expect(tally.choices.FB).toEqual({ asked: 1, answered: 1, notAsked: 0, switchedOff: 0, counts: { no: 1 } });
  });

  it('read the not-asked counts back from the serialised form, and refuse a choice without them', () => {
    const tally = parseTally('[1,0,0,{},{},{"FB":[0,0,{},1,1]}]');
    expect(tally.choices.FB).toEqual({ asked: 0, answered: 0, notAsked: 1, switchedOff: 1, counts: {} });
    expect(() => parseTally('[1,0,0,{},{},{"FB":[1,1,{"no":1}]}]')).toThrow(/tally/);
  });
});
