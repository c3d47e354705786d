/**
 * `collector migrate-to-postgres` (issue 12, part 6): a SQLite collector holding every kind of row is
 * copied into PostgreSQL; the counts and the SIPAS report then agree, a second run copies nothing, and a
 * copy cut short is completed by running it again. Needs TEST_DATABASE_URL; skipped (listed) without it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import { openStore, registerDevice, setAdminPassword, type CollectorStore } from '../../../src/collector';
import { collectorCli } from '../../../src/collector/cli';
import { copySqliteToPostgres } from '../../../src/collector/stores';
import { buildReport } from '../../../src/collector/staff-pages';
import { makeReport, makeResponse, seedResponses, validItem } from '../helpers';
import { freshPostgresDatabase, freshSqliteDatabase, queryPostgres, TEST_DATABASE_URL, type TestDatabase } from '../test-databases';
import { sipasResponse } from '../../bench/collector-admin';

const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
const CHEAP_COST = { N: 2 ** 10, r: 8, p: 1 };
const databases: TestDatabase[] = [];
afterEach(async () => {
  for (const db of databases.splice(0)) await db.cleanup();
});

/** A SQLite collector with devices, responses from sync and import, a conflict, a rejection, staff data and funnel counts. */
async function seededSqlite(): Promise<string> {
  const db = freshSqliteDatabase();
  databases.push(db);
  const store = await openStore(db.url);
  try {
    await store.useDefinitions(definitions);
    const { deviceId } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'STP', counterCode: 'Q01', agencyName: 'Sở Tư pháp', counterName: 'Quầy 1' });
    await registerDevice(store, { label: 'Quầy 2', agencyCode: 'SNV', counterCode: 'Q02' });
    const kioskIds = [randomUUID(), randomUUID()];
    await seedResponses(store, deviceId, 240, (i) => sipasResponse(i, kioskIds), 'sync');
    await seedResponses(store, null, 60, (i) => sipasResponse(1000 + i, [randomUUID()]), 'import');
    // One batch with a conflict (a stored id, other content) and a rejection.
    const stored = makeResponse({ definitionId: 'sipas-2023', kioskId: kioskIds[0], seq: 500, answers: { TC1: 5 } });
    await store.ingest({ deviceId, receivedAt: '2026-03-02T02:00:00.000Z', report: makeReport({ kioskId: kioskIds[0] }), source: 'sync', items: [validItem(stored)] });
    await store.ingest({
      deviceId,
      receivedAt: '2026-03-02T03:00:00.000Z',
      report: makeReport({ kioskId: kioskIds[0] }),
      source: 'sync',
      items: [validItem({ ...stored, answers: { TC1: 1 } }), { kind: 'rejected', responseId: randomUUID(), reason: 'seq: expected a positive integer', kioskId: kioskIds[1], seq: null }],
    });
    await setAdminPassword(store, 'mật khẩu chuyển nhà 2026', new Date('2026-03-01T00:00:00.000Z'), 'admin-cli', CHEAP_COST);
    await store.recordAudit({ at: '2026-03-02T04:00:00.000Z', address: '10.0.0.7', action: 'export', outcome: 'success', details: { rows: 300 } });
    await store.recordFunnel(deviceId, kioskIds[0], { agencyCode: 'STP', counterCode: 'Q01' }, [
      { day: '2026-03-02', definitionId: 'sipas-2023', definitionVersion: 1, started: 9, completed: 6, completedByTimeout: 1, abandoned: { TC1: 2 } },
    ], '2026-03-02T04:00:00.000Z');
  } finally {
    await store.close();
  }
  return db.url;
}

function freshTarget(): string {
  const db = freshPostgresDatabase();
  databases.push(db);
  return db.url;
}

async function reportOf(store: CollectorStore): Promise<unknown> {
  return buildReport(store, definitions, { query: { definition: 'sipas-2023' }, values: {}, generatedAt: '2026-03-03T00:00:00.000Z' });
}

async function withBoth<T>(from: string, to: string, work: (sqlite: CollectorStore, postgres: CollectorStore) => Promise<T>): Promise<T> {
  const sqlite = await openStore(from);
  const postgres = await openStore(to);
  try {
    return await work(sqlite, postgres);
  } finally {
    await sqlite.close();
    await postgres.close();
  }
}

