import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, registerDevice, type CollectorStore } from '../../../src/collector';
import type { FunnelDay } from '../../../src/shared/wire';
import { tempDatabase } from '../helpers';

const KIOSK_A = '7d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const KIOSK_B = '0b1c2d3e-4f50-4a6b-9c7d-8e9f0a1b2c3d';
const AT = '2026-03-02T02:00:00.000Z';

function day(overrides: Partial<FunnelDay> = {}): FunnelDay {
  return { day: '2026-03-02', definitionId: 'sipas-test', definitionVersion: 1, started: 0, completed: 0, completedByTimeout: 0, abandoned: {}, ...overrides };
}

let store: CollectorStore;
let cleanup: () => void;
let q1: string;
let q2: string;
beforeEach(async () => {
  const db = tempDatabase();
  cleanup = db.cleanup;
  store = await openStore(db.file);
  q1 = (await registerDevice(store, { label: 'Quầy 1', agencyCode: 'SNV', counterCode: 'Q1' })).deviceId;
  q2 = (await registerDevice(store, { label: 'Quầy 2', agencyCode: 'SNV', counterCode: 'Q2' })).deviceId;
});
afterEach(async () => {
  await store.close();
  cleanup();
});

const SNV_Q1 = { agencyCode: 'SNV', counterCode: 'Q1' };
const SNV_Q2 = { agencyCode: 'SNV', counterCode: 'Q2' };

describe('the funnel store', () => {
  it('sums two devices of one counter and day, and keeps counters apart', async () => {
    const q1b = (await registerDevice(store, { label: 'Quầy 1 bis', agencyCode: 'SNV', counterCode: 'Q1' })).deviceId;
    await store.recordFunnel(q1, KIOSK_A, SNV_Q1, [day({ started: 4, completed: 2, abandoned: { TC1: 1, TC2: 1 } })], AT);
    await store.recordFunnel(q1b, KIOSK_B, SNV_Q1, [day({ started: 3, completedByTimeout: 1, abandoned: { TC2: 2 } })], AT);
    await store.recordFunnel(q2, KIOSK_A.replace('7d', '8d'), SNV_Q2, [day({ started: 1, completed: 1 })], AT);
    expect(await store.readFunnel({ counterCode: 'Q1' })).toEqual([
      { day: '2026-03-02', agencyCode: 'SNV', counterCode: 'Q1', definitionId: 'sipas-test', definitionVersion: 1, started: 7, completed: 2, completedByTimeout: 1, abandoned: { TC1: 1, TC2: 3 } },
    ]);
    expect((await store.readFunnel()).map((row) => `${row.counterCode}:${row.started}`)).toEqual(['Q1:7', 'Q2:1']);
  });

  it('counts a kiosk reinstalled on the same device (a new kiosk id) beside the old one, not over it', async () => {
    await store.recordFunnel(q1, KIOSK_A, SNV_Q1, [day({ started: 5 })], AT);
    await store.recordFunnel(q1, KIOSK_B, SNV_Q1, [day({ started: 1 })], AT);
    expect((await store.readFunnel())[0].started).toBe(6);
  });

  it('treats the kiosk id in any letter case as one kiosk', async () => {
    await store.recordFunnel(q1, KIOSK_A, SNV_Q1, [day({ started: 5 })], AT);
    await store.recordFunnel(q1, KIOSK_A.toUpperCase(), SNV_Q1, [day({ started: 5 })], AT);
    expect((await store.readFunnel())[0].started).toBe(5);
  });

  it.each([
    ['a period', { fromDay: '2026-03-02', toDay: '2026-03-03' }, ['2026-03-02', '2026-03-03']],
    ['from a day on', { fromDay: '2026-03-03' }, ['2026-03-03', '2026-03-04']],
    ['an agency', { agencyCode: 'OTHER' }, []],
    ['a definition', { definitionId: 'sipas-old' }, ['2026-03-03']],
    ['a definition version', { definitionId: 'sipas-test', definitionVersion: 2 }, []],
  ])('filters by %s', async (_case, filter, days) => {
    await store.recordFunnel(
      q1,
      KIOSK_A,
      SNV_Q1,
      [day({ day: '2026-03-01' }), day({ day: '2026-03-02' }), day({ day: '2026-03-03', definitionId: 'sipas-old' }), day({ day: '2026-03-04' })],
      AT,
    );
    expect((await store.readFunnel(filter)).map((row) => row.day)).toEqual(days);
  });

  it('sums per device the days from a day on', async () => {
    await store.recordFunnel(q1, KIOSK_A, SNV_Q1, [day({ day: '2026-02-20', started: 100 }), day({ day: '2026-03-01', started: 2, abandoned: { TC1: 1 } }), day({ day: '2026-03-02', started: 3, completed: 2, abandoned: { TC1: 1 } })], AT);
    expect(await store.readFunnelByDevice('2026-02-24')).toEqual([{ deviceId: q1, started: 5, completed: 2, completedByTimeout: 0, abandoned: { TC1: 2 } }]);
  });

  it('places the counts at the device’s place when they arrived', async () => {
    await store.recordFunnel(q1, KIOSK_A, SNV_Q1, [day({ started: 1 })], AT);
    await store.setDevicePlace(q1, { label: 'Quầy 1', agencyCode: 'SNV', agencyName: '', counterCode: 'Q9', counterName: '' });
    await store.recordFunnel(q1, KIOSK_A, { agencyCode: 'SNV', counterCode: 'Q9' }, [day({ day: '2026-03-03', started: 1 })], AT);
    expect((await store.readFunnel()).map((row) => `${row.day}:${row.counterCode}`)).toEqual(['2026-03-02:Q1', '2026-03-03:Q9']);
  });
});
