import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorBodySchema, submitResultSchema } from '../../../src/shared/schemas';
import { MAX_BATCH_RESPONSES, MAX_BODY_BYTES } from '../../../src/shared/wire';
import { canonicalJson } from '../../../src/shared/survey';
import { makeBatch, makeReport, makeResponse, resultsOf, startTestCollector, type TestCollector } from '../helpers';

let c: TestCollector;
beforeEach(async () => {
  c = await startTestCollector({ now: () => new Date('2026-03-02T02:00:00.000Z') });
});
afterEach(async () => {
  await c.close();
});

/** Reads the database through its own connection, as an auditor would. */
function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(c.file, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
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
    expect(body).toEqual({ results: [{ id: response.id, index: 0, status: 'created' }], receivedAt: '2026-03-02T02:00:00.000Z' });
    const stored = rows('SELECT * FROM responses');
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
    expect(rows('SELECT id FROM responses')).toHaveLength(1);
    expect(rows('SELECT * FROM conflicts')).toHaveLength(0);
  });

  it('answers the same id with other content with conflict, keeps the original and sets the new one aside', async () => {
    const original = makeResponse();
    resultsOf(await c.submit(makeBatch([original])));
    const changed = { ...original, answers: { ...original.answers, TC1: 1 } };
    const answer = resultsOf(await c.submit(makeBatch([changed])));
    expect(answer.results).toHaveLength(1);
    expect(answer.results[0]).toMatchObject({ id: original.id, index: 0, status: 'conflict' });
    expect(answer.results[0].reason).toMatch(/different content/);

    const stored = rows<{ answers_json: string }>('SELECT answers_json FROM responses WHERE id = ?', original.id);
    expect(stored).toHaveLength(1);
    expect(JSON.parse(stored[0].answers_json)).toEqual(original.answers);
    const conflicts = rows<{ response_id: string; device_id: string; body_json: string }>('SELECT * FROM conflicts');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0].response_id).toBe(original.id);
    expect(conflicts[0].device_id).toBe(c.deviceId);
    expect(JSON.parse(conflicts[0].body_json)).toEqual(changed);

    // Retrying the same conflicting version is still a conflict but does not pile up copies.
    expect(resultsOf(await c.submit(makeBatch([changed]))).results[0].status).toBe('conflict');
    expect(rows('SELECT * FROM conflicts')).toHaveLength(1);
  });

  it('gives every item of a mixed batch its own result, in order', async () => {
    const known = makeResponse({ seq: 1 });
    const other = makeResponse({ seq: 2 });
    resultsOf(await c.submit(makeBatch([known, other])));

    const fresh = makeResponse({ seq: 3 });
    const invalid = { ...makeResponse({ seq: 4 }), seq: 'four' };
    const conflicting = { ...other, durationMs: 1 };
    const answer = resultsOf(await c.submit(makeBatch([fresh, known, conflicting, invalid, 'not a response'])));
    expect(answer.results.map(({ index, id, status }) => ({ index, id, status }))).toEqual([
      { index: 0, id: fresh.id, status: 'created' },
      { index: 1, id: known.id, status: 'duplicate' },
      { index: 2, id: other.id, status: 'conflict' },
      { index: 3, id: invalid.id, status: 'rejected' },
      { index: 4, id: null, status: 'rejected' },
    ]);
    expect(answer.results[3].reason).toBe('$.responses[3].seq: expected a whole number ≥ 1, found "four"');
    expect(answer.results[4].reason).toBe('$.responses[4]: expected an object with id, kioskId, seq, definitionId, definitionVersion, locale, status, startedAt, completedAt, durationMs, agencyCode, counterCode, deviceLabel, appVersion, answers, flags, found "not a response"');
    expect(rows('SELECT id FROM responses')).toHaveLength(3);
    const rejections = rows<{ response_id: string | null; reason: string }>('SELECT response_id, reason FROM rejections ORDER BY id');
    expect(rejections.map((r) => r.response_id)).toEqual([invalid.id, null]);
  });

  it('accepts the same id twice in one batch as created then duplicate', async () => {
    const response = makeResponse();
    const answer = resultsOf(await c.submit(makeBatch([response, response])));
    expect(answer.results.map((r) => r.status)).toEqual(['created', 'duplicate']);
    expect(rows('SELECT id FROM responses')).toHaveLength(1);
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
    expect(rows('SELECT id FROM responses')).toHaveLength(2);
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
    expect(rows('SELECT id FROM responses')).toHaveLength(0);
  });

  it('refuses a body that is not JSON', async () => {
    const answer = await c.submit(JSON.stringify(makeBatch([makeResponse()])), { 'content-type': 'text/plain' });
    expect(answer.statusCode).toBe(400);
    expect(errorOf(answer)).toEqual({ error: 'unsupported_media_type', message: 'expected Content-Type: application/json, found "text/plain"' });
  });

  it('refuses a body over the size limit with 413 naming the limit', async () => {
    const padding = 'x'.repeat(MAX_BODY_BYTES);
    const answer = await c.submit(makeBatch([makeResponse({ deviceLabel: padding })]));
    expect(answer.statusCode).toBe(413);
    const body = errorOf(answer);
    expect(body.error).toBe('body_too_large');
    expect(body.message).toContain(String(MAX_BODY_BYTES));
    expect(rows('SELECT id FROM responses')).toHaveLength(0);
  });

  it('refuses more responses than a batch may hold with 413 naming the limit', async () => {
    const responses = Array.from({ length: MAX_BATCH_RESPONSES + 1 }, (_, i) => makeResponse({ seq: i + 1 }));
    const answer = await c.submit(makeBatch(responses));
    expect(answer.statusCode).toBe(413);
    expect(errorOf(answer)).toEqual({
      error: 'too_many_responses',
      message: `a batch holds at most ${MAX_BATCH_RESPONSES} responses, this one has ${MAX_BATCH_RESPONSES + 1}; split it into smaller batches`,
    });
    expect(rows('SELECT id FROM responses')).toHaveLength(0);
  });

  it.each([
    [
      'a wrong type in the kiosk report',
      makeBatch([], makeReport({ queueDepth: 'x' as unknown as number })),
      '$.kiosk.queueDepth: expected a whole number ≥ 0, found "x"',
    ],
    ['a missing report', { responses: [] }, '$.kiosk: expected an object with kioskId, appVersion, definition, queueDepth, oldestUnsentAt, conflicts, rejected, storage, lastError, found nothing'],
    ['responses that are not a list', { kiosk: makeReport(), responses: {} }, '$.responses: expected a list of at most 500 items, found an object with 0 keys'],
    ['an unknown key', { ...makeBatch([]), extra: true }, '$.extra: expected no such key (allowed: kiosk, responses), found true'],
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
    ['a JSON value that is not an object', [1, 2], '$: expected an object with kiosk, responses, found a list of 2 items'],
    ['a JSON null', null, '$: expected an object with kiosk, responses, found null'],
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
    ['a bad id', { id: 'abc' }, '$.responses[0].id: expected a UUID, found "abc"'],
    ['an answer out of the scale', { answers: { TC1: 7 } }, '$.responses[0].answers.TC1: expected a whole number from 1 to 5, found 7'],
    [
      'an answer of no allowed type',
      { answers: { TC1: true } },
      '$.responses[0].answers.TC1: expected a whole number from 1 to 5, a text of at most 2000 characters or a list of at most 50 items, found true',
    ],
    ['a bad answer key', { answers: { 'bad key': 1 } }, '$.responses[0].answers["bad key"]: expected a key that is a question id, found the key "bad key"'],
    ['a missing flag', { flags: { tooFast: false } }, '$.responses[0].flags.belowMinInterval: expected true or false, found nothing'],
    ['an extra field', { citizenName: 'A' }, '$.responses[0].citizenName: expected no such key (allowed: id, kioskId, seq, definitionId, definitionVersion, locale, status, startedAt, completedAt, durationMs, agencyCode, counterCode, deviceLabel, appVersion, answers, flags), found "A"'],
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
    expect(rows('SELECT response_id FROM rejections')).toEqual([{ response_id: big.id }]);
  });
});
