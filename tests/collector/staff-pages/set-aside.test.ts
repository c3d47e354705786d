import { describe, expect, it } from 'vitest';
import { registerDevice } from '../../../src/collector';
import { reportAfterBatch, SET_ASIDE_PAGE_MAX, type CollectorStore, type IngestItem, type IngestOutcome } from '../../../src/collector/stores';
import { conflictDifferences, SET_ASIDE_CSV_COLUMNS } from '../../../src/collector/staff-pages';
import type { SurveyResponse } from '../../../src/shared/survey';
import { adminCollectors, deferCleanups, KIOSK_ID, makeBatch, makeReport, makeResponse, resultsOf, signIn, storeHandles, validItem } from '../helpers';
import { queryTestDatabase } from '../test-databases';

const defer = deferCleanups();
const admin = adminCollectors(defer);
const { database, open } = storeHandles(defer);

/** Receipt time of the HTTP tests: after makeResponse's default completion. */
const CLOCK = new Date('2026-03-02T02:00:00.000Z');

/** An item the checker refused, as the batch endpoint hands it to the store. */
function rejectedItem(seq: number | null, kioskId: string | null = KIOSK_ID): IngestItem {
  return { kind: 'rejected', responseId: null, reason: 'test rejection', kioskId, seq };
}

async function freshStore(): Promise<{ store: CollectorStore; deviceId: string }> {
  const store = await open(database().file);
  const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'SNV', counterCode: 'Q1' });
  return { store, deviceId };
}

describe('sequence numbers: never received versus received and set aside', () => {
  // Each case: stored seqs, rejected seqs (null: the item's seq was unreadable), and conflicts as
  // [stored seq, seq the conflicting version claims]; then the runs never received and what was set aside.
  const cases: Array<{
    name: string;
    stored: number[];
    rejected?: Array<number | null>;
    conflicts?: Array<[number, number]>;
    missing: Array<[number, number]>;
    setAside: Array<[number, 'rejected' | 'conflict']>;
  }> = [
    { name: 'a rejected number inside a gap is not missing', stored: [1, 2, 5], rejected: [3], missing: [[4, 4]], setAside: [[3, 'rejected']] },
    { name: 'a rejected number above the highest stored makes the numbers before it missing', stored: [1, 2], rejected: [5], missing: [[3, 4]], setAside: [[5, 'rejected']] },
    { name: 'a kiosk whose every response was rejected has nothing missing', stored: [], rejected: [1, 2], missing: [], setAside: [[1, 'rejected'], [2, 'rejected']] },
    { name: 'a number rejected twice is listed once', stored: [1, 3], rejected: [2, 2], missing: [], setAside: [[2, 'rejected']] },
    { name: 'a conflict claiming a number never stored fills it', stored: [1, 2, 4], conflicts: [[4, 3]], missing: [], setAside: [[3, 'conflict']] },
    { name: 'a conflict with the stored number adds nothing', stored: [1, 2], conflicts: [[2, 2]], missing: [], setAside: [] },
    { name: 'a rejection without a readable number leaves the gap missing', stored: [1, 4], rejected: [null], missing: [[2, 3]], setAside: [] },
    { name: 'a rejected number that is also stored is not set aside', stored: [1, 2], rejected: [2], missing: [], setAside: [] },
    { name: 'rejections split a long gap into the runs around them', stored: [1, 10], rejected: [4, 7], missing: [[2, 3], [5, 6], [8, 9]], setAside: [[4, 'rejected'], [7, 'rejected']] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { store, deviceId } = await freshStore();
      const stored = new Map<number, SurveyResponse>();
      const items: IngestItem[] = c.stored.map((seq) => {
        const response = makeResponse({ seq });
        stored.set(seq, response);
        return validItem(response);
      });
      for (const seq of c.rejected ?? []) items.push(rejectedItem(seq));
      await store.ingest({ deviceId, receivedAt: CLOCK.toISOString(), report: null, source: 'sync', items });
      for (const [storedSeq, claimedSeq] of c.conflicts ?? []) {
        const other = { ...stored.get(storedSeq)!, seq: claimedSeq, answers: { ...stored.get(storedSeq)!.answers, TC1: 1 } };
        const [outcome] = await store.ingest({ deviceId, receivedAt: CLOCK.toISOString(), report: null, source: 'sync', items: [validItem(other)] });
        expect(outcome.status).toBe('conflict');
      }
      const account = await store.accountSequences(deviceId);
      expect(account.missing).toEqual(c.missing.map(([from, to]) => ({ kioskId: KIOSK_ID, from, to })));
      expect(account.setAside).toEqual(c.setAside.map(([seq, kind]) => ({ kioskId: KIOSK_ID, seq, kind })));
    });
  }

  it('counts only the kiosks that sent through the device', async () => {
    const { store, deviceId } = await freshStore();
    const other = await registerDevice(store, { label: 'Quầy 2', agencyCode: 'SNV', counterCode: 'Q2' });
    const otherKiosk = '22222222-2222-4222-8222-222222222222';
    await store.ingest({ deviceId, receivedAt: CLOCK.toISOString(), report: null, source: 'sync', items: [validItem(makeResponse({ seq: 1 }))] });
    await store.ingest({ deviceId: other.deviceId, receivedAt: CLOCK.toISOString(), report: null, source: 'sync', items: [rejectedItem(4, otherKiosk)] });
    expect(await store.accountSequences(deviceId)).toEqual({ missing: [], setAside: [] });
    expect(await store.accountSequences(other.deviceId)).toEqual({ missing: [{ kioskId: otherKiosk, from: 1, to: 3 }], setAside: [{ kioskId: otherKiosk, seq: 4, kind: 'rejected' }] });
  });
});

