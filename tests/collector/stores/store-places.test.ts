import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { registerDevice } from '../../../src/collector';
import { openSqliteStore, readSqliteMigrations, SQLITE_MIGRATIONS_DIR } from '../../../src/collector/stores';
import { deferCleanups, KIOSK_ID, makeReport, makeResponse, storeHandles, validItem } from '../helpers';
import { describeEachStore } from './store-contract';

const defer = deferCleanups();
const { database } = storeHandles(defer);

const OTHER_KIOSK = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

describeEachStore('device places', defer, (kit) => {
  it('stores names beside codes, and one edit moves a device (label and place) without touching its responses', async () => {
    const store = await kit.open();
    const { deviceId } = await registerDevice(store, { label: 'Quầy 2', agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-2', counterName: 'Quầy 2' });
    await store.ingest({ deviceId, receivedAt: '2026-03-02T02:00:00.000Z', report: null, source: 'sync', items: [validItem(makeResponse({ agencyCode: 'SO-TU-PHAP', counterCode: 'QUAY-2' }))] });
    expect(await store.getDevice(deviceId)).toMatchObject({ agencyName: 'Sở Tư pháp', counterName: 'Quầy 2' });

    const place = { label: 'Quầy 5', agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-5', counterName: 'Quầy 5' };
    expect(await store.setDevicePlace(deviceId, place)).toBe(true);
    expect(await store.getDevice(deviceId)).toMatchObject(place);
    expect((await store.listDevices())[0]).toMatchObject(place);
    // The responses keep their place; its names are the devices' as registered now (no device holds QUAY-2 any more).
    expect(await store.listPlaces()).toEqual([{ agencyCode: 'SO-TU-PHAP', counterCode: 'QUAY-2', count: 1, agencyName: 'Sở Tư pháp' }]);
    await store.setDevicePlace(deviceId, { ...place, counterCode: 'QUAY-2', counterName: 'Quầy 2' });
    expect(await store.listPlaces()).toEqual([{ agencyCode: 'SO-TU-PHAP', counterCode: 'QUAY-2', count: 1, agencyName: 'Sở Tư pháp', counterName: 'Quầy 2' }]);
    expect(await store.setDevicePlace('00000000-0000-4000-8000-000000000000', place)).toBe(false);
  });

  it('lists a kiosk id that arrived through two devices, from their reports and responses, in any case', async () => {
    const store = await kit.open();
    const a = (await registerDevice(store, { label: 'A', agencyCode: 'SNV', counterCode: 'Q1' })).deviceId;
    const b = (await registerDevice(store, { label: 'B', agencyCode: 'SNV', counterCode: 'Q2' })).deviceId;
    const c = (await registerDevice(store, { label: 'C', agencyCode: 'SNV', counterCode: 'Q3' })).deviceId;
    // A health report alone is enough to have seen the kiosk; B's copy arrives in upper case, inside a response.
    await store.ingest({ deviceId: a, receivedAt: '2026-03-02T02:00:00.000Z', report: makeReport(), source: 'sync', items: [] });
    await store.ingest({ deviceId: a, receivedAt: '2026-03-02T03:00:00.000Z', report: makeReport(), source: 'sync', items: [] });
    await store.ingest({
      deviceId: b,
      receivedAt: '2026-03-02T04:00:00.000Z',
      report: makeReport({ kioskId: OTHER_KIOSK }),
      source: 'sync',
      items: [validItem(makeResponse({ kioskId: KIOSK_ID.toUpperCase() }))],
    });
    // C only sees its own kiosk; an imported file is staff carrying it, not the kiosk arriving through C.
    await store.ingest({ deviceId: c, receivedAt: '2026-03-02T05:00:00.000Z', report: makeReport({ kioskId: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d' }), source: 'sync', items: [] });
    await store.ingest({ deviceId: c, receivedAt: '2026-03-02T06:00:00.000Z', report: null, source: 'import', items: [validItem(makeResponse({ kioskId: OTHER_KIOSK, seq: 9 }))] });

    expect(await store.listKioskIdsOnSeveralDevices()).toEqual([
      {
        kioskId: KIOSK_ID,
        devices: [
          { deviceId: a, firstSeenAt: '2026-03-02T02:00:00.000Z', lastSeenAt: '2026-03-02T03:00:00.000Z' },
          { deviceId: b, firstSeenAt: '2026-03-02T04:00:00.000Z', lastSeenAt: '2026-03-02T04:00:00.000Z' },
        ],
      },
    ]);
  });

});

describe('SQLite only: device places in an older database', () => {
  it('keeps the devices and responses of an older database as they were, with no names, and the kiosks already seen', async () => {
    const { file } = database();
    const raw = new Database(file);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, reason TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    for (const step of readSqliteMigrations(SQLITE_MIGRATIONS_DIR).slice(0, 4)) {
      raw.exec(step.sql);
      raw.prepare("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00.000Z')").run(step.version, step.reason);
    }
    // Registered when the form took any 1 to 64 characters as a code.
    raw.prepare("INSERT INTO devices (id, label, agency_code, counter_code, token_hash, created_at) VALUES ('d1', 'Máy cũ', 'Sở Nội vụ', 'Quầy 2', x'00', '2026-01-01T00:00:00.000Z')").run();
    raw.prepare("INSERT INTO devices (id, label, agency_code, counter_code, token_hash, created_at) VALUES ('d2', 'Máy khác', 'SNV', 'Q9', x'00', '2026-01-01T00:00:00.000Z')").run();
    const row = (id: string, device: string) =>
      raw
        .prepare(
          `INSERT INTO responses (id, device_id, kiosk_id, seq, definition_id, definition_version, status, agency_code, counter_code, locale,
             started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval, device_label, app_version, answers_json,
             content_hash, received_at, source, placed_at)
           VALUES (?, ?, ?, 1, 'sipas-test', 1, 'complete', 'Sở Nội vụ', 'Quầy 2', 'vi', '2026-01-02T00:00:00.000Z', '2026-01-02T00:01:00.000Z',
             60000, 0, 0, 'Máy cũ', '0.1.0', '{}', 'h', '2026-01-02T01:00:00.000Z', 'sync', '2026-01-02T00:01:00.000Z')`,
        )
        .run(id, device, KIOSK_ID);
    row('6c1b0a2e-1d2a-4c55-9a57-6f0f1c2d3e40', 'd1');
    row('6c1b0a2e-1d2a-4c55-9a57-6f0f1c2d3e41', 'd2');
    raw.close();

    const store = openSqliteStore(file);
    defer(() => store.close());
    expect(await store.getDevice('d1')).toMatchObject({ agencyCode: 'Sở Nội vụ', counterCode: 'Quầy 2', agencyName: '', counterName: '' });
    expect(await store.listPlaces()).toEqual([{ agencyCode: 'Sở Nội vụ', counterCode: 'Quầy 2', count: 2 }]);
    expect((await store.listKioskIdsOnSeveralDevices()).map((k) => [k.kioskId, k.devices.map((d) => d.deviceId)])).toEqual([[KIOSK_ID, ['d1', 'd2']]]);
  });
});
