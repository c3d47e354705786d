import { hash } from 'node:crypto';
import { definitionKey } from '../../shared/ids';
import { surveyResponseSchema, uuidV4Problem, type SurveyResponse } from '../../shared/schemas';
import { canonicalJson, validateAnswers, type SurveyDefinition } from '../../shared/survey';
import { CLOCK_SKEW_LIMIT_MS, isClockSkewed } from './clock-skew';
import { describeValue, explainAnswerProblem, formatPath, parseOrExplain } from './describe-issues';
import { findUnsafeJson, normalizeText } from './unsafe-json';
import type { IngestItem } from '../stores';

/** Largest response accepted, measured as its canonical JSON in UTF-8 bytes. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * The earliest instant a response can carry: the first SIPAS scheme (2017). Definitions carry no
 * release date of their own; when they do, the later of the two applies.
 */
export const EARLIEST_RESPONSE_AT = '2017-01-01T00:00:00.000Z';

/**
 * How far a response's instants may lie after its receipt (on the collector's clock, corrected by the
 * kiosk's skew when the batch told it); also the slack for a kiosk that did not tell its clock.
 */
export const FUTURE_TOLERANCE_MS = CLOCK_SKEW_LIMIT_MS;

/** How far durationMs may differ from completedAt − startedAt: 2 s, or 1 % of a longer span. */
export const DURATION_TOLERANCE_MS = 2_000;
const DURATION_TOLERANCE_SHARE = 0.01;

/** Most problems one rejection names. */
const MAX_PROBLEMS = 5;

/** The definitions a collector accepts responses for, looked up by "id@version". */
export interface DefinitionIndex {
  get(definitionId: string, version: number): SurveyDefinition | undefined;
  /** "sipas-2023@1", … in the order they were given. */
  readonly names: readonly string[];
}

/** Builds the lookup; two definitions with the same id and version are a configuration error. */
export function indexDefinitions(definitions: readonly SurveyDefinition[]): DefinitionIndex {
  const byName = new Map<string, SurveyDefinition>();
  for (const definition of definitions) {
    const name = definitionKey(definition.id, definition.version);
    if (byName.has(name)) throw new Error(`definition ${name} is given twice`);
    byName.set(name, definition);
  }
  return { get: (id, version) => byName.get(definitionKey(id, version)), names: [...byName.keys()] };
}

/** What checking knows about the arrival of the batch an item came in. */
export interface CheckContext {
  /** The collector's clock at receipt (default: now). Instants after it are refused. */
  receivedAt?: Date | string;
  /** The kiosk's clock minus the collector's (clockSkewOf); null or absent when the batch did not tell. */
  clockSkewMs?: number | null;
}

/** The response's id in canonical (lower-case) form when it is a version 4 UUID, else null. */
function canonicalIdOf(raw: unknown): string | null {
  const id = raw !== null && typeof raw === 'object' && Object.hasOwn(raw, 'id') ? (raw as { id: unknown }).id : undefined;
  return typeof id === 'string' && uuidV4Problem(id) === null ? id.toLowerCase() : null;
}

/**
 * Checks one item of a batch: hostile keys and text, size, shape, a known definition, answers that
 * fit it, times that make sense. Never throws on bad input; everything wrong becomes a rejection
 * reason naming the path, what was expected and what was found. What is accepted is canonical: text
 * in Unicode NFC and UUIDs in lower case, so that case or Unicode form never makes a second row, and
 * its content hash is computed over that form.
 */
