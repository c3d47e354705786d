/**
 * What JSON.parse lets through but the collector must not keep: keys that reach JavaScript's object
 * machinery (JSON.parse makes `__proto__` an own key, which a later copy or zod record silently drops
 * or turns into a prototype), text with lone surrogates (not Unicode; SQLite and every export would
 * store or show it mangled), and text in more than one Unicode form ("Sở Tư pháp" typed in NFC and
 * in NFD must be one agency, so all text is kept in NFC).
 */
import { formatPath } from './describe-issues';
import { MAX_JSON_DEPTH } from './json-body';

/** Keys refused anywhere in a body. */
export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Most problems one walk reports; the first are enough to act on. */
const MAX_PROBLEMS = 5;

/** What the walk is told about the value. */
export interface UnsafeJsonOptions {
  /** Do not walk into the items of this top-level list (each is judged on its own later). */
  skipItemsOf?: string;
  /** Deepest nesting walked (deeper is reported); bodies were already held to MAX_JSON_DEPTH. */
  depthLimit?: number;
}

/**
 * Every prototype key and every text with a lone surrogate in `value` (keys included), as "path:
 * expected …, found …". An explicit stack, not recursion, so a deep value cannot overflow the stack.
 */
export function findUnsafeJson(value: unknown, root = '$', options: UnsafeJsonOptions = {}): string[] {
  const depthLimit = options.depthLimit ?? MAX_JSON_DEPTH;
  // Nearly every body is clean: one walk that builds no paths says so, and only a body with a problem
  // pays for the walk below that names where (paths for every node were a tenth of checking a batch).
  if (isClean(value, 0, depthLimit, options.skipItemsOf)) return [];
  const problems: string[] = [];
  // A key's own problem waits on the stack in its place, so problems come out in document order.
  type Entry = { value: unknown; path: PropertyKey[]; problem?: string };
  const stack: Entry[] = [{ value, path: [] }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const { value: current, path, problem } = stack.pop()!;
    if (problem !== undefined) {
      problems.push(problem);
      continue;
    }
    if (typeof current === 'string') {
      const at = loneSurrogateAt(current);
      if (at >= 0) problems.push(`${formatPath(root, path)}: expected well-formed Unicode text, found ${surrogateWords(current, at)}`);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= depthLimit) {
      problems.push(`${formatPath(root, path)}: expected JSON nested at most ${depthLimit} levels deep, found a value nested deeper`);
      continue;
    }
    const skipItems = path.length === 1 && options.skipItemsOf !== undefined && path[0] === options.skipItemsOf && Array.isArray(current);
    if (skipItems) continue;
    const children: Entry[] = [];
    if (Array.isArray(current)) {
      current.forEach((item, index) => children.push({ value: item, path: [...path, index] }));
    } else {
      for (const key of Object.keys(current)) {
        const keyPath = [...path, key];
        if (PROTOTYPE_KEYS.includes(key)) {
          children.push({ value: null, path: keyPath, problem: `${formatPath(root, keyPath)}: expected a key other than ${PROTOTYPE_KEYS.join(', ')}, found the key ${JSON.stringify(key)}` });
          continue;
        }
        const at = loneSurrogateAt(key);
        if (at >= 0) {
          children.push({ value: null, path: keyPath, problem: `${formatPath(root, keyPath)}: expected a key of well-formed Unicode text, found a key with ${surrogateWords(key, at)}` });
          continue;
        }
        children.push({ value: (current as Record<string, unknown>)[key], path: [...path, key] });
      }
    }
    // Reversed onto the stack so they are taken in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return problems.slice(0, MAX_PROBLEMS);
}

/** findUnsafeJson's verdict without its words: no prototype key, lone surrogate or excess depth anywhere. */
function isClean(value: unknown, depth: number, depthLimit: number, skipItemsOf: string | undefined): boolean {
  if (typeof value === 'string') return loneSurrogateAt(value) < 0;
  if (value === null || typeof value !== 'object') return true;
  if (depth >= depthLimit) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isClean(item, depth + 1, depthLimit, undefined)) return false;
    return true;
  }
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.includes(key) || loneSurrogateAt(key) >= 0) return false;
    const child = (value as Record<string, unknown>)[key];
    // The items of the skipped list are judged one by one later; the list itself is still walked to.
    if (depth === 0 && key === skipItemsOf && Array.isArray(child)) {
      if (depth + 1 >= depthLimit) return false;
      continue;
    }
    if (!isClean(child, depth + 1, depthLimit, undefined)) return false;
  }
  return true;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Index of the first lone surrogate in `text`, or -1. */
export function loneSurrogateAt(text: string): number {
  // Most texts have no surrogate at all: one native regex test instead of a loop over every character.
  if (!SURROGATE.test(text)) return -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

function surrogateWords(text: string, at: number): string {
  const unit = text.charCodeAt(at).toString(16).toUpperCase();
  return `a lone surrogate U+${unit} at character ${at}`;
}

const NOT_ASCII = /[^\u0000-\u007f]/;

/** Text in NFC; ASCII text (ids, codes, times: most of a response) already is, and one regex test says so. */
function nfc(text: string): string {
  return NOT_ASCII.test(text) ? text.normalize('NFC') : text;
}

/** Largest key count for which normalisation collisions are reported one by one. */
const MAX_COLLISIONS = 5;

/**
 * A copy of `value` with every text and every key in Unicode NFC, or the paths where two keys of one
 * object become the same key once normalised (which spelling was meant cannot be told). Recursive:
 * call it only on values whose depth was checked (findUnsafeJson), as every body's is.
 */
export function normalizeText(value: unknown, root = '$'): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  // The path is a chain of parents, made into a list only for a problem: most values have none.
  type Path = { parent: Path; key: PropertyKey } | null;
  const pathOf = (path: Path): PropertyKey[] => {
    const keys: PropertyKey[] = [];
    for (let at = path; at !== null; at = at.parent) keys.push(at.key);
    return keys.reverse();
  };
  const walk = (current: unknown, path: Path): unknown => {
    if (typeof current === 'string') return nfc(current);
    if (Array.isArray(current)) return current.map((item, index) => walk(item, { parent: path, key: index }));
    if (current === null || typeof current !== 'object') return current;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(current)) {
      const normal = nfc(key);
      if (Object.hasOwn(copy, normal)) {
        if (problems.length < MAX_COLLISIONS) {
          problems.push(`${formatPath(root, [...pathOf(path), normal])}: expected each key once, found it twice in different Unicode forms (NFC and another)`);
        }
        continue;
      }
      copy[normal] = walk((current as Record<string, unknown>)[key], { parent: path, key: normal });
    }
    return copy;
  };
  const normalized = walk(value, null);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: normalized };
}
