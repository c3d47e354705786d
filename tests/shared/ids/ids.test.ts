import { describe, expect, it } from 'vitest';
import {
  definitionKey,
  isCollectorUrl,
  isDefinitionId,
  isDeviceLabel,
  isIdentifier,
  isLanguageCode,
  isOptionCode,
  isLegacyPlaceCode,
  isPlaceCode,
  isPlaceName,
  normalizePlaceName,
  isQuestionId,
  isSectionId,
  parseDefinitionKey,
  suggestPlaceCode,
} from '../../../src/shared/ids';
import { answersSchema, settingsSchema, DEFAULT_SETTINGS } from '../../../src/shared/schemas';
import { readProvisioningFragment } from '../../../src/shared/wire';

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
    ['QUAY-2', true],
    ['SO_TU_PHAP', true],
    ['9', true],
    ['X'.repeat(32), true],
    ['X'.repeat(33), false],
    ['', false],
    ['-Q1', false],
    ['_Q1', false],
    ['q1', false],
    ['Q.01', false],
    ['Sở-Nội-vụ', false],
    ['Q 2', false],
    ['<b>', false],
    ['Q/2', false],
  ])('%j → %s for a new registration or an edit', (code, ok) => expect(isPlaceCode(code)).toBe(ok));

  it.each([
    // Codes registered before the rule: a tablet still takes them from a link (its old rule) …
    ['q.01_b', true],
    ['Sở-Nội-vụ', true],
    ['x'.repeat(64), true],
    // … but never blank, spaced or markup, which it always dropped.
    ['x'.repeat(65), false],
    ['', false],
    ['Q 2', false],
    ['<b>', false],
  ])('%j → %s as a code a device registered before the rule may carry in its link', (code, ok) => {
    expect(isLegacyPlaceCode(code)).toBe(ok);
    const link = readProvisioningFragment(`#provision=abc.${'x'.repeat(20)}&agency=${encodeURIComponent(code)}&counter=${encodeURIComponent(code)}`);
    expect(link.kind).toBe(ok ? 'valid' : 'invalid');
  });

  it.each([
    ['SNV', true],
    ['Quầy 1', true],
    ['x'.repeat(64), true],
    ['x'.repeat(65), false],
    ['   ', false],
  ])('%j → %s in the tablet settings, which hold what the collector sent (length only, never blocking a save)', (code, ok) => {
    expect(settingsSchema.safeParse({ ...DEFAULT_SETTINGS, agencyCode: code, counterCode: code }).success).toBe(ok);
  });
});

describe('suggested place codes', () => {
  it.each([
    ['Quầy 2', 'QUAY-2'],
    ['Sở Tư pháp', 'SO-TU-PHAP'],
    ['Sở Tư pháp'.normalize('NFD'), 'SO-TU-PHAP'],
    ['Đà Nẵng', 'DA-NANG'],
    ['Ủy ban nhân dân phường Điện Biên', 'UY-BAN-NHAN-DAN-PHUONG-DIEN-BIEN'],
    ['  Trung tâm  Phục vụ – hành chính công!  ', 'TRUNG-TAM-PHUC-VU-HANH-CHINH-CON'],
    ['Quầy số 1 (tầng 2)', 'QUAY-SO-1-TANG-2'],
    ['quầy_3', 'QUAY_3'],
    ['Trung tâm Phục vụ hành chính công tỉnh', 'TRUNG-TAM-PHUC-VU-HANH-CHINH-CON'],
    ['Ban tiếp dân — ', 'BAN-TIEP-DAN'],
    ['行政', ''],
    ['', ''],
  ])('%j → %j, which is always a valid code or empty', (name, code) => {
    expect(suggestPlaceCode(name)).toBe(code);
    if (code !== '') expect(isPlaceCode(code)).toBe(true);
  });

  it('never ends on a separator after cutting to 32 characters', () => {
    const code = suggestPlaceCode(`${'A'.repeat(31)} B`);
    expect(code).toBe('A'.repeat(31));
    expect(isPlaceCode(code)).toBe(true);
  });
});

describe('place names', () => {
  it.each([
    ['Sở Tư pháp', true],
    ['x'.repeat(200), true],
    ['x'.repeat(201), false],
    ['', false],
    [' Sở Tư pháp', false],
    ['Sở  Tư pháp', false],
    ['Sở Tư pháp'.normalize('NFD'), false],
  ])('%j → %s as stored', (name, ok) => expect(isPlaceName(name)).toBe(ok));

  it('are made one canonical text: NFC, trimmed, spaces collapsed, so two spellings are one name', () => {
    expect(normalizePlaceName('  Sở \t Tư pháp '.normalize('NFD'))).toBe('Sở Tư pháp'.normalize('NFC'));
    expect(normalizePlaceName('Sở Tư pháp'.normalize('NFD'))).toBe(normalizePlaceName('Sở Tư pháp'.normalize('NFC')));
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
    // A link with a bad collector address is refused whole (and shown to the clerk), never half-applied.
    const link = readProvisioningFragment(`#provision=abc.${'x'.repeat(20)}&endpoint=${encodeURIComponent(url)}`);
    expect(link).toEqual(ok ? { kind: 'valid', provisioning: { token: `abc.${'x'.repeat(20)}`, endpoint: url } } : { kind: 'invalid', problems: ['endpoint'] });
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