export function checkResponse(raw: unknown, index: number, definitions: DefinitionIndex, context: CheckContext = {}): IngestItem {
  const root = formatPath('$', ['responses', index]);
  const responseId = canonicalIdOf(raw);
  const reject = (problems: readonly string[]): IngestItem => ({ kind: 'rejected', responseId, reason: problems.slice(0, MAX_PROBLEMS).join('; ') });

  // Before anything copies the value: a copy would drop `__proto__` silently (canonicalJson, zod records).
  const unsafe = findUnsafeJson(raw, root);
  if (unsafe.length > 0) return reject(unsafe);

  // Canonical JSON only orders the keys, so plain JSON of the same value has its length; and it costs a
  // quarter of the sorted form (the item is canonicalised once, below, when it is known to be good).
  const bytes = Buffer.byteLength(JSON.stringify(raw), 'utf8');
  if (bytes > MAX_RESPONSE_BYTES) {
    return reject([`${root}: expected a response of at most ${MAX_RESPONSE_BYTES} bytes as canonical JSON, found ${bytes} bytes`]);
  }

  const normalized = normalizeText(raw, root);
  if (!normalized.ok) return reject(normalized.problems);

  const parsed = parseOrExplain(surveyResponseSchema, normalized.value, root);
  if (!parsed.ok) return reject(parsed.problems);
  const response: SurveyResponse = { ...parsed.data, id: parsed.data.id.toLowerCase(), kioskId: parsed.data.kioskId.toLowerCase() };

  const definition = definitions.get(response.definitionId, response.definitionVersion);
  if (!definition) {
    const known = definitions.names.length ? definitions.names.join(', ') : 'no definitions';
    return reject([`unknown definition ${response.definitionId} version ${response.definitionVersion}; this collector knows ${known}`]);
  }

  const clockSkewMs = context.clockSkewMs ?? null;
  const problems = [
    ...placeProblems(response, root),
    ...localeProblems(response, definition, root),
    ...sectionsOffProblems(response, definition, root),
    ...timeProblems(response, root, context.receivedAt ?? new Date(), clockSkewMs),
    ...answerProblems(response, definition, root),
  ];
  if (problems.length > 0) return reject(problems);

  const canonical = canonicalJson(response);
  return {
    kind: 'valid',
    response,
    canonical,
    // One call, no Hash object per response: the same digest as createHash('sha256').update(canonical, 'utf8').
    contentHash: hash('sha256', canonical, 'hex'),
    collectorFlags: { clockSkewMs, clockSkew: isClockSkewed(clockSkewMs), placeMismatch: false },
  };
}

/** Agency and counter codes are never blank: a blank one would file the response under no place. */
function placeProblems(response: SurveyResponse, root: string): string[] {
  return (['agencyCode', 'counterCode'] as const)
    .filter((field) => response[field].trim() === '')
    .map((field) => `${formatPath(root, [field])}: expected a code that is not blank, found ${describeValue(response[field])}`);
}

function localeProblems(response: SurveyResponse, definition: SurveyDefinition, root: string): string[] {
  if (definition.languages.includes(response.locale)) return [];
  const offered = definition.languages.map((language) => JSON.stringify(language)).join(', ');
  return [`${formatPath(root, ['locale'])}: expected a language ${definition.id} version ${definition.version} offers (${offered}), found ${describeValue(response.locale)}`];
}

/**
 * The sections a response says were switched off must be optional sections of its definition, each
 * named once: the report counts their questions as not asked, so a scored component or an unknown id
 * there would hide real answers or invent a section.
 */
function sectionsOffProblems(response: SurveyResponse, definition: SurveyDefinition, root: string): string[] {
  const optional = definition.sections.filter((section) => section.optional).map((section) => section.id);
  const seen = new Set<string>();
  const problems: string[] = [];
  (response.sectionsOff ?? []).forEach((sectionId, i) => {
    const path = formatPath(root, ['sectionsOff', i]);
    if (!optional.includes(sectionId)) {
      const offered = optional.length ? optional.join(', ') : 'none';
      problems.push(`${path}: expected an optional section of ${definition.id} version ${definition.version} (${offered}), found ${describeValue(sectionId)}`);
    } else if (seen.has(sectionId)) {
      problems.push(`${path}: expected each section once, found ${describeValue(sectionId)} again`);
    }
    seen.add(sectionId);
  });
  return problems;
}

/**
 * Start before completion, a duration that matches the two, and both instants in a plausible range:
 * not before the first SIPAS scheme, not after receipt. With a known kiosk skew the instants are
 * judged on the collector's clock (corrected by it), so a tablet whose clock is wrong is never a
 * reason to refuse a citizen's answer.
 */