describe.skipIf(TEST_DATABASE_URL === undefined)(TEST_DATABASE_URL === undefined ? 'migrate-to-postgres (skipped: TEST_DATABASE_URL is not set)' : 'migrate-to-postgres', () => {
  it('copies every kind of row: equal counts, the same report, the same fleet figures and staff sign-in', async () => {
    const from = await seededSqlite();
    const to = freshTarget();
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
    const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
    let code: number;
    try {
      code = await collectorCli(['migrate-to-postgres', '--from', from, '--to', to]);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    const output = lines.join('\n');
    expect(code, output).toBe(0);
    expect(output).toMatch(/responses\s+301\s+301\s+301/);
    expect(output).toContain('Copy complete: every count matches.');
    expect(output).not.toContain(':sipas@'.replace('sipas@', 'sipas:')); // the URL is shown without its password

    await withBoth(from, to, async (sqlite, postgres) => {
      expect(await reportOf(postgres)).toEqual(await reportOf(sqlite));
      const devices = await sqlite.listDevices();
      expect(await postgres.listDevices()).toEqual(devices);
      for (const device of devices) {
        expect(await postgres.countResponses(device.id)).toBe(await sqlite.countResponses(device.id));
        expect(await postgres.findSequenceGaps(device.id)).toEqual(await sqlite.findSequenceGaps(device.id));
        expect(await postgres.countSetAside(device.id)).toEqual(await sqlite.countSetAside(device.id));
      }
      // The fleet figures are recomputed on the target from the copied rows: the fleet view reads the same.
      expect(await postgres.listFleetFigures?.()).toEqual(await sqlite.listFleetFigures?.());
      expect((await postgres.listConflicts()).entries).toEqual((await sqlite.listConflicts()).entries);
      expect((await postgres.listRejections()).entries).toEqual((await sqlite.listRejections()).entries);
      expect(await postgres.getAdminPasswordHash()).toBe(await sqlite.getAdminPasswordHash());
      expect(await postgres.listAudit({ limit: 50 })).toEqual(await sqlite.listAudit({ limit: 50 }));
      expect(await postgres.readFunnel()).toEqual(await sqlite.readFunnel());
      expect(await postgres.checkTallies(definitions)).toEqual([]);
    });
  }, 120_000);

  it('copies nothing the second time and still reports a match', async () => {
    const from = await seededSqlite();
    const to = freshTarget();
    const first = await copySqliteToPostgres(from, to, definitions);
    const second = await copySqliteToPostgres(from, to, definitions);
    expect(first.matches).toBe(true);
    expect(second.matches).toBe(true);
    expect(second.tables.map((t) => [t.table, t.inserted])).toEqual(second.tables.map((t) => [t.table, 0]));
    expect(second.tables.map((t) => [t.table, t.target])).toEqual(first.tables.map((t) => [t.table, t.target]));
  }, 120_000);

  it('completes a copy cut short when run again, and fails with a mismatch while the target lacks rows', async () => {
    const from = await seededSqlite();
    const to = freshTarget();
    await copySqliteToPostgres(from, to, definitions);
    // What a copy killed halfway leaves: some responses, no conflicts, an audit log begun.
    await queryPostgres(to, 'DELETE FROM responses WHERE id IN (SELECT id FROM responses ORDER BY id LIMIT 150)');
    await queryPostgres(to, 'DELETE FROM conflicts');
    await queryPostgres(to, 'DELETE FROM audit_log');

    const resumed = await copySqliteToPostgres(from, to, definitions);
    expect(resumed.matches).toBe(true);
    const inserted = Object.fromEntries(resumed.tables.map((t) => [t.table, t.inserted]));
    expect(inserted).toMatchObject({ responses: 150, conflicts: 1, devices: 0 });
    expect(inserted.audit_log).toBeGreaterThanOrEqual(1);
    await withBoth(from, to, async (sqlite, postgres) => {
      expect(await reportOf(postgres)).toEqual(await reportOf(sqlite));
    });
  }, 120_000);

  it('exits 1 with the table when the target holds rows the source has not', async () => {
    const from = await seededSqlite();
    const to = freshTarget();
    await copySqliteToPostgres(from, to, definitions);
    const extra = await openStore(to);
    try {
      await registerDevice(extra, { label: 'Chỉ ở PostgreSQL', agencyCode: 'SYT', counterCode: 'Q09' });
    } finally {
      await extra.close();
    }
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
    const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
    let code: number;
    try {
      code = await collectorCli(['migrate-to-postgres', '--from', from, '--to', to]);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(/devices\s+2\s+3\s+0\s+MISMATCH/);
  }, 120_000);
});
