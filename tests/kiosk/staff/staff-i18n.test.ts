import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from '../../../src/kiosk/staff/i18n/en.json';
import vi from '../../../src/kiosk/staff/i18n/vi.json';
import mainEn from '../../../src/kiosk/i18n/en.json';
import mainVi from '../../../src/kiosk/i18n/vi.json';

/** Every leaf key, with i18next's plural suffixes folded into the base key. */
function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    value && typeof value === 'object' ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`.replace(/_(one|other)$/, '')],
  );
}

const adminDir = fileURLToPath(new URL('../../../src/kiosk/staff', import.meta.url));
const sources = readdirSync(adminDir)
  .filter((file) => /\.tsx?$/.test(file))
  .map((file) => readFileSync(join(adminDir, file), 'utf8'))
  .join('\n');

describe('staff texts', () => {
  it('exist in Vietnamese and English alike', () => {
    expect([...new Set(keys(en))].sort()).toEqual([...new Set(keys(vi))].sort());
  });

  it('cover every literal staff key the screens use', () => {
    const known = new Set([...keys(vi), ...keys(mainVi)]);
    const used = [...sources.matchAll(/['`](staff\.[A-Za-z.]+)['`]/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((key) => !known.has(key))).toEqual([]);
  });

  it('have a label for every setup field', () => {
    for (const field of ['agencyName', 'agencyCode', 'counterCode', 'deviceLabel', 'endpointUrl', 'newDeviceToken', 'idleTimeoutSec', 'thankYouSec', 'minIntervalSec']) {
      expect(keys(vi)).toContain(`staff.setup.fields.${field}.label`);
      expect(keys(vi)).toContain(`staff.setup.errors.${field}`);
    }
  });

  it('leave only the corner label in the citizen bundle', () => {
    expect(mainVi.staff).toEqual({ corner: 'Khu vực cán bộ' });
    expect(mainEn.staff).toEqual({ corner: 'Staff area' });
  });
});
