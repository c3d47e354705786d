/**
 * Seeds a PostgreSQL collector database in bulk for the benchmarks at 1 and 10 million responses, as
 * bulk-seed.ts does on SQLite: the rows through COPY (pg-copy-streams, text format, no ingest checks,
 * no tally per response; the comment mark set as ingest sets it), every version marked stale with no
 * counts kept, then the fleet figures by the store's own rebuild. The tallies are computed by the store's own recomputation from the rows,
 * at its next useDefinitions (as after a copy from SQLite).
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { canonicalJson, type SurveyResponse } from '../../src/shared/survey';
import { openStore } from '../../src/collector';
import { parsePostgresUrl, rebuildPgFleetFigures, textAnswerMark } from '../../src/collector/stores';
import { benchDefinitionOf } from './bulk-seed';

/** The columns copied, in the order each line gives them (the others keep their defaults). */
const COLUMNS = [
  'id', 'device_id', 'kiosk_id', 'seq', 'definition_id', 'definition_version', 'status', 'agency_code', 'counter_code',
  'locale', 'started_at', 'completed_at', 'duration_ms', 'flag_too_fast', 'flag_below_min_interval', 'device_label',
  'app_version', 'answers_json', 'content_hash', 'received_at', 'source', 'placed_at', 'has_text_answer',
] as const;

/** A value in COPY's text format: \N for null; backslash, tab and line ends escaped. */
function copyText(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Lines per chunk pushed into the COPY stream: a few MB, so memory stays flat at any n. */
const LINES_PER_CHUNK = 2_000;

/** Writes n responses made by `make` into the collector database at `url` (migrated first), as if received through `deviceOf(i)`. */
export async function bulkSeedPostgres(url: string, n: number, make: (i: number) => SurveyResponse, deviceOf: (i: number) => string | null = () => null): Promise<void> {
  await (await openStore(url)).close();
  const target = parsePostgresUrl(url);
  const client = new pg.Client({ connectionString: target.connectionString, ...(target.schema === undefined ? {} : { options: `-c search_path=${target.schema}` }) });
  await client.connect();
  try {
    const versions = new Set<string>();
    const receivedAt = new Date().toISOString();
    const definitionOf = benchDefinitionOf();
    function* chunks(): Generator<string> {
      for (let start = 0; start < n; start += LINES_PER_CHUNK) {
        const lines: string[] = [];
        for (let i = start; i < Math.min(n, start + LINES_PER_CHUNK); i++) {
          const r = make(i);
          const deviceId = deviceOf(i);
          versions.add(JSON.stringify([r.definitionId, r.definitionVersion]));
          const completedAt = new Date(r.completedAt).toISOString();
          const values = [
            r.id, deviceId, r.kioskId, r.seq, r.definitionId, r.definitionVersion, r.status, r.agencyCode, r.counterCode,
            r.locale, new Date(r.startedAt).toISOString(), completedAt, r.durationMs, r.flags.tooFast, r.flags.belowMinInterval,
            r.deviceLabel, r.appVersion, canonicalJson(r.answers), `bulk-${i}`, receivedAt, deviceId === null ? 'import' : 'sync', completedAt,
            textAnswerMark(definitionOf(r.definitionId, r.definitionVersion), r.answers),
          ];
          lines.push(values.map(copyText).join('\t'));
        }
        yield `${lines.join('\n')}\n`;
      }
    }
    await client.query('BEGIN');
    await pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY responses (${COLUMNS.join(', ')}) FROM STDIN`)));
    // Stale with no counts kept: the store recomputes these versions' tallies from the rows.
    for (const key of versions) {
      const [id, version] = JSON.parse(key) as [string, number];
      await client.query(
        `INSERT INTO tally_stale_versions (definition_id, definition_version, counts_kept) VALUES ($1, $2, false)
         ON CONFLICT (definition_id, definition_version) DO UPDATE SET counts_kept = false`,
        [id, version],
      );
    }
    await rebuildPgFleetFigures(client);
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
