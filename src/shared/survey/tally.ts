/*
 * SIPAS scoring is decomposable: every figure of a SipasScore and of the choice summaries is a sum
 * over responses, so counts kept per group of responses (a tally) merge by addition and give the very
 * figures scoring the rows would. The per-item counts alone are not enough for two figures, which the
 * tally therefore keeps too: a component's respondents (responses with at least one valid answer in
 * it, a per-respondent count) and a choice question's asked/answered counts (both need the response's
 * visibility, not only its answers). The collector keeps tallies at ingest; the report merges them.
 */
import type { SurveyDefinition } from '../schemas';
import type { EngineOptions } from './engine';
import { createScoreAccumulator, type ChoiceSummary, type ScorableResponse, type ScoreAccumulator, type SipasScore } from './scoring';

/** The counts scoring keeps, by question id (items, choices) and section id (component respondents). */
export interface ScoreTally {
  /** Complete responses of the definition: the scored ones. */
  responses: number;
  /** Partial (abandoned) responses: counted, never scored. */
  partial: number;
  /** Responses of another definition: counted, never scored. */
  otherDefinition: number;
  /** Per satisfaction item: answers at codes 1–5, then not applicable, then skipped (7 numbers). */
  items: Record<string, number[]>;
  /** Per scored section: responses with at least one valid answer in its component. */
  respondents: Record<string, number>;
  /**
   * Per single or multiple choice question: responses asked, answered, not asked (of which with its
   * section switched off on the tablet), and choices per option code (zeros left out).
   */
  choices: Record<string, { asked: number; answered: number; notAsked: number; switchedOff: number; counts: Record<string, number> }>;
}

