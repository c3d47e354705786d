import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEVICE_SELF_PATH } from '../../../src/collector';
import { makeBatch, makeResponse, resultsOf, startTestCollector, type TestCollector } from '../helpers';
import { queryTestDatabase } from '../test-databases';

let c: TestCollector;
beforeEach(async () => {
  c = await startTestCollector({ now: () => new Date('2026-03-02T02:00:00.000Z') });
});
afterEach(() => c.close());

/** The stored rows' places, read from the database (SQLite or PostgreSQL) through its own connection. */
function stored(): Promise<Array<{ id: string; agency_code: string; counter_code: string; flag_place_mismatch: number }>> {
  return queryTestDatabase(c.file, 'SELECT id, agency_code, counter_code, flag_place_mismatch FROM responses ORDER BY seq');
}

describe('the device registration is the tablet\'s place', () => {
  it('tells the tablet its registered place in every sync answer and in its own status', async () => {
    await c.store.setDevicePlace(c.deviceId, { label: 'Quầy 2', agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-2', counterName: 'Quầy 2' });
    const place = { agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-2', counterName: 'Quầy 2' };
    expect(resultsOf(await c.submit(makeBatch([]))).place).toEqual(place);
    expect(resultsOf(await c.submit(makeBatch([makeResponse({ agencyCode: 'SO-TU-PHAP', counterCode: 'QUAY-2' })]))).place).toEqual(place);
    const me = await c.app.inject({ method: 'GET', url: DEVICE_SELF_PATH, headers: { authorization: `Bearer ${c.token}` } });
    expect(JSON.parse(me.body)).toMatchObject({ place });
  });

  it.each([
    ['its own place', 'UBND-Q1', 'Q01', 0],
    ['another agency', 'SNV', 'Q01', 1],
    ['another counter', 'UBND-Q1', 'Q02', 1],
    ['the UNSET placeholder', 'UNSET', 'UNSET', 1],
  ])('stores a response claiming %s as sent, flagged when it is not the device\'s', async (_, agencyCode, counterCode, flagged) => {
    const response = makeResponse({ agencyCode, counterCode });
    expect(resultsOf(await c.submit(makeBatch([response]))).results).toEqual([{ id: response.id, index: 0, status: 'created' }]);
    expect(await stored()).toEqual([{ id: response.id, agency_code: agencyCode, counter_code: counterCode, flag_place_mismatch: flagged }]);
  });

  it('keeps the place a response was completed in after the device moves, flagging the ones still queued under the old place', async () => {
    const before = makeResponse({ seq: 1 });
    resultsOf(await c.submit(makeBatch([before])));
    await c.store.setDevicePlace(c.deviceId, { label: 'Quầy 1', agencyCode: 'UBND-Q1', agencyName: '', counterCode: 'Q05', counterName: 'Quầy 5' });
    const queued = makeResponse({ seq: 2 });
    const after = makeResponse({ seq: 3, counterCode: 'Q05' });
    resultsOf(await c.submit(makeBatch([queued, after])));
    expect((await stored()).map((r) => [r.counter_code, r.flag_place_mismatch])).toEqual([
      ['Q01', 0],
      ['Q01', 1],
      ['Q05', 0],
    ]);
    // A replay of the first is a duplicate, not a conflict: the flag is beside the response, not in it.
    expect(resultsOf(await c.submit(makeBatch([before]))).results[0].status).toBe('duplicate');
  });
});
