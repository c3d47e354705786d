/*
 * SIPAS scoring as shared/sipas.md "Scoring" states it, under the named method "item-percent-mean":
 * p(i) = 100 · satisfied / valid per item, C(k) = mean of the defined p(i) of component k,
 * SIPAS = mean of the defined C(k). Nothing is ever defaulted: a skipped or not-applicable item leaves
 * every denominator. Percentages ("percent") run 0–100 and are exact; shares ("share") run 0–1.
 */
import type { SurveyDefinition } from '../schemas';
import type { AnswerValue, Answers, SurveyResponse } from '../schemas';
import { createVisibilityEvaluator, VISIBILITY, type EngineOptions } from './engine';
import type { ScoreTally } from './tally';

/**
 * The part of a response that scoring reads. `sectionsOff` (the optional sections switched off on the
 * tablet that answered it) makes their questions not asked for this response alone.
 */
export type ScorableResponse = Pick<SurveyResponse, 'definitionId' | 'status' | 'answers'> & { sectionsOff?: readonly string[] };

/** One satisfaction item over the scored responses. */
export interface ItemScore {
  questionId: string;
  component: number;
  /** Answers coded 1–5. */
  valid: number;
  /** Answers at one of the definition's satisfied codes (4 and 5). */
  satisfied: number;
  /** 100 · satisfied / valid; null when nobody gave a valid answer. */
  percent: number | null;
  /** Answers at codes 1, 2, 3, 4, 5. */
  counts: [number, number, number, number, number];
  /** Responses in which the item was not shown (a filter or condition hid it). */
  notApplicable: number;
  /** Responses in which the item was shown but got no valid answer. */
  skipped: number;
  /** notApplicable / responses scored, null with no responses: to report beside every percentage. */
  shareNotApplicable: number | null;
}

/** One SIPAS component (yếu tố) over the scored responses. */
export interface ComponentScore {
  component: number;
  sectionId: string;
  /** Mean of the items' percent over the items that have one; null when none has. */
  percent: number | null;
  itemsDefined: number;
  items: ItemScore[];
  /** Responses with at least one valid answer in the component. */
  respondents: number;
}

/** The SIPAS index of a set of responses, with everything needed to report it honestly. */
export interface SipasScore {
  definitionId: string;
  method: 'item-percent-mean';
  /** Responses scored: complete and of this definition. */
  responses: number;
  excludedPartial: number;
  excludedOtherDefinition: number;
  /** Mean of the components' percent over the components that have one; null when none has. */
  percent: number | null;
  componentsDefined: number;
  components: ComponentScore[];
}

/** How a single- or multiple-choice question was answered, as shares of respondents. */
export interface ChoiceSummary {
  questionId: string;
  kind: 'single' | 'multiple';
  /** Responses in which the question was shown. */
  asked: number;
  /** Responses that chose at least one known option. */
  answered: number;
  /** Responses scored in which it was not shown (its section switched off, or a condition hid it): responses = asked + notAsked. */
  notAsked: number;
  /** Of notAsked, the responses whose tablet had the question's section switched off. */
  switchedOff: number;
  options: Array<{ code: string; count: number; shareOfAnswered: number | null; shareOfAsked: number | null }>;
}

/** Scores responses one at a time in memory proportional to the definition, not to the responses. */
export interface ScoreAccumulator {
  add(response: ScorableResponse): void;
  result(): SipasScore;
  choices(): ChoiceSummary[];
  /** The counts added so far, as a tally that merges and serialises (see tally.ts). */
  tally(): ScoreTally;
  /** Adds a tally's counts, as if the responses it was made from had been added one by one. */
  absorb(tally: ScoreTally): void;
  /** Forgets every count: the accumulator is as new. */
  reset(): void;
}

interface ItemTally {
  questionId: string;
  index: number;
  component: number;
  counts: [number, number, number, number, number];
  notApplicable: number;
  skipped: number;
}