/** A tally of no response. */
export function emptyTally(): ScoreTally {
  return { responses: 0, partial: 0, otherDefinition: 0, items: {}, respondents: {}, choices: {} };
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * One accumulator per definition object, reset for every response: building the visibility plan is
 * the expensive part, and ingest tallies hundreds of responses of the same few definitions.
 */
const talliers = new WeakMap<SurveyDefinition, { options: string; accumulator: ScoreAccumulator }>();

/** The tally of one response scored on `def` (the delta ingest adds to its group's tally). */
export function tallyResponse(def: SurveyDefinition, response: ScorableResponse, options?: EngineOptions): ScoreTally {
  const key = JSON.stringify(options?.disabledSections ?? []);
  let cached = talliers.get(def);
  if (!cached || cached.options !== key) talliers.set(def, (cached = { options: key, accumulator: createScoreAccumulator(def, options) }));
  const { accumulator } = cached;
  accumulator.reset();
  accumulator.add(response);
  return accumulator.tally();
}

/** The tally of `responses` together: a + b, count by count; neither argument is changed. */
export function mergeTallies(a: ScoreTally, b: ScoreTally): ScoreTally {
  const merged = cloneTally(a);
  addTally(merged, b);
  return merged;
}

/** Adds `from` into `into` (the in-place form of mergeTallies, for folding many tallies). */
export function addTally(into: ScoreTally, from: ScoreTally): void {
  into.responses += from.responses;
  into.partial += from.partial;
  into.otherDefinition += from.otherDefinition;
  for (const id of Object.keys(from.items)) {
    const source = from.items[id];
    const target = hasOwn.call(into.items, id) ? into.items[id] : undefined;
    if (!target) into.items[id] = [...source];
    else for (let i = 0; i < source.length; i++) target[i] = (target[i] ?? 0) + source[i];
  }
  for (const id of Object.keys(from.respondents)) into.respondents[id] = (hasOwn.call(into.respondents, id) ? into.respondents[id] : 0) + from.respondents[id];
  for (const id of Object.keys(from.choices)) {
    const source = from.choices[id];
    let target = hasOwn.call(into.choices, id) ? into.choices[id] : undefined;
    if (!target) into.choices[id] = target = { asked: 0, answered: 0, notAsked: 0, switchedOff: 0, counts: {} };
    target.asked += source.asked;
    target.answered += source.answered;
    target.notAsked += source.notAsked;
    target.switchedOff += source.switchedOff;
    for (const code of Object.keys(source.counts)) target.counts[code] = (hasOwn.call(target.counts, code) ? target.counts[code] : 0) + source.counts[code];
  }
}

function cloneTally(tally: ScoreTally): ScoreTally {
  const copy = emptyTally();
  addTally(copy, tally);
  return copy;
}

/**
 * A tally as compact JSON: `[responses, partial, otherDefinition, items, respondents, choices]` with
 * each choice as `[asked, answered, counts, notAsked, switchedOff]`. Zero items and choices are left
 * out (a tally of one response is mostly zeros); parseTally restores them as absent, which merging
 * and scoring treat as 0.
 */
export function serialiseTally(tally: ScoreTally): string {
  const items: Record<string, number[]> = {};
  for (const [id, counts] of Object.entries(tally.items)) if (counts.some((n) => n !== 0)) items[id] = counts;
  const respondents: Record<string, number> = {};
  for (const [id, n] of Object.entries(tally.respondents)) if (n !== 0) respondents[id] = n;
  const choices: Record<string, [number, number, Record<string, number>, number, number]> = {};
  for (const [id, c] of Object.entries(tally.choices)) {
    if (c.asked !== 0 || c.answered !== 0 || c.notAsked !== 0 || c.switchedOff !== 0) choices[id] = [c.asked, c.answered, c.counts, c.notAsked, c.switchedOff];
  }
  return JSON.stringify([tally.responses, tally.partial, tally.otherDefinition, items, respondents, choices]);
}

/** Reads serialiseTally's form back; throws on anything else (a tally row is data from a database). */
export function parseTally(text: string): ScoreTally {
  const value: unknown = JSON.parse(text);
  const count = (n: unknown, where: string): number => {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new Error(`tally: expected a count at ${where}, found ${JSON.stringify(n)}`);
    return n;
  };
  const record = (v: unknown, where: string): Record<string, unknown> => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`tally: expected an object at ${where}`);
    return v as Record<string, unknown>;
  };
  if (!Array.isArray(value) || value.length !== 6) throw new Error('tally: expected [responses, partial, otherDefinition, items, respondents, choices]');
  const tally = emptyTally();
  tally.responses = count(value[0], '0');
  tally.partial = count(value[1], '1');
  tally.otherDefinition = count(value[2], '2');
  for (const [id, counts] of Object.entries(record(value[3], '3'))) {
    if (!Array.isArray(counts) || counts.length !== 7) throw new Error(`tally: expected 7 counts for item ${id}`);
    tally.items[id] = counts.map((n, i) => count(n, `3.${id}.${i}`));
  }
  for (const [id, n] of Object.entries(record(value[4], '4'))) tally.respondents[id] = count(n, `4.${id}`);
  for (const [id, choice] of Object.entries(record(value[5], '5'))) {
    if (!Array.isArray(choice) || choice.length !== 5) throw new Error(`tally: expected [asked, answered, counts, notAsked, switchedOff] for choice ${id}`);
    const counts: Record<string, number> = {};
    for (const [code, n] of Object.entries(record(choice[2], `5.${id}.2`))) counts[code] = count(n, `5.${id}.${code}`);
    tally.choices[id] = {
      asked: count(choice[0], `5.${id}.0`),
      answered: count(choice[1], `5.${id}.1`),
      notAsked: count(choice[3], `5.${id}.3`),
      switchedOff: count(choice[4], `5.${id}.4`),
      counts,
    };
  }
  return tally;
}

/** The SipasScore of the responses a tally was made from, exactly as scoreResponses gives it over them. */
export function scoreFromTally(def: SurveyDefinition, tally: ScoreTally, options?: EngineOptions): SipasScore {
  const accumulator = createScoreAccumulator(def, options);
  accumulator.absorb(tally);
  return accumulator.result();
}

/** The choice summaries of the responses a tally was made from, as the accumulator's choices() gives them. */
export function choicesFromTally(def: SurveyDefinition, tally: ScoreTally, options?: EngineOptions): ChoiceSummary[] {
  const accumulator = createScoreAccumulator(def, options);
  accumulator.absorb(tally);
  return accumulator.choices();
}

