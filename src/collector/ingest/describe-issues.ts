import { z } from 'zod';
import type { AnswerProblem, NotAskedBecause } from '../../shared/survey';

/**
 * Turns zod's verdict into sentences a person can act on: `$.kiosk.queueDepth: expected a whole number
 * ≥ 0, found "x"`. What was expected is read from the schema itself (through its JSON Schema form), so
 * the words never drift from the rules; custom messages in the schemas are already written as
 * expectations ("a question id") and are used as they are.
 */

/** Marks issues whose message zod would have made up; schema-level messages take precedence over it. */
const NO_CUSTOM_MESSAGE = '\u0000';

type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
};

const jsonSchemas = new WeakMap<z.ZodType, JsonSchema | null>();

function jsonSchemaOf(schema: z.ZodType): JsonSchema | null {
  if (!jsonSchemas.has(schema)) {
    let json: JsonSchema | null;
    try {
      json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    } catch {
      // Some shapes (transforms, cycles) have no JSON Schema form; zod's own words are the fallback then.
      json = null;
    }
    jsonSchemas.set(schema, json);
  }
  return jsonSchemas.get(schema)!;
}

/** Parses `value`, or explains every problem as "path: expected …, found …" (at most `limit` of them). */
export function parseOrExplain<T extends z.ZodType>(
  schema: T,
  value: unknown,
  root = '$',
  limit = 5,
): { ok: true; data: z.output<T> } | { ok: false; problems: string[] } {
  const result = schema.safeParse(value, { error: () => NO_CUSTOM_MESSAGE });
  if (result.success) return { ok: true, data: result.data };
  const problems = result.error.issues.flatMap((issue) => explainIssue(issue, schema, value, root));
  const shown = problems.slice(0, limit);
  if (problems.length > limit) shown.push(`… and ${problems.length - limit} more`);
  return { ok: false, problems: shown };
}

function explainIssue(issue: z.core.$ZodIssue, schema: z.ZodType, value: unknown, root: string): string[] {
  const path = issue.path as PropertyKey[];
  const node = walkSchema(jsonSchemaOf(schema), value, path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = node?.properties ? Object.keys(node.properties).join(', ') : '';
    return issue.keys.map(
      (key) =>
        `${formatPath(root, [...path, key])}: expected no such key${allowed ? ` (allowed: ${allowed})` : ''}, found ${describeValue(valueAt(value, [...path, key]))}`,
    );
  }
  if (issue.code === 'invalid_key') {
    const inner = issue.issues.map((i) => (i.message === NO_CUSTOM_MESSAGE ? 'a valid key' : i.message));
    return [`${formatPath(root, path)}: expected a key that is ${inner.join(' and ')}, found the key ${JSON.stringify(path[path.length - 1])}`];
  }
  const found = valueAt(value, path);
  let expected = issue.message;
  if (expected === NO_CUSTOM_MESSAGE) {
    // A bound or format failed on a value of the right type: describe only the matching branch of a union.
    const narrowed = issue.code === 'invalid_type' || issue.code === 'invalid_union' ? node : narrowToValue(node, found);
    expected = narrowed ? describeSchema(narrowed) : zodFallback(issue);
  }
  return [`${formatPath(root, path)}: expected ${expected}, found ${describeValue(found)}`];
}

/** `$.responses[3].answers.TC1`, with brackets for keys that are not plain identifiers. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  return (
    root +
    path
      .map((key) =>
        typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(String(key)) ? `.${String(key)}` : `[${JSON.stringify(String(key))}]`,
      )
      .join('')
  );
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function walkSchema(node: JsonSchema | null, value: unknown, path: readonly PropertyKey[]): JsonSchema | null {
  let current = node;
  let currentValue = value;
  for (const key of path) {
    if (!current) return null;
    current = narrowToValue(current, currentValue);
    if (!current) return null;
    if (typeof key === 'number') current = current.items ?? null;
    else {
      const additional = typeof current.additionalProperties === 'object' ? current.additionalProperties : null;
      current = current.properties?.[String(key)] ?? additional;
    }
    currentValue = valueAt(currentValue, [key]);
  }
  return current;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function accepts(node: JsonSchema, value: unknown): boolean {
  if (node.enum) return node.enum.includes(value);
  if ('const' in node) return node.const === value;
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  const type = jsonTypeOf(value);
  return types.includes(type) || (type === 'integer' && types.includes('number'));
}

/** In a union, the branch whose type fits the value (the one the value was meant for); else the node. */
function narrowToValue(node: JsonSchema | null, value: unknown): JsonSchema | null {
  if (!node?.anyOf) return node;
  const fitting = node.anyOf.filter((branch) => accepts(branch, value));
  return fitting.length === 1 ? fitting[0] : node;
}

const LARGEST_BOUND = Number.MAX_SAFE_INTEGER;

