import { describe, expect, it } from 'vitest';
import {
  checkResponse,
  CLOCK_SKEW_LIMIT_MS,
  clockSkewOf,
  findUnsafeJson,
  indexDefinitions,
  normalizeText,
  type CheckContext,
} from '../../../src/collector/ingest';
import type { IngestItem } from '../../../src/collector';
import { DEFINITIONS, makeResponse } from '../helpers';

const definitions = indexDefinitions(DEFINITIONS);
const RECEIVED_AT = '2026-03-02T02:00:00.000Z';
const at = (context: CheckContext = {}) => ({ receivedAt: RECEIVED_AT, ...context });

function check(raw: unknown, context?: CheckContext): IngestItem {
  return checkResponse(raw, 0, definitions, at(context));
}

function reasonOf(raw: unknown, context?: CheckContext): string {
  const item = check(raw, context);
  if (item.kind !== 'rejected') throw new Error(`expected a rejection, got ${item.kind}`);
  return item.reason;
}

function validOf(raw: unknown, context?: CheckContext): Extract<IngestItem, { kind: 'valid' }> {
  const item = check(raw, context);
  if (item.kind !== 'valid') throw new Error(`expected a valid item, got: ${item.reason}`);
  return item;
}

describe('checkResponse: canonical identity', () => {
  it('stores UUIDs in lower case and hashes that form, so case never makes another response', () => {
    const response = makeResponse();
    const lower = validOf(response);
    const upper = validOf({ ...response, id: response.id.toUpperCase(), kioskId: response.kioskId.toUpperCase() });
    expect(upper.response.id).toBe(response.id);
    expect(upper.response.kioskId).toBe(response.kioskId);
    expect(upper.contentHash).toBe(lower.contentHash);
    expect(upper.canonical).toBe(lower.canonical);
  });

  it('gives a rejected item its id in lower case when it is a version 4 UUID', () => {
    const response = makeResponse();
    const item = check({ ...response, id: response.id.toUpperCase(), seq: 0 });
    expect(item).toMatchObject({ kind: 'rejected', responseId: response.id });
    expect(check({ ...response, id: '00000000-0000-0000-0000-000000000000', seq: 0 })).toMatchObject({ kind: 'rejected', responseId: null });
  });

  it('normalises all text to NFC before checking and hashing', () => {
    const nfd = 'Sở Tư pháp'.normalize('NFD');
    expect(nfd).not.toBe('Sở Tư pháp');
    const a = validOf(makeResponse({ agencyCode: 'Sở Tư pháp', deviceLabel: 'Quầy 1', answers: { TC1: 4, PA0: 'no', COMMENT: 'Rất tốt' } }));
    const response = { ...a.response, agencyCode: nfd, deviceLabel: 'Quầy 1'.normalize('NFD'), answers: { ...a.response.answers, COMMENT: 'Rất tốt'.normalize('NFD') } };
    const b = validOf(response);
    expect(b.response.agencyCode).toBe('Sở Tư pháp');
    expect(b.response.answers.COMMENT).toBe('Rất tốt');
    expect(b.contentHash).toBe(a.contentHash);
  });

  it('measures text length after NFC (an NFD comment just over the limit in code units fits)', () => {
    const comment = 'ệ'.repeat(200);
    expect(comment.normalize('NFD').length).toBeGreaterThan(200);
    expect(validOf(makeResponse({ answers: { TC1: 4, PA0: 'no', COMMENT: comment.normalize('NFD') } })).response.answers.COMMENT).toBe(comment);
  });
});