function timeProblems(response: SurveyResponse, root: string, receivedAt: Date | string, clockSkewMs: number | null): string[] {
  const problems: string[] = [];
  const started = Date.parse(response.startedAt);
  const completed = Date.parse(response.completedAt);
  for (const [field, at] of [['startedAt', started], ['completedAt', completed]] as const) {
    if (!Number.isFinite(at)) problems.push(`${formatPath(root, [field])}: expected an instant that exists in the calendar, found ${describeValue(response[field])}`);
  }
  if (problems.length > 0) return problems;

  const received = typeof receivedAt === 'string' ? Date.parse(receivedAt) : receivedAt.getTime();
  const skew = clockSkewMs ?? 0;
  const earliest = Date.parse(EARLIEST_RESPONSE_AT);
  const latest = received + FUTURE_TOLERANCE_MS;
  for (const [field, at] of [['startedAt', started], ['completedAt', completed]] as const) {
    const corrected = at - skew;
    const note = clockSkewMs ? ` (the kiosk's clock is ${describeSkew(clockSkewMs)}: ${safeIso(corrected)} on the collector's clock)` : '';
    if (corrected < earliest) {
      problems.push(`${formatPath(root, [field])}: expected an instant on or after ${EARLIEST_RESPONSE_AT} (the first SIPAS scheme), found ${describeValue(response[field])}${note}`);
    } else if (corrected > latest) {
      problems.push(
        `${formatPath(root, [field])}: expected an instant no later than its receipt at ${new Date(received).toISOString()} (${FUTURE_TOLERANCE_MS / 60_000} minutes' slack), found ${describeValue(response[field])}${note}`,
      );
    }
  }

  if (completed < started) {
    problems.push(`${formatPath(root, ['completedAt'])}: expected an instant at or after startedAt ${response.startedAt}, found ${describeValue(response.completedAt)}`);
  } else {
    const span = completed - started;
    const tolerance = Math.max(DURATION_TOLERANCE_MS, Math.round(span * DURATION_TOLERANCE_SHARE));
    if (Math.abs(response.durationMs - span) > tolerance) {
      problems.push(`${formatPath(root, ['durationMs'])}: expected ${span} (completedAt − startedAt, within ${tolerance} ms), found ${response.durationMs}`);
    }
  }
  return problems;
}

function describeSkew(clockSkewMs: number): string {
  const seconds = Math.round(Math.abs(clockSkewMs) / 1000);
  return `${seconds} s ${clockSkewMs > 0 ? 'ahead' : 'behind'}`;
}

function safeIso(ms: number): string {
  const date = new Date(ms);
  return Number.isFinite(date.getTime()) ? date.toISOString() : String(ms);
}

/**
 * A question is answered with a value or left out: an empty text, a blank one or an empty list says
 * nothing and is refused for every question, shown or hidden (the kiosk leaves unanswered ones out).
 * Then the engine's checks, with the optional sections the response says were switched off (an
 * older kiosk says none: every section on): an answer is refused if its question was hidden, sits in
 * a section switched off, or does not exist.
 */
function answerProblems(response: SurveyResponse, definition: SurveyDefinition, root: string): string[] {
  const blank = new Set<string>();
  const problems: string[] = [];
  for (const [questionId, value] of Object.entries(response.answers)) {
    const empty = typeof value === 'string' ? (value === '' ? 'an empty text' : value.trim() === '' ? 'a blank text' : null) : Array.isArray(value) && value.length === 0 ? 'an empty list' : null;
    if (empty === null) continue;
    blank.add(questionId);
    problems.push(`${formatPath(root, ['answers', questionId])}: expected an answer that is not blank (a question left unanswered has no key), found ${empty}`);
  }
  const others = validateAnswers(definition, response.answers, response.status, { disabledSections: response.sectionsOff ?? [] }).filter((problem) => !blank.has(problem.questionId));
  return [...problems, ...others.map((problem) => explainAnswerProblem(problem, root))];
}
