/**
 * Seeds a SQLite collector file in bulk for the benchmarks at 1 and 10 million responses: the rows by
 * plain inserts (no ingest checks, no tally per response; the comment mark set as ingest sets it, from
 * the definitions given), then the figures ingest would have kept, computed by the store's own code
 * from the rows: every version's tallies per group (marked stale, so the next useDefinitions
 * recomputes them) and the fleet figures.
 */
import Database from 'better-sqlite3';
import { canonicalJson, type SurveyDefinition, type SurveyResponse } from '../../src/shared/survey';
import { openSqliteStore } from '../../src/collector';
import { rebuildFleetFigures, textAnswerMark } from '../../src/collector/stores';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';

/** Rows per transaction: one transaction of 10,000,000 rows would hold all of them in the WAL before its checkpoint. */
const ROWS_PER_TRANSACTION = 100_000;

/** The definitions the seeded rows are marked with, as a collector that was given them marks what it ingests. */
export function benchDefinitionOf(): (id: string, version: number) => SurveyDefinition | undefined {
  const { definitions } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  return (id, version) => definitions.find((d) => d.id === id && d.version === version);
}

/** A mark as SQLite stores it (0/1, NULL unknown). */
function sqliteMark(mark: boolean | null): number | null {
  return mark === null ? null : mark ? 1 : 0;
}

/** Writes n responses made by `make` into the collector file (migrated first), as if received through `deviceOf(i)`. */
export async function bulkSeed(file: string, n: number, make: (i: number) => SurveyResponse, deviceOf: (i: number) => string | null = () => null): Promise<void> {
  // Opening the store once creates or migrates the schema the rows go into.
  await openSqliteStore(file).close();
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    // A page cache of 1 GB: the primary key and indexes of 10,000,000 rows outgrow the default 2 MB at once.
    db.pragma('cache_size = -1000000');
    const insert = db.prepare(
      `INSERT INTO responses (
         id, device_id, kiosk_id, seq, definition_id, definition_version, status, agency_code, counter_code,
         locale, started_at, completed_at, duration_ms, flag_too_fast, flag_below_min_interval, device_label,
         app_version, answers_json, content_hash, received_at, source, clock_skew_ms, flag_clock_skew, placed_at, flag_place_mismatch,
         has_text_answer)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, ?, 0, ?)`,
    );
    const versions = new Set<string>();
    const receivedAt = new Date().toISOString();
    const definitionOf = benchDefinitionOf();
    const insertRows = db.transaction((start: number, end: number) => {
      for (let i = start; i < end; i++) {
        const r = make(i);
        const deviceId = deviceOf(i);
        versions.add(JSON.stringify([r.definitionId, r.definitionVersion]));
        const completedAt = new Date(r.completedAt).toISOString();
        insert.run(
          r.id, deviceId, r.kioskId, r.seq, r.definitionId, r.definitionVersion, r.status, r.agencyCode, r.counterCode,
          r.locale, new Date(r.startedAt).toISOString(), completedAt, r.durationMs, r.flags.tooFast ? 1 : 0,
          r.flags.belowMinInterval ? 1 : 0, r.deviceLabel, r.appVersion, canonicalJson(r.answers), `bulk-${i}`,
          receivedAt, deviceId === null ? 'import' : 'sync', completedAt, sqliteMark(textAnswerMark(definitionOf(r.definitionId, r.definitionVersion), r.answers)),
        );
      }
    });
    for (let start = 0; start < n; start += ROWS_PER_TRANSACTION) insertRows(start, Math.min(n, start + ROWS_PER_TRANSACTION));
    db.transaction(() => {
      // Stale with no counts kept: the store recomputes these versions' tallies from the rows.
      const stale = db.prepare(
        `INSERT INTO tally_stale_versions (definition_id, definition_version, counts_kept) VALUES (?, ?, 0)
         ON CONFLICT (definition_id, definition_version) DO UPDATE SET counts_kept = 0`,
      );
      for (const key of versions) stale.run(...(JSON.parse(key) as [string, number]));
    })();
    rebuildFleetFigures(db);
  } finally {
    db.close();
  }
}