/** Plain words for a JSON Schema node. */
export function describeSchema(node: JsonSchema): string {
  if (node.anyOf) return joinAlternatives(node.anyOf.map(describeSchema));
  if (node.enum) return node.enum.length === 1 ? JSON.stringify(node.enum[0]) : `one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in node) return JSON.stringify(node.const);
  if (Array.isArray(node.type)) return joinAlternatives(node.type.map((type) => describeSchema({ ...node, type })));
  switch (node.type) {
    case 'integer':
      return describeNumber(node, true);
    case 'number':
      return describeNumber(node, false);
    case 'string':
      return describeString(node);
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'array': {
      const { minItems: min, maxItems: max } = node;
      const count =
        min !== undefined && max !== undefined ? ` of ${min} to ${max} items` : max !== undefined ? ` of at most ${max} items` : min !== undefined ? ` of at least ${min} items` : '';
      return `a list${count}`;
    }
    case 'object': {
      const keys = Object.keys(node.properties ?? {});
      return keys.length ? `an object with ${keys.join(', ')}` : 'an object';
    }
    default:
      return 'any value';
  }
}

function describeNumber(node: JsonSchema, whole: boolean): string {
  const noun = whole ? 'a whole number' : 'a number';
  const step = whole ? 1 : 0;
  let low = node.minimum;
  let lowStrict = false;
  if (node.exclusiveMinimum !== undefined) [low, lowStrict] = whole ? [node.exclusiveMinimum + step, false] : [node.exclusiveMinimum, true];
  let high = node.maximum !== undefined && node.maximum < LARGEST_BOUND ? node.maximum : undefined;
  let highStrict = false;
  if (node.exclusiveMaximum !== undefined) [high, highStrict] = whole ? [node.exclusiveMaximum - step, false] : [node.exclusiveMaximum, true];
  if (low !== undefined && high !== undefined && !lowStrict && !highStrict) return `${noun} from ${low} to ${high}`;
  const bounds = [
    low !== undefined ? `${lowStrict ? '>' : '≥'} ${low}` : '',
    high !== undefined ? `${highStrict ? '<' : '≤'} ${high}` : '',
  ].filter(Boolean);
  return bounds.length ? `${noun} ${bounds.join(' and ')}` : noun;
}

function describeString(node: JsonSchema): string {
  if (node.format === 'uuid') return 'a UUID';
  if (node.format === 'date-time') return 'a date-time such as 2026-03-01T08:30:00Z or 2026-03-01T15:30:00+07:00';
  if (node.format) return `a ${node.format}`;
  const { minLength: min, maxLength: max } = node;
  let text = min !== undefined && min > 0 && max === undefined ? `a text of at least ${min} characters` : 'a text';
  if (min === 1 && max !== undefined) text = `a non-empty text of at most ${max} characters`;
  else if (min !== undefined && min > 1 && max !== undefined) text = `a text of ${min} to ${max} characters`;
  else if (max !== undefined) text = `a text of at most ${max} characters`;
  return node.pattern ? `${text} matching /${node.pattern}/` : text;
}

function joinAlternatives(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length <= 1 ? (unique[0] ?? 'any value') : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

/** What was found, short enough for one line. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).length;
    return `an object with ${keys} key${keys === 1 ? '' : 's'}`;
  }
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…"` : text;
}

function zodFallback(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `a value of type ${issue.expected}`;
    case 'too_small':
      return `at least ${String(issue.minimum)}`;
    case 'too_big':
      return `at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return 'a valid value';
  }
}

/** Why a question was not asked, as a rejection reason says it. */
const NOT_ASKED: Record<NotAskedBecause, (sectionId: string) => string> = {
  condition: () => 'hidden by its condition',
  sectionCondition: (sectionId) => `hidden by the condition of its section ${sectionId}`,
  sectionSwitchedOff: (sectionId) => `its section ${sectionId} is switched off on this kiosk`,
};

/**
 * The one wording of the engine's answer problems: `$.responses[2].answers.TC1: expected a code 1–5,
 * found 7` (the path in the batch, what was expected, what was found).
 */
export function explainAnswerProblem(problem: AnswerProblem, root: string): string {
  return `${formatPath(root, problem.path)}: ${answerProblemText(problem)}`;
}

function answerProblemText(problem: AnswerProblem): string {
  switch (problem.kind) {
    case 'unknownQuestion': {
      const { definitionId, definitionVersion } = problem.expected;
      return `expected a question of ${definitionId} version ${definitionVersion}, found an answer ${describeAnswer(problem.found)} to a question it does not have`;
    }
    case 'hidden':
      return `answered but not asked: ${NOT_ASKED[problem.because](problem.sectionId)}, found ${describeAnswer(problem.found)}`;
    case 'required':
      return `required, expected an answer, found ${problem.found === undefined ? 'none' : describeAnswer(problem.found)}`;
    case 'notInScale':
      return `expected a code 1–5, found ${describeAnswer(problem.found)}`;
    case 'notAnOption':
      return `expected one of the codes ${problem.expected.join(', ')}, found ${describeAnswer(problem.found)}`;
    case 'notAList':
      return `expected a list of codes from ${problem.expected.join(', ')}, found ${describeAnswer(problem.found)}`;
    case 'unknownCodes':
      return `expected only the codes ${problem.expected.join(', ')}, found ${problem.found.map(describeAnswer).join(', ')}`;
    case 'repeatedCodes':
      return `expected each code at most once, found ${problem.found.map(describeAnswer).join(', ')} more than once`;
    case 'tooManyCodes':
      return `expected at most ${problem.expected} codes, found ${problem.found}`;
    case 'notAText':
      return `expected a text, found ${describeAnswer(problem.found)}`;
    case 'tooLong':
      return `expected a text of at most ${problem.expected} characters, found ${problem.found}`;
  }
}

/**
 * An answer as a rejection reason shows it: numbers bare, texts quoted, lists in brackets, and the
 * empty values that count as no answer by name. Unlike describeValue, a list shows its codes.
 */
function describeAnswer(value: unknown): string {
  if (Array.isArray(value) && value.length === 0) return 'an empty list';
  if (typeof value === 'string' && value.trim() === '') return value === '' ? 'an empty text' : 'a blank text';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
