/**
 * Reading a JSON body from its bytes, refusing what JSON.parse would misread or choke on: bytes that
 * are not UTF-8 (Buffer#toString would turn them into U+FFFD and the text would be stored changed) and
 * nesting so deep that checking it recursively would overflow the stack. Both are found by plain loops
 * before JSON.parse runs, so neither a hostile body nor a very large one costs more than one pass.
 */
import { formatPath } from './describe-issues';

/** Deepest nesting of arrays and objects accepted in a body; a kiosk batch needs 5. */
export const MAX_JSON_DEPTH = 32;

/** What reading a JSON body came to. */
export type JsonBody =
  | { ok: true; value: unknown }
  | { ok: false; problem: { kind: 'empty' } }
  | { ok: false; problem: { kind: 'invalidUtf8'; offset: number; bytes: string } }
  | { ok: false; problem: { kind: 'tooDeep'; path: string; limit: number } }
  | { ok: false; problem: { kind: 'malformed'; bytes: number; reason: string } };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes, checks the depth and parses a JSON body; never throws. */
export function readJsonBody(bytes: Uint8Array, depthLimit = MAX_JSON_DEPTH): JsonBody {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const offset = invalidUtf8Offset(bytes);
    const sequence = Array.from(bytes.subarray(offset, offset + utf8SequenceLength(bytes, offset)), (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`);
    return { ok: false, problem: { kind: 'invalidUtf8', offset, bytes: sequence.join(' ') } };
  }
  if (text.trim() === '') return { ok: false, problem: { kind: 'empty' } };
  const deep = tooDeepPath(text, depthLimit);
  if (deep !== null) return { ok: false, problem: { kind: 'tooDeep', path: deep, limit: depthLimit } };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: { kind: 'malformed', bytes: bytes.length, reason: (error as Error).message } };
  }
}

/**
 * The byte offset where the first ill-formed UTF-8 sequence starts (RFC 3629: no overlong forms, no
 * encoded surrogates, nothing above U+10FFFF), or -1 when all of it is well-formed.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const length = wellFormedLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return -1;
}

/** Second-byte range and continuation count for each lead byte (Unicode Table 3-7). */
function leadOf(lead: number): { low: number; high: number; continuation: number } | null {
  if (lead >= 0xc2 && lead <= 0xdf) return { low: 0x80, high: 0xbf, continuation: 1 };
  if (lead === 0xe0) return { low: 0xa0, high: 0xbf, continuation: 2 };
  if ((lead >= 0xe1 && lead <= 0xec) || lead === 0xee || lead === 0xef) return { low: 0x80, high: 0xbf, continuation: 2 };
  if (lead === 0xed) return { low: 0x80, high: 0x9f, continuation: 2 };
  if (lead === 0xf0) return { low: 0x90, high: 0xbf, continuation: 3 };
  if (lead >= 0xf1 && lead <= 0xf3) return { low: 0x80, high: 0xbf, continuation: 3 };
  if (lead === 0xf4) return { low: 0x80, high: 0x8f, continuation: 3 };
  return null;
}

/** Length of the well-formed sequence at `i`, or 0 when it is ill-formed. */
function wellFormedLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i];
  if (lead < 0x80) return 1;
  const rule = leadOf(lead);
  if (!rule) return 0;
  const second = bytes[i + 1];
  if (second === undefined || second < rule.low || second > rule.high) return 0;
  for (let k = 2; k <= rule.continuation; k++) {
    const next = bytes[i + k];
    if (next === undefined || next < 0x80 || next > 0xbf) return 0;
  }
  return rule.continuation + 1;
}

/** How many bytes of the ill-formed sequence at `i` to show: up to and including the byte that breaks it. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const rule = leadOf(bytes[i]);
  if (!rule) return 1;
  const second = bytes[i + 1];
  if (second === undefined) return 1;
  if (second < rule.low || second > rule.high) return 2;
  for (let k = 2; k <= rule.continuation; k++) {
    const next = bytes[i + k];
    if (next === undefined) return k;
    if (next < 0x80 || next > 0xbf) return k + 1;
  }
  return rule.continuation + 1;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/** One open array or object while scanning: where the current member's key is, or which item it is. */
interface Frame {
  array: boolean;
  index: number;
  keyStart: number;
  keyEnd: number;
}

/** Longest key shown in a path of the too-deep message. */
const PATH_KEY_CHARS = 40;

/**
 * The path of the first array or object nested deeper than `limit`, or null. A single loop with an
 * explicit stack (never recursion), so 100,000 levels cost a scan, not a stack overflow. It reads the
 * text as JSON would (strings with their escapes skipped) but does not judge the syntax: JSON.parse does.
 */
export function tooDeepPath(text: string, limit = MAX_JSON_DEPTH): string | null {
  const stack: Frame[] = [];
  let expectingKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) j += 2;
        else if (d === QUOTE) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      if (expectingKey && top && !top.array) {
        top.keyStart = i;
        top.keyEnd = j + 1;
        expectingKey = false;
      }
      i = j;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (stack.length === limit) return pathOf(text, stack);
      stack.push({ array: c === OPEN_ARRAY, index: 0, keyStart: -1, keyEnd: -1 });
      expectingKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      expectingKey = false;
    } else if (c === COMMA) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else if (top) expectingKey = true;
    }
  }
  return null;
}

function pathOf(text: string, stack: readonly Frame[]): string {
  const keys = stack.map((frame): string | number => {
    if (frame.array) return frame.index;
    if (frame.keyStart < 0) return '?';
    let key: string;
    try {
      key = JSON.parse(text.slice(frame.keyStart, frame.keyEnd)) as string;
    } catch {
      // A key JSON.parse would refuse anyway: shown as written, without its quotes.
      key = text.slice(frame.keyStart + 1, frame.keyEnd - 1);
    }
    return key.length > PATH_KEY_CHARS ? `${key.slice(0, PATH_KEY_CHARS)}…` : key;
  });
  return formatPath('$', keys);
}
