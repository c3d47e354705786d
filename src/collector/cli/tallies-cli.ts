/**
 * The report's scoring tallies against the rows they were counted from (safe while the collector runs:
 * one read transaction):
 *   tsx src/collector/cli/tallies-cli.ts check [--data ./data | --database <URL>] [--definitions survey-definitions]
 * Recomputes every tally from the stored responses with the definitions, prints each stored tally
 * that differs (or is missing, or left over) and exits 1 when there is any.
 */
import { DEFINITIONS_DIR, formatProblem, loadDefinitionsFromDir } from '../../build/definitions';
import type { ResponseStore, TallyDifference } from '../stores';
import { defineCli, existingStoreOf, fail, parseCommandLine, withStore } from './cli-helpers';

const USAGE = 'usage: tsx src/collector/cli/tallies-cli.ts check [--data <dir> | --database <URL>] [--definitions <dir>]';

/** Differences printed in full; the rest are counted. */
const PRINTED_DIFFERENCES = 50;

async function main(args?: string[]): Promise<void> {
  const commandLine = parseCommandLine({ usage: USAGE, args, options: { definitions: { type: 'string' } }, positionals: true });
  if (!commandLine) return;
  const { values, positionals } = commandLine;
  if (positionals.length !== 1 || positionals[0] !== 'check') fail(USAGE);
  const { definitions, problems } = loadDefinitionsFromDir(values.definitions ?? DEFINITIONS_DIR);
  if (problems.length > 0) fail(`${problems.length} problem(s) in the survey definitions\n${problems.map(formatProblem).join('\n')}`);
  // --database (or COLLECTOR_DATABASE_URL) checks a PostgreSQL collector, as the other staff commands do.
  const url = existingStoreOf(values);
  const differences = await withStore(url, (store) => checkTallies(store, definitions));
  if (differences.length > 0) fail(`${differences.length} tally row(s) differ from the responses they count`);
}

async function checkTallies(store: ResponseStore, definitions: Parameters<ResponseStore['checkTallies']>[0]): Promise<TallyDifference[]> {
  const differences = await store.checkTallies(definitions);
  for (const difference of differences.slice(0, PRINTED_DIFFERENCES)) {
    const k = difference.key;
    console.log(
      `differs: ${k.definitionId}@${k.definitionVersion} rollup=${k.rollup} agency=${JSON.stringify(k.agencyCode)} counter=${JSON.stringify(k.counterCode)}` +
        ` field=${JSON.stringify(k.serviceField)} period=${k.period} flags=${k.flags}\n  stored:   ${difference.stored ?? '(none)'}\n  expected: ${difference.expected ?? '(none)'}`,
    );
  }
  if (differences.length > PRINTED_DIFFERENCES) console.log(`… and ${differences.length - PRINTED_DIFFERENCES} more`);
  if (differences.length === 0) console.log('Tallies match the stored responses.');
  return differences;
}

/** The tallies command line; run at once when started as a script. */
export const talliesCli = defineCli('tallies', import.meta.url, main);
