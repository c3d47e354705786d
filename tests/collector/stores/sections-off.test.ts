import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../../src/build/definitions';
import { choicesFromTally, emptyTally, addTally, type SurveyDefinition, type SurveyResponse } from '../../../src/shared/survey';
import { openStore, readSqliteMigrations, SCHEMA_VERSION, type CollectorStore } from '../../../src/collector/stores';
import { deferCleanups, makeResponse, tempDatabase, validItem } from '../helpers';
import { describeEachStore } from './store-contract';

// Tallies of responses that say which optional sections their tablet had switched off (issue 11,
// part 5): the not-asked counts are kept at ingest and equal a recomputation from the rows.

const defer = deferCleanups();
const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
const sipas2023 = definitions.find((d) => d.id === 'sipas-2023' && d.version === 1) as SurveyDefinition;

const KIOSK_A = '0b7e2c1a-8d4f-4a6b-9c3e-1f2a3b4c5d6e';
const KIOSK_B = '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f';

/** Tablet A asks everything; tablet B has the process section switched off. */
function tabletResponses(): SurveyResponse[] {
  const core = { TC1: 4, TT1: 5, CC1: 4, KQ1: 3, PA0: 'no' };
  const a = (seq: number, extra: SurveyResponse['answers']) =>
    makeResponse({ definitionId: 'sipas-2023', kioskId: KIOSK_A, seq, counterCode: 'QA', completedAt: `2026-03-1${seq}T02:00:00.000Z`, answers: { ...core, ...extra } });
  const b = (seq: number, extra: SurveyResponse['answers']) =>
    makeResponse({ definitionId: 'sipas-2023', kioskId: KIOSK_B, seq, counterCode: 'QB', completedAt: `2026-03-1${seq}T03:00:00.000Z`, answers: { ...core, ...extra }, sectionsOff: ['process'] });
  return [a(1, { PROC1: 'c1', PROC2: 'yes', PROC3: 'yes' }), a(2, { PROC2: 'no', INT1: 'none' }), a(3, {}), b(1, { INT1: 'many' }), b(2, {})];
}

async function summedChoices(store: CollectorStore) {
  const rows = await store.readTallies({ definitionId: 'sipas-2023', definitions: [sipas2023] });
  const total = emptyTally();
  for (const row of rows) addTally(total, row.tally);
  return Object.fromEntries(choicesFromTally(sipas2023, total).map((c) => [c.questionId, c]));
}

describeEachStore('tallies with switched-off sections, kept at ingest', defer, (kit) => {
  /*
   *           PROC1  PROC2  PROC3 (if PROC2 = yes)   INT1
   *   A1      c1     yes    yes                      —
   *   A2      —      no     (not applicable)         none
   *   A3      —      —      (not applicable)         —
   *   B1, B2  (process off)                          many, —
   *
   *   PROC1 asked 3 answered 1, not asked 2 (switched off 2); PROC2 asked 3 answered 2, not asked 2;
   *   PROC3 asked 1 answered 1, not asked 4 (2 off, 2 by the condition); INT1 asked 5 answered 2.
   */
  it('count asked, answered, not asked and switched off per question, and equal the rows', async () => {
    const store = await kit.open();
    await store.useDefinitions([sipas2023]);
    const outcomes = await store.ingest({ deviceId: null, receivedAt: '2026-04-01T00:00:00.000Z', report: null, source: 'import', items: tabletResponses().map((r) => validItem(r)) });
    expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill('created'));
    const byId = await summedChoices(store);
    expect(['PROC1', 'PROC2', 'PROC3', 'INT1'].map((id) => [id, byId[id].asked, byId[id].answered, byId[id].notAsked, byId[id].switchedOff])).toEqual([
      ['PROC1', 3, 1, 2, 2],
      ['PROC2', 3, 2, 2, 2],
      ['PROC3', 1, 1, 4, 2],
      ['INT1', 5, 2, 0, 0],
    ]);
    expect(await store.checkTallies([sipas2023])).toEqual([]);
  });

  it('read back as they were sent: the sections switched off, absent for an older kiosk', async () => {
    const store = await kit.open();
    const sent = [tabletResponses()[0], tabletResponses()[3]];
    await store.ingest({ deviceId: null, receivedAt: '2026-04-01T00:00:00.000Z', report: null, source: 'import', items: sent.map((r) => validItem(r)) });
    const snapshot = await store.openResponseSnapshot({});
    const rows = [];
    for await (const batch of snapshot.responses()) rows.push(...batch);
    expect(rows.map((row) => row.response).sort((a, b) => a.kioskId.localeCompare(b.kioskId))).toEqual(sent);
    expect('sectionsOff' in rows.find((row) => row.response.kioskId === KIOSK_A)!.response).toBe(false);
  });
});

describe('tallies with switched-off sections, migration 0013 (SQLite)', () => {
  it('are recomputed from the rows after migration 0013, with sections_off NULL for the older responses', async () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(13);
    const db = tempDatabase();
    defer(() => db.cleanup());
    // A database as a collector of schema 12 left it: one response, and a tally row of the old layout (1).
    const raw = new Database(db.file);
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, reason TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    for (const step of readSqliteMigrations().filter((m) => m.version <= 12)) {
      raw.exec(step.sql);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(step.version, step.reason, '2026-01-01T00:00:00.000Z');
    }
    const old = makeResponse({ definitionId: 'sipas-2023', answers: { TC1: 4, PA0: 'no', INT1: 'none' } });
    raw
      .prepare(
        `INSERT INTO responses (id, device_id, kiosk_id, seq, definition_id, definition_version, status, agency_code, counter_code,
           locale, started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval, device_label, app_version,
           answers_json, content_hash, received_at, source, clock_skew_ms, flag_clock_skew, placed_at, flag_place_mismatch)
         VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, 'h', '2026-03-11T00:00:00.000Z', 'import', NULL, 0, ?, 0)`,
      )
      .run(old.id, old.kioskId, old.seq, old.definitionId, old.definitionVersion, old.status, old.agencyCode, old.counterCode, old.locale,
        old.startedAt, old.completedAt, old.durationMs, old.deviceLabel, old.appVersion, JSON.stringify(old.answers), old.completedAt);
    raw
      .prepare(
        `INSERT INTO tallies VALUES ('sipas-2023', 7, '', '', '', '2026-03', 1, 0, 1, 0, 0, 1, ?)`,
      )
      .run(Buffer.alloc(8));
    raw.close();

    const store = await openStore(db.file);
    defer(() => store.close());
    const column = new Database(db.file, { readonly: true });
    expect(column.prepare('SELECT sections_off FROM responses').all()).toEqual([{ sections_off: null }]);
    column.close();
    await store.useDefinitions([sipas2023]);
    await store.ingest({ deviceId: null, receivedAt: '2026-04-01T00:00:00.000Z', report: null, source: 'import', items: [validItem(tabletResponses()[3])] });
    const byId = await summedChoices(store);
    expect([byId.INT1.asked, byId.INT1.answered, byId.PROC1.asked, byId.PROC1.notAsked, byId.PROC1.switchedOff]).toEqual([2, 2, 1, 1, 1]);
    expect(await store.checkTallies([sipas2023])).toEqual([]);
  });
});
