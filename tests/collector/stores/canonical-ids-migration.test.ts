import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readSqliteMigrations } from '../../../src/collector/stores';
import { deferCleanups, storeHandles } from '../helpers';

const defer = deferCleanups();
const { database, open } = storeHandles(defer);

const KIOSK = '7d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const A = '0b6f3c1e-8a4d-4c6e-9f1a-2b3c4d5e6f70';
const B = '1c7f3c1e-8a4d-4c6e-9f1a-2b3c4d5e6f71';
const C = '2d8f3c1e-8a4d-4c6e-9f1a-2b3c4d5e6f72';
const D = '3e9f3c1e-8a4d-4c6e-9f1a-2b3c4d5e6f73';

/**
 * A database as a collector before canonical ids left it: migrations 1–3 applied, and responses whose
 * ids arrived in several cases (A twice, C three times without a lower-case one, B and D once each).
 */
function databaseBeforeCanonicalIds(): string {
  const { file } = database();
  const raw = new Database(file);
  raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, reason TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  for (const step of readSqliteMigrations().slice(0, 3)) {
    raw.exec(step.sql);
    raw.prepare("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00.000Z')").run(step.version, step.reason);
  }
  raw.prepare(`INSERT INTO devices (id, label, agency_code, counter_code, token_hash, created_at) VALUES ('d1', 'Quầy 1', 'SNV', 'Q1', x'00', '2026-01-01T00:00:00.000Z')`).run();
  const insert = raw.prepare(
    `INSERT INTO responses (id, device_id, kiosk_id, seq, definition_id, definition_version, status, agency_code, counter_code, locale,
       started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval, device_label, app_version, answers_json, content_hash,
       received_at, source)
     VALUES (?, 'd1', ?, ?, 'sipas-test', 1, 'complete', 'SNV', 'Q1', 'vi', '2026-03-02T01:00:00.000Z', '2026-03-02T01:01:30.000Z', 90000, 0, 0,
       'Quầy 1', '0.1.0', '{}', ?, ?, 'sync')`,
  );
  const rows: Array<[string, string, number]> = [
    [A, KIOSK, 1],
    [A.toUpperCase(), KIOSK.toUpperCase(), 1],
    [B.toUpperCase(), KIOSK.toUpperCase(), 2],
    [C.toUpperCase(), KIOSK, 3],
    [`${C.slice(0, 10).toUpperCase()}${C.slice(10)}`, KIOSK, 3],
    [`${C.slice(0, 20)}${C.slice(20).toUpperCase()}`, KIOSK, 3],
    [D, KIOSK, 4],
  ];
  rows.forEach(([id, kioskId, seq], i) => insert.run(id, kioskId, seq, `hash-${i}`, `2026-03-02T02:00:0${i}.000Z`));
  raw.prepare("INSERT INTO conflicts (response_id, device_id, received_at, content_hash, body_json) VALUES (?, 'd1', '2026-03-03T00:00:00.000Z', 'h', '{}')").run(B.toUpperCase());
  raw.prepare("INSERT INTO rejections (device_id, response_id, received_at, reason) VALUES ('d1', ?, '2026-03-03T00:00:00.000Z', 'x')").run(D.toUpperCase());
  raw.close();
  return file;
}

describe('migration 0004: canonical ids', () => {
  it('lower-cases ids where no collision arises, records case-duplicates and deletes nothing', async () => {
    const file = databaseBeforeCanonicalIds();
    const store = await open(file);
    const check = new Database(file, { readonly: true });
    defer(() => void check.close());

    const ids = (check.prepare('SELECT id FROM responses ORDER BY rowid').all() as Array<{ id: string }>).map((r) => r.id);
    expect(ids).toEqual([
      A,
      A.toUpperCase(),
      B,
      C,
      `${C.slice(0, 10).toUpperCase()}${C.slice(10)}`,
      `${C.slice(0, 20)}${C.slice(20).toUpperCase()}`,
      D,
    ]);
    expect(check.prepare('SELECT DISTINCT kiosk_id FROM responses').all()).toEqual([{ kiosk_id: KIOSK }]);
    expect(check.prepare('SELECT response_id FROM conflicts').all()).toEqual([{ response_id: B }]);
    expect(check.prepare('SELECT response_id FROM rejections').all()).toEqual([{ response_id: D }]);

    const duplicates = await store.listCaseDuplicateIds();
    expect(duplicates.map(({ canonicalId, ids }) => ({ canonicalId, ids }))).toEqual([
      { canonicalId: A, ids: [A, A.toUpperCase()] },
      { canonicalId: C, ids: [C, `${C.slice(0, 10).toUpperCase()}${C.slice(10)}`, `${C.slice(0, 20)}${C.slice(20).toUpperCase()}`] },
    ]);
    for (const entry of duplicates) expect(entry.foundAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('finds no case-duplicates in a database without any', async () => {
    const { file } = database();
    const store = await open(file);
    expect(await store.listCaseDuplicateIds()).toEqual([]);
  });
});
