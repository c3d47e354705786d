import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evacuationJson } from '../../../src/shared/csv';
import type { SurveyResponse } from '../../../src/shared/survey';
import { makeBatch, makeReport, makeResponse, resultsOf, deferCleanups, adminCollectors } from '../helpers';
import { queryTestDatabase } from '../test-databases';

const defer = deferCleanups();

const admin = adminCollectors(defer);

const KIOSK = '3b9d6c1e-2f4a-4b8c-9d0e-1f2a3b4c5d6e';

/** Responses as a kiosk's outbox holds them: with its delivery bookkeeping beside each response. */
function kioskOutbox(count: number, firstSeq = 1): Array<SurveyResponse & { syncState: string; attempts: number }> {
  return Array.from({ length: count }, (_, i) => ({
    ...makeResponse({ kioskId: KIOSK, seq: firstSeq + i, completedAt: new Date(Date.UTC(2026, 2, 2, 1, i)).toISOString() }),
    syncState: 'pending',
    attempts: 3,
  }));
}

/** The file exactly as the kiosk writes it (src/export's streaming writer). */
function evacuationFile(responses: SurveyResponse[], exportedAt = '2026-03-05T08:00:00.000Z'): string {
  return [...evacuationJson(KIOSK, exportedAt, responses)].join('');
}

/** Rows in the responses table of the store at `url` (SQLite or PostgreSQL), read through a connection of its own. */
async function rowsIn(url: string): Promise<number> {
  return (await queryTestDatabase<{ n: number }>(url, 'SELECT count(*) AS n FROM responses'))[0].n;
}

