import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { DEFINITIONS_DIR, formatProblem, loadDefinitionsFromDir } from './check-definitions';

const PLUGIN_NAME = 'sipas-kiosk:definitions';

/**
 * Checks every definition file: `vite build` fails with all problems listed, so a broken definition
 * never reaches a tablet; `vite` (dev) reports them in the terminal and the error overlay, and checks
 * again whenever a file in `dir` changes, without stopping the server.
 */
export function definitionsPlugin(dir: string = DEFINITIONS_DIR): Plugin {
  const root = resolve(dir);
  let command: 'build' | 'serve' = 'serve';
  const problems = () => loadDefinitionsFromDir(root).problems.map(formatProblem);
  const summary = (lines: string[]) => `${lines.length} problem(s) in survey definitions:\n${lines.join('\n')}`;

  return {
    name: PLUGIN_NAME,
    configResolved(config) {
      command = config.command;
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
