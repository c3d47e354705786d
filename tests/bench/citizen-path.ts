/**
 * Length of the citizen's path, from the definitions themselves (issue 8): screens and estimated
 * seconds of the core path (welcome → scored core → checkpoint → thank-you) and of the full path
 * (… → extras → send → thank-you), at 3 syllables/s plus 1.5 s per tap (shared/survey/path.ts).
 * `npx tsx tests/bench/citizen-path.ts` prints these figures alone.
 */
import { fileURLToPath } from 'node:url';
import { DEFINITIONS_DIR, formatProblem, loadDefinitionsFromDir } from '../../src/build/definitions';
import { estimatePath, type PathEstimate } from '../../src/shared/survey';

/** The shipped instruments the figures are given for, in the order they are printed. */
export const CITIZEN_PATH_DEFINITIONS = ['sipas-2023', 'sipas-2017'] as const;
export const CITIZEN_PATH_LOCALES = ['vi', 'en'] as const;

export interface CitizenPathFigure {
  definitionId: string;
  definitionVersion: number;
  locale: string;
  core: PathEstimate;
  full: PathEstimate;
}

/** Core and full path estimates for each shipped definition (its current version) and language. */
export function citizenPathFigures(dir: string = DEFINITIONS_DIR): CitizenPathFigure[] {
  const { definitions, problems } = loadDefinitionsFromDir(dir);
  if (problems.length > 0) throw new Error(`definitions have problems:\n${problems.map(formatProblem).join('\n')}`);
  return CITIZEN_PATH_DEFINITIONS.flatMap((id) => {
    const current = definitions.filter((d) => d.id === id).sort((a, b) => b.version - a.version)[0];
    if (!current) throw new Error(`no definition ${id} in ${dir}`);
    return CITIZEN_PATH_LOCALES.map((locale) => ({ definitionId: id, definitionVersion: current.version, locale, ...estimatePath(current, locale) }));
  });
}

/** The figure-name stem of one definition and language: `path_sipas_2023_vi`. */
export function citizenPathKey(figure: CitizenPathFigure): string {
  return `path_${figure.definitionId.replace(/[^A-Za-z0-9]+/g, '_')}_${figure.locale}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const figure of citizenPathFigures()) {
    const key = citizenPathKey(figure);
    for (const part of ['core', 'full'] as const) {
      const { questions, screens, seconds } = figure[part];
      console.log(`${`${key}_${part}`.padEnd(28)} ${String(questions).padStart(3)} questions ${String(screens).padStart(3)} screens ${seconds.toFixed(1).padStart(7)} s (${(seconds / 60).toFixed(1)} min)`);
    }
  }
}