describe('evacuation import', () => {
  it('round trip: export on the kiosk, import, import again, sync the same responses — one row each', async () => {
    const c = await admin();
    const outbox = kioskOutbox(6);
    const file = evacuationFile(outbox);

    const first = await c.post('/api/v1/admin/imports', file);
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body)).toEqual({
      kioskId: KIOSK,
      exportedAt: '2026-03-05T08:00:00.000Z',
      deviceId: null,
      total: 6,
      created: 6,
      duplicate: 0,
      conflict: 0,
      rejected: 0,
      problems: [],
      problemsNotListed: 0,
    });

    const again = JSON.parse((await c.post('/api/v1/admin/imports', file)).body);
    expect(again).toMatchObject({ total: 6, created: 0, duplicate: 6, conflict: 0, rejected: 0 });

    // The kiosk comes back online and sends the same responses (without its bookkeeping) by sync.
    const wire = outbox.map(({ syncState: _s, attempts: _a, ...response }) => response);
    const synced = resultsOf(await c.submit(makeBatch(wire, makeReport({ kioskId: KIOSK }))));
    expect(synced.results.map((r) => r.status)).toEqual(Array(6).fill('duplicate'));

    expect(await rowsIn(c.file)).toBe(6);
    const csv = await c.get('/api/v1/admin/responses.csv');
    expect(csv.headers['x-row-count']).toBe('6');
  });

  it('treats responses that arrived by sync first as duplicates, and a changed one as a conflict', async () => {
    const c = await admin();
    const outbox = kioskOutbox(4);
    const wire = outbox.map(({ syncState: _s, attempts: _a, ...response }) => response);
    resultsOf(await c.submit(makeBatch(wire.slice(0, 2), makeReport({ kioskId: KIOSK }))));
    const changed = { ...wire[1], answers: { ...wire[1].answers, TC1: 1 } };
    const summary = JSON.parse((await c.post('/api/v1/admin/imports', evacuationFile([wire[0], changed, wire[2], wire[3]]))).body);
    expect(summary).toMatchObject({ total: 4, created: 2, duplicate: 1, conflict: 1, rejected: 0 });
    expect(summary.problems).toEqual([{ index: 1, id: wire[1].id, status: 'conflict', reason: expect.stringContaining('different content') }]);
    expect(await rowsIn(c.file)).toBe(4);
  });

  it('rejects bad responses one by one with reasons, exactly as sync does, and stores the good ones', async () => {
    const c = await admin();
    const good = makeResponse({ kioskId: KIOSK, seq: 1 });
    const unknownDefinition = makeResponse({ kioskId: KIOSK, seq: 2, definitionId: 'sipas-1999' });
    const hiddenAnswer = makeResponse({ kioskId: KIOSK, seq: 3, answers: { TC1: 4, PA0: 'no', PA1: 5 } });
    const file = JSON.stringify({
      format: 'sipas-kiosk-evacuation',
      version: 1,
      kioskId: KIOSK,
      exportedAt: '2026-03-05T08:00:00+07:00',
      responses: [good, unknownDefinition, { id: 'not-a-uuid' }, hiddenAnswer],
    });
    const summary = JSON.parse((await c.post('/api/v1/admin/imports', file)).body);
    expect(summary).toMatchObject({ total: 4, created: 1, duplicate: 0, conflict: 0, rejected: 3 });
    expect(summary.problems).toEqual([
      { index: 1, id: unknownDefinition.id, status: 'rejected', reason: expect.stringMatching(/^unknown definition sipas-1999 version 1/) },
      { index: 2, id: null, status: 'rejected', reason: expect.stringContaining('$.responses[2].id') },
      { index: 3, id: hiddenAnswer.id, status: 'rejected', reason: expect.stringContaining('$.responses[3].answers.PA1') },
    ]);
    expect(await rowsIn(c.file)).toBe(1);
  });

  it('refuses a file that is not an evacuation file, naming what is wrong', async () => {
    const c = await admin();
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ format: 'something-else', version: 1, kioskId: KIOSK, exportedAt: '2026-03-05T08:00:00Z', responses: [] }), /\$\.format/],
      [JSON.stringify({ format: 'sipas-kiosk-evacuation', version: 2, kioskId: KIOSK, exportedAt: '2026-03-05T08:00:00Z', responses: [] }), /\$\.version/],
      [JSON.stringify([makeResponse()]), /\$/],
      [JSON.stringify({ format: 'sipas-kiosk-evacuation', version: 1, kioskId: 'x', exportedAt: 'yesterday', responses: {} }), /\$\.kioskId.*\$\.exportedAt.*\$\.responses/],
    ];
    for (const [body, message] of cases) {
      const answer = await c.post('/api/v1/admin/imports', body);
      expect(answer.statusCode, body).toBe(400);
      const parsed = JSON.parse(answer.body);
      expect(parsed.error, body).toBe('invalid_evacuation_file');
      expect(parsed.message, body).toMatch(message);
    }
    const truncated = await c.post('/api/v1/admin/imports', evacuationFile(kioskOutbox(3)).slice(0, -20));
    expect(truncated.statusCode).toBe(400);
    expect(JSON.parse(truncated.body).error).toBe('malformed_json');
    const empty = await c.post('/api/v1/admin/imports', '');
    expect(empty.statusCode).toBe(400);
    expect(await rowsIn(c.file)).toBe(0);
  });

  it('credits the responses to a chosen device, filling its sequence gaps, without counting as contact', async () => {
    const c = await admin();
    const outbox = kioskOutbox(5);
    const wire = outbox.map(({ syncState: _s, attempts: _a, ...response }) => response);
    // Sync delivered 1, 2 and 5; 3 and 4 were stuck on the tablet.
    resultsOf(await c.submit(makeBatch([wire[0], wire[1], wire[4]], makeReport({ kioskId: KIOSK }))));
    const contactBefore = (await c.store.getDevice(c.deviceId))!.lastContactAt;
    expect(await c.store.findSequenceGaps(c.deviceId)).toEqual([{ kioskId: KIOSK, from: 3, to: 4 }]);

    expect((await c.post(`/api/v1/admin/imports?device=${randomUUID()}`, evacuationFile(wire))).statusCode).toBe(400);
    const summary = JSON.parse((await c.post(`/api/v1/admin/imports?device=${c.deviceId}`, evacuationFile(wire))).body);
    expect(summary).toMatchObject({ deviceId: c.deviceId, created: 2, duplicate: 3 });
    expect(await c.store.findSequenceGaps(c.deviceId)).toEqual([]);
    expect(await c.store.countResponses(c.deviceId)).toBe(5);
    expect((await c.store.getDevice(c.deviceId))!.lastContactAt).toBe(contactBefore);
  });

  it('fills a device’s gaps even when imported without naming the device', async () => {
    const c = await admin();
    const wire = kioskOutbox(3).map(({ syncState: _s, attempts: _a, ...response }) => response);
    resultsOf(await c.submit(makeBatch([wire[0], wire[2]], makeReport({ kioskId: KIOSK }))));
    expect(await c.store.findSequenceGaps(c.deviceId)).toEqual([{ kioskId: KIOSK, from: 2, to: 2 }]);
    await c.post('/api/v1/admin/imports', evacuationFile([wire[1]]));
    expect(await c.store.findSequenceGaps(c.deviceId)).toEqual([]);
  });

  it('offers a page that uploads the file with a nonce’d script and lists the devices', async () => {
    const c = await admin();
    const page = await c.get('/admin/import');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<input type="file" name="file" accept=".json,application/json" required/>');
    expect(page.body).toContain(`<option value="${c.deviceId}">Quầy 1 (UBND-Q1 / Q01)</option>`);
    const nonce = /script-src 'nonce-([^']+)'/.exec(page.headers['content-security-policy'] as string)![1];
    expect(page.body).toContain(`<script nonce="${nonce}" src="/staff/import-page.js" type="module"></script>`);
    expect(page.body).toContain('"/api/v1/admin/imports"');
    expect(page.body).toContain('<script type="application/json" id="import-words">');
  });
});
