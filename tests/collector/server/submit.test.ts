import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorBodySchema, submitResultSchema } from '../../../src/shared/schemas';
import { MAX_BATCH_RESPONSES, MAX_BODY_BYTES } from '../../../src/shared/wire';
import { canonicalJson } from '../../../src/shared/survey';
import { makeBatch, makeReport, makeResponse, resultsOf, startTestCollector, type TestCollector } from '../helpers';
import { queryTestDatabase } from '../test-databases';

let c: TestCollector;
beforeEach(async () => {
  c = await startTestCollector({ now: () => new Date('2026-03-02T02:00:00.000Z') });
});
afterEach(async () => {
  await c.close();
});

/** Reads the database (SQLite or PostgreSQL) through its own connection, as an auditor would. */
function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  return queryTestDatabase<T>(c.file, sql, params);
}

function errorOf(response: { body: string }) {
  return errorBodySchema.parse(JSON.parse(response.body));
}

describe('POST /api/v1/responses: delivery contract', () => {
  it('creates a new response and answers with the wire result schema', async () => {
    const response = makeResponse();
    const answer = await c.submit(makeBatch([response]));
    expect(answer.statusCode).toBe(200);
    const body = submitResultSchema.parse(JSON.parse(answer.body));
    expect(body).toEqual({
      results: [{ id: response.id, index: 0, status: 'created' }],
      receivedAt: '2026-03-02T02:00:00.000Z',
      // The device's registered place travels in every answer (the test device has codes only, no names).
      place: { agencyCode: 'UBND-Q1', agencyName: '', counterCode: 'Q01', counterName: '' },
    });
    const stored = await rows('SELECT * FROM responses');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      id: response.id,
      device_id: c.deviceId,
      kiosk_id: response.kioskId,
      seq: 1,
      definition_id: 'sipas-test',
      definition_version: 1,
      status: 'complete',
      agency_code: 'UBND-Q1',
      counter_code: 'Q01',
      locale: 'vi',
      flag_too_fast: 0,
      flag_below_min_interval: 0,
      answers_json: canonicalJson(response.answers),
      received_at: '2026-03-02T02:00:00.000Z',
      source: 'sync',
    });
  });

  it('answers an identical replay with duplicate and keeps exactly one row', async () => {
    const response = makeResponse();
    resultsOf(await c.submit(makeBatch([response])));
    // Same content with keys in another order: canonical JSON makes it the same response.
    const reordered = Object.fromEntries(Object.entries(response).reverse());
    const replay = resultsOf(await c.submit(makeBatch([reordered])));
    expect(replay.results).toEqual([{ id: response.id, index: 0, status: 'duplicate' }]);
    expect(await rows('SELECT id FROM responses')).toHaveLength(1);
    expect(await rows('SELECT * FROM conflicts')).toHaveLength(0);
  });

  it('answers the same id with other content with conflict, keeps the original and sets the new one aside', async () => {
    const original = makeResponse();
    resultsOf(await c.submit(makeBatch([original])));
    const changed = { ...original, answers: { ...original.answers, TC1: 1 } };
    const answer = resultsOf(await c.submit(makeBatch([changed])));
    expect(answer.results).toHaveLength(1);
    expect(answer.results[0]).toMatchObject({ id: original.id, index: 0, status: 'conflict' });
    expect(answer.results[0].reason).toMatch(/different content/);

    const stored = await rows<{ answers_json: string }>('SELECT answers_json FROM responses WHERE id = ?', original.id);
    expect(stored).toHaveLength(1);
    expect(JSON.parse(stored[0].answers_json)).toEqual(original.answers);
    const conflicts = await rows<{ response_id: string; device_id: string; body_json: string }>('SELECT * FROM conflicts');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0].response_id).toBe(original.id);
    expect(conflicts[0].device_id).toBe(c.deviceId);
    expect(JSON.parse(conflicts[0].body_json)).toEqual(changed);

    // Retrying the same conflicting version is still a conflict but does not pile up copies.
    expect(resultsOf(await c.submit(makeBatch([changed]))).results[0].status).toBe('conflict');
    expect(await rows('SELECT * FROM conflicts')).toHaveLength(1);
  });

  it('gives every item of a mixed batch its own result, in order', async () => {
    const known = makeResponse({ seq: 1 });
    const other = makeResponse({ seq: 2 });
    resultsOf(await c.submit(makeBatch([known, other])));

    const fresh = makeResponse({ seq: 3 });
    const invalid = { ...makeResponse({ seq: 4 }), seq: 'four' };
    const conflicting = { ...other, deviceLabel: 'Quầy 9' };
    const answer = resultsOf(await c.submit(makeBatch([fresh, known, conflicting, invalid, 'not a response'])));
    expect(answer.results.map(({ index, id, status }) => ({ index, id, status }))).toEqual([
      { index: 0, id: fresh.id, status: 'created' },
      { index: 1, id: known.id, status: 'duplicate' },
      { index: 2, id: other.id, status: 'conflict' },
      { index: 3, id: invalid.id, status: 'rejected' },
      { index: 4, id: null, status: 'rejected' },
    ]);
    expect(answer.results[3].reason).toBe('$.responses[3].seq: expected a whole number ≥ 1, found "four"');
    expect(answer.results[4].reason).toBe('$.responses[4]: expected an object with id, kioskId, seq, definitionId, definitionVersion, locale, status, endedBy, sectionsOff, startedAt, completedAt, durationMs, agencyCode, counterCode, deviceLabel, appVersion, answers, flags, found "not a response"');
    expect(await rows('SELECT id FROM responses')).toHaveLength(3);
    const rejections = await rows<{ response_id: string | null; reason: string }>('SELECT response_id, reason FROM rejections ORDER BY id');
    expect(rejections.map((r) => r.response_id)).toEqual([invalid.id, null]);
  });

  it('accepts the same id twice in one batch as created then duplicate', async () => {
    const response = makeResponse();
    const answer = resultsOf(await c.submit(makeBatch([response, response])));
    expect(answer.results.map((r) => r.status)).toEqual(['created', 'duplicate']);
    expect(await rows('SELECT id FROM responses')).toHaveLength(1);
  });

  it('accepts a batch with no responses as a health report and keeps the report', async () => {
    const report = makeReport({ queueDepth: 7, lastError: 'offline for a while' });
    const answer = resultsOf(await c.submit(makeBatch([], report)));
    expect(answer.results).toEqual([]);
    const device = await c.store.getDevice(c.deviceId);
    expect(device?.lastReport).toEqual(report);
    expect(device?.lastContactAt).toBe('2026-03-02T02:00:00.000Z');
  });

  it('stores one row when five identical batches arrive at once', async () => {
    const responses = [makeResponse({ seq: 1 }), makeResponse({ seq: 2 })];
    const answers = await Promise.all(Array.from({ length: 5 }, () => c.submit(makeBatch(responses))));
    const statuses = answers.map((a) => resultsOf(a).results.map((r) => r.status));
    expect(statuses.filter((s) => s.every((x) => x === 'created'))).toHaveLength(1);
    expect(statuses.filter((s) => s.every((x) => x === 'duplicate'))).toHaveLength(4);
    expect(await rows('SELECT id FROM responses')).toHaveLength(2);
  });
});

