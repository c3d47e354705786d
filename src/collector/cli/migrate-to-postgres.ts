/**
 * Moving a site up from its SQLite file to PostgreSQL:
 *   npm run collector -- migrate-to-postgres --from data/collector.sqlite --to postgres://user:password@host:5432/db
 *                                            [--definitions survey-definitions]
 * Copies devices, responses, conflicts, rejections, the staff password hash and audit log, the funnel
 * and everything else both schemas have, recomputes the tallies on PostgreSQL, prints a table of the
 * counts on both sides and exits 1 when any differs. Idempotent and resumable: rerun it after an
 * interruption, or to check a copy. Stop the collector on the SQLite file first, or rows arriving
 * during the copy are left behind (a rerun afterwards copies them). Staff sessions are not copied:
 * staff sign in again on the new collector.
 */
import { existsSync } from 'node:fs';
import { DEFINITIONS_DIR, formatProblem, loadDefinitionsFromDir } from '../../build/definitions';
import { copySqliteToPostgres, describeStoreUrl, isPostgresUrl, type CopyResult } from '../stores';
import { defineCli, fail, parseCommandLine } from './cli-helpers';

const USAGE = 'usage: npm run collector -- migrate-to-postgres --from <collector.sqlite> --to postgres://user:password@host:5432/db [--definitions <dir>]';

/** The copy's counts as a table for the terminal. */
export function formatCopyTable(result: CopyResult): string {
  const lines = [`${'table'.padEnd(22)} ${'SQLite'.padStart(10)} ${'PostgreSQL'.padStart(10)} ${'copied now'.padStart(10)}`];
  for (const t of result.tables) lines.push(`${t.table.padEnd(22)} ${String(t.source).padStart(10)} ${String(t.target).padStart(10)} ${String(t.inserted).padStart(10)}${t.source === t.target ? '' : '  MISMATCH'}`);
  if (result.skipped.length > 0) lines.push(`not on PostgreSQL yet, not copied: ${result.skipped.join(', ')}`);
  lines.push(result.tallyDifferences.length === 0 ? 'tallies: recomputed on PostgreSQL, consistent with its rows' : `tallies: ${result.tallyDifferences.length} difference(s)  MISMATCH`);
  return lines.join('\n');
}

/** The command's work on its words (after `migrate-to-postgres`); fails through cli-helpers' fail(). */
export async function migrateToPostgres(args?: string[]): Promise<void> {
  const commandLine = parseCommandLine({ usage: USAGE, args, options: { from: { type: 'string' }, to: { type: 'string' }, definitions: { type: 'string' } } });
  if (!commandLine) return;
  const { from, to, definitions: definitionsDir } = commandLine.values;
  if (from === undefined || to === undefined) fail(USAGE);
  if (!existsSync(from)) fail(`--from: no SQLite database at ${from}`);
  if (!isPostgresUrl(to)) fail(`--to: expected a postgres:// URL, found ${JSON.stringify(describeStoreUrl(to))}`);
  const { definitions, problems } = loadDefinitionsFromDir(definitionsDir ?? DEFINITIONS_DIR);
  if (problems.length > 0) fail(`${problems.length} problem(s) in the survey definitions\n${problems.map(formatProblem).join('\n')}`);
  console.log(`Copying ${from} into ${describeStoreUrl(to)} …`);
  const result = await copySqliteToPostgres(from, to, definitions, (line) => console.log(`  ${line}`));
  console.log(formatCopyTable(result));
  if (!result.matches) fail('the copy does not match the source (see the table above); run it again, or look at the rows marked MISMATCH');
  console.log('Copy complete: every count matches.');
}

/** The migrate-to-postgres command line; run at once when started as a script. */
export const migrateToPostgresCli = defineCli('migrate-to-postgres', import.meta.url, migrateToPostgres);
