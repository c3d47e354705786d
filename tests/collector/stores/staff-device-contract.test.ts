/*
 * The DeviceStore and StaffAuthStore contract: every case runs on SQLite and, with TEST_DATABASE_URL,
 * on PostgreSQL, expecting the very same values (instants as the strings given, ids, orders).
 */
import { expect, it } from 'vitest';
import { registerDevice } from '../../../src/collector';
import type { AuditEntry, CollectorStore } from '../../../src/collector/stores';
import { deferCleanups, makeReport } from '../helpers';
import { describeEachStore } from './store-contract';

const defer = deferCleanups();

const T0 = '2026-03-02T02:00:00.000Z';
const T1 = '2026-03-02T02:00:01.000Z';
const T2 = '2026-03-02T02:00:05.000Z';

describeEachStore('device store contract', defer, (kit) => {
  it('keeps a device as registered, rotates its token hash and revokes it once', async () => {
    const store = await kit.open();
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'SNV', agencyName: 'Sở Nội vụ', counterCode: 'Q1', counterName: 'Quầy 1' });
    const device = await store.getDevice(deviceId);
    expect(device).toMatchObject({ id: deviceId, label: 'Quầy 1', agencyCode: 'SNV', agencyName: 'Sở Nội vụ', counterCode: 'Q1', counterName: 'Quầy 1', revokedAt: null, lastContactAt: null, lastReport: null, clockSkewMs: null, clockSkewAt: null });
    expect(Buffer.isBuffer(device?.tokenHash)).toBe(true);
    const hash = Buffer.alloc(32, 9);
    expect(await store.setDeviceTokenHash(deviceId, hash)).toBe(true);
    expect((await store.getDevice(deviceId))?.tokenHash.equals(hash)).toBe(true);
    expect(await store.revokeDevice(deviceId, T0)).toBe(true);
    // A second revocation keeps the first time.
    expect(await store.revokeDevice(deviceId, T1)).toBe(true);
    expect((await store.getDevice(deviceId))?.revokedAt).toBe(T0);
    expect(await store.revokeDevice('00000000-0000-4000-8000-000000000000', T0)).toBe(false);
    expect(await store.setDeviceTokenHash('00000000-0000-4000-8000-000000000000', hash)).toBe(false);
    expect(await store.getDevice('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('lists devices by registration time, then id', async () => {
    const store = await kit.open();
    const ids = ['c', 'a', 'b'];
    for (const id of ids) {
      await store.addDevice({ id, label: id, agencyCode: 'A', agencyName: '', counterCode: 'C', counterName: '', tokenHash: Buffer.from([1]), createdAt: id === 'c' ? T0 : T1 });
    }
    expect((await store.listDevices()).map((d) => d.id)).toEqual(['c', 'a', 'b']);
  });

  it('records contact with and without a report, and the clock skew a sync batch tells (keeping it when untold)', async () => {
    const store = await kit.open();
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'A', counterCode: 'B' });
    const report = makeReport({ queueDepth: 3, oldestUnsentAt: T0 });
    await store.recordContact(deviceId, T0, report);
    await store.recordContact(deviceId, T1, null);
    expect(await store.getDevice(deviceId)).toMatchObject({ lastContactAt: T1, lastReport: report });
    await store.ingest({ deviceId, receivedAt: T2, report: null, source: 'sync', items: [], clockSkewMs: 90_000.4 });
    expect(await store.getDevice(deviceId)).toMatchObject({ lastContactAt: T2, clockSkewMs: 90_000, clockSkewAt: T2 });
    await store.ingest({ deviceId, receivedAt: '2026-03-02T03:00:00.000Z', report: null, source: 'sync', items: [] });
    expect(await store.getDevice(deviceId)).toMatchObject({ lastContactAt: '2026-03-02T03:00:00.000Z', clockSkewMs: 90_000, clockSkewAt: T2 });
    // An import is staff carrying a file: no contact.
    await store.ingest({ deviceId, receivedAt: '2026-03-02T04:00:00.000Z', report: null, source: 'import', items: [] });
    expect((await store.getDevice(deviceId))?.lastContactAt).toBe('2026-03-02T03:00:00.000Z');
  });
});