describe('POST /api/v1/responses: refused bodies keep the responses on the kiosk', () => {
  it('refuses an empty body with 400', async () => {
    for (const headers of [{}, { 'content-type': 'application/json' }]) {
      const answer = await c.app.inject({ method: 'POST', url: '/api/v1/responses', headers: { authorization: `Bearer ${c.token}`, ...headers } });
      expect(answer.statusCode).toBe(400);
      expect(errorOf(answer)).toMatchObject({ error: 'empty_body' });
    }
    expect((await c.submit('')).statusCode).toBe(400);
    expect(errorOf(await c.submit('   ')).message).toMatch(/^empty body/);
  });

  it('refuses truncated JSON with 400 and says why', async () => {
    const text = JSON.stringify(makeBatch([makeResponse()]));
    const answer = await c.submit(text.slice(0, text.length - 40));
    expect(answer.statusCode).toBe(400);
    const body = errorOf(answer);
    expect(body.error).toBe('malformed_json');
    expect(body.message).toMatch(/^malformed JSON in a body of \d+ bytes: /);
    expect(await rows('SELECT id FROM responses')).toHaveLength(0);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const answer = await c.submit(JSON.stringify(makeBatch([makeResponse()])), { 'content-type': 'text/plain' });
    expect(answer.statusCode).toBe(415);
    expect(errorOf(answer)).toEqual({ error: 'unsupported_media_type', message: 'expected Content-Type: application/json, found "text/plain"' });
  });

  it('refuses a body over the size limit with 413 naming the limit', async () => {
    const padding = 'x'.repeat(MAX_BODY_BYTES);
    const answer = await c.submit(makeBatch([makeResponse({ deviceLabel: padding })]));
    expect(answer.statusCode).toBe(413);
    const body = errorOf(answer);
    expect(body.error).toBe('body_too_large');
    expect(body.message).toContain(String(MAX_BODY_BYTES));
    expect(await rows('SELECT id FROM responses')).toHaveLength(0);
  });

  it('refuses more responses than a batch may hold with 413 naming the limit', async () => {
    const responses = Array.from({ length: MAX_BATCH_RESPONSES + 1 }, (_, i) => makeResponse({ seq: i + 1 }));
    const answer = await c.submit(makeBatch(responses));
    expect(answer.statusCode).toBe(413);
    expect(errorOf(answer)).toEqual({
      error: 'too_many_responses',
      message: `a batch holds at most ${MAX_BATCH_RESPONSES} responses, this one has ${MAX_BATCH_RESPONSES + 1}; split it into smaller batches`,
    });
    expect(await rows('SELECT id FROM responses')).toHaveLength(0);
  });

  it.each([
    [
      'a wrong type in the kiosk report',
      makeBatch([], makeReport({ queueDepth: 'x' as unknown as number })),
      '$.kiosk.queueDepth: expected a whole number ≥ 0, found "x"',
    ],
    ['a missing report', { responses: [] }, '$.kiosk: expected an object with kioskId, appVersion, definition, queueDepth, oldestUnsentAt, conflicts, rejected, storage, lastError, funnel, funnelLost, found nothing'],
    ['responses that are not a list', { kiosk: makeReport(), responses: {} }, '$.responses: expected a list of at most 500 items, found an object with 0 keys'],
    ['an unknown key', { ...makeBatch([]), extra: true }, '$.extra: expected no such key (allowed: kiosk, responses, sentAt), found true'],
    ['a sentAt that is no instant', { ...makeBatch([]), sentAt: 'now' }, '$.sentAt: expected a date-time such as 2026-03-01T08:30:00Z or 2026-03-01T15:30:00+07:00, found "now"'],
    [
      'a nullable field with a wrong value',
      makeBatch([], makeReport({ oldestUnsentAt: 'yesterday' })),
      '$.kiosk.oldestUnsentAt: expected a date-time such as 2026-03-01T08:30:00Z or 2026-03-01T15:30:00+07:00, found "yesterday"',
    ],
    [
      'a nested wrong type',
      makeBatch([], makeReport({ storage: { persisted: 'yes' as unknown as boolean, usageBytes: -1, quotaBytes: null } })),
      '$.kiosk.storage.persisted: expected true or false or null, found "yes"; $.kiosk.storage.usageBytes: expected a number ≥ 0, found -1',
    ],
    ['a JSON value that is not an object', [1, 2], '$: expected an object with kiosk, responses, sentAt, found a list of 2 items'],
    ['a JSON null', null, '$: expected an object with kiosk, responses, sentAt, found null'],
  ])('refuses an envelope with %s with 400 naming the path', async (_name, body, message) => {
    const answer = await c.submit(body);
    expect(answer.statusCode).toBe(400);
    expect(errorOf(answer)).toEqual({ error: 'invalid_batch', message });
  });

  it('records the contact of a device even when its batch is refused', async () => {
    await c.submit('{"kiosk":');
    expect((await c.store.getDevice(c.deviceId))?.lastContactAt).toBe('2026-03-02T02:00:00.000Z');
  });
});