interface ChoiceTally {
  questionId: string;
  kind: 'single' | 'multiple';
  index: number;
  codes: string[];
  positionOf: Map<string, number>;
  counts: number[];
  /** Response number that last counted each option, so a repeated code counts once per response. */
  countedIn: Int32Array;
  asked: number;
  answered: number;
  notAsked: number;
  switchedOff: number;
}

const hasOwn = Object.prototype.hasOwnProperty;

function answerOf(answers: Answers, questionId: string): AnswerValue | undefined {
  return hasOwn.call(answers, questionId) ? answers[questionId] : undefined;
}

function meanOfDefined(values: Array<number | null>): { mean: number | null; defined: number } {
  let sum = 0;
  let defined = 0;
  for (const value of values) {
    if (value === null) continue;
    sum += value;
    defined++;
  }
  return { mean: defined === 0 ? null : sum / defined, defined };
}

/** A streaming scorer for one definition; lookups are built once here, not per response. */
export function createScoreAccumulator(def: SurveyDefinition, options?: EngineOptions): ScoreAccumulator {
  const visibility = createVisibilityEvaluator(def, options);
  const satisfiedCode = [false, false, false, false, false, false];
  for (const code of def.scoring.satisfiedCodes) satisfiedCode[code] = true;

  const components = def.sections
    .filter((section) => section.component !== undefined)
    .map((section) => ({
      component: section.component as number,
      sectionId: section.id,
      items: section.questions
        .filter((question) => question.kind === 'satisfaction')
        .map(
          (question): ItemTally => ({
            questionId: question.id,
            index: visibility.indexOf(question.id),
            component: section.component as number,
            counts: [0, 0, 0, 0, 0],
            notApplicable: 0,
            skipped: 0,
          }),
        ),
      respondents: 0,
    }))
    .sort((a, b) => a.component - b.component);

  const choices: ChoiceTally[] = [];
  visibility.questions.forEach(({ question }, index) => {
    if (question.kind !== 'single' && question.kind !== 'multiple') return;
    const codes = question.options.map((option) => option.code);
    choices.push({
      questionId: question.id,
      kind: question.kind,
      index,
      codes,
      positionOf: new Map(codes.map((code, i) => [code, i])),
      counts: codes.map(() => 0),
      countedIn: new Int32Array(codes.length),
      asked: 0,
      answered: 0,
      notAsked: 0,
      switchedOff: 0,
    });
  });

  // Where each optional section's questions sit in the visibility codes, so that a response's own
  // switched-off sections are marked not asked on top of what its answers decide.
  const optionalRanges = new Map<string, { start: number; end: number }>();
  visibility.questions.forEach(({ section }, index) => {
    if (!section.optional) return;
    const range = optionalRanges.get(section.id);
    if (range) range.end = index + 1;
    else optionalRanges.set(section.id, { start: index, end: index + 1 });
  });

  /**
   * The response's visibility with its switched-off sections applied. Overlaying them equals
   * evaluating with them off: the collector refuses answers in a switched-off section, and a
   * condition reads an unanswered question and a switched-off one alike (no answer).
   */
  function visibilityOf(response: ScorableResponse): Uint8Array {
    const shown = visibility.evaluate(response.answers);
    for (const sectionId of response.sectionsOff ?? []) {
      const range = optionalRanges.get(sectionId);
      if (range) shown.fill(VISIBILITY.sectionSwitchedOff, range.start, range.end);
    }
    return shown;
  }

  let responses = 0;
  let excludedPartial = 0;
  let excludedOtherDefinition = 0;

  function add(response: ScorableResponse): void {
    if (response.definitionId !== def.id) {
      excludedOtherDefinition++;
      return;
    }
    if (response.status !== 'complete') {
      excludedPartial++;
      return;
    }
    responses++;
    const answers = response.answers;
    const shown = visibilityOf(response);

    for (const component of components) {
      let anyValid = false;
      for (const item of component.items) {
        const value = answerOf(answers, item.questionId);
        // A valid code counts even where this version's conditions would hide the item: other
        // versions of the definition are scored by question id, and the kiosk stores (and the
        // collector accepts) only answers to questions that were actually asked.
        if (typeof value === 'number' && value >= 1 && value <= 5 && Number.isInteger(value)) {
          item.counts[value - 1]++;
          anyValid = true;
        } else if (shown[item.index] !== VISIBILITY.shown) {
          item.notApplicable++;
        } else {
          item.skipped++;
        }
      }
      if (anyValid) component.respondents++;
    }

    for (const choice of choices) {
      const value = answerOf(answers, choice.questionId);
      let chosen = 0;
      if (choice.kind === 'single') {
        const position = typeof value === 'string' ? choice.positionOf.get(value) : undefined;
        if (position !== undefined) {
          choice.counts[position]++;
          chosen = 1;
        }
      } else if (Array.isArray(value)) {
        for (const code of value) {
          const position = choice.positionOf.get(code);
          if (position === undefined || choice.countedIn[position] === responses) continue;
          choice.countedIn[position] = responses;
          choice.counts[position]++;
          chosen++;
        }
      }
      if (chosen > 0) choice.answered++;
      if (chosen > 0 || shown[choice.index] === VISIBILITY.shown) choice.asked++;
      else {
        choice.notAsked++;
        if (shown[choice.index] === VISIBILITY.sectionSwitchedOff) choice.switchedOff++;
      }
    }
  }

  function itemScore(item: ItemTally): ItemScore {
    let valid = 0;
    let satisfied = 0;
    item.counts.forEach((count, i) => {
      valid += count;
      if (satisfiedCode[i + 1]) satisfied += count;
    });
    return {
      questionId: item.questionId,
      component: item.component,
      valid,
      satisfied,
      percent: valid === 0 ? null : (100 * satisfied) / valid,
      counts: [...item.counts],
      notApplicable: item.notApplicable,
      skipped: item.skipped,
      shareNotApplicable: responses === 0 ? null : item.notApplicable / responses,
    };
  }

  function result(): SipasScore {
    const scored = components.map((component): ComponentScore => {
      const items = component.items.map(itemScore);
      const { mean, defined } = meanOfDefined(items.map((item) => item.percent));
      return {
        component: component.component,
        sectionId: component.sectionId,
        percent: mean,
        itemsDefined: defined,
        items,
        respondents: component.respondents,
      };
    });
    const { mean, defined } = meanOfDefined(scored.map((component) => component.percent));
    return {
      definitionId: def.id,
      method: def.scoring.method,
      responses,
      excludedPartial,
      excludedOtherDefinition,
      percent: mean,
      componentsDefined: defined,
      components: scored,
    };
  }

  function summarizeChoices(): ChoiceSummary[] {
    return choices.map((choice) => ({
      questionId: choice.questionId,
      kind: choice.kind,
      asked: choice.asked,
      answered: choice.answered,
      notAsked: choice.notAsked,
      switchedOff: choice.switchedOff,
      options: choice.codes.map((code, i) => ({
        code,
        count: choice.counts[i],
        shareOfAnswered: choice.answered === 0 ? null : choice.counts[i] / choice.answered,
        shareOfAsked: choice.asked === 0 ? null : choice.counts[i] / choice.asked,
      })),
    }));
  }

  // The tally is the accumulator's own state, copied out and back by question id, so that figures
  // from merged tallies are computed by the very result() and choices() above.
  function tally(): ScoreTally {
    const items: ScoreTally['items'] = {};
    const respondents: ScoreTally['respondents'] = {};
    for (const component of components) {
      respondents[component.sectionId] = component.respondents;
      for (const item of component.items) items[item.questionId] = [...item.counts, item.notApplicable, item.skipped];
    }
    const choiceTallies: ScoreTally['choices'] = {};
    for (const choice of choices) {
      const counts: Record<string, number> = {};
      choice.codes.forEach((code, i) => {
        if (choice.counts[i] > 0) counts[code] = choice.counts[i];
      });
      choiceTallies[choice.questionId] = { asked: choice.asked, answered: choice.answered, notAsked: choice.notAsked, switchedOff: choice.switchedOff, counts };
    }
    return { responses, partial: excludedPartial, otherDefinition: excludedOtherDefinition, items, respondents, choices: choiceTallies };
  }

  function absorb(from: ScoreTally): void {
    responses += from.responses;
    excludedPartial += from.partial;
    excludedOtherDefinition += from.otherDefinition;
    for (const component of components) {
      if (hasOwn.call(from.respondents, component.sectionId)) component.respondents += from.respondents[component.sectionId];
      for (const item of component.items) {
        const counts = hasOwn.call(from.items, item.questionId) ? from.items[item.questionId] : undefined;
        if (!counts) continue;
        for (let i = 0; i < 5; i++) item.counts[i] += counts[i];
        item.notApplicable += counts[5];
        item.skipped += counts[6];
      }
    }
    for (const choice of choices) {
      const counted = hasOwn.call(from.choices, choice.questionId) ? from.choices[choice.questionId] : undefined;
      if (!counted) continue;
      choice.asked += counted.asked;
      choice.answered += counted.answered;
      choice.notAsked += counted.notAsked;
      choice.switchedOff += counted.switchedOff;
      choice.codes.forEach((code, i) => {
        if (hasOwn.call(counted.counts, code)) choice.counts[i] += counted.counts[code];
      });
    }
  }

  function reset(): void {
    responses = 0;
    excludedPartial = 0;
    excludedOtherDefinition = 0;
    for (const component of components) {
      component.respondents = 0;
      for (const item of component.items) {
        item.counts.fill(0);
        item.notApplicable = 0;
        item.skipped = 0;
      }
    }
    for (const choice of choices) {
      choice.counts.fill(0);
      // countedIn compares with the response number, which starts again from 0.
      choice.countedIn.fill(0);
      choice.asked = 0;
      choice.answered = 0;
      choice.notAsked = 0;
      choice.switchedOff = 0;
    }
  }

  return { add, result, choices: summarizeChoices, tally, absorb, reset };
}

