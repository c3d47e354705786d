/**
 * The contract for hostile input at POST /api/v1/responses (issue 10, part 3): every case gets a 4xx
 * or a rejected item whose reason names the path (or byte offset), and nothing of it is stored. Each
 * case asserts the status, the exact reason and that the responses table is still empty.
 */
import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_SELF_PATH } from '../../../src/collector';
import { HEALTH_PATH, MAX_BODY_BYTES, SUBMIT_PATH } from '../../../src/shared/wire';
import { makeBatch, makeReport, makeResponse, startTestCollector, type TestCollector } from '../helpers';
import { connectTestDatabase, type TestDatabaseConnection } from '../test-databases';

const NOW = '2026-03-02T02:00:00.000Z';
const R = '$.responses[0]';

let c: TestCollector;
let db: TestDatabaseConnection;
beforeAll(async () => {
  c = await startTestCollector({ now: () => new Date(NOW) });
  db = await connectTestDatabase(c.file);
});
afterAll(async () => {
  await db.close();
  await c.close();
});

/** Rows in the responses table, read (SQLite or PostgreSQL) through a connection of its own. */
async function storedCount(): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*) AS n FROM responses'))[0].n;
}

/** POSTs raw bytes or text with the device's token. */
function post(payload: string | Buffer, headers: Record<string, string> = {}, method: 'POST' | 'PUT' = 'POST'): Promise<LightMyRequestResponse> {
  return c.app.inject({ method, url: SUBMIT_PATH, headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json', ...headers }, payload });
}

/** The batch refused as a whole: status, error code and message, and nothing stored. */
async function expectRefused(answer: LightMyRequestResponse, status: number, error: string, message: string | RegExp): Promise<void> {
  expect(answer.statusCode, answer.body).toBe(status);
  const body = JSON.parse(answer.body) as { error: string; message: string };
  expect(body.error).toBe(error);
  if (typeof message === 'string') expect(body.message).toBe(message);
  else expect(body.message).toMatch(message);
  expect(await storedCount()).toBe(0);
}

/** The one item rejected with exactly this reason, and nothing stored. */
async function expectRejected(answer: LightMyRequestResponse, reason: string): Promise<void> {
  expect(answer.statusCode, answer.body).toBe(200);
  const { results } = JSON.parse(answer.body) as { results: Array<{ status: string; reason?: string }> };
  expect(results).toHaveLength(1);
  expect(results[0].status).toBe('rejected');
  expect(results[0].reason).toBe(reason);
  expect(await storedCount()).toBe(0);
}

const submitItem = (item: unknown, envelope: Record<string, unknown> = {}) => post(JSON.stringify({ ...makeBatch([item]), ...envelope }));

/** A batch's JSON text with `"PLACEHOLDER":0` where a key is to be spliced in. */
function textWith(where: 'response' | 'answers' | 'flags' | 'answerObject' | 'envelope' | 'kiosk' | 'storage'): string {
  const response = makeResponse() as unknown as Record<string, unknown>;
  const report = makeReport() as unknown as Record<string, unknown>;
  const mark = { PLACEHOLDER: 0 };
  if (where === 'response') Object.assign(response, mark);
  if (where === 'answers') response.answers = { ...(response.answers as object), ...mark };
  if (where === 'flags') response.flags = { ...(response.flags as object), ...mark };
  if (where === 'answerObject') response.answers = { TC1: 4, PA0: 'no', COMMENT: { ...mark } };
  if (where === 'kiosk') Object.assign(report, mark);
  if (where === 'storage') report.storage = { ...(report.storage as object), ...mark };
  const batch: Record<string, unknown> = makeBatch([response], report);
  if (where === 'envelope') Object.assign(batch, mark);
  return JSON.stringify(batch);
}

// ── UUIDs ────────────────────────────────────────────────────────────────────────────────────────

const V4 = '7d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const EXPECTED_V4 = 'a version 4 UUID (RFC 9562)';
const LAYOUT = `${EXPECTED_V4} such as 7d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b`;
const withVersion = (digit: string) => `${V4.slice(0, 14)}${digit}${V4.slice(15)}`;
const withVariant = (digit: string) => `${V4.slice(0, 19)}${digit}${V4.slice(20)}`;

/** [value, expected (as the reason words it), found (as the reason shows it)] */
const BAD_UUIDS: Array<[string, unknown, string, string]> = [
  ['the nil UUID', '00000000-0000-0000-0000-000000000000', `${EXPECTED_V4}, not the nil UUID`, '"00000000-0000-0000-0000-000000000000"'],
  ['the max UUID', 'ffffffff-ffff-ffff-ffff-ffffffffffff', `${EXPECTED_V4}, not the max UUID`, '"ffffffff-ffff-ffff-ffff-ffffffffffff"'],
  ['the max UUID in upper case', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', `${EXPECTED_V4}, not the max UUID`, '"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"'],
  ...['0', '1', '2', '3', '5', '6', '7', '8', '9', 'a', 'f'].map((digit): [string, unknown, string, string] => [
    `a version ${digit} UUID`,
    withVersion(digit),
    `${EXPECTED_V4}, not a version ${digit} UUID`,
    JSON.stringify(withVersion(digit)),
  ]),
  ...['0', '1', '3', '7', 'c', 'd', 'e', 'f'].map((digit): [string, unknown, string, string] => [
    `a variant digit ${digit}`,
    withVariant(digit),
    `${EXPECTED_V4} of the RFC 9562 variant (8, 9, a or b after the third hyphen), not variant digit ${digit}`,
    JSON.stringify(withVariant(digit)),
  ]),
  ['no hyphens', V4.replaceAll('-', ''), LAYOUT, JSON.stringify(V4.replaceAll('-', ''))],
  ['braces', `{${V4}}`, LAYOUT, JSON.stringify(`{${V4}}`)],
  ['a urn prefix', `urn:uuid:${V4}`, LAYOUT, JSON.stringify(`urn:uuid:${V4}`)],
  ['one digit short', V4.slice(0, -1), LAYOUT, JSON.stringify(V4.slice(0, -1))],
  ['one digit long', `${V4}0`, LAYOUT, JSON.stringify(`${V4}0`)],
  ['a non-hex digit', `g${V4.slice(1)}`, LAYOUT, JSON.stringify(`g${V4.slice(1)}`)],
  ['a leading space', ` ${V4}`, LAYOUT, JSON.stringify(` ${V4}`)],
  ['a trailing newline', `${V4}\n`, LAYOUT, JSON.stringify(`${V4}\n`)],
  ['fullwidth digits', `７${V4.slice(1)}`, LAYOUT, JSON.stringify(`７${V4.slice(1)}`)],
  ['an empty text', '', LAYOUT, '""'],
  ['a number', 7, 'a UUID', '7'],
  ['null', null, 'a UUID', 'null'],
  ['a list', [V4], 'a UUID', 'a list of 1 item'],
  ['an object', { id: V4 }, 'a UUID', 'an object with 1 key'],
  ['true', true, 'a UUID', 'true'],
];

describe('UUIDs: version 4 only, nil and max refused', () => {
  it.each(BAD_UUIDS)('rejects a response id that is %s', async (_name, value, expected, found) => {
    await expectRejected(await submitItem({ ...makeResponse(), id: value }), `${R}.id: expected ${expected}, found ${found}`);
  });

  it.each(BAD_UUIDS)('rejects a kioskId that is %s', async (_name, value, expected, found) => {
    await expectRejected(await submitItem({ ...makeResponse(), kioskId: value }), `${R}.kioskId: expected ${expected}, found ${found}`);
  });

  it.each(BAD_UUIDS.slice(0, 16))('refuses a batch whose kiosk report has a kioskId that is %s', async (_name, value, expected, found) => {
    const answer = await post(JSON.stringify(makeBatch([makeResponse()], { ...makeReport(), kioskId: value })));
    await expectRefused(answer, 400, 'invalid_batch', `$.kiosk.kioskId: expected ${expected}, found ${found}`);
  });
});

// ── Unicode: invalid UTF-8 bytes ─────────────────────────────────────────────────────────────────

/** [name, bytes, how the message shows the ill-formed sequence] */
const BAD_BYTES: Array<[string, number[], string]> = [
  ['a lone continuation byte', [0x80], '0x80'],
  ['a continuation byte 0xBF', [0xbf], '0xBF'],
  ['0xFF', [0xff], '0xFF'],
  ['0xFE', [0xfe], '0xFE'],
  ['0xC0 (overlong lead)', [0xc0, 0xaf], '0xC0'],
  ['0xC1 (overlong lead)', [0xc1, 0xbf], '0xC1'],
  ['0xF5 (beyond Unicode)', [0xf5, 0x80, 0x80, 0x80], '0xF5'],
  ['a two-byte lead before a quote', [0xc3], '0xC3 0x22'],
  ['a two-byte lead before ASCII', [0xc3, 0x28], '0xC3 0x28'],
  ['an overlong three-byte form', [0xe0, 0x80, 0xaf], '0xE0 0x80'],
  ['an encoded high surrogate', [0xed, 0xa0, 0x80], '0xED 0xA0'],
  ['an encoded low surrogate', [0xed, 0xbf, 0xbf], '0xED 0xBF'],
  ['a three-byte sequence cut short', [0xe1, 0xba], '0xE1 0xBA 0x22'],
  ['an overlong four-byte form', [0xf0, 0x80, 0x80, 0xaf], '0xF0 0x80'],
  ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], '0xF4 0x90'],
  ['a four-byte sequence cut short', [0xf0, 0x9f, 0x98], '0xF0 0x9F 0x98 0x22'],
];

/** A batch's bytes with `bytes` spliced into a text at `where`; the offset where they start. */
function bodyWithBytes(where: 'comment' | 'deviceLabel' | 'lastError', bytes: number[]): { body: Buffer; offset: number } {
  const response = makeResponse({ answers: { TC1: 4, PA0: 'no', COMMENT: 'Ý kiến' }, deviceLabel: 'Quầy 1' });
  const report = makeReport({ lastError: 'mất mạng' });
  const marker = 'SPLICE_HERE';
  if (where === 'comment') response.answers.COMMENT = `Ý kiến ${marker}`;
  if (where === 'deviceLabel') response.deviceLabel = `Quầy ${marker}`;
  if (where === 'lastError') report.lastError = `mất mạng ${marker}`;
  const text = JSON.stringify(makeBatch([response], report));
  const [before, after] = text.split(marker);
  const head = Buffer.from(before, 'utf8');
  return { body: Buffer.concat([head, Buffer.from(bytes), Buffer.from(after, 'utf8')]), offset: head.length };
}

describe('Unicode: invalid UTF-8 is refused with its byte offset, never replaced by U+FFFD', () => {
  for (const where of ['comment', 'deviceLabel', 'lastError'] as const) {
    it.each(BAD_BYTES)(`refuses %s in the ${where}`, async (_name, bytes, shown) => {
      const { body, offset } = bodyWithBytes(where, bytes);
      const message = `expected a body in UTF-8, found the ill-formed byte sequence ${shown} at byte offset ${offset}`;
      await expectRefused(await post(body), 400, 'invalid_utf8', message);
    });
  }

  it.each([
    ['at the very start', Buffer.from([0xff, 0x7b, 0x7d]), 0, '0xFF'],
    ['in a key', Buffer.concat([Buffer.from('{"k'), Buffer.from([0xc3, 0x28]), Buffer.from('":1}')]), 3, '0xC3 0x28'],
    ['as Latin-1 text', Buffer.from('{"kiosk":"Qu\xe1y"}', 'latin1'), 12, '0xE1 0x79'],
    ['as a cut-off end', Buffer.concat([Buffer.from('{"a":"b'), Buffer.from([0xe1])]), 7, '0xE1'],
  ])('refuses an invalid byte %s', async (_name, body, offset, shown) => {
    await expectRefused(await post(body), 400, 'invalid_utf8', `expected a body in UTF-8, found the ill-formed byte sequence ${shown} at byte offset ${offset}`);
  });
});

// ── Unicode: lone surrogates ─────────────────────────────────────────────────────────────────────

/** [name, the text, index of the first lone surrogate, its code unit] */
const LONE: Array<[string, string, number, string]> = [
  ['a lone high surrogate', 'ab\ud800c', 2, 'D800'],
  ['the last high surrogate', 'ab\udbffc', 2, 'DBFF'],
  ['a lone low surrogate', 'ab\udc00c', 2, 'DC00'],
  ['a reversed pair', 'ab\udc00\ud800', 2, 'DC00'],
  ['a high surrogate at the end', 'Quầy 1\ud83d', 6, 'D83D'],
];

/** Where a lone surrogate can sit in a response: the change to make and the path it is reported at. */
const SURROGATE_PLACES: Array<[string, (text: string) => Record<string, unknown>, string]> = [
  ['a free-text answer', (text) => ({ answers: { TC1: 4, PA0: 'no', COMMENT: text } }), `${R}.answers.COMMENT`],
  ['an option answer', (text) => ({ answers: { TC1: 4, PA0: text } }), `${R}.answers.PA0`],
  ['an item of a list answer', (text) => ({ answers: { TC1: 4, PA0: 'no', COMMENT: ['ok', text] } }), `${R}.answers.COMMENT[1]`],
  ['the deviceLabel', (text) => ({ deviceLabel: text }), `${R}.deviceLabel`],
  ['the agencyCode', (text) => ({ agencyCode: text }), `${R}.agencyCode`],
  ['the counterCode', (text) => ({ counterCode: text }), `${R}.counterCode`],
  ['the appVersion', (text) => ({ appVersion: text }), `${R}.appVersion`],
  ['the definitionId', (text) => ({ definitionId: text }), `${R}.definitionId`],
  ['an unknown field', (text) => ({ note: text }), `${R}.note`],
];

describe('Unicode: lone surrogates are refused naming the path', () => {
  for (const [place, change, path] of SURROGATE_PLACES) {
    it.each(LONE)(`rejects %s in ${place}`, async (_name, text, at, unit) => {
      await expectRejected(await submitItem({ ...makeResponse(), ...change(text) }), `${path}: expected well-formed Unicode text, found a lone surrogate U+${unit} at character ${at}`);
    });
  }

  it.each(LONE)('rejects %s in an answer key', async (_name, text, at, unit) => {
    const answer = await submitItem({ ...makeResponse(), answers: { TC1: 4, PA0: 'no', [text]: 1 } });
    await expectRejected(answer, `${R}.answers[${JSON.stringify(text)}]: expected a key of well-formed Unicode text, found a key with a lone surrogate U+${unit} at character ${at}`);
  });

  it.each(LONE)('refuses a batch with %s in the kiosk report', async (_name, text, at, unit) => {
    const answer = await post(JSON.stringify(makeBatch([makeResponse()], makeReport({ lastError: text }))));
    await expectRefused(answer, 400, 'invalid_batch', `$.kiosk.lastError: expected well-formed Unicode text, found a lone surrogate U+${unit} at character ${at}`);
  });

  it.each(LONE)('refuses a batch with %s in the kiosk appVersion', async (_name, text, at, unit) => {
    const answer = await post(JSON.stringify(makeBatch([makeResponse()], makeReport({ appVersion: text }))));
    await expectRefused(answer, 400, 'invalid_batch', `$.kiosk.appVersion: expected well-formed Unicode text, found a lone surrogate U+${unit} at character ${at}`);
  });
});

// ── Nesting ──────────────────────────────────────────────────────────────────────────────────────

/** A value `levels` arrays (or objects keyed "a") deep. */
const nested = (levels: number, kind: 'array' | 'object') => (kind === 'array' ? '['.repeat(levels) + '1' + ']'.repeat(levels) : '{"a":'.repeat(levels) + '1' + '}'.repeat(levels));
const step = (kind: 'array' | 'object') => (kind === 'array' ? '[0]' : '.a');

/** Where a deep value sits: how to put it in a batch's text, the path to it and its own depth there. */
const DEEP_PLACES: Array<[string, (value: string) => string, string, number]> = [
  ['as a free-text answer', (value) => textWith('answers').replace('"PLACEHOLDER":0', `"COMMENT":${value}`), `${R}.answers.COMMENT`, 4],
  ['as a field of a response', (value) => textWith('response').replace('"PLACEHOLDER":0', `"extra":${value}`), `${R}.extra`, 3],
  ['in the kiosk report', (value) => textWith('kiosk').replace('"PLACEHOLDER":0', `"extra":${value}`), '$.kiosk.extra', 2],
  ['beside the envelope', (value) => textWith('envelope').replace('"PLACEHOLDER":0', `"extra":${value}`), '$.extra', 1],
];

describe('nesting deeper than 32 levels is refused naming the path, without a stack overflow', () => {
  for (const [place, build, path, depth] of DEEP_PLACES) {
    for (const kind of ['array', 'object'] as const) {
      it.each([33, 40, 1_000, 100_000])(`refuses %i levels of ${kind}s ${place}`, async (levels) => {
        // The 33rd level from the top is the first too deep; the value's own first level is depth + 1.
        const expectedPath = path + step(kind).repeat(32 - depth);
        await expectRefused(await post(build(nested(levels, kind))), 400, 'too_deep', `${expectedPath}: expected JSON nested at most 32 levels deep, found a value nested deeper`);
      });
    }
  }

  it.each([
    ['a bare deep array', '['.repeat(10_000), `$${'[0]'.repeat(32)}`],
    ['a deep array without its closing brackets', '{"kiosk":' + '['.repeat(50), `$.kiosk${'[0]'.repeat(31)}`],
    ['deep objects with long keys', '{"' + 'k'.repeat(100) + '":' + '{"x":'.repeat(40), `$["${'k'.repeat(40)}…"].x.x`],
  ])('refuses %s', async (_name, body, pathStart) => {
    const answer = await post(body);
    expect(answer.statusCode).toBe(400);
    const message = (JSON.parse(answer.body) as { message: string }).message;
    expect(message.startsWith(pathStart)).toBe(true);
    await expectRefused(answer, 400, 'too_deep', /: expected JSON nested at most 32 levels deep, found a value nested deeper$/);
  });
});

// ── Prototype keys ───────────────────────────────────────────────────────────────────────────────

const PROTO = ['__proto__', 'constructor', 'prototype'];
const protoReason = (path: string, key: string) => `${path}.${key}: expected a key other than __proto__, constructor, prototype, found the key "${key}"`;

describe('prototype keys are refused anywhere, naming the path', () => {
  const itemPlaces: Array<['response' | 'answers' | 'flags' | 'answerObject', string]> = [
    ['response', R],
    ['answers', `${R}.answers`],
    ['flags', `${R}.flags`],
    ['answerObject', `${R}.answers.COMMENT`],
  ];
  for (const [where, path] of itemPlaces) {
    for (const value of ['{"polluted":true}', '1', 'null']) {
      it.each(PROTO)(`rejects a response with %s in ${where} (value ${value})`, async (key) => {
        await expectRejected(await post(textWith(where).replace('"PLACEHOLDER":0', `"${key}":${value}`)), protoReason(path, key));
      });
    }
  }

  const envelopePlaces: Array<['envelope' | 'kiosk' | 'storage', string]> = [
    ['envelope', '$'],
    ['kiosk', '$.kiosk'],
    ['storage', '$.kiosk.storage'],
  ];
  for (const [where, path] of envelopePlaces) {
    for (const value of ['{"polluted":true}', '"x"']) {
      it.each(PROTO)(`refuses a batch with %s in ${where} (value ${value})`, async (key) => {
        await expectRefused(await post(textWith(where).replace('"PLACEHOLDER":0', `"${key}":${value}`)), 400, 'invalid_batch', protoReason(path, key));
      });
    }
  }
});

// ── Times ────────────────────────────────────────────────────────────────────────────────────────

const STARTED = '2026-03-02T01:00:00.000Z';
const timed = (startedAt: string, completedAt: string, durationMs = Math.max(0, Date.parse(completedAt) - Date.parse(startedAt))) =>
  ({ ...makeResponse(), startedAt, completedAt, durationMs });
const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const LATE = "expected an instant no later than its receipt at 2026-03-02T02:00:00.000Z (5 minutes' slack)";
const EARLY = 'expected an instant on or after 2017-01-01T00:00:00.000Z (the first SIPAS scheme)';

describe('times: locale, order, duration and a plausible range', () => {
  it.each(['fr', 'de', 'zh', 'ja', 'ko', 'km', 'lo', 'th'])('rejects the locale %s the definition does not offer', async (locale) => {
    await expectRejected(await submitItem(makeResponse({ locale })), `${R}.locale: expected a language sipas-test version 1 offers ("vi", "en"), found "${locale}"`);
  });

  it.each([1, 1_000, 60_000, 3_600_000, 86_400_000, 365 * 86_400_000])('rejects a completedAt %i ms before startedAt', async (ms) => {
    const completedAt = shift(STARTED, -ms);
    await expectRejected(await submitItem(timed(STARTED, completedAt, 0)), `${R}.completedAt: expected an instant at or after startedAt ${STARTED}, found "${completedAt}"`);
  });

  it.each([0, 1, 87_999, 92_001, 180_000, 315_360_000_000, Number.MAX_SAFE_INTEGER])('rejects a durationMs of %i for 90 s between the two instants', async (durationMs) => {
    await expectRejected(
      await submitItem(timed(STARTED, shift(STARTED, 90_000), durationMs)),
      `${R}.durationMs: expected 90000 (completedAt − startedAt, within 2000 ms), found ${durationMs}`,
    );
  });

  it.each([
    ['year 0000', '0000-01-01T00:00:00.000Z'],
    ['year 0001', '0001-06-15T12:00:00.000Z'],
    ['the Unix epoch', '1970-01-01T00:00:00.000Z'],
    ['the last moment of 2016', '2016-12-31T23:58:29.999Z'],
    ['2016 in Vietnam time', '2016-12-31T23:00:00+07:00'],
  ])('rejects instants before the first SIPAS scheme: %s', async (_name, startedAt) => {
    const completedAt = shift(startedAt, 90_000);
    const response = timed(startedAt, completedAt);
    await expectRejected(await submitItem(response), `${R}.startedAt: ${EARLY}, found "${startedAt}"; ${R}.completedAt: ${EARLY}, found "${completedAt}"`);
  });

  it.each([
    ['a year ahead', '2027-03-02T01:00:00.000Z'],
    ['year 9999', '9999-12-31T23:00:00.000Z'],
    ['a day ahead', '2026-03-03T01:00:00.000Z'],
    ['6 minutes ahead', '2026-03-02T02:06:00.000Z'],
    ['a day ahead in Vietnam time', '2026-03-03T09:00:00+07:00'],
  ])('rejects instants after receipt: %s', async (_name, startedAt) => {
    const completedAt = shift(startedAt, 90_000);
    await expectRejected(await submitItem(timed(startedAt, completedAt)), `${R}.startedAt: ${LATE}, found "${startedAt}"; ${R}.completedAt: ${LATE}, found "${completedAt}"`);
  });

  it('rejects a completion just over 5 minutes after receipt', async () => {
    const completedAt = '2026-03-02T02:05:00.001Z';
    await expectRejected(await submitItem(timed(shift(completedAt, -90_000), completedAt)), `${R}.completedAt: ${LATE}, found "${completedAt}"`);
  });

  it.each([
    ['no skew', 0, '2026-03-02T02:06:00.000Z'],
    ['a kiosk 1 h ahead', 3_600_000, '2026-03-02T03:06:00.000Z'],
    ['a kiosk 1 day behind', -86_400_000, '2026-03-01T02:06:00.000Z'],
    ['a kiosk a year ahead', 365 * 86_400_000, '2027-03-02T02:06:00.000Z'],
  ])('judges the instants corrected by the kiosk clock: still after receipt with %s', async (_name, skew, startedAt) => {
    const completedAt = shift(startedAt, 90_000);
    const sentAt = shift(NOW, skew);
    const note = (iso: string) => (skew === 0 ? '' : ` (the kiosk's clock is ${Math.abs(skew) / 1000} s ${skew > 0 ? 'ahead' : 'behind'}: ${shift(iso, -skew)} on the collector's clock)`);
    await expectRejected(
      await submitItem(timed(startedAt, completedAt), { sentAt }),
      `${R}.startedAt: ${LATE}, found "${startedAt}"${note(startedAt)}; ${R}.completedAt: ${LATE}, found "${completedAt}"${note(completedAt)}`,
    );
  });

  it.each([
    ['no skew', 0, '2016-06-01T00:00:00.000Z'],
    ['a kiosk 1 h behind', -3_600_000, '2016-06-01T00:00:00.000Z'],
  ])('judges the instants corrected by the kiosk clock: still before 2017 with %s', async (_name, skew, startedAt) => {
    const completedAt = shift(startedAt, 90_000);
    const note = (iso: string) => (skew === 0 ? '' : ` (the kiosk's clock is ${Math.abs(skew) / 1000} s behind: ${shift(iso, -skew)} on the collector's clock)`);
    await expectRejected(
      await submitItem(timed(startedAt, completedAt), { sentAt: shift(NOW, skew) }),
      `${R}.startedAt: ${EARLY}, found "${startedAt}"${note(startedAt)}; ${R}.completedAt: ${EARLY}, found "${completedAt}"${note(completedAt)}`,
    );
  });
});

// ── Values and codes ─────────────────────────────────────────────────────────────────────────────

const BLANKS: Array<[string, unknown, string]> = [
  ['an empty text', '', 'an empty text'],
  ['a space', ' ', 'a blank text'],
  ['tabs and newlines', '\t\n ', 'a blank text'],
  ['an ideographic space', '\u3000', 'a blank text'],
  ['an empty list', [], 'an empty list'],
];

describe('values: an empty or blank answer is refused for every question, shown or hidden', () => {
  for (const questionId of ['TC1', 'TC2', 'TT1', 'CC1', 'KQ1', 'PA0', 'PA1', 'COMMENT']) {
    it.each(BLANKS)(`rejects %s for ${questionId}`, async (_name, value, found) => {
      const response = makeResponse({ answers: { TC1: 4, PA0: 'no', [questionId]: value } as never });
      await expectRejected(await submitItem(response), `${R}.answers.${questionId}: expected an answer that is not blank (a question left unanswered has no key), found ${found}`);
    });
  }
});

describe('codes: a blank agency or counter code is refused', () => {
  for (const field of ['agencyCode', 'counterCode'] as const) {
    it.each(['', ' ', '\t', '\n', '\u3000', '\u00a0', ' \r\n '])(`rejects the ${field} %j`, async (value) => {
      await expectRejected(await submitItem(makeResponse({ [field]: value })), `${R}.${field}: expected a code that is not blank, found ${JSON.stringify(value)}`);
    });
  }
});

// ── Methods ──────────────────────────────────────────────────────────────────────────────────────

describe('methods: a known path asked with another method answers 405 with Allow', () => {
  const cases: Array<[string, string, string]> = [
    ...['GET', 'PUT', 'DELETE', 'PATCH'].map((method): [string, string, string] => [method, SUBMIT_PATH, 'OPTIONS, POST']),
    ...['POST', 'PUT', 'DELETE', 'PATCH'].map((method): [string, string, string] => [method, HEALTH_PATH, 'GET, HEAD, OPTIONS']),
    ...['POST', 'PUT', 'DELETE', 'PATCH'].map((method): [string, string, string] => [method, DEVICE_SELF_PATH, 'GET, HEAD, OPTIONS']),
  ];
  for (const query of ['', '?x=1']) {
    it.each(cases)(`answers %s %s${query} with 405`, async (method, path, allow) => {
      const answer = await c.app.inject({
        method: method as 'GET',
        url: path + query,
        headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
        payload: method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify(makeBatch([makeResponse()])),
      });
      expect(answer.headers.allow).toBe(allow);
      await expectRefused(answer, 405, 'method_not_allowed', `${method} is not allowed on ${path}; allowed: ${allow}`);
    });
  }
});

// ── Content types ────────────────────────────────────────────────────────────────────────────────

describe('content types: anything but application/json in UTF-8 answers 415', () => {
  it.each([
    'text/plain',
    'text/json',
    'text/html; charset=utf-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/octet-stream',
    'application/json-patch+json',
    'application/ld+json',
    'image/png',
    'application/json; charset=latin1',
    'application/json; charset=iso-8859-1',
    'application/json; charset=utf-16',
    'application/json; charset="windows-1258"',
  ])('refuses Content-Type %s', async (type) => {
    await expectRefused(await post(JSON.stringify(makeBatch([makeResponse()])), { 'content-type': type }), 415, 'unsupported_media_type', `expected Content-Type: application/json, found ${JSON.stringify(type)}`);
  });

  it('refuses a body without a Content-Type', async () => {
    const answer = await c.app.inject({ method: 'POST', url: SUBMIT_PATH, headers: { authorization: `Bearer ${c.token}` }, payload: Buffer.from(JSON.stringify(makeBatch([makeResponse()]))) });
    await expectRefused(answer, 415, 'unsupported_media_type', 'expected Content-Type: application/json, found none');
  });
});

// ── Content encodings ────────────────────────────────────────────────────────────────────────────

describe('content encodings: gzip is decoded within the limit, others answer 415, nothing is misread', () => {
  it.each(['br', 'deflate', 'compress', 'x-compress', 'zstd', 'gzip, br', 'gzip, gzip', 'identity, gzip', 'rot13'])('refuses Content-Encoding %s', async (coding) => {
    await expectRefused(
      await post(gzipSync(JSON.stringify(makeBatch([makeResponse()]))), { 'content-encoding': coding }),
      415,
      'unsupported_content_encoding',
      `expected Content-Encoding: gzip or identity (or none), found ${JSON.stringify(coding)}`,
    );
  });

  it.each([
    ['plain JSON marked gzip', Buffer.from(JSON.stringify(makeBatch([makeResponse()]))), /^the body is marked Content-Encoding: gzip but is not valid gzip data: incorrect header check$/],
    ['a cut-off gzip stream', gzipSync(JSON.stringify(makeBatch([makeResponse()]))).subarray(0, 40), /^the body is marked Content-Encoding: gzip but is not valid gzip data: unexpected end of file$/],
    ['random bytes', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0xff, 0xff]), /^the body is marked Content-Encoding: gzip but is not valid gzip data: /],
  ])('refuses %s with 400', async (_name, body, message) => {
    await expectRefused(await post(body, { 'content-encoding': 'gzip' }), 400, 'invalid_gzip', message);
  });

  it('refuses a gzip body that decodes to more than the limit with 413 (a zip bomb is cut off)', async () => {
    const bomb = gzipSync(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20));
    expect(bomb.length).toBeLessThan(MAX_BODY_BYTES / 100);
    await expectRefused(await post(bomb, { 'content-encoding': 'gzip' }), 413, 'body_too_large', /^the body is larger than 2097152 bytes/);
  });

  it('refuses gzip twice over (what decodes is gzip, not UTF-8 JSON)', async () => {
    const twice = gzipSync(gzipSync(JSON.stringify(makeBatch([makeResponse()]))));
    await expectRefused(await post(twice, { 'content-encoding': 'gzip' }), 400, 'invalid_utf8', /^expected a body in UTF-8, found the ill-formed byte sequence 0x8B at byte offset 1$/);
  });

  it('checks a decoded gzip body as any other: invalid bytes, depth, prototype keys', async () => {
    const { body, offset } = bodyWithBytes('comment', [0xff]);
    await expectRefused(await post(gzipSync(body), { 'content-encoding': 'gzip' }), 400, 'invalid_utf8', `expected a body in UTF-8, found the ill-formed byte sequence 0xFF at byte offset ${offset}`);
    await expectRefused(await post(gzipSync('['.repeat(40)), { 'content-encoding': 'gzip' }), 400, 'too_deep', `$${'[0]'.repeat(32)}: expected JSON nested at most 32 levels deep, found a value nested deeper`);
    await expectRejected(await post(gzipSync(textWith('answers').replace('"PLACEHOLDER":0', '"__proto__":{}')), { 'content-encoding': 'gzip' }), protoReason(`${R}.answers`, '__proto__'));
  });
});