describe('the kiosk report kept after a batch', () => {
  const outcome = (status: IngestOutcome['status']): IngestOutcome => ({ status });
  const report = makeReport({ queueDepth: 3, oldestUnsentAt: '2026-03-02T01:00:00.000Z', conflicts: 1, rejected: 2 });
  const cases: Array<{ name: string; outcomes: IngestOutcome[]; expected: Partial<ReturnType<typeof makeReport>> }> = [
    { name: 'a health report without responses is kept as it is', outcomes: [], expected: { queueDepth: 3, oldestUnsentAt: '2026-03-02T01:00:00.000Z', conflicts: 1, rejected: 2 } },
    { name: 'the batch that empties the queue leaves it empty, with no oldest unsent', outcomes: ['created', 'duplicate', 'created'].map((s) => outcome(s as 'created')), expected: { queueDepth: 0, oldestUnsentAt: null, conflicts: 1, rejected: 2 } },
    { name: 'a partial batch keeps the rest waiting', outcomes: [outcome('created')], expected: { queueDepth: 2, oldestUnsentAt: '2026-03-02T01:00:00.000Z' } },
    { name: 'conflicts and rejections leave the queue and join the kiosk counts', outcomes: [outcome('conflict'), outcome('rejected'), outcome('created')], expected: { queueDepth: 0, oldestUnsentAt: null, conflicts: 2, rejected: 3 } },
    { name: 'a queue never goes below zero', outcomes: Array.from({ length: 5 }, () => outcome('created')), expected: { queueDepth: 0, oldestUnsentAt: null } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(reportAfterBatch(report, c.outcomes)).toEqual({ ...report, ...c.expected });
    });
  }

  it('shows an empty queue after the batch that emptied it (the report was made before sending)', async () => {
    const c = await admin({ now: () => CLOCK });
    const responses = [1, 2].map((seq) => makeResponse({ seq }));
    const kiosk = makeReport({ queueDepth: 2, oldestUnsentAt: responses[0].completedAt });
    expect(resultsOf(await c.submit(makeBatch(responses, kiosk))).results.map((r) => r.status)).toEqual(['created', 'created']);
    expect((await c.store.getDevice(c.deviceId))?.lastReport).toMatchObject({ queueDepth: 0, oldestUnsentAt: null });
    const page = await c.get('/admin/fleet');
    expect(page.body).toContain('0 phiếu');
    expect(page.body).not.toContain('2 phiếu');
    expect(page.body).not.toContain('phiếu lâu nhất đã chờ');
  });
});