describe('checkResponse: times', () => {
  it('accepts consistent times before receipt', () => {
    expect(validOf(makeResponse()).collectorFlags).toEqual({ clockSkewMs: null, clockSkew: false, placeMismatch: false });
  });

  it('judges the instants corrected by a known kiosk skew, so a wrong tablet clock never rejects an answer', () => {
    const yearAhead = 365 * 24 * 3600_000;
    const response = makeResponse({ startedAt: '2027-03-02T01:00:00.000Z', completedAt: '2027-03-02T01:01:30.000Z', durationMs: 90_000 });
    expect(reasonOf(response)).toMatch(/^\$\.responses\[0\]\.startedAt: expected an instant no later than its receipt at 2026-03-02T02:00:00\.000Z/);
    const item = validOf(response, { clockSkewMs: yearAhead });
    expect(item.collectorFlags).toEqual({ clockSkewMs: yearAhead, clockSkew: true, placeMismatch: false });

    const yearBehind = makeResponse({ startedAt: '2016-03-02T01:00:00.000Z', completedAt: '2016-03-02T01:01:30.000Z', durationMs: 90_000 });
    expect(reasonOf(yearBehind)).toMatch(/^\$\.responses\[0\]\.startedAt: expected an instant on or after 2017-01-01T00:00:00\.000Z/);
    expect(validOf(yearBehind, { clockSkewMs: -10 * yearAhead }).collectorFlags?.clockSkew).toBe(true);
  });

  it('says the corrected instant when it still lies outside the range', () => {
    const response = makeResponse({ startedAt: '2026-03-03T01:00:00.000Z', completedAt: '2026-03-03T01:01:30.000Z', durationMs: 90_000 });
    expect(reasonOf(response, { clockSkewMs: 60_000 })).toBe(
      "$.responses[0].startedAt: expected an instant no later than its receipt at 2026-03-02T02:00:00.000Z (5 minutes' slack), found \"2026-03-03T01:00:00.000Z\" (the kiosk's clock is 60 s ahead: 2026-03-03T00:59:00.000Z on the collector's clock); " +
        "$.responses[0].completedAt: expected an instant no later than its receipt at 2026-03-02T02:00:00.000Z (5 minutes' slack), found \"2026-03-03T01:01:30.000Z\" (the kiosk's clock is 60 s ahead: 2026-03-03T01:00:30.000Z on the collector's clock)",
    );
  });

  it.each([
    [0, false],
    [CLOCK_SKEW_LIMIT_MS, false],
    [CLOCK_SKEW_LIMIT_MS + 1, true],
    [-CLOCK_SKEW_LIMIT_MS - 1, true],
  ])('flags a skew of %i ms: %s', (skew, flagged) => {
    expect(validOf(makeResponse(), { clockSkewMs: skew }).collectorFlags).toEqual({ clockSkewMs: skew, clockSkew: flagged, placeMismatch: false });
  });

  it.each([
    ['exactly the span', 90_000, true],
    ['2 s off', 92_000, true],
    ['just over 2 s off', 92_001, false],
    ['10 years', 315_360_000_000, false],
  ])('checks durationMs against the two instants: %s', (_name, durationMs, valid) => {
    const item = check(makeResponse({ durationMs }));
    expect(item.kind).toBe(valid ? 'valid' : 'rejected');
    if (!valid) expect(item.kind === 'rejected' && item.reason).toBe(`$.responses[0].durationMs: expected 90000 (completedAt − startedAt, within 2000 ms), found ${durationMs}`);
  });

  it('allows 1 % of a long span', () => {
    const response = makeResponse({ startedAt: '2026-03-02T00:00:00.000Z', completedAt: '2026-03-02T01:00:00.000Z', durationMs: 3_600_000 + 36_000 });
    expect(check(response).kind).toBe('valid');
    expect(reasonOf({ ...response, durationMs: 3_600_000 + 36_001 })).toMatch(/within 36000 ms/);
  });

  it('refuses a completion before the start', () => {
    const response = makeResponse({ startedAt: '2026-03-02T01:01:30.000Z', completedAt: '2026-03-02T01:00:00.000Z', durationMs: 0 });
    expect(reasonOf(response)).toBe('$.responses[0].completedAt: expected an instant at or after startedAt 2026-03-02T01:01:30.000Z, found "2026-03-02T01:00:00.000Z"');
  });
});