describe('POST /api/v1/responses: rejected items', () => {
  async function rejectionOf(item: unknown): Promise<string> {
    const answer = resultsOf(await c.submit(makeBatch([item])));
    expect(answer.results[0].status).toBe('rejected');
    return answer.results[0].reason!;
  }

  it.each([
    ['a seq of the wrong type', { seq: '7' }, '$.responses[0].seq: expected a whole number ≥ 1, found "7"'],
    ['a fractional duration', { durationMs: 1.5 }, '$.responses[0].durationMs: expected a whole number ≥ 0, found 1.5'],
    ['an unknown status', { status: 'done' }, '$.responses[0].status: expected one of "complete", "partial", found "done"'],
    ['a bad id', { id: 'abc' }, '$.responses[0].id: expected a version 4 UUID (RFC 9562) such as 7d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b, found "abc"'],
    ['an id that is not a text', { id: 7 }, '$.responses[0].id: expected a UUID, found 7'],
    ['an answer out of the scale', { answers: { TC1: 7 } }, '$.responses[0].answers.TC1: expected a whole number from 1 to 5, found 7'],
    [
      'an answer of no allowed type',
      { answers: { TC1: true } },
      '$.responses[0].answers.TC1: expected a whole number from 1 to 5, a text of at most 2000 characters or a list of at most 50 items, found true',
    ],
    ['a bad answer key', { answers: { 'bad key': 1 } }, '$.responses[0].answers["bad key"]: expected a key that is a question id, found the key "bad key"'],
    ['a missing flag', { flags: { tooFast: false } }, '$.responses[0].flags.belowMinInterval: expected true or false, found nothing'],
    ['an extra field', { citizenName: 'A' }, '$.responses[0].citizenName: expected no such key (allowed: id, kioskId, seq, definitionId, definitionVersion, locale, status, endedBy, sectionsOff, startedAt, completedAt, durationMs, agencyCode, counterCode, deviceLabel, appVersion, answers, flags), found "A"'],
  ])('rejects %s naming the path', async (_name, change, reason) => {
    expect(await rejectionOf({ ...makeResponse(), ...change })).toBe(reason);
  });

  it('rejects an unknown definition version naming the versions it knows', async () => {
    expect(await rejectionOf(makeResponse({ definitionVersion: 9 }))).toBe(
      'unknown definition sipas-test version 9; this collector knows sipas-test@1, sipas-old@2',
    );
  });

  it('rejects answers that do not fit the definition', async () => {
    const reason = await rejectionOf(makeResponse({ answers: { TC1: 4, PA0: 'no', PA1: 5, NOPE: 'x' } }));
    expect(reason).toContain('$.responses[0].answers.PA1: ');
    expect(reason).toContain('$.responses[0].answers.NOPE: ');
    expect(await rejectionOf(makeResponse({ answers: { TC1: 4 } }))).toMatch(/^\$\.responses\[0\]\.answers\.PA0: required/);
  });

  it('accepts a partial response without its required answers', async () => {
    const answer = resultsOf(await c.submit(makeBatch([makeResponse({ status: 'partial', answers: { TC1: 2 } })])));
    expect(answer.results[0].status).toBe('created');
  });

  it('rejects a response larger than 64 KB of canonical JSON', async () => {
    const big = { ...makeResponse(), padding: 'x'.repeat(64 * 1024) };
    const reason = await rejectionOf(big);
    expect(reason).toMatch(/^\$\.responses\[0\]: expected a response of at most 65536 bytes as canonical JSON, found \d+ bytes$/);
    expect(await rows('SELECT response_id FROM rejections')).toEqual([{ response_id: big.id }]);
  });
});

