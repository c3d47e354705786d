import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readSqliteMigrations, registerDevice, SCHEMA_VERSION, type StoredRow } from '../../../src/collector';
import { deferCleanups, makeResponse, seedResponses, storeHandles, validItem } from '../helpers';
import { describeEachStore } from './store-contract';

const defer = deferCleanups();

const { database, open } = storeHandles(defer);

async function all(snapshotRead: AsyncIterable<readonly StoredRow[]>): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  for await (const batch of snapshotRead) rows.push(...batch);
  return rows;
}

describe('SQLite only: schema version 2', () => {
  it('migrates a version 1 database keeping every row, and lets imported responses name no device', async () => {
    const { file } = database();
    const raw = new Database(file);
    raw.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, reason TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    // Exactly what a collector of schema version 1 left behind: step 0001 as shipped, and its record.
    const [first] = readSqliteMigrations();
    raw.exec(first.sql);
    raw.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run(first.reason, '2026-01-01T00:00:00.000Z');
    raw.prepare("INSERT INTO devices (id, label, agency_code, counter_code, token_hash, created_at) VALUES ('d1', 'Quầy 1', 'A', 'B', x'00', 'then')").run();
    const old = makeResponse({ agencyCode: 'A', counterCode: 'B', durationMs: 1000 });
    raw
      .prepare(
        `INSERT INTO responses VALUES (?, 'd1', ?, 1, 'sipas-test', 1, 'complete', 'A', 'B', 'vi', ?, ?, 1000, 0, 0, 'Quầy 1', '0.1.0', ?, 'hash', 'then', 'sync')`,
      )
      .run(old.id, old.kioskId, old.startedAt, old.completedAt, JSON.stringify(old.answers));
    raw.prepare("INSERT INTO conflicts (response_id, device_id, received_at, content_hash, body_json) VALUES ('r', 'd1', 'then', 'h', '{}')").run();
    raw.prepare("INSERT INTO rejections (device_id, response_id, received_at, reason) VALUES ('d1', NULL, 'then', 'bad')").run();
    raw.close();

    const store = await open(file);
    expect(SCHEMA_VERSION).toBe(readSqliteMigrations().length);
    const snapshot = await store.openResponseSnapshot({});
    const rows = await all(snapshot.responses());
    expect(rows).toEqual([
      { response: old, deviceId: 'd1', receivedAt: 'then', source: 'sync', collectorFlags: { clockSkewMs: null, clockSkew: false, placeMismatch: false }, placedAt: old.completedAt },
    ]);

    const imported = makeResponse({ seq: 2 });
    const outcomes = await store.ingest({ deviceId: null, receivedAt: '2026-03-02T00:00:00.000Z', report: null, source: 'import', items: [validItem(imported), { kind: 'rejected', responseId: null, reason: 'broken' }] });
    expect(outcomes.map((o) => o.status)).toEqual(['created', 'rejected']);

    const check = new Database(file, { readonly: true });
    defer(() => void check.close());
    expect(check.prepare('SELECT count(*) AS n FROM conflicts').get()).toEqual({ n: 1 });
    expect(check.prepare('SELECT device_id FROM rejections ORDER BY id').all()).toEqual([{ device_id: 'd1' }, { device_id: null }]);
    expect(check.prepare('SELECT device_id, source FROM responses WHERE id = ?').get(imported.id)).toEqual({ device_id: null, source: 'import' });
    expect(check.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(readSqliteMigrations().map((step) => ({ version: step.version })));
    // The id is still unique in the schema itself after the rebuild.
    const writer = new Database(file);
    defer(() => void writer.close());
    expect(() => writer.prepare('INSERT INTO responses SELECT * FROM responses LIMIT 1').run()).toThrow(/UNIQUE constraint failed: responses.id/);
  });
});

describeEachStore('response snapshots', defer, (kit) => {
  it('read a fixed snapshot ordered by completion time, while writes go on', async () => {
    const store = await kit.open();
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'A', counterCode: 'B' });
    await seedResponses(store, deviceId, 1000, (i) => makeResponse({ seq: i + 1, completedAt: new Date(Date.UTC(2026, 2, 2) + (999 - i) * 1000).toISOString() }));
    const snapshot = await store.openResponseSnapshot({});
    expect(snapshot.count).toBe(1000);
    expect(snapshot.definitions).toEqual([{ id: 'sipas-test', version: 1, count: 1000 }]);
    const reader = snapshot.responses();
    const first = await reader.next();
    // Mid-read, the main connection still writes …
    await seedResponses(store, deviceId, 1, () => makeResponse({ seq: 5000, completedAt: '2026-03-01T00:00:00.000Z' }));
    const rest: StoredRow[] = [...(first.value as StoredRow[])];
    for await (const batch of reader) rest.push(...batch);
    // … but the snapshot neither sees the new row nor changes its count.
    expect(rest).toHaveLength(1000);
    expect(rest.map((r) => r.response.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => 1000 - i));
    await expect(all(snapshot.responses())).rejects.toThrow(/read once/);
    await snapshot.close();
    // Closed too: an open snapshot holds a connection and its transaction (PostgreSQL), which a store's close waits for.
    const after = await store.openResponseSnapshot({});
    expect(after.count).toBe(1001);
    await after.close();
  });

  it('lists the agencies and counters responses came from', async () => {
    const store = await kit.open();
    await seedResponses(store, null, 3, (i) => makeResponse({ seq: i + 1, agencyCode: i === 2 ? 'SNV' : 'A', counterCode: 'Q1' }), 'import');
    expect(await store.listPlaces()).toEqual([
      { agencyCode: 'A', counterCode: 'Q1', count: 2 },
      { agencyCode: 'SNV', counterCode: 'Q1', count: 1 },
    ]);
  });
});

describeEachStore('staff sessions in the store', defer, (kit) => {
  it('finds a session only until it expires, and forgets expired ones', async () => {
    const store = await kit.open();
    const id = Buffer.alloc(32, 7);
    await store.addAdminSession(id, { createdAt: '2026-03-02T00:00:00.000Z', expiresAt: '2026-03-02T08:00:00.000Z' });
    expect(await store.findAdminSession(id, '2026-03-02T07:59:59.999Z')).toEqual({ createdAt: '2026-03-02T00:00:00.000Z', expiresAt: '2026-03-02T08:00:00.000Z' });
    expect(await store.findAdminSession(id, '2026-03-02T08:00:00.000Z')).toBeUndefined();
    expect(await store.deleteExpiredAdminSessions('2026-03-02T07:00:00.000Z')).toBe(0);
    expect(await store.deleteExpiredAdminSessions('2026-03-02T09:00:00.000Z')).toBe(1);
  });
});
