/**
 * `tsx src/build/definitions/main.ts [dir]`: checks every definition file in `dir` (default: the shipped
 * survey-definitions/) and prints "ok: …" or one problem per line, exiting 1.
 */
import { resolve } from 'node:path';
import { definitionKey } from '../../shared/ids';
import { DEFINITIONS_DIR, formatProblem, loadDefinitionsFromDir } from './index';

const dir = process.argv[2] ? resolve(process.argv[2]) : DEFINITIONS_DIR;
const { definitions, problems } = loadDefinitionsFromDir(dir);
if (problems.length) {
  for (const problem of problems) console.error(formatProblem(problem));
  process.exitCode = 1;
} else {
  const list = definitions.map((d) => definitionKey(d.id, d.version)).join(', ');
  console.log(`ok: ${definitions.length} definition${definitions.length === 1 ? '' : 's'} (${list})`);
}
