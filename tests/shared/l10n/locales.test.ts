import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareResources } from './locale-keys';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

/** Every `locales` folder under src/, wherever a runtime keeps its namespaces. */
function localeFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.name === 'locales' ? [path] : localeFolders(path);
    });
}

const readJson = (path: string): object => JSON.parse(readFileSync(path, 'utf8')) as object;

/** One namespace: its Vietnamese resource (the reference) and each other locale's. */
const namespaces = localeFolders(SRC).flatMap((folder) =>
  readdirSync(join(folder, 'vi'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({
      name: relative(SRC, join(folder, 'vi', file)),
      vi: readJson(join(folder, 'vi', file)),
      others: readdirSync(folder)
        .filter((language) => language !== 'vi')
        .map((language) => ({ language, path: join(folder, language, file) })),
    })),
);

describe('the product\'s locale resources', () => {
  it('are found wherever a runtime keeps them (src/**/locales/vi/*.json)', () => {
    const names = namespaces.map((ns) => ns.name);
    expect(names).toContain(join('kiosk', 'i18n', 'locales', 'vi', 'citizen.json'));
    expect(names).toContain(join('kiosk', 'staff', 'locales', 'vi', 'kiosk-staff.json'));
    for (const ns of namespaces) expect(ns.others.map((o) => o.language), ns.name).toContain('en');
  });

  it.each(namespaces)('$name: every other locale has exactly its keys, with the same variables', ({ vi, others }) => {
    for (const { language, path } of others) expect(compareResources(vi, readJson(path), language)).toEqual([]);
  });
});

describe('compareResources', () => {
  it.each<[string, object, object, string[]]>([
    ['agrees on the same nested keys and variables', { a: { b: 'Câu {{n}}' } }, { a: { b: 'Question {{n}}' } }, []],
    ['reports a key missing in English', { a: 'x', b: 'y' }, { a: 'x' }, ['b: missing in en']],
    ['reports a key only in English', { a: 'x' }, { a: 'x', c: 'z' }, ['c: in en but not in vi']],
    ['reports a nested key that is a text on one side only', { a: { b: 'x' } }, { a: 'x' }, ['a.b: missing in en', 'a: in en but not in vi']],
    ['reports a differing variable', { a: '{{count}} phiếu' }, { a: '{{total}} responses' }, ['a: variables {{count}} in vi, {{total}} in en']],
    ['reports a variable left out', { a: 'Còn {{count}} lần, {{time}}' }, { a: '{{count}} left' }, ['a: variables {{count}} {{time}} in vi, {{count}} in en']],
    ['reads variables with a format', { a: '{{value, number}}' }, { a: '{{ value }}' }, []],
    ['folds plural forms into their base key', { a: '{{count}} phiếu' }, { a_one: '{{count}} response', a_other: '{{count}} responses' }, []],
    ['takes the variables of all plural forms together', { a: '{{count}} giờ' }, { a_one: 'one hour', a_other: '{{count}} hours' }, []],
    ['reports plural forms without _other', { a: '{{count}} ngày' }, { a_one: '{{count}} day' }, ['a: plural forms in en without _other']],
    ['reports a plural form whose variables differ', { a: '{{count}} ngày' }, { a_one: 'a day', a_other: 'days' }, ['a: variables {{count}} in vi, none in en']],
  ])('%s', (_name, vi, en, problems) => {
    expect(compareResources(vi, en, 'en')).toEqual(problems);
  });
});
