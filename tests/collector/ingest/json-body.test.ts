import { describe, expect, it } from 'vitest';
import { invalidUtf8Offset, MAX_JSON_DEPTH, readJsonBody, tooDeepPath } from '../../../src/collector/ingest';

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

describe('invalidUtf8Offset', () => {
  it.each([
    ['plain ASCII', bytes('{"a":1}'), -1],
    ['Vietnamese in NFC and NFD', bytes('"Sở Tư pháp" "So\u031b\u0309"'), -1],
    ['a four-byte emoji', bytes('"😀"'), -1],
    ['a lone continuation byte', bytes('ab', [0x80]), 2],
    ['0xFF', bytes('{"a":"', [0xff], '"}'), 6],
    ['0xFE', bytes([0xfe]), 0],
    ['an overlong slash C0 AF', bytes('x', [0xc0, 0xaf]), 1],
    ['an overlong C1 BF', bytes([0xc1, 0xbf]), 0],
    ['an overlong three-byte E0 80 AF', bytes('xy', [0xe0, 0x80, 0xaf]), 2],
    ['an overlong four-byte F0 80 80 AF', bytes([0xf0, 0x80, 0x80, 0xaf]), 0],
    ['an encoded surrogate ED A0 80', bytes('"', [0xed, 0xa0, 0x80], '"'), 1],
    ['above U+10FFFF F4 90 80 80', bytes([0xf4, 0x90, 0x80, 0x80]), 0],
    ['a lead F5', bytes([0xf5, 0x80, 0x80, 0x80]), 0],
    ['a two-byte sequence cut off at the end', bytes('abc', [0xc3]), 3],
    ['a three-byte sequence cut off at the end', bytes('ab', [0xe1, 0xba]), 2],
    ['a lead followed by ASCII', bytes('"', [0xc3, 0x28], '"'), 1],
    ['valid text before the first bad byte (ở is three bytes)', bytes('"ở"', [0xff]), 5],
  ])('finds %s at the right byte offset', (_name, input, offset) => {
    expect(invalidUtf8Offset(input)).toBe(offset);
  });
});

describe('readJsonBody', () => {
  it('parses well-formed UTF-8 JSON', () => {
    expect(readJsonBody(bytes('{"a":"Sở"}'))).toEqual({ ok: true, value: { a: 'Sở' } });
  });

  it('refuses invalid bytes instead of replacing them with U+FFFD', () => {
    expect(readJsonBody(bytes('{"a":"', [0xc3, 0x28], '"}'))).toEqual({ ok: false, problem: { kind: 'invalidUtf8', offset: 6, bytes: '0xC3 0x28' } });
    expect(readJsonBody(bytes('{"a":"', [0xff], '"}'))).toEqual({ ok: false, problem: { kind: 'invalidUtf8', offset: 6, bytes: '0xFF' } });
    expect(readJsonBody(bytes('"', [0xe1, 0xba]))).toEqual({ ok: false, problem: { kind: 'invalidUtf8', offset: 1, bytes: '0xE1 0xBA' } });
  });

  it('tells an empty or blank body from a malformed one', () => {
    expect(readJsonBody(bytes(''))).toEqual({ ok: false, problem: { kind: 'empty' } });
    expect(readJsonBody(bytes(' \n\t'))).toEqual({ ok: false, problem: { kind: 'empty' } });
    expect(readJsonBody(bytes('{"a":'))).toMatchObject({ ok: false, problem: { kind: 'malformed', bytes: 5 } });
  });

  it('keeps a byte order mark as the malformed JSON it is', () => {
    expect(readJsonBody(bytes([0xef, 0xbb, 0xbf], '{}'))).toMatchObject({ ok: false, problem: { kind: 'malformed' } });
  });

  it('refuses nesting deeper than the limit before parsing, naming the path', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    const read = readJsonBody(bytes(deep));
    expect(read).toEqual({ ok: false, problem: { kind: 'tooDeep', path: `$${'[0]'.repeat(MAX_JSON_DEPTH)}`, limit: MAX_JSON_DEPTH } });
    expect(readJsonBody(bytes('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).ok).toBe(true);
  });

  it('scans 100,000 levels of nesting without overflowing the stack', () => {
    const text = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const read = readJsonBody(bytes(text));
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problem.kind).toBe('tooDeep');
  });
});

describe('tooDeepPath', () => {
  it.each([
    ['arrays', '[[[1]]]', 2, '$[0][0]'],
    ['objects', '{"a":{"b":{"c":1}}}', 2, '$.a.b'],
    ['later items and members', '[1,[2,3,[4]],{"x":[0,{"y":{}}]}]', 3, '$[2].x[1]'],
    ['keys that are not identifiers', '{"bad key":{"k\\"q":[]}}', 2, '$["bad key"]["k\\"q"]'],
    ['brackets inside strings are not nesting', '{"a":"[[[[","b":{"c":"{{{{"}}', 2, null],
    ['escaped quotes inside strings', '{"a":"\\"[[[","b":[[1]]}', 2, '$.b[0]'],
    ['the keys of an object after a closed one', '{"a":{},"b":{"c":{}}}', 2, '$.b.c'],
    ['exactly the limit', '[[1]]', 2, null],
  ])('names the path of the first value too deep: %s', (_name, text, limit, path) => {
    expect(tooDeepPath(text, limit)).toBe(path);
  });
});
