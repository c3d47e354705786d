import { describe, expect, it } from 'vitest';
import {
  definitionKey,
  isCollectorUrl,
  isDefinitionId,
  isDeviceLabel,
  isIdentifier,
  isLanguageCode,
  isOptionCode,
  isPlaceCode,
  isQuestionId,
  isSectionId,
  parseDefinitionKey,
} from '../../../src/shared/ids';
import { answersSchema, settingsSchema, DEFAULT_SETTINGS } from '../../../src/shared/schemas';
import { parseProvisioningFragment } from '../../../src/shared/wire';

describe('identifiers (question and section ids, option codes)', () => {
  it.each([
    ['TC1', true],
    ['a', true],
    ['Q_2_b', true],
    ['constructor', true],
    ['A'.repeat(40), true],
    ['A'.repeat(41), false],
    ['1TC', false],
    ['_x', false],
    ['T C', false],
    ['TC-1', false],
    ['Câu1', false],
    ['', false],
  ])('%j → %s', (text, ok) => {
    expect(isIdentifier(text)).toBe(ok);
    expect(isQuestionId(text)).toBe(ok);
    expect(isSectionId(text)).toBe(ok);
    expect(isOptionCode(text)).toBe(ok);
    // The answers' keys are checked by the same rule at the collector.
    expect(answersSchema.safeParse({ [text]: 1 }).success).toBe(ok);
  });
});

describe('definition ids', () => {
  it.each([
    ['sipas-2023', true],
    ['s2', true],
    ['2023-sipas', true],
    ['s', false],
    ['-sipas', false],
    ['SIPAS-2023', false],
    ['sipas_2023', false],
    ['a'.repeat(40), true],
    ['a'.repeat(41), false],
  ])('%j → %s', (text, ok) => expect(isDefinitionId(text)).toBe(ok));
});

describe('language codes', () => {
  it.each([
    ['vi', true],
    ['en', true],
    ['EN', false],
    ['vie', false],
    ['v', false],
  ])('%j → %s', (text, ok) => expect(isLanguageCode(text)).toBe(ok));
});

describe('agency and counter codes', () => {
  it.each([
    ['SNV', true],
    ['UBND-Q1', true],
    ['q.01_b', true],
    ['Sở-Nội-vụ', true],
    ['x'.repeat(64), true],
    ['x'.repeat(65), false],
    ['', false],
    ['Q 2', false],
    ['<b>', false],
    ['Q/2', false],
  ])('%j → %s, in the tablet settings and in a provisioning link alike', (code, ok) => {
    expect(isPlaceCode(code)).toBe(ok);
    const settings = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, agencyCode: code, counterCode: code });
    expect(settings.success).toBe(ok);
    const link = parseProvisioningFragment(
      `#provision=abc.${'x'.repeat(20)}&agency=${encodeURIComponent(code)}&counter=${encodeURIComponent(code)}`,
    );
    expect(link?.agencyCode).toBe(ok ? code : undefined);
    expect(link?.counterCode).toBe(ok ? code : undefined);
  });
});

describe('device labels', () => {
  it.each([
    ['Quầy 2 – tầng 1', true],
    ['x'.repeat(120), true],
    ['x'.repeat(121), false],
    ['', false],
    ['   ', false],
  ])('%j → %s', (label, ok) => expect(isDeviceLabel(label)).toBe(ok));
});

describe('collector addresses', () => {
  it.each([
    ['https://sipas.example.gov.vn', true],
    ['http://localhost:8080', true],
    ['http://10.0.0.2:8080/sipas/', true],
    ['https://[::1]:8080', true],
    ['Https://sipas.example.gov.vn', true],
    ['https://', false],
    ['https:///sipas', false],
    ['https:sipas.example.gov.vn', false],
    ['ftp://example.vn', false],
    ['javascript:alert(1)', false],
    ['https://sipas.example.gov.vn/a b', false],
    ['nope', false],
    ['', false],
  ])('%j → %s, in the tablet settings, a provisioning link and --public-url alike', (url, ok) => {
    expect(isCollectorUrl(url)).toBe(ok);
    // An empty address is the tablet's "no collector yet", so the settings accept it on their own.
    expect(settingsSchema.safeParse({ ...DEFAULT_SETTINGS, endpointUrl: url }).success).toBe(ok || url === '');
    expect(parseProvisioningFragment(`#provision=abc.${'x'.repeat(20)}&endpoint=${encodeURIComponent(url)}`)?.endpoint).toBe(
      ok ? url : undefined,
    );
  });
});

describe('definitionKey', () => {
  it('names a definition version "id@version" and reads it back', () => {
    expect(definitionKey('sipas-2023', 1)).toBe('sipas-2023@1');
    expect(parseDefinitionKey(definitionKey('sipas-2023', 12))).toEqual({ id: 'sipas-2023', version: 12 });
  });

  it.each([
    'none',
    '',
    'sipas-2023',
    'sipas-2023@',
    '@1',
    'sipas-2023@0',
    'sipas-2023@01',
    'sipas-2023@1.5',
    'a@b@1',
    'sipas 2023@1',
    `x@${'9'.repeat(20)}`,
  ])('reads %j as no key', (key) => expect(parseDefinitionKey(key)).toBeNull());
});
