import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, isAbsolute, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { definitionKey } from '../../shared/ids';
import { definitionSchema, type SurveyDefinition } from '../../shared/schemas';
import { findJsonSyntaxError } from './json-syntax';

/** One thing wrong with a definition file, in the words a person fixing the file needs. */
export interface DefinitionProblem {
  file: string;
  /** JSON path such as `$.sections[2].questions[0].text.en`, or `line 12, column 5` for broken JSON. */
  path: string;
  expected: string;
  found: string;
}

/** The shipped definitions: /survey-definitions at the root of the repository. */
export const DEFINITIONS_DIR: string = fileURLToPath(new URL('../../../survey-definitions', import.meta.url));

/** Longest rendering of a found value before it is cut with "…". */
const FOUND_MAX_CHARS = 60;

/** `<id>.json` holds the current version of a definition; `<id>-v<N>.json` an older one. */
const VERSIONED_FILE = /^(.+)-v(\d+)$/;

/** One problem per line: file, path, expected, found. */
export function formatProblem(p: DefinitionProblem): string {
  return `${p.file}  ${p.path}: expected ${p.expected}, found ${p.found}`;
}

/**
 * Parses and validates one definition file's text. The file-name rule (`<id>.json` or
 * `<id>-v<version>.json`) is applied when `file` ends in `.json`; pass another name to skip it.
 * `definition` is set only when there is no problem.
 */
export function checkDefinitionText(file: string, text: string): { definition?: SurveyDefinition; problems: DefinitionProblem[] } {
  // Editors on Windows (Notepad) may save a byte-order mark; it is not part of the JSON.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (error) {
    return { problems: [jsonProblem(file, source, error)] };
  }

  const result = definitionSchema.safeParse(raw, { reportInput: true, error: expectedPhrase });
  if (!result.success) {
    return { problems: [...result.error.issues.flatMap((issue) => issueProblems(file, raw, issue)), ...missingPartProblems(file, raw)] };
  }
  const problems = [...missingPartProblems(file, raw), ...fileNameProblems(file, result.data)];
  return problems.length ? { problems } : { definition: result.data, problems };
}

/**
 * Loads and checks every `*.json` file in `dir` (not recursive), in file-name order, and the rules
 * across files: one file per id@version, and `<id>.json` newer than every `<id>-v<N>.json`.
 * `definitions` holds only the files without problems.
 */
export function loadDefinitionsFromDir(dir: string): { definitions: SurveyDefinition[]; problems: DefinitionProblem[] } {
  const shownDir = displayPath(dir);
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return { definitions: [], problems: [{ file: shownDir, path: '$', expected: 'a directory of definition files', found: 'nothing' }] };
  }
  if (names.length === 0) {
    return { definitions: [], problems: [{ file: shownDir, path: '$', expected: 'at least one definition file (*.json)', found: 'nothing' }] };
  }

  const problems: DefinitionProblem[] = [];
  const checked: Array<{ file: string; name: string; definition: SurveyDefinition }> = [];
  for (const name of names) {
    const file = displayPath(join(dir, name));
    const result = checkDefinitionText(file, readFileSync(join(dir, name), 'utf8'));
    problems.push(...result.problems);
    if (result.definition) checked.push({ file, name, definition: result.definition });
  }

  const definitions: SurveyDefinition[] = [];
  const byKey = new Map<string, string>();
  const current = new Map(checked.filter((c) => c.name === `${c.definition.id}.json`).map((c) => [c.definition.id, c]));
  for (const { file, name, definition } of checked) {
    const key = definitionKey(definition.id, definition.version);
    const other = byKey.get(key);
    if (other !== undefined) {
      problems.push({ file, path: '$.version', expected: `an id@version in one file only (${key} is also in ${basename(other)})`, found: String(definition.version) });
      continue;
    }
    byKey.set(key, file);
    const newest = current.get(definition.id);
    if (newest && newest.name !== name && definition.version > newest.definition.version) {
      problems.push({
        file,
        path: '$.version',
        expected: `a version older than ${newest.name} (version ${newest.definition.version}), which holds the current one`,
        found: String(definition.version),
      });
      continue;
    }
    definitions.push(definition);
  }
  return { definitions, problems };
}

function jsonProblem(file: string, text: string, error: unknown): DefinitionProblem {
  const at = findJsonSyntaxError(text);
  if (at) return { file, path: `line ${at.line}, column ${at.column}`, expected: `valid JSON: ${at.expected}`, found: at.found };
  // The scanner and JSON.parse disagree (should not happen): fall back to the engine's message.
  return { file, path: '$', expected: 'valid JSON', found: error instanceof Error ? error.message : String(error) };
}

/**
 * Every section of a file states its part. The schema defaults a missing one to "core" so older
 * definitions keep parsing where they are already stored, but a file that omits it would silently
 * put its extras before the checkpoint: the person writing the file must choose.
 */
