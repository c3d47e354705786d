import { describe, expect, it } from 'vitest';
import { registerDevice, type DeviceRecord } from '../../../src/collector';
import { assessDevice, CLOCK_SKEW_NOTICE_MS, queueOldestOnCollectorClock, type FleetEntry } from '../../../src/collector/staff-pages';
import { adminCollectors, deferCleanups, KIOSK_ID, makeBatch, makeReport, makeResponse, resultsOf } from '../helpers';

const defer = deferCleanups();
const admin = adminCollectors(defer);

const CLOCK = new Date('2026-03-02T02:00:00.000Z');
const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;

type FleetJson = { devices: FleetEntry[] };

describe('fleet view: sequence numbers set aside are not missing', () => {
  it('tells numbers never received from numbers received but rejected or in conflict', async () => {
    const c = await admin({ now: () => CLOCK });
    const responses = [1, 2, 5, 6].map((seq) => makeResponse({ seq }));
    resultsOf(await c.submit(makeBatch(responses)));
    // 3 arrives but is invalid; 8 arrives as a changed copy of 6 (same id, other content, other number).
    const invalid = makeResponse({ seq: 3, answers: { TC1: 9 } });
    const conflicting = { ...responses[3], seq: 8, answers: { ...responses[3].answers, TC1: 1 } };
    expect(resultsOf(await c.submit(makeBatch([invalid, conflicting]))).results.map((r) => r.status)).toEqual(['rejected', 'conflict']);

    const json = JSON.parse((await c.get('/api/v1/admin/fleet')).body) as FleetJson;
    const [entry] = json.devices;
    // Never received: 4 and 7. Received but set aside: 3 (rejected) and 8 (in conflict).
    expect(entry.gaps).toEqual([
      { kioskId: KIOSK_ID, from: 4, to: 4 },
      { kioskId: KIOSK_ID, from: 7, to: 7 },
    ]);
    expect(entry.missing).toBe(2);
    expect(entry.setAside).toEqual([
      { kioskId: KIOSK_ID, seq: 3, kind: 'rejected' },
      { kioskId: KIOSK_ID, seq: 8, kind: 'conflict' },
    ]);
    expect(entry.setAsideCounts).toEqual({ conflicts: 1, rejections: 1 });
    expect(entry.problems).toContainEqual(expect.objectContaining({ kind: 'gaps', missing: 2 }));

    const page = (await c.get('/admin/fleet')).body;
    expect(page).toContain('Thiếu 2 phiếu theo số thứ tự (4, 7)');
    expect(page).toContain('2 số thứ tự đã nhận nhưng để riêng');
    expect(page).toContain('bị từ chối: 1 · trùng mã khác nội dung: 1');
    expect(page).toContain(`<a href="/admin/set-aside?device=${c.deviceId}">Xem phiếu để riêng</a>`);
  });

  it('shows no gap for a kiosk whose only unstored numbers were rejected', async () => {
    const c = await admin({ now: () => CLOCK });
    resultsOf(await c.submit(makeBatch([makeResponse({ seq: 1 }), makeResponse({ seq: 2, answers: { TC1: 0 } }), makeResponse({ seq: 3 })])));
    const [entry] = (JSON.parse((await c.get('/api/v1/admin/fleet')).body) as FleetJson).devices;
    expect(entry).toMatchObject({ missing: 0, gaps: [], setAside: [{ seq: 2, kind: 'rejected' }] });
    expect(entry.problems.map((p) => p.kind)).not.toContain('gaps');
    expect((await c.get('/admin/fleet')).body).toContain('Không thiếu');
  });
});