describeEachStore('staff sign-in store contract', defer, (kit) => {
  it('grants one sign-in attempt slot per address at a time, across connections, and counts refusals', async () => {
    const { url } = kit.database();
    const stores: CollectorStore[] = [await kit.open(url), await kit.open(url), await kit.open(url)];
    const claims = await Promise.all(stores.flatMap((store) => [store, store].map((s) => s.claimLoginAttempt('10.0.0.7', T0, T2))));
    const granted = claims.filter((claim) => claim.granted);
    expect(granted).toEqual([{ granted: true, failures: 0, updatedAt: T0 }]);
    const refusedCounts = claims.flatMap((claim) => (claim.granted ? [] : [claim.refused])).sort((a, b) => a - b);
    expect(refusedCounts).toEqual([1, 2, 3, 4, 5]);
    expect(claims.find((claim) => !claim.granted)).toMatchObject({ granted: false, failures: 0, lockedUntil: T0, attemptUntil: T2 });
    // Another address is not held up by this one.
    expect(await stores[0].claimLoginAttempt('10.0.0.8', T0, T2)).toMatchObject({ granted: true });
  });

  it('locks an address after a failure until its time, then grants again with the failures so far; a success clears it', async () => {
    const store = await kit.open();
    await store.claimLoginAttempt('a', T0, T1);
    await store.recordLoginFailure('a', { at: T0, failures: 1, lockedUntil: T2 });
    expect(await store.claimLoginAttempt('a', T1, T2)).toEqual({ granted: false, failures: 1, lockedUntil: T2, attemptUntil: null, refused: 1 });
    expect(await store.claimLoginAttempt('a', T2, '2026-03-02T02:00:10.000Z')).toEqual({ granted: true, failures: 1, updatedAt: T0 });
    await store.releaseLoginAttempt('a');
    expect(await store.claimLoginAttempt('a', T2, '2026-03-02T02:00:10.000Z')).toMatchObject({ granted: true, failures: 1 });
    await store.clearLoginFailures('a');
    expect(await store.claimLoginAttempt('a', T2, '2026-03-02T02:00:10.000Z')).toEqual({ granted: true, failures: 0, updatedAt: T2 });
    // A lease that ran out frees the slot without anyone ending the attempt.
    expect(await store.claimLoginAttempt('a', '2026-03-02T02:00:10.000Z', '2026-03-02T02:00:20.000Z')).toMatchObject({ granted: true });
  });

  it('forgets quiet addresses and, beyond the most recent ones kept, the oldest', async () => {
    const store = await kit.open();
    for (const [address, at] of [['old', '2026-03-01T00:00:00.000Z'], ['mid', T0], ['new', T1], ['newest', T2]] as const) {
      await store.claimLoginAttempt(address, at, at);
      await store.recordLoginFailure(address, { at, failures: 1, lockedUntil: at });
    }
    await store.pruneLoginThrottle('2026-03-02T00:00:00.000Z', 2);
    // 'old' was quiet; of the rest only the two most recent are kept. A forgotten address starts from zero.
    expect(await store.claimLoginAttempt('old', T2, T2)).toMatchObject({ granted: true, failures: 0 });
    expect(await store.claimLoginAttempt('mid', T2, T2)).toMatchObject({ granted: true, failures: 0 });
    expect(await store.claimLoginAttempt('new', T2, T2)).toMatchObject({ granted: true, failures: 1 });
  });

  it('sets the password hash, ending every session in the same step', async () => {
    const store = await kit.open();
    expect(await store.getAdminPasswordHash()).toBeNull();
    const id = Buffer.alloc(32, 3);
    await store.addAdminSession(id, { createdAt: T0, expiresAt: '2026-03-02T10:00:00.000Z' });
    await store.setAdminPasswordHash('scrypt$one', T1);
    expect(await store.getAdminPasswordHash()).toBe('scrypt$one');
    expect(await store.findAdminSession(id, T1)).toBeUndefined();
    await store.addAdminSession(id, { createdAt: T1, expiresAt: '2026-03-02T10:00:00.000Z' });
    await store.deleteAdminSession(id);
    expect(await store.findAdminSession(id, T1)).toBeUndefined();
    await store.setAdminPasswordHash('scrypt$two', T2);
    expect(await store.getAdminPasswordHash()).toBe('scrypt$two');
  });

  it('keeps the audit log newest first, filtered by action, time and page', async () => {
    const store = await kit.open();
    const entries: AuditEntry[] = [
      { at: T0, address: '10.0.0.1', action: 'signIn', outcome: 'failure', details: {} },
      { at: T1, address: '10.0.0.1', action: 'signIn', outcome: 'success', details: { note: 'Đăng nhập' } },
      { at: T2, address: null, action: 'deviceRegister', outcome: 'success', details: { deviceId: 'd', nested: { n: 1 } } },
    ];
    for (const entry of entries) await store.recordAudit(entry);
    const all = await store.listAudit({ limit: 10 });
    expect(all.map(({ id: _id, ...entry }) => entry)).toEqual([...entries].reverse());
    expect(all.map((entry) => entry.id)).toEqual([3, 2, 1]);
    expect((await store.listAudit({ action: 'signIn', limit: 10 })).map((e) => e.at)).toEqual([T1, T0]);
    expect((await store.listAudit({ from: T1, before: T2, limit: 10 })).map((e) => e.at)).toEqual([T1]);
    expect((await store.listAudit({ beforeId: all[0].id, limit: 1 })).map((e) => e.at)).toEqual([T1]);
    expect(await store.listAudit({ limit: 0 })).toEqual([]);
  });
});