describe('clock skew kept per device', () => {
  it('keeps the skew a batch tells, else its responses say, and keeps the last one when nothing says', async () => {
    const { store, deviceId } = await freshStore();
    const at = (minutes: number) => new Date(CLOCK.getTime() + minutes * 60_000).toISOString();
    await store.ingest({ deviceId, receivedAt: at(0), report: makeReport(), source: 'sync', items: [], clockSkewMs: 3 * 3_600_000 });
    expect(await store.getDevice(deviceId)).toMatchObject({ clockSkewMs: 3 * 3_600_000, clockSkewAt: at(0) });
    const flagged: IngestItem = { ...(validItem(makeResponse({ seq: 1 })) as Extract<IngestItem, { kind: 'valid' }>), collectorFlags: { clockSkewMs: -60_000, clockSkew: false, placeMismatch: false } };
    await store.ingest({ deviceId, receivedAt: at(1), report: makeReport(), source: 'sync', items: [flagged] });
    expect(await store.getDevice(deviceId)).toMatchObject({ clockSkewMs: -60_000, clockSkewAt: at(1) });
    await store.ingest({ deviceId, receivedAt: at(2), report: makeReport(), source: 'sync', items: [], clockSkewMs: null });
    expect(await store.getDevice(deviceId)).toMatchObject({ clockSkewMs: -60_000, clockSkewAt: at(1), lastContactAt: at(2) });
  });
});

