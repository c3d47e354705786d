import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { DEFINITIONS_DIR, formatProblem, loadDefinitionsFromDir } from './check-definitions';
import { splitDefinitionTexts } from './split-texts';

const PLUGIN_NAME = 'sipas-kiosk:definitions';

/**
 * The import query that asks for a definition's texts in its other languages (see split-texts.ts):
 * `import('…/sipas-2023.json?other-languages')`. kiosk/citizen/definitions.ts spells it out, since
 * import.meta.glob takes only literals; tests/build/definition-texts.test.ts checks the two agree.
 */
export const OTHER_LANGUAGES_QUERY = 'other-languages';
/** Editors on Windows may save a byte-order mark; it is not part of the JSON. */
const parseDefinition = (text: string) => JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as { languages: string[] };

/**
 * Checks every definition file: `vite build` fails with all problems listed, so a broken definition
 * never reaches a tablet; `vite` (dev) reports them in the terminal and the error overlay, and checks
 * again whenever a file in `dir` changes, without stopping the server.
 *
 * It also splits each definition's chunk by language (split-texts.ts): in a build, a definition file
 * imported as is carries only its boot languages, and `?other-languages` gives the rest. Dev and
 * tests get whole files (tests read the English texts directly); the merge on the tablet is the same.
 */
export function definitionsPlugin(dir: string = DEFINITIONS_DIR): Plugin {
  const root = resolve(dir);
  let command: 'build' | 'serve' = 'serve';
  const problems = () => loadDefinitionsFromDir(root).problems.map(formatProblem);
  const summary = (lines: string[]) => `${lines.length} problem(s) in survey definitions:\n${lines.join('\n')}`;
  const definitionFile = (id: string) => {
    const [file, query = ''] = id.split('?', 2);
    return file.endsWith('.json') && dirname(resolve(file)) === root ? { file, query } : null;
  };

  return {
    name: PLUGIN_NAME,
    // Before vite's JSON plugin, which turns the (cut) JSON this returns into a module.
    enforce: 'pre',
    configResolved(config) {
      command = config.command;
    },
    load(id) {
      const found = definitionFile(id);
      if (!found || found.query !== OTHER_LANGUAGES_QUERY) return null;
      this.addWatchFile(found.file);
      // A module, not JSON: vite treats a `.json` id with a query as script (moduleType says so in builds).
      return { code: `export default ${JSON.stringify(splitDefinitionTexts(parseDefinition(readFileSync(found.file, 'utf8'))).other)};`, moduleType: 'js' };
    },
    transform(code, id) {
      const found = definitionFile(id);
      if (command !== 'build' || !found || found.query !== '') return null;
      // buildStart has checked every file, so this parses a valid definition.
      return { code: JSON.stringify(splitDefinitionTexts(parseDefinition(code)).boot), map: null };
    },
    buildStart() {
      // In dev the server must start even with a broken file; configureServer reports it instead.
      if (command !== 'build') return;
      // So that `vite build --watch` checks again when a definition changes.
      for (const name of safeList(root)) this.addWatchFile(join(root, name));
      const lines = problems();
      if (lines.length) this.error(summary(lines));
    },
    configureServer(server) {
      const logger = server.config.logger;
      let broken = false;
      const report = () => {
        const lines = problems();
        if (lines.length) {
          logger.error(summary(lines), { timestamp: true });
          server.ws.send({ type: 'error', err: { message: summary(lines), stack: '', plugin: PLUGIN_NAME } });
        } else if (broken) {
          logger.info('survey definitions ok again', { timestamp: true });
        }
        broken = lines.length > 0;
      };
      report();
      server.watcher.add(root);
      const onFileEvent = (file: string) => {
        if (file.endsWith('.json') && dirname(resolve(file)) === root) report();
      };
      server.watcher.on('add', onFileEvent);
      server.watcher.on('change', onFileEvent);
      server.watcher.on('unlink', onFileEvent);
    },
  };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return []; // a missing directory is reported by the check itself
  }
}