function missingPartProblems(file: string, raw: unknown): DefinitionProblem[] {
  const sections = raw !== null && typeof raw === 'object' ? (raw as { sections?: unknown }).sections : undefined;
  if (!Array.isArray(sections)) return [];
  return sections.flatMap((section: unknown, s) =>
    section !== null && typeof section === 'object' && !Object.prototype.hasOwnProperty.call(section, 'part')
      ? [{ file, path: jsonPath(['sections', s, 'part']), expected: '"core" (scored, asked first) or "extra" (optional, offered after the checkpoint)', found: 'nothing' }]
      : [],
  );
}

/** The file-name rule, checked once the content is known to be a valid definition. */
function fileNameProblems(file: string, definition: SurveyDefinition): DefinitionProblem[] {
  const name = basename(file);
  if (!name.endsWith('.json')) return [];
  const stem = name.slice(0, -'.json'.length);
  if (stem === definition.id) return [];
  const versioned = VERSIONED_FILE.exec(stem);
  if (versioned && versioned[1] === definition.id) {
    const version = Number(versioned[2]);
    if (version === definition.version) return [];
    return [{ file, path: '$.version', expected: `${version}, the version in the file name ${name}`, found: String(definition.version) }];
  }
  const nameId = versioned ? versioned[1] : stem;
  return [
    {
      file,
      path: '$.id',
      expected: `"${nameId}", the id in the file name (files are named <id>.json or <id>-v<version>.json)`,
      found: render(definition.id),
    },
  ];
}

/** Turns one zod issue into the problems a person reads; unions and unknown keys get plainer words. */
function issueProblems(file: string, raw: unknown, issue: z.core.$ZodIssue): DefinitionProblem[] {
  const path = issue.path;
  const at = (p: PropertyKey[]) => render(valueAt(raw, p));
  switch (issue.code) {
    case 'custom':
      // Our own rules set `input` deliberately (undefined for "missing"); zod keeps it with reportInput.
      return [{ file, path: jsonPath(path), expected: issue.message, found: render(issue.input) }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        file,
        path: jsonPath([...path, key]),
        expected: `no field "${key}" here (misspelt or misplaced?)`,
        found: at([...path, key]),
      }));
    case 'invalid_key':
      return [{ file, path: jsonPath(path), expected: `a key that is ${issue.issues[0]?.message ?? 'valid'}`, found: render(path.at(-1)) }];
    case 'invalid_union':
      return [{ file, path: jsonPath(path), expected: unionExpectation(issue), found: at(path) }];
    default:
      return [{ file, path: jsonPath(path), expected: issue.message, found: at(path) }];
  }
}

/**
 * Default messages worded to follow "expected" ("a number at most 2000", not zod's "Too big: expected
 * number to be <=2000"). A per-parse error map applies only where the schema set no message itself.
 */
function expectedPhrase(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NOUNS[issue.expected] ?? `a ${issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_big':
    case 'too_small': {
      const limit = issue.code === 'too_big' ? issue.maximum : issue.minimum;
      const bound = issue.code === 'too_big' ? (issue.inclusive ? 'at most' : 'less than') : issue.inclusive ? 'at least' : 'more than';
      if (issue.origin === 'array') return `${bound} ${String(limit)} item(s)`;
      if (issue.origin === 'string') return `${bound} ${String(limit)} character(s)`;
      return `a number ${bound} ${String(limit)}`;
    }
    default:
      return undefined;
  }
}

const TYPE_NOUNS: Partial<Record<string, string>> = {
  string: 'a text in "double quotes"',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object { … }',
  record: 'an object { … }',
  array: 'a list [ … ]',
};

/** zod says only "Invalid input" when no branch of a plain union fits; say what would have fitted. */
function unionExpectation(issue: z.core.$ZodIssueInvalidUnion): string {
  if (issue.discriminator !== undefined && 'options' in issue && issue.options) {
    return `one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
  }
  if (issue.errors.length === 0 || issue.message !== 'Invalid input') return issue.message;
  const types = issue.errors.map((branch) => {
    const top = branch.find((i) => i.path.length === 0 && i.code === 'invalid_type');
    return top?.code === 'invalid_type' ? top.expected : undefined;
  });
  if (types.every((t) => t !== undefined)) return [...new Set(types)].map((t) => TYPE_NOUNS[t] ?? t).join(' or ');
  // The only union of objects in the schema is the showIf condition.
  return 'a condition: {"question", "equals"}, {"question", "in"}, {"question", "answered"}, {"all"}, {"any"} or {"not"}';
}

/** `$.sections[2].questions[0].text.en`; keys that are not plain names are quoted. */
function jsonPath(path: readonly PropertyKey[]): string {
  return (
    '$' +
    path
      .map((key) =>
        typeof key === 'number' ? `[${key}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(key)) ? `.${String(key)}` : `[${JSON.stringify(String(key))}]`,
      )
      .join('')
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return value;
}

/** A short JSON rendering of a found value; "nothing" when it is missing. */
function render(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > FOUND_MAX_CHARS ? `${json.slice(0, FOUND_MAX_CHARS - 1)}…` : json;
}

/** Relative to the working directory when inside it (as people type paths), else absolute. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
}
