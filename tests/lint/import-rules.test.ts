import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The repository's own eslint.config.js, applied to small files placed at real paths (never written).
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** Every problem ESLint reports for `code` as if it were the file at `path` (relative to the root). */
async function lint(path: string, code: string): Promise<Array<{ rule: string | null; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${path}` });
  return result.messages.map((message) => ({ rule: message.ruleId, message: message.message }));
}

/** Asserts exactly one error, from one of the two wall rules, whose message says `words`. */
async function expectWall(path: string, code: string, words: string): Promise<void> {
  const problems = await lint(path, code);
  expect(problems).toHaveLength(1);
  expect(['house/boundaries', '@typescript-eslint/no-restricted-imports']).toContain(problems[0].rule);
  expect(problems[0].message).toContain(words);
}

const CITIZEN_FILE = 'src/kiosk/citizen/Synthetic.tsx';

describe('the import walls (eslint.config.js)', () => {
  it('pass a citizen screen that imports through indexes and takes only types from the schemas', async () => {
    const code = [
      "import type { SurveyDefinition } from '../../shared/schemas';",
      "import { localize } from '../../shared/l10n';",
      "import { storeResponse } from '../storage';",
      'export const title = (definition: SurveyDefinition) => localize(definition.title, "vi");',
      'export const save = storeResponse;',
    ].join('\n');
    expect(await lint(CITIZEN_FILE, code)).toEqual([]);
  });

  it('reject a Node module on the citizen path, with or without the node: prefix', async () => {
    await expectWall(CITIZEN_FILE, "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;", 'Node built-ins');
    await expectWall(CITIZEN_FILE, "import { join } from 'path';\nexport const at = join;", 'Node built-ins');
    await expectWall('src/kiosk/staff/Synthetic.tsx', "import { createHash } from 'node:crypto';\nexport const hash = createHash;", 'Node built-ins');
  });

  it('reject zod values on the citizen path but allow its types', async () => {
    await expectWall(CITIZEN_FILE, "import { z } from 'zod';\nexport const name = z.string();", 'carries no zod');
    expect(await lint(CITIZEN_FILE, "import type { ZodType } from 'zod';\nexport type Checker = ZodType;")).toEqual([]);
  });

  it('reject a value from src/shared/schemas on the citizen path but allow `import type`', async () => {
    await expectWall(CITIZEN_FILE, "import { definitionSchema } from '../../shared/schemas';\nexport const schema = definitionSchema;", 'citizen bundle carries no zod');
    expect(await lint(CITIZEN_FILE, "import { type SurveyResponse } from '../../shared/schemas';\nexport type R = SurveyResponse;")).toEqual([]);
  });

  it('let the staff chunk import zod and the schemas', async () => {
    const code = "import { z } from 'zod';\nimport { settingsSchema } from '../../shared/schemas';\nexport const both = [z, settingsSchema];";
    expect(await lint('src/kiosk/staff/Synthetic.ts', code)).toEqual([]);
  });

  it('reject a static import of the staff chunk from the citizen path but allow a dynamic one', async () => {
    await expectWall(CITIZEN_FILE, "import { StaffArea } from '../staff';\nexport const area = StaffArea;", 'only through a dynamic import()');
    await expectWall('src/kiosk/main.tsx', "export { StaffArea } from './staff';", 'only through a dynamic import()');
    expect(await lint(CITIZEN_FILE, "export const loadStaff = () => import('../staff');")).toEqual([]);
    expect(await lint(CITIZEN_FILE, "import type { StaffAreaProps } from '../staff';\nexport type P = StaffAreaProps;")).toEqual([]);
  });

  it('reject a deep import around a folder’s index.ts, from src and from tests', async () => {
    await expectWall(CITIZEN_FILE, "import { openKioskDb } from '../storage/db';\nexport const open = openKioskDb;", "Import 'src/kiosk/storage' through its index.ts");
    await expectWall('src/collector/server/Synthetic.ts', "import { vietnamDay } from '../../shared/l10n/vietnam-time';\nexport const day = vietnamDay;", "Import 'src/shared/l10n' through its index.ts");
    await expectWall('tests/kiosk/storage/synthetic.test.ts', "import { openKioskDb } from '../../../src/kiosk/storage/db';\nexport const open = openKioskDb;", "Import 'src/kiosk/storage' through its index.ts");
  });

  it('allow a folder’s files to import each other and its index to re-export them', async () => {
    expect(await lint('src/kiosk/storage/synthetic.ts', "import { openKioskDb } from './db';\nexport const open = openKioskDb;")).toEqual([]);
    expect(await lint('src/kiosk/storage/index.ts', "export { openKioskDb } from './db';")).toEqual([]);
  });

  it('reject shared code importing the kiosk, or a Node module', async () => {
    await expectWall('src/shared/survey/synthetic.ts', "import { translator } from '../../kiosk/i18n';\nexport const t = translator;", 'imports nothing outside src/shared');
    await expectWall('src/shared/survey/synthetic.ts', "import { createHash } from 'node:crypto';\nexport const hash = createHash;", 'Node built-ins');
  });

  it('reject the collector importing kiosk or service-worker code', async () => {
    await expectWall('src/collector/server/Synthetic.ts', "import { KioskApp } from '../../kiosk/citizen';\nexport const app = KioskApp;", 'never imports tablet code');
    await expectWall('src/collector/server/Synthetic.ts', "import '../../sw/sw';", 'never imports the service worker');
  });

  it('reject browser globals in Node and shared code, but not in the staff pages’ browser scripts', async () => {
    const code = "export const make = () => document.createElement('p');";
    for (const path of ['src/collector/server/synthetic.ts', 'src/shared/survey/synthetic.ts', 'src/build/definitions/synthetic.ts']) {
      const problems = await lint(path, code);
      expect(problems).toEqual([{ rule: 'no-restricted-globals', message: expect.stringContaining('document is a browser global') }]);
    }
    expect(await lint('src/collector/staff-pages/browser/synthetic.ts', code)).toEqual([]);
  });

  it('reject the service worker importing anything but workbox and shared code', async () => {
    await expectWall('src/sw/synthetic.ts', "import { z } from 'zod';\nexport const s = z;", 'imports only workbox');
    await expectWall('src/sw/synthetic.ts', "import { openKioskDb } from '../kiosk/storage';\nexport const open = openKioskDb;", 'imports only src/shared and workbox');
    expect(await lint('src/sw/synthetic.ts', "import { precacheAndRoute } from 'workbox-precaching';\nimport { SUBMIT_PATH } from '../shared/wire';\nexport const both = [precacheAndRoute, SUBMIT_PATH];")).toEqual([]);
  });
});
