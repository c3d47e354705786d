import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore, registerDevice, SCHEMA_VERSION } from '../../../src/collector';
import { deferCleanups, makeResponse, storeHandles, validItem } from '../helpers';

const defer = deferCleanups();

const { database, open } = storeHandles(defer);

describe('SQLite store', () => {
  it('keeps one row when two connections insert the same id', async () => {
    const { file } = database();
    const first = await open(file);
    const second = await open(file);
    const { deviceId } = await registerDevice(first, { label: 'Quầy 1', agencyCode: 'A', counterCode: 'B' });
    const item = validItem();
    const batch = { deviceId, receivedAt: '2026-03-02T02:00:00.000Z', report: null, source: 'sync' as const, items: [item] };
    const [a, b] = await Promise.all([first.ingest(batch), second.ingest(batch)]);
    expect([a[0].status, b[0].status].sort()).toEqual(['created', 'duplicate']);
    expect(await first.countResponses(deviceId)).toBe(1);
  });

  it('enforces the id uniqueness in the schema itself, not only in code', async () => {
    const { file } = database();
    await open(file);
    const raw = new Database(file);
    defer(() => void raw.close());
    raw.prepare("INSERT INTO devices (id, label, agency_code, counter_code, token_hash, created_at) VALUES ('d', 'l', 'a', 'c', x'00', 'now')").run();
    const insert = raw.prepare(`INSERT INTO responses (id, device_id, kiosk_id, seq, definition_id, definition_version, status,
      agency_code, counter_code, locale, started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval,
      device_label, app_version, answers_json, content_hash, received_at, source)
      VALUES ('same', 'd', 'k', 1, 'x', 1, 'complete', 'a', 'c', 'vi', 't', 't', 0, 0, 0, 'l', 'v', '{}', 'h', 't', 'sync')`);
    insert.run();
    expect(() => insert.run()).toThrow(/UNIQUE constraint failed: responses.id/);
  });

  it('runs its migrations once: opening twice changes nothing and keeps the data', async () => {
    const { file } = database();
    const first = openSqliteStore(file);
    const { deviceId } = await registerDevice(first, { label: 'Quầy 1', agencyCode: 'A', counterCode: 'B' });
    await first.ingest({ deviceId, receivedAt: 'now', report: null, source: 'import', items: [validItem()] });
    await first.close();
    const again = await open(file);
    expect(await again.countResponses(deviceId)).toBe(1);
    await open(file); // a second handle while the first is open
    const raw = new Database(file, { readonly: true });
    defer(() => void raw.close());
    const steps = raw.prepare('SELECT version, reason FROM schema_migrations ORDER BY version').all() as Array<{ version: number; reason: string }>;
    expect(steps.map((s) => s.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    for (const step of steps) expect(step.reason.length).toBeGreaterThan(10);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('refuses a database written by a newer collector', async () => {
    const { file } = database();
    await open(file);
    const raw = new Database(file);
    raw.prepare("INSERT INTO schema_migrations VALUES (?, 'from the future', 'now')").run(SCHEMA_VERSION + 1);
    raw.close();
    expect(() => openSqliteStore(file)).toThrow(/newer than this collector understands/);
  });

  it('finds sequence gaps per kiosk, from 1 to the highest seq received', async () => {
    const { file } = database();
    const store = await open(file);
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'A', counterCode: 'B' });
    const kioskB = '0f0e0d0c-0b0a-4908-8706-050403020100';
    const items = [
      ...[1, 2, 5, 6, 9].map((seq) => validItem(makeResponse({ seq }))),
      ...[3, 4].map((seq) => validItem(makeResponse({ seq, kioskId: kioskB }))),
    ];
    await store.ingest({ deviceId, receivedAt: 'now', report: null, source: 'sync', items });
    expect(await store.findSequenceGaps(deviceId)).toEqual([
      { kioskId: '0f0e0d0c-0b0a-4908-8706-050403020100', from: 1, to: 2 },
      { kioskId: makeResponse().kioskId, from: 3, to: 4 },
      { kioskId: makeResponse().kioskId, from: 7, to: 8 },
    ]);
  });

  it('logs rejected items and records contact and report in the same transaction', async () => {
    const { file } = database();
    const store = await open(file);
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'A', counterCode: 'B' });
    const outcomes = await store.ingest({
      deviceId,
      receivedAt: '2026-03-02T02:00:00.000Z',
      report: null,
      source: 'sync',
      items: [{ kind: 'rejected', responseId: null, reason: 'because' }, validItem()],
    });
    expect(outcomes).toEqual([{ status: 'rejected', reason: 'because' }, { status: 'created' }]);
    expect((await store.getDevice(deviceId))?.lastContactAt).toBe('2026-03-02T02:00:00.000Z');
  });
});