/** Two tallies hold the same counts (zeros and absent entries alike). */
export function talliesEqual(a: ScoreTally, b: ScoreTally): boolean {
  return serialiseTally(a) === serialiseTally(canonicalOrder(b, a));
}

/** `b` with its keys in `a`'s order where both have them, so that serialised forms compare. */
function canonicalOrder(b: ScoreTally, a: ScoreTally): ScoreTally {
  const ordered = <T>(into: Record<string, T>, like: Record<string, unknown>): Record<string, T> => {
    const out: Record<string, T> = {};
    for (const key of [...Object.keys(like), ...Object.keys(into)].filter((k, i, all) => all.indexOf(k) === i)) if (hasOwn.call(into, key)) out[key] = into[key];
    return out;
  };
  const choices: ScoreTally['choices'] = {};
  for (const [id, c] of Object.entries(ordered(b.choices, a.choices))) {
    choices[id] = { ...c, counts: ordered(c.counts, hasOwn.call(a.choices, id) ? a.choices[id].counts : {}) };
  }
  return { ...b, items: ordered(b.items, a.items), respondents: ordered(b.respondents, a.respondents), choices };
}

// ── The flat form: a tally as one vector of numbers, for storage and cheap addition ──

/**
 * The version of the flat layout below. A store keeps it beside each flat tally and recomputes the
 * tallies of another layout from the rows, so changing what a tally counts never misreads old rows.
 */
export const TALLY_LAYOUT_VERSION = 2;

/**
 * Where each count of a definition's tally sits in a flat vector of its answers (the response counts
 * are kept apart, as they are known even without the definition): per satisfaction item of a scored
 * section 7 numbers (codes 1–5, not applicable, skipped), per scored section 1 (respondents), per
 * single or multiple choice question 4 + one per option (asked, answered, not asked, switched off,
 * then the options in the definition's order). A definition version never changes, so neither does
 * its layout. (Layout 1 had no not-asked counts: 2 + one per option.)
 */
export interface TallyLayout {
  /** Numbers in the vector. */
  readonly size: number;
  readonly items: ReadonlyArray<{ readonly id: string; readonly at: number }>;
  readonly respondents: ReadonlyArray<{ readonly id: string; readonly at: number }>;
  readonly choices: ReadonlyArray<{ readonly id: string; readonly at: number; readonly codes: readonly string[]; readonly positionOf: ReadonlyMap<string, number> }>;
}

/** Numbers before a choice's option counts in the flat layout: asked, answered, not asked, switched off. */
const CHOICE_COUNTS_BEFORE_OPTIONS = 4;

const layouts = new WeakMap<SurveyDefinition, TallyLayout>();

/** The flat layout of a definition's tallies (made once per definition object). */
export function tallyLayout(def: SurveyDefinition): TallyLayout {
  const cached = layouts.get(def);
  if (cached) return cached;
  let at = 0;
  const items: Array<{ id: string; at: number }> = [];
  const respondents: Array<{ id: string; at: number }> = [];
  const choices: Array<{ id: string; at: number; codes: string[]; positionOf: Map<string, number> }> = [];
  for (const section of def.sections) {
    if (section.component === undefined) continue;
    for (const question of section.questions) {
      if (question.kind !== 'satisfaction') continue;
      items.push({ id: question.id, at });
      at += 7;
    }
  }
  for (const section of def.sections) {
    if (section.component === undefined) continue;
    respondents.push({ id: section.id, at });
    at += 1;
  }
  for (const section of def.sections) {
    for (const question of section.questions) {
      if (question.kind !== 'single' && question.kind !== 'multiple') continue;
      const codes = question.options.map((option) => option.code);
      choices.push({ id: question.id, at, codes, positionOf: new Map(codes.map((code, i) => [code, i])) });
      at += CHOICE_COUNTS_BEFORE_OPTIONS + codes.length;
    }
  }
  const layout: TallyLayout = { size: at, items, respondents, choices };
  layouts.set(def, layout);
  return layout;
}

/**
 * Adds a tally's answer counts into `into` (a vector of `layout.size`), leaving the response counts to
 * the caller. Throws on a count the layout has no place for: the tally was made on another definition.
 */
