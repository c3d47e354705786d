import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds the kiosk once before a run that includes the browser tests or the citizen bundle budget, so
 * they exercise the real production bundle and service worker a tablet gets. A run limited to other
 * files skips it.
 */
export default function buildKioskOnce(): void {
  const files = process.argv.slice(2).filter((arg) => !arg.startsWith('-') && arg !== 'run');
  // Filters are parts of test paths: build when one selects a test that reads dist/ (the bundle budget too).
  const readsDist = (filter: string) => filter.includes('e2e') || 'tests/build/citizen-bundle.test.ts'.includes(filter.replace(/^\.\//, ''));
  if (files.length > 0 && !files.some(readsDist)) return;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    // vitest sets NODE_ENV=test, which would make Vite build a non-production bundle (no service worker).
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
