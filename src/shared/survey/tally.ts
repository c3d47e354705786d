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
  /** Per single or multiple choice question: responses asked, answered, and choices per option code (zeros left out). */
  choices: Record<string, { asked: number; answered: number; counts: Record<string, number> }>;
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
    if (!target) into.choices[id] = target = { asked: 0, answered: 0, counts: {} };
    target.asked += source.asked;
    target.answered += source.answered;
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
 * each choice as `[asked, answered, counts]`. Zero items and choices are left out (a tally of one
 * response is mostly zeros); parseTally restores them as absent, which merging and scoring treat as 0.
 */
export function serialiseTally(tally: ScoreTally): string {
  const items: Record<string, number[]> = {};
  for (const [id, counts] of Object.entries(tally.items)) if (counts.some((n) => n !== 0)) items[id] = counts;
  const respondents: Record<string, number> = {};
  for (const [id, n] of Object.entries(tally.respondents)) if (n !== 0) respondents[id] = n;
  const choices: Record<string, [number, number, Record<string, number>]> = {};
  for (const [id, c] of Object.entries(tally.choices)) if (c.asked !== 0 || c.answered !== 0) choices[id] = [c.asked, c.answered, c.counts];
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
    if (!Array.isArray(choice) || choice.length !== 3) throw new Error(`tally: expected [asked, answered, counts] for choice ${id}`);
    const counts: Record<string, number> = {};
    for (const [code, n] of Object.entries(record(choice[2], `5.${id}.2`))) counts[code] = count(n, `5.${id}.${code}`);
    tally.choices[id] = { asked: count(choice[0], `5.${id}.0`), answered: count(choice[1], `5.${id}.1`), counts };
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