export function addTallyToFlat(layout: TallyLayout, tally: ScoreTally, into: Float64Array): void {
  let placed = 0;
  for (const { id, at } of layout.items) {
    const counts = hasOwn.call(tally.items, id) ? tally.items[id] : undefined;
    if (!counts) continue;
    placed++;
    for (let i = 0; i < 7; i++) into[at + i] += counts[i] ?? 0;
  }
  for (const { id, at } of layout.respondents) {
    if (!hasOwn.call(tally.respondents, id)) continue;
    placed++;
    into[at] += tally.respondents[id];
  }
  for (const { id, at, positionOf } of layout.choices) {
    const choice = hasOwn.call(tally.choices, id) ? tally.choices[id] : undefined;
    if (!choice) continue;
    placed++;
    into[at] += choice.asked;
    into[at + 1] += choice.answered;
    into[at + 2] += choice.notAsked;
    into[at + 3] += choice.switchedOff;
    for (const code of Object.keys(choice.counts)) {
      const position = positionOf.get(code);
      if (position === undefined) throw new Error(`tally: option ${JSON.stringify(code)} of ${id} is not in the definition`);
      into[at + CHOICE_COUNTS_BEFORE_OPTIONS + position] += choice.counts[code];
    }
  }
  const given = Object.keys(tally.items).length + Object.keys(tally.respondents).length + Object.keys(tally.choices).length;
  if (placed !== given) throw new Error('tally: counts for questions or sections the definition does not have');
}

/**
 * The tally of the response counts and a flat answers vector (null or empty: the answers were not
 * kept, only the counts). Items and respondents are listed as the accumulator's tally() lists them
 * (every one, zeros too); choice options only where counted.
 */
export function tallyFromFlat(layout: TallyLayout | null, counts: { responses: number; partial: number; otherDefinition: number }, answers: ArrayLike<number> | null): ScoreTally {
  const tally = emptyTally();
  tally.responses = counts.responses;
  tally.partial = counts.partial;
  tally.otherDefinition = counts.otherDefinition;
  if (answers === null || answers.length === 0) return tally;
  if (layout === null || answers.length !== layout.size) throw new Error(`tally: ${answers.length} answer counts, the definition's layout has ${layout?.size ?? 'none'}`);
  for (const { id, at } of layout.items) tally.items[id] = [answers[at], answers[at + 1], answers[at + 2], answers[at + 3], answers[at + 4], answers[at + 5], answers[at + 6]];
  for (const { id, at } of layout.respondents) tally.respondents[id] = answers[at];
  for (const { id, at, codes } of layout.choices) {
    const choiceCounts: Record<string, number> = {};
    codes.forEach((code, i) => {
      if (answers[at + CHOICE_COUNTS_BEFORE_OPTIONS + i] !== 0) choiceCounts[code] = answers[at + CHOICE_COUNTS_BEFORE_OPTIONS + i];
    });
    tally.choices[id] = { asked: answers[at], answered: answers[at + 1], notAsked: answers[at + 2], switchedOff: answers[at + 3], counts: choiceCounts };
  }
  return tally;
}

/** Idle accumulators kept per definition: enough for the groups of a large batch, not a recomputation's. */
const POOLED_ACCUMULATORS_MAX = 512;
const pools = new WeakMap<SurveyDefinition, ScoreAccumulator[]>();

/**
 * An accumulator of `def` with no counts, reused where one was given back: a batch keeps one per group
 * of responses and adds each response straight into it (no tally object per response), and building
 * an accumulator (its visibility plan) costs more than the few responses a group gets.
 */
export function takeAccumulator(def: SurveyDefinition): ScoreAccumulator {
  return pools.get(def)?.pop() ?? createScoreAccumulator(def);
}

/** Gives back an accumulator of `def` taken with takeAccumulator; it is reset here. */
export function giveBackAccumulator(def: SurveyDefinition, accumulator: ScoreAccumulator): void {
  let pool = pools.get(def);
  if (!pool) pools.set(def, (pool = []));
  if (pool.length >= POOLED_ACCUMULATORS_MAX) return;
  accumulator.reset();
  pool.push(accumulator);
}