describe('fleet view: clock skew per kiosk', () => {
  const device = (overrides: Partial<DeviceRecord> = {}): DeviceRecord => ({
    id: 'd',
    label: 'Quầy 1',
    agencyCode: 'SNV',
    counterCode: 'Q1',
    agencyName: 'Sở Nội vụ',
    counterName: 'Quầy 1',
    tokenHash: Buffer.alloc(32),
    revokedAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    lastContactAt: new Date(CLOCK.getTime() - 60_000).toISOString(),
    lastReport: makeReport(),
    ...overrides,
  });

  // skew: the kiosk's clock minus the collector's; oldest: the kiosk's oldestUnsentAt on its own clock.
  const cases: Array<{ name: string; skewMs: number | null; oldest: string | null; expected: string | null }> = [
    { name: 'nothing waiting', skewMs: 3 * HOUR_MS, oldest: null, expected: null },
    { name: 'a clock not known to be off is taken as it is', skewMs: null, oldest: '2026-03-01T20:00:00.000Z', expected: '2026-03-01T20:00:00.000Z' },
    { name: 'a skew within the limit is not corrected', skewMs: CLOCK_SKEW_NOTICE_MS, oldest: '2026-03-01T20:00:00.000Z', expected: '2026-03-01T20:00:00.000Z' },
    { name: 'a clock 3 hours ahead is taken back 3 hours', skewMs: 3 * HOUR_MS, oldest: '2026-03-02T04:00:00.000Z', expected: '2026-03-02T01:00:00.000Z' },
    { name: 'a clock 7 years behind is brought forward', skewMs: -7 * YEAR_MS, oldest: new Date(Date.parse('2026-03-01T23:00:00.000Z') - 7 * YEAR_MS).toISOString(), expected: '2026-03-01T23:00:00.000Z' },
    { name: 'nothing waits from the future', skewMs: null, oldest: '2026-03-05T00:00:00.000Z', expected: CLOCK.toISOString() },
  ];
  for (const c of cases) {
    it(`places the oldest unsent response on the collector's clock: ${c.name}`, () => {
      const clock = c.skewMs === null ? null : { skewMs: c.skewMs, seenAt: CLOCK.toISOString() };
      expect(queueOldestOnCollectorClock(c.oldest, clock, CLOCK)).toBe(c.expected);
    });
  }

  it('names a clock off by more than the limit as a problem, and never a queue "waiting for years"', () => {
    const sevenYearsBehind = device({
      clockSkewMs: -7 * YEAR_MS,
      clockSkewAt: CLOCK.toISOString(),
      lastReport: makeReport({ queueDepth: 4, oldestUnsentAt: new Date(CLOCK.getTime() - 7 * YEAR_MS - 2 * HOUR_MS).toISOString() }),
    });
    const entry = assessDevice(sevenYearsBehind, 10, [], CLOCK);
    expect(entry.problems).toEqual([{ kind: 'clockSkew', skewMs: -7 * YEAR_MS }]);
    expect(entry.queueOldestAt).toBe(new Date(CLOCK.getTime() - 2 * HOUR_MS).toISOString());
    expect(assessDevice(device({ clockSkewMs: 60_000 }), 10, [], CLOCK).problems).toEqual([]);
    // Without a known skew the kiosk's own time stands: a queue of 30 hours is old.
    const oldQueue = device({ lastReport: makeReport({ queueDepth: 1, oldestUnsentAt: new Date(CLOCK.getTime() - 30 * HOUR_MS).toISOString() }) });
    expect(assessDevice(oldQueue, 10, [], CLOCK).problems.map((p) => p.kind)).toEqual(['queueOld']);
  });

  it('shows the skew the collector saw at the batch, in words, and corrects the queue age by it', async () => {
    const c = await admin({ now: () => CLOCK });
    // The tablet believes it is 2019; its queue's oldest response was completed 2 hours ago on its clock.
    const kioskNow = new Date(CLOCK.getTime() - 7 * YEAR_MS);
    const report = makeReport({ queueDepth: 4, oldestUnsentAt: new Date(kioskNow.getTime() - 2 * HOUR_MS).toISOString() });
    resultsOf(await c.submit({ ...makeBatch([], report), sentAt: kioskNow.toISOString() }));
    expect(await c.store.getDevice(c.deviceId)).toMatchObject({ clockSkewMs: -7 * YEAR_MS, clockSkewAt: CLOCK.toISOString() });

    const page = (await c.get('/admin/fleet')).body;
    expect(page).toContain('đồng hồ máy lệch 2555 ngày (chậm hơn máy chủ)');
    expect(page).toContain('Đồng hồ máy lệch 2555 ngày (chậm hơn máy chủ): phiếu được xếp theo giờ máy chủ lúc nhận.');
    expect(page).toContain('phiếu lâu nhất đã chờ 2 giờ');
    expect(page).not.toContain('Có phiếu đã chờ gửi');

    const ahead = await registerDevice(c.store, { label: 'Máy nhanh giờ', agencyCode: 'SNV', counterCode: 'Q2' });
    const sent = await c.app.inject({
      method: 'POST',
      url: '/api/v1/responses',
      headers: { authorization: `Bearer ${ahead.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...makeBatch([], makeReport({ kioskId: '44444444-4444-4444-8444-444444444444' })), sentAt: new Date(CLOCK.getTime() + 3 * HOUR_MS).toISOString() }),
    });
    resultsOf(sent);
    const english = (await c.get('/admin/fleet?lang=en')).body;
    expect(english).toContain('kiosk clock off by 3 hours (ahead of the server)');
    expect((await c.get('/admin/fleet')).body).toContain('đồng hồ máy lệch 3 giờ (nhanh hơn máy chủ)');
  });

  it('says a clock is right when the skew is under a minute', async () => {
    const c = await admin({ now: () => CLOCK });
    resultsOf(await c.submit({ ...makeBatch([]), sentAt: new Date(CLOCK.getTime() + 20_000).toISOString() }));
    const page = (await c.get('/admin/fleet')).body;
    expect(page).toContain('đồng hồ máy đúng giờ');
    expect(page).not.toContain('Đồng hồ máy lệch');
  });
});

describe('fleet view: one kiosk id through two devices', () => {
  it('flags the kiosk id on both devices, naming the other one', async () => {
    const c = await admin({ now: () => CLOCK });
    const second = await registerDevice(c.store, { label: 'Máy thứ hai', agencyCode: 'UBND-Q1', counterCode: 'Q01' });
    resultsOf(await c.submit(makeBatch([makeResponse({ seq: 1 })])));
    const sent = await c.app.inject({
      method: 'POST',
      url: '/api/v1/responses',
      headers: { authorization: `Bearer ${second.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(makeBatch([makeResponse({ seq: 2 })])),
    });
    resultsOf(sent);
    const json = JSON.parse((await c.get('/api/v1/admin/fleet')).body) as FleetJson;
    const byLabel = new Map(json.devices.map((d) => [d.label, d]));
    expect(byLabel.get('Quầy 1')!.problems).toContainEqual({ kind: 'sharedKioskId', kioskId: KIOSK_ID, otherDevices: [{ id: second.deviceId, label: 'Máy thứ hai' }] });
    expect(byLabel.get('Máy thứ hai')!.problems).toContainEqual({ kind: 'sharedKioskId', kioskId: KIOSK_ID, otherDevices: [{ id: c.deviceId, label: 'Quầy 1' }] });
    const page = (await c.get('/admin/fleet')).body;
    expect(page).toContain(`Mã cài đặt ${KIOSK_ID.slice(0, 8)}… cũng gửi phiếu qua Máy thứ hai`);
    expect(page).toContain(`Mã cài đặt ${KIOSK_ID.slice(0, 8)}… cũng gửi phiếu qua Quầy 1`);
  });

  it('flags nothing when each kiosk id came through one device', async () => {
    const c = await admin({ now: () => CLOCK });
    const second = await registerDevice(c.store, { label: 'Máy thứ hai', agencyCode: 'UBND-Q1', counterCode: 'Q01' });
    resultsOf(await c.submit(makeBatch([makeResponse({ seq: 1 })])));
    const otherKiosk = '55555555-5555-4555-8555-555555555555';
    resultsOf(
      await c.app.inject({
        method: 'POST',
        url: '/api/v1/responses',
        headers: { authorization: `Bearer ${second.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(makeBatch([makeResponse({ kioskId: otherKiosk, seq: 1 })], makeReport({ kioskId: otherKiosk }))),
      }),
    );
    const json = JSON.parse((await c.get('/api/v1/admin/fleet')).body) as FleetJson;
    for (const entry of json.devices) expect(entry.problems.map((p) => p.kind)).not.toContain('sharedKioskId');
  });
});