describe('POST /api/v1/responses: canonical identity and the kiosk clock', () => {
  it('answers an upper-case retry of a stored id with duplicate, echoing the id as sent, and keeps one row', async () => {
    const response = makeResponse();
    resultsOf(await c.submit(makeBatch([response])));
    const upper = { ...response, id: response.id.toUpperCase(), kioskId: response.kioskId.toUpperCase() };
    expect(resultsOf(await c.submit(makeBatch([upper]))).results).toEqual([{ id: upper.id, index: 0, status: 'duplicate' }]);
    expect(await rows('SELECT id, kiosk_id FROM responses')).toEqual([{ id: response.id, kiosk_id: response.kioskId }]);
    expect(await rows('SELECT * FROM conflicts')).toHaveLength(0);
  });

  it('stores one row, in lower case, when case variants of one id arrive in parallel', async () => {
    const response = makeResponse();
    const upper = response.id.toUpperCase();
    const variants = [response.id, upper, `${upper.slice(0, 18)}${response.id.slice(18)}`, `${response.id.slice(0, 18)}${upper.slice(18)}`];
    const answers = await Promise.all(variants.map((id) => c.submit(makeBatch([{ ...response, id }]))));
    const statuses = answers.map((a) => resultsOf(a).results[0].status).sort();
    expect(statuses).toEqual(['created', 'duplicate', 'duplicate', 'duplicate']);
    expect(await rows('SELECT id FROM responses')).toEqual([{ id: response.id }]);
  });

  it('keeps text in NFC, so one agency typed in NFC and in NFD is one agency and a retry in NFD is a duplicate', async () => {
    const nfc = makeResponse({ agencyCode: 'Sở Tư pháp', answers: { TC1: 4, PA0: 'no', COMMENT: 'Cán bộ nhiệt tình' } });
    const nfd = { ...nfc, agencyCode: nfc.agencyCode.normalize('NFD'), answers: { ...nfc.answers, COMMENT: 'Cán bộ nhiệt tình'.normalize('NFD') } };
    expect(resultsOf(await c.submit(makeBatch([nfd]))).results[0].status).toBe('created');
    expect(resultsOf(await c.submit(makeBatch([nfc]))).results[0].status).toBe('duplicate');
    expect(await rows('SELECT agency_code, answers_json FROM responses')).toEqual([{ agency_code: 'Sở Tư pháp', answers_json: canonicalJson(nfc.answers) }]);
    expect(await c.store.listPlaces()).toEqual([{ agencyCode: 'Sở Tư pháp', counterCode: 'Q01', count: 1 }]);
  });

  it('rejects only the item with a prototype key or a lone surrogate; the others of the batch are stored', async () => {
    const good = makeResponse({ seq: 1 });
    const lone = makeResponse({ seq: 2, answers: { TC1: 4, PA0: 'no', COMMENT: 'ab\ud800' } });
    const text = JSON.stringify(makeBatch([good, lone, makeResponse({ seq: 3, answers: { TC1: 4, PA0: 'no', COMMENT: 'x' } })])).replace('"COMMENT":"x"', '"__proto__":{"TC2":1}');
    const answer = resultsOf(await c.submit(text));
    expect(answer.results.map((r) => [r.status, r.reason])).toEqual([
      ['created', undefined],
      ['rejected', '$.responses[1].answers.COMMENT: expected well-formed Unicode text, found a lone surrogate U+D800 at character 2'],
      ['rejected', '$.responses[2].answers.__proto__: expected a key other than __proto__, constructor, prototype, found the key "__proto__"'],
    ]);
    expect(await rows('SELECT id FROM responses')).toEqual([{ id: good.id }]);
  });

  it('accepts a gzip body and application/json with charset utf-8', async () => {
    const response = makeResponse();
    const answer = await c.app.inject({
      method: 'POST',
      url: '/api/v1/responses',
      headers: { authorization: `Bearer ${c.token}`, 'content-encoding': 'gzip', 'content-type': 'application/json; charset=UTF-8' },
      payload: gzipSync(JSON.stringify(makeBatch([response]))),
    });
    expect(resultsOf(answer).results).toEqual([{ id: response.id, index: 0, status: 'created' }]);
  });

  it('accepts a response from a kiosk whose clock is a year ahead, flags it and places it on the collector clock', async () => {
    const yearMs = 365 * 86_400_000;
    const shifted = (iso: string) => new Date(Date.parse(iso) + yearMs).toISOString();
    const response = makeResponse({ startedAt: shifted('2026-03-02T01:00:00.000Z'), completedAt: shifted('2026-03-02T01:01:30.000Z'), durationMs: 90_000 });
    const answer = resultsOf(await c.submit({ ...makeBatch([response]), sentAt: shifted('2026-03-02T02:00:00.000Z') }));
    expect(answer.results[0].status).toBe('created');
    expect(await rows('SELECT completed_at, clock_skew_ms, flag_clock_skew, placed_at FROM responses')).toEqual([
      { completed_at: response.completedAt, clock_skew_ms: yearMs, flag_clock_skew: 1, placed_at: '2026-03-02T01:01:30.000Z' },
    ]);
  });

  it('records a small skew without flagging it, and none without sentAt', async () => {
    resultsOf(await c.submit({ ...makeBatch([makeResponse({ seq: 1 })]), sentAt: '2026-03-02T02:01:00.000Z' }));
    resultsOf(await c.submit(makeBatch([makeResponse({ seq: 2 })])));
    expect(await rows('SELECT seq, clock_skew_ms, flag_clock_skew FROM responses ORDER BY seq')).toEqual([
      { seq: 1, clock_skew_ms: 60_000, flag_clock_skew: 0 },
      { seq: 2, clock_skew_ms: null, flag_clock_skew: 0 },
    ]);
  });
});