/** The SIPAS score of a collection of responses (see createScoreAccumulator). */
export function scoreResponses(def: SurveyDefinition, responses: Iterable<ScorableResponse>, options?: EngineOptions): SipasScore {
  const accumulator = createScoreAccumulator(def, options);
  for (const response of responses) accumulator.add(response);
  return accumulator.result();
}

/**
 * The scores of several versions of one definition merged item by item, by question id, each version
 * scored with its own definition beforehand (so a version's satisfied codes and conditions apply to its
 * own respondents). Per item: counts per level, valid, satisfied, not applicable and skipped are summed;
 * an item a version never asked is not applicable for every response that version scored (never
 * skipped); an item a newer version removed keeps the answers of the versions that asked it. Item,
 * component and overall percentages are then recomputed from the merged tallies exactly as for one
 * version. Give the newest version first: items, components and sections are ordered, and an item
 * whose component changed is placed, as the first score that has it says.
 */
export function mergeScores(scores: readonly SipasScore[]): SipasScore {
  if (scores.length === 0) throw new Error('mergeScores needs at least one score');
  const responses = scores.reduce((n, s) => n + s.responses, 0);
  interface MergedComponent {
    component: number;
    sectionId: string;
    items: Map<string, ItemScore>;
    respondents: number;
  }
  const components = new Map<number, MergedComponent>();
  const componentOfItem = new Map<string, number>();
  for (const score of scores) {
    for (const component of score.components) {
      let merged = components.get(component.component);
      if (!merged) components.set(component.component, (merged = { component: component.component, sectionId: component.sectionId, items: new Map(), respondents: 0 }));
      merged.respondents += component.respondents;
      for (const item of component.items) {
        const home = componentOfItem.get(item.questionId) ?? component.component;
        componentOfItem.set(item.questionId, home);
        const target = components.get(home)!;
        const sum = target.items.get(item.questionId);
        if (!sum) {
          target.items.set(item.questionId, { ...item, component: home, counts: [...item.counts] });
          continue;
        }
        sum.valid += item.valid;
        sum.satisfied += item.satisfied;
        sum.notApplicable += item.notApplicable;
        sum.skipped += item.skipped;
        item.counts.forEach((count, i) => (sum.counts[i] += count));
      }
    }
  }
  // Respondents of a version whose definition lacks an item were never asked it: not applicable.
  for (const score of scores) {
    const asked = new Set(score.components.flatMap((c) => c.items.map((i) => i.questionId)));
    for (const component of components.values()) {
      for (const item of component.items.values()) if (!asked.has(item.questionId)) item.notApplicable += score.responses;
    }
  }
  const merged = [...components.values()]
    .sort((a, b) => a.component - b.component)
    .map((component): ComponentScore => {
      const items = [...component.items.values()].map(
        (item): ItemScore => ({
          ...item,
          percent: item.valid === 0 ? null : (100 * item.satisfied) / item.valid,
          shareNotApplicable: responses === 0 ? null : item.notApplicable / responses,
        }),
      );
      const { mean, defined } = meanOfDefined(items.map((item) => item.percent));
      return { component: component.component, sectionId: component.sectionId, percent: mean, itemsDefined: defined, items, respondents: component.respondents };
    });
  const { mean, defined } = meanOfDefined(merged.map((component) => component.percent));
  return {
    definitionId: scores[0].definitionId,
    method: scores[0].method,
    responses,
    excludedPartial: scores.reduce((n, s) => n + s.excludedPartial, 0),
    excludedOtherDefinition: scores.reduce((n, s) => n + s.excludedOtherDefinition, 0),
    percent: mean,
    componentsDefined: defined,
    components: merged,
  };
}

