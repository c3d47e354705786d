import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, OTHER_LANGUAGES_QUERY, splitDefinitionTexts } from '../../src/build/definitions';
import { mergeDefinitionTexts } from '../../src/kiosk/citizen';

const SHIPPED = ['sipas-2023.json', 'sipas-2017.json'];
const read = (file: string) => JSON.parse(readFileSync(join(DEFINITIONS_DIR, file), 'utf8')) as { languages: string[] };
const gzip = (value: unknown) => gzipSync(JSON.stringify(value), { level: 9 }).length;

/** Every language key of every text in a definition-shaped value. */
function textLanguages(value: unknown, languages: string[], found = new Set<string>()): Set<string> {
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!Array.isArray(value) && entries.length && entries.every(([key, text]) => languages.includes(key) && typeof text === 'string')) entries.forEach(([key]) => found.add(key));
    else entries.forEach(([, item]) => textLanguages(item, languages, found));
  }
  return found;
}

describe.each(SHIPPED)('the kiosk chunks of %s', (file) => {
  const whole = read(file);
  const { boot, other } = splitDefinitionTexts(structuredClone(whole));

  it('carry only Vietnamese in the boot chunk and only the other languages in the lazy one', () => {
    expect(whole.languages).toEqual(['vi', 'en']);
    expect([...textLanguages(boot, whole.languages)]).toEqual(['vi']);
    expect([...textLanguages(other, whole.languages)]).toEqual(['en']);
  });

  it('merge back into exactly the file: every text in every language, nothing else changed', () => {
    const merged = structuredClone(boot);
    mergeDefinitionTexts(merged, other);
    expect(merged).toEqual(whole);
    mergeDefinitionTexts(merged, other); // a second merge (the texts loaded twice) changes nothing
    expect(merged).toEqual(whole);
  });

  it('keep everything but the texts in the boot chunk (structure, codes, conditions, scoring)', () => {
    const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, item: unknown) => (key === 'en' ? undefined : item)));
    expect(boot).toEqual(strip(whole));
  });

  it('make the boot chunk smaller', () => {
    expect(gzip(boot)).toBeLessThan(gzip(whole) * 0.75);
  });
});

describe('the split', () => {
  it('keeps a definition’s first language when it is not Vietnamese, and lines array items up by index', () => {
    const definition = {
      languages: ['en', 'vi', 'km'],
      title: { en: 'T', vi: 'Tv', km: 'Tk' },
      sections: [{ id: 's1', questions: [{ id: 'q1' }, { id: 'q2', text: { en: 'Q', vi: 'Qv', km: 'Qk' } }] }],
    };
    const { boot, other } = splitDefinitionTexts(definition);
    expect(boot).toEqual({ languages: ['en', 'vi', 'km'], title: { en: 'T', vi: 'Tv' }, sections: [{ id: 's1', questions: [{ id: 'q1' }, { id: 'q2', text: { en: 'Q', vi: 'Qv' } }] }] });
    expect(other).toEqual({ title: { km: 'Tk' }, sections: [{ questions: [0, { text: { km: 'Qk' } }] }] });
  });

  it('is asked for with the query the kiosk spells out in its import.meta.glob', () => {
    const kiosk = readFileSync(new URL('../../src/kiosk/citizen/definitions.ts', import.meta.url), 'utf8');
    expect(kiosk).toContain(`query: '?${OTHER_LANGUAGES_QUERY}'`);
  });
});
