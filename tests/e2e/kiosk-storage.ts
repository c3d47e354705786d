import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build, type Rolldown } from 'vite';

/** The kiosk's own storage module (src/kiosk/storage), as the browser tests and benchmarks call it. */
export type KioskStorage = typeof import('../../src/kiosk/storage');

/** Where the module is reachable in a page once injected (a test-only name; the kiosk never sets it). */
const GLOBAL_NAME = '__sipasKioskStorage';
const ENTRY = fileURLToPath(new URL('../../src/kiosk/storage/index.ts', import.meta.url));

let script: Promise<string> | undefined;

/**
 * src/kiosk/storage built on its own as one classic script. The production bundle is minified and
 * has no entry for it, so tests would otherwise re-implement the IndexedDB schema by hand; built from
 * the same source, it opens the same database the kiosk opened and keeps its bookkeeping exactly.
 * Built once per test file (about half a second), in memory, never into dist/ where a tablet could get it.
 */
function storageScript(): Promise<string> {
  script ??= build({
    configFile: false,
    logLevel: 'error',
    mode: 'production',
    build: {
      write: false,
      minify: false,
      emptyOutDir: false,
      lib: { entry: ENTRY, formats: ['iife'], name: GLOBAL_NAME, fileName: 'kiosk-storage' },
    },
  }).then((result) => {
    const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
    const chunk = outputs.flatMap((output) => output.output).find((file) => file.type === 'chunk');
    if (!chunk || chunk.type !== 'chunk') throw new Error('the kiosk storage build produced no script');
    return chunk.code;
  });
  return script;
}

/**
 * Runs `fn` in the page with the kiosk's storage module, injecting the module first if needed.
 * `fn` is serialised into the page: it may use only its arguments.
 */
export async function withKioskStorage<A, R>(page: Page, fn: (storage: KioskStorage, arg: A) => Promise<R>, arg: A): Promise<R> {
  if (!(await page.evaluate((name) => name in window, GLOBAL_NAME))) {
    // evaluate, not addScriptTag: it runs the script whatever the page's content security policy says.
    await page.evaluate(await storageScript());
  }
  // A string, not a function: Playwright then passes it to the page as it is, and arguments go as JSON.
  return page.evaluate(`(${fn.toString()})(window.${GLOBAL_NAME}, ${JSON.stringify(arg) ?? 'undefined'})`) as Promise<R>;
}