describe('set-aside page', () => {
  const XSS = '<script>alert(1)</script>';

  /** A collector holding one conflict and two rejections from its device, and one rejection from a second device. */
  async function seeded() {
    let clock = CLOCK;
    const c = await admin({ now: () => clock });
    const original = makeResponse({ seq: 1, answers: { TC1: 4, TC2: 5, TT1: 3, CC1: 5, KQ1: 4, PA0: 'no' } });
    resultsOf(await c.submit(makeBatch([original, makeResponse({ seq: 2 })])));
    clock = new Date('2026-03-05T03:00:00.000Z');
    const changed = { ...original, answers: { ...original.answers, TC1: 2, COMMENT: `=HYPERLINK("http://x") ${XSS}` } };
    const bad = makeResponse({ seq: 3, answers: { ...original.answers, TC1: 9 } });
    const answer = resultsOf(await c.submit(makeBatch([changed, bad, { id: 'not-a-uuid', seq: 'x' }])));
    expect(answer.results.map((r) => r.status)).toEqual(['conflict', 'rejected', 'rejected']);
    const other = await registerDevice(c.store, { label: '@Máy khác', agencyCode: 'SNV', counterCode: 'Q2' });
    clock = new Date('2026-03-08T03:00:00.000Z');
    const otherKiosk = '33333333-3333-4333-8333-333333333333';
    const sent = await c.app.inject({
      method: 'POST',
      url: '/api/v1/responses',
      headers: { authorization: `Bearer ${other.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(makeBatch([makeResponse({ kioskId: otherKiosk, seq: 7, answers: { TC1: 0 } })], makeReport({ kioskId: otherKiosk }))),
    });
    expect(resultsOf(sent).results[0].status).toBe('rejected');
    // Days have passed: a fresh session.
    const cookie = await signIn(c.app);
    const get = (url: string) => c.app.inject({ method: 'GET', url, headers: { cookie } });
    return { c, get, original, bad, other, otherKiosk, badReason: answer.results[1].reason! };
  }

  it('shows each conflict beside the stored response, answer by answer, with device, ids and times', async () => {
    const { get, original } = await seeded();
    const page = await get('/admin/set-aside');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    expect(body).toContain('<h1>Phiếu để riêng</h1>');
    expect(body).toContain('1 phiếu trùng mã khác nội dung · 3 phiếu bị từ chối');
    expect(body).toContain(`<code>${original.id}</code>`);
    expect(body).toContain(`<code>${KIOSK_ID}</code>`);
    // The changed answer: stored value, then the later one; an answer only the later one has.
    expect(body).toMatch(/<td><code>TC1<\/code><\/td><td>4<\/td><td>2<\/td>/);
    expect(body).toMatch(/<td><code>COMMENT<\/code><\/td><td>\(không có\)<\/td><td>=HYPERLINK/);
    expect(body).not.toContain('<code>TC2</code>');
    expect(body).toContain('Bản đã lưu nhận lúc: 09:00 02/03/2026');
    expect(body).toContain('Bản đến sau nhận lúc: 10:00 05/03/2026');
    expect(body).not.toContain(XSS);
    expect(body).toContain('&lt;script>alert(1)&lt;/script>');
  });

  it('lists rejections with reason, device, kiosk id and sequence number when they were readable', async () => {
    const { get, bad, otherKiosk, badReason } = await seeded();
    const body = (await get('/admin/set-aside?kind=rejections')).body;
    expect(body).not.toContain('Trùng mã, khác nội dung</h2>');
    const rows = body.match(/<tr class="rejection">.*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(3);
    // Newest first: the other device's, then this device's two.
    expect(rows[0]).toContain('Máy khác');
    expect(rows[0]).toContain(`<code>${otherKiosk}</code> · 7`);
    expect(rows[1] + rows[2]).toContain(`<code>${KIOSK_ID}</code> · 3`);
    expect(rows[1] + rows[2]).toContain(`<code>${bad.id}</code>`);
    expect(rows[1] + rows[2]).toContain(badReason.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;'));
    // The item with no readable kiosk id or number.
    expect(rows.some((row) => row.includes('<td>không rõ</td>'))).toBe(true);
  });

  it('filters by device, kind and received date (Vietnam days)', async () => {
    const { get, other } = await seeded();
    type Listing = { total: number; entries: Array<{ deviceId: string | null; receivedAt: string }> } | null;
    const json = async (query: string) => {
      const answer = await get(`/api/v1/admin/set-aside${query}`);
      expect(answer.statusCode).toBe(200);
      return JSON.parse(answer.body) as { conflicts: Listing; rejections: Listing };
    };
    const all = await json('');
    expect([all.conflicts?.total, all.rejections?.total]).toEqual([1, 3]);
    const byDevice = await json(`?device=${other.deviceId}`);
    expect([byDevice.conflicts?.total, byDevice.rejections?.total]).toEqual([0, 1]);
    expect(byDevice.rejections?.entries.every((e) => e.deviceId === other.deviceId)).toBe(true);
    const conflictsOnly = await json('?kind=conflicts');
    expect(conflictsOnly.rejections).toBeNull();
    expect(conflictsOnly.conflicts?.total).toBe(1);
    // 10:00 on 5 March in Vietnam is 03:00 UTC: inside "5 March", not inside "6 March onwards".
    const day = await json('?from=2026-03-05&to=2026-03-05');
    expect([day.conflicts?.total, day.rejections?.total]).toEqual([1, 2]);
    const later = await json('?from=2026-03-06');
    expect([later.conflicts?.total, later.rejections?.total]).toEqual([0, 1]);
    const page = await get(`/admin/set-aside?device=${other.deviceId}&kind=rejections`);
    expect(page.body).toContain('0 phiếu trùng mã khác nội dung · 1 phiếu bị từ chối');
    expect(page.body).toContain(`<option value="${other.deviceId}" selected>@Máy khác</option>`);
  });

  it('gives the conflict in JSON with both contents and the difference', async () => {
    const { get, original } = await seeded();
    const body = JSON.parse((await get('/api/v1/admin/set-aside?kind=conflicts')).body) as {
      conflicts: { entries: Array<{ responseId: string; stored: { response: SurveyResponse }; incoming: SurveyResponse; differences: unknown[] }>; nextBefore: number | null };
    };
    const [entry] = body.conflicts.entries;
    expect(entry.responseId).toBe(original.id);
    expect(entry.stored.response.answers.TC1).toBe(4);
    expect(entry.incoming.answers.TC1).toBe(2);
    expect(entry.differences).toEqual([
      { field: 'TC1', stored: '4', incoming: '2' },
      { field: 'COMMENT', stored: null, incoming: expect.stringMatching(/^=HYPERLINK/) },
    ]);
    expect(body.conflicts.nextBefore).toBeNull();
  });

  it('exports every entry as CSV with formula-like cells neutralised', async () => {
    const { c, get, original, other, otherKiosk } = await seeded();
    const answer = await get('/api/v1/admin/set-aside.csv');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe('attachment; filename="sipas-set-aside.csv"');
    expect(answer.body.startsWith(`\uFEFF${SET_ASIDE_CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
    const lines = answer.body.split('\r\n').filter((line) => line !== '');
    // A header, one conflict (its differences span two lines inside quotes), three rejections.
    expect(answer.body.match(/\r\nconflict,/g)).toHaveLength(1);
    expect(answer.body.match(/\r\nrejection,/g)).toHaveLength(3);
    expect(answer.body).toContain(`conflict,2026-03-05T03:00:00.000Z,${c.deviceId},Quầy 1,${original.id},${KIOSK_ID},1,,"TC1: 4 → 2\nCOMMENT: — → =HYPERLINK`);
    // A device label a spreadsheet would run as a formula starts with a quote.
    expect(answer.body).toContain(`rejection,2026-03-08T03:00:00.000Z,${other.deviceId},'@Máy khác,`);
    expect(answer.body).toContain(`,${otherKiosk},7,`);
    expect(lines.length).toBeGreaterThan(4);
    // The comment stays inside quoted cells, never at a cell start.
    expect(answer.body).not.toMatch(/(^|,)=HYPERLINK/m);
    const rejectionsOnly = await get('/api/v1/admin/set-aside.csv?kind=rejections');
    expect(rejectionsOnly.body.match(/\r\nconflict,/g)).toBeNull();
  });

  it('reads a listing longer than one store page to the end in the CSV, and pages the JSON', async () => {
    const c = await admin({ now: () => CLOCK });
    const count = SET_ASIDE_PAGE_MAX + 5;
    const items = Array.from({ length: count }, (_, i) => rejectedItem(i + 1));
    await c.store.ingest({ deviceId: c.deviceId, receivedAt: CLOCK.toISOString(), report: null, source: 'sync', items });
    const csv = await c.get('/api/v1/admin/set-aside.csv?kind=rejections');
    expect(csv.body.match(/\r\nrejection,/g)).toHaveLength(count);
    const first = JSON.parse((await c.get('/api/v1/admin/set-aside?kind=rejections')).body) as { rejections: { total: number; entries: Array<{ seq: number }>; nextBefore: number } };
    expect(first.rejections.total).toBe(count);
    expect(first.rejections.entries).toHaveLength(SET_ASIDE_PAGE_MAX);
    expect(first.rejections.entries[0].seq).toBe(count);
    const second = JSON.parse((await c.get(`/api/v1/admin/set-aside?kind=rejections&rejectionsBefore=${first.rejections.nextBefore}`)).body) as { rejections: { entries: Array<{ seq: number }>; nextBefore: number | null } };
    expect(second.rejections.entries.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(second.rejections.nextBefore).toBeNull();
    const page = await c.get('/admin/set-aside?kind=rejections');
    expect(page.body).toContain('Đang hiện 200 mục mới nhất trên 1.005; tải CSV để có tất cả.');
  });

  it('refuses filters it cannot read, naming them, on the page and in the API', async () => {
    const c = await admin({ now: () => CLOCK });
    const cases: Array<[string, RegExp]> = [
      ['?kind=everything', /\?\.kind: expected one of/],
      ['?from=2026-02-30', /\?\.from: expected a real calendar date/],
      ['?from=2026-03-05&to=2026-03-01', /\?\.to: expected the start date on or before the end date/],
      ['?device=' + 'x'.repeat(101), /\?\.device/],
      ['?rejectionsBefore=-1', /\?\.rejectionsBefore/],
      ['?surprise=1', /surprise/],
    ];
    for (const [query, problem] of cases) {
      const page = await c.get(`/admin/set-aside${query}`);
      expect(page.statusCode, query).toBe(400);
      const api = await c.get(`/api/v1/admin/set-aside${query}`);
      expect(api.statusCode, query).toBe(400);
      expect(api.body, query).toMatch(problem);
      expect((await c.get(`/api/v1/admin/set-aside.csv${query}`)).statusCode, query).toBe(400);
    }
  });

  it('lists response ids stored more than once in different case, when no device, date or kind narrows the listing', async () => {
    const c = await admin({ now: () => CLOCK });
    // What migration 0004 records when it finds case-duplicates in an older database.
    const id = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    await queryTestDatabase(c.file, 'INSERT INTO case_duplicate_ids (canonical_id, ids_json, found_at) VALUES (?, ?, ?)', [id, JSON.stringify([id.toUpperCase(), id]), CLOCK.toISOString()]);
    const page = (await c.get('/admin/set-aside')).body;
    expect(page).toContain('Mã phiếu được lưu nhiều lần, chỉ khác chữ hoa / chữ thường');
    expect(page).toContain(`<code>${id.toUpperCase()}</code><br/><code>${id}</code>`);
    expect((await c.get('/admin/set-aside?kind=rejections')).body).not.toContain('Mã phiếu được lưu nhiều lần');
    expect((await c.get(`/admin/set-aside?device=${c.deviceId}`)).body).not.toContain('Mã phiếu được lưu nhiều lần');
    const json = JSON.parse((await c.get('/api/v1/admin/set-aside')).body) as { caseDuplicates: unknown };
    expect(json.caseDuplicates).toEqual([{ canonicalId: id, ids: [id.toUpperCase(), id], foundAt: CLOCK.toISOString() }]);
    const csv = (await c.get('/api/v1/admin/set-aside.csv')).body;
    expect(csv).toContain(`caseDuplicate,${CLOCK.toISOString()},,,${id},,,stored 2 times in different letter case,"${id.toUpperCase()}\n${id}",,,`);
  });

  it('is behind the staff sign-in and in the navigation', async () => {
    const c = await admin({ now: () => CLOCK });
    expect((await c.app.inject({ method: 'GET', url: '/admin/set-aside' })).statusCode).toBe(303);
    expect((await c.app.inject({ method: 'GET', url: '/api/v1/admin/set-aside' })).statusCode).toBe(401);
    expect((await c.app.inject({ method: 'GET', url: '/api/v1/admin/set-aside.csv' })).statusCode).toBe(401);
    const fleet = await c.get('/admin/fleet');
    expect(fleet.body).toContain('<a href="/admin/set-aside">Phiếu để riêng</a>');
    const page = await c.get('/admin/set-aside?lang=en');
    expect(page.body).toContain('<a href="/admin/set-aside" aria-current="page">Set aside</a>');
    expect(page.body).toContain('0 with a stored id but other content · 0 rejected');
  });
});

describe('conflict differences', () => {
  const base = makeResponse({ answers: { TC1: 4, PA0: 'no', FIELD: 'a' } });
  const cases: Array<{ name: string; incoming: Partial<SurveyResponse>; expected: Array<[string, string | null, string | null]> }> = [
    { name: 'same content: no difference', incoming: {}, expected: [] },
    { name: 'a changed answer', incoming: { answers: { ...base.answers, TC1: 5 } }, expected: [['TC1', '4', '5']] },
    { name: 'a dropped and an added answer', incoming: { answers: { TC1: 4, PA0: 'no', MULTI: ['x', 'y'] } }, expected: [['FIELD', 'a', null], ['MULTI', null, 'x; y']] },
    { name: 'a field of the response', incoming: { seq: 9, agencyCode: 'OTHER' }, expected: [['response.seq', '1', '9'], ['response.agencyCode', 'UBND-Q1', 'OTHER']] },
    { name: 'the same instant written with an offset is no difference', incoming: { completedAt: '2026-03-02T08:01:30.000+07:00' }, expected: [] },
    { name: 'flags, whatever the order of their keys', incoming: { flags: { tooFast: true, belowMinInterval: false } }, expected: [['response.flags', '{"belowMinInterval":false,"tooFast":false}', '{"belowMinInterval":false,"tooFast":true}']] },
    { name: 'the same flags in another key order are no difference', incoming: { flags: { belowMinInterval: false, tooFast: false } }, expected: [] },
    { name: 'ended by the timeout where the stored one was sent by an older kiosk', incoming: { endedBy: 'timeout' }, expected: [['response.endedBy', null, 'timeout']] },
    { name: 'ended by the citizen against ended by the timeout', incoming: { endedBy: 'citizen' }, expected: [['response.endedBy', 'timeout', 'citizen']] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const incoming = { ...base, ...c.incoming } as SurveyResponse;
      // The citizen-against-timeout case compares with a stored response that the timeout ended.
      const stored = c.incoming.endedBy === 'citizen' ? { ...base, endedBy: 'timeout' as const } : base;
      expect(conflictDifferences(stored, incoming)).toEqual(c.expected.map(([field, stored, inc]) => ({ field, stored, incoming: inc })));
    });
  }

  it('shows every incoming answer when the stored response is missing', () => {
    expect(conflictDifferences(null, base).filter((d) => !d.field.startsWith('response.'))).toEqual([
      { field: 'TC1', stored: null, incoming: '4' },
      { field: 'PA0', stored: null, incoming: 'no' },
      { field: 'FIELD', stored: null, incoming: 'a' },
    ]);
  });
});
