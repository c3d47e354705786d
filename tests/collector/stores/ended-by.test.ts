import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore, readSqliteMigrations, TALLY_FLAG_BITS, type CollectorStore, type ResponseFilter, type ResponseSnapshot } from '../../../src/collector/stores';
import type { SurveyResponse } from '../../../src/shared/survey';
import { DEFINITIONS, deferCleanups, makeResponse, tempDatabase, validItem } from '../helpers';
import { describeEachStore } from './store-contract';

const defer = deferCleanups();

async function readAll<T>(snapshot: ResponseSnapshot, read: (s: ResponseSnapshot) => AsyncIterable<readonly T[]>): Promise<T[]> {
  const rows: T[] = [];
  for await (const batch of read(snapshot)) rows.push(...batch);
  return rows;
}

const ended = (seq: number, endedBy?: 'citizen' | 'timeout'): SurveyResponse =>
  makeResponse({ seq, completedAt: `2026-03-1${seq}T02:00:00.000Z`, answers: { TC1: 4, PA0: 'no' }, ...(endedBy ? { endedBy } : {}) });

async function ingest(store: CollectorStore, responses: SurveyResponse[]): Promise<void> {
  const outcomes = await store.ingest({ deviceId: null, receivedAt: '2026-04-01T00:00:00.000Z', report: null, source: 'import', items: responses.map((r) => validItem(r)) });
  expect(outcomes.map((o) => o.status)).toEqual(responses.map(() => 'created'));
}

describeEachStore('how a response ended, in the store', defer, (kit) => {
  const freshStore = async (): Promise<{ store: CollectorStore }> => ({ store: await kit.open() });

  it('reads back as it was sent: timeout, citizen, and absent for an older kiosk', async () => {
    const { store } = await freshStore();
    const sent = [ended(1, 'timeout'), ended(2, 'citizen'), ended(3)];
    await ingest(store, sent);
    const rows = await readAll(await store.openResponseSnapshot({}), (s) => s.responses());
    expect(rows.map((row) => row.response)).toEqual(sent);
    expect('endedBy' in rows[2].response).toBe(false);
    const scorable = await readAll(await store.openResponseSnapshot({}), (s) => s.scorable());
    expect(scorable.map((row) => row.endedBy ?? null).sort()).toEqual(['citizen', 'timeout', null].sort());
  });

  it.each<[string, ResponseFilter, number[]]>([
    ['nothing left out', {}, [1, 2, 3]],
    ['the timeout’s left out (NULL counts as the citizen’s)', { excludeFlags: ['endedByTimeout'] }, [2, 3]],
  ])('filters: %s', async (_name, filter, seqs) => {
    const { store } = await freshStore();
    await ingest(store, [ended(1, 'timeout'), ended(2, 'citizen'), ended(3)]);
    const rows = await readAll(await store.openResponseSnapshot(filter), (s) => s.responses());
    expect(rows.map((row) => row.response.seq).sort()).toEqual(seqs);
  });

  it('tallies a timeout’s response under the endedByTimeout bit, and the tallies match the rows', async () => {
    const { store } = await freshStore();
    await store.useDefinitions(DEFINITIONS);
    await ingest(store, [ended(1, 'timeout'), ended(2, 'citizen'), ended(3)]);
    const rows = await store.readTallies({ definitionId: 'sipas-test', definitions: DEFINITIONS });
    const byFlags = Object.fromEntries(rows.map((row) => [row.flags, row.tally.responses]));
    expect(byFlags).toEqual({ 0: 2, [TALLY_FLAG_BITS.endedByTimeout]: 1 });
    expect(TALLY_FLAG_BITS.endedByTimeout).toBe(16);
    expect(await store.checkTallies(DEFINITIONS)).toEqual([]);
  });
});

describe('migration 0011 (ended_by) on a database at schema 10 with responses', () => {
  it('keeps the responses, reads them as not having said how they ended, and keeps their tallies exact', async () => {
    const db = tempDatabase();
    defer(() => db.cleanup());
    // A database as a collector of schema 10 left it, with one response stored.
    const raw = new Database(db.file);
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, reason TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    for (const step of readSqliteMigrations().filter((m) => m.version <= 10)) {
      raw.exec(step.sql);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(step.version, step.reason, '2026-01-01T00:00:00.000Z');
    }
    const old = ended(1);
    raw
      .prepare(
        `INSERT INTO responses (id, device_id, kiosk_id, seq, definition_id, definition_version, status, agency_code, counter_code,
           locale, started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval, device_label, app_version,
           answers_json, content_hash, received_at, source, clock_skew_ms, flag_clock_skew, placed_at, flag_place_mismatch)
         VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, 'h', '2026-03-11T00:00:00.000Z', 'import', NULL, 0, ?, 0)`,
      )
      .run(old.id, old.kioskId, old.seq, old.definitionId, old.definitionVersion, old.status, old.agencyCode, old.counterCode, old.locale,
        old.startedAt, old.completedAt, old.durationMs, old.deviceLabel, old.appVersion, JSON.stringify(old.answers), old.completedAt);
    // As 0009 would have: the version's tallies are to be recomputed from the rows.
    raw.exec("INSERT INTO tally_stale_versions VALUES ('sipas-test', 1, 0)");
    raw.close();

    const store = await openStore(db.file);
    defer(() => store.close());
    const columns = new Database(db.file, { readonly: true });
    const endedBy = columns.prepare<[], { ended_by: string | null }>('SELECT ended_by FROM responses').all();
    columns.close();
    expect(endedBy).toEqual([{ ended_by: null }]);
    const rows = await readAll(await store.openResponseSnapshot({}), (s) => s.responses());
    expect(rows.map((row) => row.response)).toEqual([old]);

    await store.useDefinitions(DEFINITIONS);
    await ingest(store, [ended(2, 'timeout')]);
    const tallies = await store.readTallies({ definitionId: 'sipas-test', definitions: DEFINITIONS });
    expect(Object.fromEntries(tallies.map((row) => [row.flags, row.tally.responses]))).toEqual({ 0: 1, 16: 1 });
    expect(await store.checkTallies(DEFINITIONS)).toEqual([]);
  });
});
