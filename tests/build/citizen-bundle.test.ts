import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CITIZEN_BUNDLE_BUDGET_BYTES, DEFAULT_DEFINITION_FILE, citizenBundleSize, readViteManifest, type ManifestChunk } from '../bench/bundle-size';

// The production build tests/e2e/global-setup.ts makes before this file runs (vite.config.ts's globalSetup).
const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const STAFF_ENTRY = 'src/kiosk/staff/index.ts';
// A class name zod keeps through minification: its presence means zod is in the file.
const ZOD_MARKER = 'ZodError';

describe('the citizen bundle (what the first page loads, plus the default questionnaire)', () => {
  let manifest: Record<string, ManifestChunk>;
  let bundle: ReturnType<typeof citizenBundleSize>;
  const read = (file: string) => readFileSync(join(DIST, file), 'utf8');

  beforeAll(() => {
    if (!existsSync(join(DIST, '.vite/manifest.json'))) throw new Error(`no production build in ${DIST}: run this file through vitest, whose global setup builds it`);
    manifest = readViteManifest(DIST);
    bundle = citizenBundleSize(DIST);
  });

  it(`stays within ${CITIZEN_BUNDLE_BUDGET_BYTES / 1024} KB gzip`, () => {
    expect(bundle.totalGzipBytes).toBeGreaterThan(0);
    expect(bundle.totalGzipBytes).toBeLessThanOrEqual(CITIZEN_BUNDLE_BUDGET_BYTES);
  });

  it('counts its JS, its CSS and the default questionnaire', () => {
    expect(bundle.jsGzipBytes).toBeGreaterThan(0);
    expect(bundle.cssGzipBytes).toBeGreaterThan(0);
    expect(manifest[DEFAULT_DEFINITION_FILE]).toBeDefined();
    expect(bundle.files).toContain(manifest[DEFAULT_DEFINITION_FILE].file);
  });

  it('leaves the staff chunk and its styles out (it loads only when a clerk opens the staff area)', () => {
    const staff = manifest[STAFF_ENTRY];
    expect(staff?.isDynamicEntry ?? false).toBe(true);
    expect(bundle.files).not.toContain(staff.file);
    for (const css of staff.css ?? []) expect(bundle.files).not.toContain(css);
  });

  it('carries no zod, which the staff chunk does carry', () => {
    expect(read(manifest[STAFF_ENTRY].file)).toContain(ZOD_MARKER);
    const withZod = bundle.files.filter((file) => file.endsWith('.js') && read(file).includes(ZOD_MARKER));
    expect(withZod).toEqual([]);
  });
});
