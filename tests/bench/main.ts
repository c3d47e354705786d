/**
 * `npm run bench`: prints each figure with its target, then one JSON line with all of them.
 * Targets are reported, not asserted: speed lives here, not in the test suite.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { citizenBundleSize } from './bundle-size';
import { measureStoreInChromium } from './store-in-chromium';

const root = fileURLToPath(new URL('../..', import.meta.url));
const figures: Record<string, number | string | boolean> = {};

function report(name: string, value: number, unit: string, target: string, ok: boolean) {
  figures[name] = value;
  console.log(`${name.padEnd(34)} ${String(value).padStart(10)} ${unit.padEnd(12)} target ${target.padEnd(10)} ${ok ? 'ok' : 'MISSED'}`);
}

async function main() {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  const bundle = citizenBundleSize(`${root}/dist`);
  report('citizen_bundle_gzip_kb', round(bundle.totalGzipBytes / 1024), 'KB gzip', '≤ 45', bundle.totalGzipBytes <= 45 * 1024);
  figures.citizen_bundle_js_gzip_kb = round(bundle.jsGzipBytes / 1024);
  figures.citizen_bundle_css_gzip_kb = round(bundle.cssGzipBytes / 1024);

  const store = await measureStoreInChromium();
  report('store_response_median_ms', store.medianMs, 'ms', '≤ 5', store.medianMs <= 5);
  figures.store_response_p95_ms = store.p95Ms;

  console.log(JSON.stringify({ bench: 'sipas-kiosk', ...figures }));
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