/**
 * Choice summaries of several versions merged by question id and option code (newest version first,
 * for the order): asked, answered, not asked and counts are summed and the shares recomputed. A
 * version that never asked a question adds nothing to it, not even to `asked` or `notAsked`.
 */
export function mergeChoices(lists: ReadonlyArray<readonly ChoiceSummary[]>): ChoiceSummary[] {
  const merged = new Map<string, { questionId: string; kind: ChoiceSummary['kind']; asked: number; answered: number; notAsked: number; switchedOff: number; counts: Map<string, number> }>();
  for (const list of lists) {
    for (const choice of list) {
      let sum = merged.get(choice.questionId);
      if (!sum) merged.set(choice.questionId, (sum = { questionId: choice.questionId, kind: choice.kind, asked: 0, answered: 0, notAsked: 0, switchedOff: 0, counts: new Map() }));
      sum.asked += choice.asked;
      sum.answered += choice.answered;
      sum.notAsked += choice.notAsked;
      sum.switchedOff += choice.switchedOff;
      for (const option of choice.options) sum.counts.set(option.code, (sum.counts.get(option.code) ?? 0) + option.count);
    }
  }
  return [...merged.values()].map((sum) => ({
    questionId: sum.questionId,
    kind: sum.kind,
    asked: sum.asked,
    answered: sum.answered,
    notAsked: sum.notAsked,
    switchedOff: sum.switchedOff,
    options: [...sum.counts].map(([code, count]) => ({
      code,
      count,
      shareOfAnswered: sum.answered === 0 ? null : count / sum.answered,
      shareOfAsked: sum.asked === 0 ? null : count / sum.asked,
    })),
  }));
}

/** A percentage for people: "82.66%" with `digits` decimals, "—" when undefined. */
export function formatPercent(p: number | null, digits = 2): string {
  return p === null ? '—' : `${p.toFixed(digits)}%`;
}
