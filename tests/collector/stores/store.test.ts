import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore, registerDevice, SCHEMA_VERSION, type CollectorStore } from '../../../src/collector';
import { deferCleanups, makeResponse, validItem } from '../helpers';
import { freshSqliteDatabase, queryPostgres } from '../test-databases';
import { describeEachStore, type StoreKit } from './store-contract';

const defer = deferCleanups();

/** Runs a statement on the store's database behind its back (better-sqlite3 or pg), as an intruder would. */
async function rawRun(kit: StoreKit, url: string, sql: string): Promise<void> {
  if (kit.kind === 'PostgreSQL') {
    await queryPostgres(url, sql);
    return;
  }
  const raw = new Database(url);
  try {
    raw.exec(sql);
  } finally {
    raw.close();
  }
}

async function rawVersions(kit: StoreKit, url: string): Promise<Array<{ version: number; reason: string }>> {
  const sql = 'SELECT version, reason FROM schema_migrations ORDER BY version';
  if (kit.kind === 'PostgreSQL') return queryPostgres(url, sql);
  const raw = new Database(url, { readonly: true });
  try {
    return raw.prepare(sql).all() as Array<{ version: number; reason: string }>;
  } finally {
    raw.close();
  }
}

describeEachStore('store', defer, (kit) => {
  const registered = async (store: CollectorStore) => (await registerDevice(store, { label: 'Quầy 1', agencyCode: 'A', counterCode: 'B' })).deviceId;

  it('keeps one row when two connections insert the same id', async () => {
    const { url } = kit.database();
    const first = await kit.open(url);
    const second = await kit.open(url);
    const deviceId = await registered(first);
    const item = validItem();
    const batch = { deviceId, receivedAt: '2026-03-02T02:00:00.000Z', report: null, source: 'sync' as const, items: [item] };
    const [a, b] = await Promise.all([first.ingest(batch), second.ingest(batch)]);
    expect([a[0].status, b[0].status].sort()).toEqual(['created', 'duplicate']);
    expect(await first.countResponses(deviceId)).toBe(1);
  });

  it('enforces the id uniqueness in the schema itself, not only in code', async () => {
    const { url } = kit.database();
    await kit.open(url);
    const bool = (value: boolean) => (kit.kind === 'PostgreSQL' ? String(value) : value ? '1' : '0');
    const blob = kit.kind === 'PostgreSQL' ? "'\\x00'::bytea" : "x'00'";
    await rawRun(kit, url, `INSERT INTO devices (id, label, agency_code, counter_code, token_hash, created_at) VALUES ('d', 'l', 'a', 'c', ${blob}, 'now')`);
    const insert = `INSERT INTO responses (id, device_id, kiosk_id, seq, definition_id, definition_version, status,
      agency_code, counter_code, locale, started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval,
      device_label, app_version, answers_json, content_hash, received_at, source, placed_at)
      VALUES ('same', 'd', 'k', 1, 'x', 1, 'complete', 'a', 'c', 'vi', 't', 't', 0, ${bool(false)}, ${bool(false)}, 'l', 'v', '{}', 'h', 't', 'sync', 't')`;
    await rawRun(kit, url, insert);
    await expect(rawRun(kit, url, insert)).rejects.toThrow(kit.kind === 'PostgreSQL' ? /duplicate key value violates unique constraint "responses_pkey"/ : /UNIQUE constraint failed: responses.id/);
  });

  it('runs its migrations once: opening twice changes nothing and keeps the data', async () => {
    const { url } = kit.database();
    const first = await openStore(url);
    const deviceId = await registered(first);
    await first.ingest({ deviceId, receivedAt: 'now', report: null, source: 'import', items: [validItem()] });
    await first.close();
    const again = await kit.open(url);
    expect(await again.countResponses(deviceId)).toBe(1);
    await kit.open(url); // a second handle while the first is open
    const steps = await rawVersions(kit, url);
    expect(steps.map((s) => s.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    for (const step of steps) expect(step.reason.length).toBeGreaterThan(10);
  });

  it('migrates once when several collectors open a new database at the same moment', async () => {
    const { url } = kit.database();
    const stores = await Promise.all([kit.open(url), kit.open(url), kit.open(url)]);
    const deviceId = await registered(stores[0]);
    expect((await stores[2].getDevice(deviceId))?.label).toBe('Quầy 1');
    expect((await rawVersions(kit, url)).map((s) => s.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('refuses a database written by a newer collector, with its code', async () => {
    const { url } = kit.database();
    await kit.open(url);
    await rawRun(kit, url, `INSERT INTO schema_migrations VALUES (${SCHEMA_VERSION + 1}, 'from the future', 'now')`);
    await expect(openStore(url)).rejects.toMatchObject({ code: 'store.schema-newer', message: expect.stringMatching(/newer than this collector understands/) });
  });

  it('finds sequence gaps per kiosk, from 1 to the highest seq received', async () => {
    const store = await kit.open();
    const deviceId = await registered(store);
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
    const store = await kit.open();
    const deviceId = await registered(store);
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

describe('SQLite store file', () => {
  it('is kept in WAL mode', async () => {
    const db = freshSqliteDatabase();
    defer(() => db.cleanup());
    const store = await openStore(db.url);
    defer(() => store.close());
    const raw = new Database(db.url, { readonly: true });
    defer(() => void raw.close());
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});