describe('checkResponse: values, codes and locale', () => {
  it.each([
    ['an empty comment', { COMMENT: '' }, 'COMMENT', 'an empty text'],
    ['a blank comment', { COMMENT: '  \n' }, 'COMMENT', 'a blank text'],
    ['an empty option code', { PA0: '' }, 'PA0', 'an empty text'],
    ['an empty list', { PA0: [] }, 'PA0', 'an empty list'],
  ])('refuses %s', (_name, answers, questionId, found) => {
    const reason = reasonOf(makeResponse({ answers: { TC1: 4, PA0: 'no', ...answers } }));
    expect(reason).toBe(`$.responses[0].answers.${questionId}: expected an answer that is not blank (a question left unanswered has no key), found ${found}`);
  });

  it('refuses a blank value for a question hidden by its condition', () => {
    expect(reasonOf(makeResponse({ answers: { TC1: 4, PA0: 'no', PA1: ' ' as unknown as number } }))).toBe(
      '$.responses[0].answers.PA1: expected an answer that is not blank (a question left unanswered has no key), found a blank text',
    );
  });

  it.each([
    ['agencyCode', ''],
    ['agencyCode', '   '],
    ['counterCode', '\t'],
  ])('refuses a blank %s %j', (field, value) => {
    expect(reasonOf(makeResponse({ [field]: value }))).toBe(`$.responses[0].${field}: expected a code that is not blank, found ${JSON.stringify(value)}`);
  });

  it('refuses a locale the definition does not offer', () => {
    expect(reasonOf(makeResponse({ locale: 'fr' }))).toBe('$.responses[0].locale: expected a language sipas-test version 1 offers ("vi", "en"), found "fr"');
  });
});

describe('findUnsafeJson', () => {
  it('finds prototype keys and lone surrogates anywhere, in document order', () => {
    const value = JSON.parse('{"a":{"__proto__":{"x":1}},"b":["ok","\\ud800"],"c":{"\\udc00k":1},"constructor":2}');
    expect(findUnsafeJson(value)).toEqual([
      '$.a.__proto__: expected a key other than __proto__, constructor, prototype, found the key "__proto__"',
      '$.b[1]: expected well-formed Unicode text, found a lone surrogate U+D800 at character 0',
      '$.c["\\udc00k"]: expected a key of well-formed Unicode text, found a key with a lone surrogate U+DC00 at character 0',
      '$.constructor: expected a key other than __proto__, constructor, prototype, found the key "constructor"',
    ]);
  });

  it('accepts paired surrogates (emoji) and leaves skipped items to their own check', () => {
    expect(findUnsafeJson({ a: '😀 Sở' })).toEqual([]);
    expect(findUnsafeJson(JSON.parse('{"responses":[{"__proto__":1}],"kiosk":{"prototype":1}}'), '$', { skipItemsOf: 'responses' })).toEqual([
      '$.kiosk.prototype: expected a key other than __proto__, constructor, prototype, found the key "prototype"',
    ]);
  });

  it('stops at the depth limit without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(findUnsafeJson(deep, '$', { depthLimit: 3 })).toEqual(['$[0][0][0]: expected JSON nested at most 3 levels deep, found a value nested deeper']);
  });
});

describe('normalizeText', () => {
  it('refuses two keys that are one key in NFC', () => {
    const value = { ['Quầy'.normalize('NFD')]: 1, Quầy: 2 };
    expect(normalizeText(value)).toEqual({ ok: false, problems: ['$["Quầy"]: expected each key once, found it twice in different Unicode forms (NFC and another)'] });
  });
});

describe('clockSkewOf', () => {
  it.each([
    [{}, null],
    [{ sentAt: undefined }, null],
    [{ sentAt: '2026-03-02T02:00:00.000Z' }, 0],
    [{ sentAt: '2026-03-02T02:10:00.000Z' }, 600_000],
    [{ sentAt: '2026-03-02T08:59:00+07:00' }, -60_000],
    [{ sentAt: 'not a date' }, null],
  ])('of %j at 02:00Z is %s', (envelope, skew) => {
    expect(clockSkewOf(envelope, RECEIVED_AT)).toBe(skew);
    expect(clockSkewOf(envelope, new Date(RECEIVED_AT))).toBe(skew);
  });
});
