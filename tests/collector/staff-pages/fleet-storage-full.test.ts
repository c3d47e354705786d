import { describe, expect, it } from 'vitest';
import type { FleetEntry } from '../../../src/collector/staff-pages';
import { adminCollectors, deferCleanups, makeBatch, makeReport, makeResponse, resultsOf } from '../helpers';

const defer = deferCleanups();
const admin = adminCollectors(defer);
const CLOCK = new Date('2026-03-02T02:00:00.000Z');

type FleetJson = { devices: FleetEntry[] };

describe('fleet view: storage full, as the kiosk\'s failed write said it (issue 9)', () => {
  it('names a kiosk whose writes fail, with the responses it holds in memory, though estimate() says there is room', async () => {
    const c = await admin({ now: () => CLOCK });
    const storage = { persisted: true, usageBytes: 1_000, quotaBytes: 10e9, writeFailing: true, lastWriteError: 'storage quota: QuotaExceededError', heldInMemory: 3 };
    resultsOf(await c.submit(makeBatch([makeResponse({ seq: 1 })], makeReport({ storage }))));
    const [entry] = (JSON.parse((await c.get('/api/v1/admin/fleet')).body) as FleetJson).devices;
    expect(entry.problems).toContainEqual({ kind: 'storageFull', heldInMemory: 3, error: 'storage quota: QuotaExceededError' });
    expect(entry.state).toBe('attention');
    expect((await c.get('/admin/fleet')).body).toContain('3 phiếu chỉ đang giữ tạm trong bộ nhớ của trang');
  });

  it('says nothing of it once the kiosk reports its writes work again (or never said)', async () => {
    const c = await admin({ now: () => CLOCK });
    resultsOf(await c.submit(makeBatch([makeResponse({ seq: 1 })], makeReport())));
    const [entry] = (JSON.parse((await c.get('/api/v1/admin/fleet')).body) as FleetJson).devices;
    expect(entry.problems.map((p) => p.kind)).not.toContain('storageFull');
  });
});
