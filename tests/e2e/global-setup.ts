import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds the kiosk once before the test run, so the browser tests exercise the real production
 * bundle and service worker that a tablet gets.
 */
export default function buildKioskOnce(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url)), 'build', '--logLevel', 'error'], {
    cwd: root,
    stdio: 'inherit',
  });
}
