import { describe, expect, it } from 'vitest';
import { placeShown, toSetupValues, validateSetup, type SetupValues } from '../../../src/kiosk/staff';
import { DEFAULT_SETTINGS, type KioskSettings } from '../../../src/shared/settings';
import { miniDefinition } from '../../fixtures/mini-definition';

const newer = { ...structuredClone(miniDefinition), version: 4 };
const definitions = [miniDefinition, newer];
const current: KioskSettings = { ...DEFAULT_SETTINGS, definitionId: 'mini', deviceToken: 'dev1.abcdefghijklmnopqrstuvwxyz' };

function values(overrides: Partial<SetupValues> = {}): SetupValues {
  return { ...toSetupValues(current, definitions), ...overrides };
}

describe('toSetupValues', () => {
  it('holds no place (the collector\'s, shown read-only), times in seconds, the token never', () => {
    const form = toSetupValues(current, definitions);
    expect(form).toMatchObject({ newDeviceToken: '', idleTimeoutSec: '60', thankYouSec: '6', minIntervalSec: '5', definitionVersion: '' });
    expect(Object.keys(form)).not.toEqual(expect.arrayContaining(['agencyCode']));
    expect(Object.keys(form).filter((k) => /agency|counter/.test(k))).toEqual([]);
    expect(form.enabledSections).toEqual(['extra']);
    expect(JSON.stringify(form)).not.toContain('abcdefghij');
  });
});

describe('validateSetup', () => {
  it('turns seconds into milliseconds and keeps the saved token when none is typed', () => {
    const result = validateSetup(values({ idleTimeoutSec: '90', thankYouSec: '7,5', minIntervalSec: '0' }), current, definitions);
    expect(result).toEqual({
      ok: true,
      settings: {
        ...current,
        idleTimeoutMs: 90_000,
        thankYouMs: 7_500,
        minIntervalMs: 0,
      },
    });
  });

  it('replaces the token only when a new one is typed', () => {
    const result = validateSetup(values({ newDeviceToken: 'dev2.zyxwvutsrqponmlkjihgfedcba' }), current, definitions);
    expect(result.ok && result.settings.deviceToken).toBe('dev2.zyxwvutsrqponmlkjihgfedcba');
  });

  it('pins a version, or follows the newest with null', () => {
    const pinned = validateSetup(values({ definitionVersion: '3' }), current, definitions);
    expect(pinned.ok && pinned.settings.definitionVersion).toBe(3);
    const newest = validateSetup(values({ definitionVersion: '' }), current, definitions);
    expect(newest.ok && newest.settings.definitionVersion).toBeNull();
  });

  it('switches off the optional sections left unticked and keeps languages in vi, en order', () => {
    const result = validateSetup(values({ enabledSections: [], languages: ['en', 'vi'] }), current, definitions);
    expect(result.ok && result.settings.disabledSections).toEqual(['extra']);
    expect(result.ok && result.settings.languages).toEqual(['vi', 'en']);
  });

  it.each<[string, Partial<SetupValues>, Record<string, string>]>([
    ['an ftp address', { endpointUrl: 'ftp://example.vn' }, { endpointUrl: 'setup.errors.endpointUrl' }],
    ['no language', { languages: [] }, { languages: 'setup.errors.languages' }],
    ['an idle time of 5 s', { idleTimeoutSec: '5' }, { idleTimeoutSec: 'setup.errors.idleTimeoutSec' }],
    ['an idle time in words', { idleTimeoutSec: 'một phút' }, { idleTimeoutSec: 'setup.errors.idleTimeoutSec' }],
    ['an empty thank-you time', { thankYouSec: '' }, { thankYouSec: 'setup.errors.thankYouSec' }],
    ['a negative interval', { minIntervalSec: '-1' }, { minIntervalSec: 'setup.errors.minIntervalSec' }],
    ['a version that is not bundled', { definitionVersion: '9' }, { definition: 'setup.errors.definition' }],
    ['a 121-character device label', { deviceLabel: 'a'.repeat(121) }, { deviceLabel: 'setup.errors.deviceLabel' }],
  ])('refuses %s with a message on that field', (_name, change, errors) => {
    expect(validateSetup(values(change), current, definitions)).toEqual({ ok: false, errors });
  });

  it('reports every field in error at once', () => {
    const result = validateSetup(values({ deviceLabel: 'x'.repeat(121), endpointUrl: 'nope', idleTimeoutSec: '1' }), current, definitions);
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.errors).sort()).toEqual(['deviceLabel', 'endpointUrl', 'idleTimeoutSec']);
  });

  it('keeps the place the collector gave, even a code from before the place-code rule, and never blocks a save on it', () => {
    // The bug of issue 10: a counter "Quầy 1" saved on the tablet blocked saving any other field.
    const placed: KioskSettings = { ...current, agencyName: 'Sở Nội vụ', agencyCode: 'Sở NV', counterName: 'Quầy 1', counterCode: 'Quầy 1' };
    const result = validateSetup(values({ idleTimeoutSec: '120' }), placed, definitions);
    expect(result).toEqual({ ok: true, settings: { ...placed, idleTimeoutMs: 120_000 } });
  });
});

describe('placeShown', () => {
  it('shows the collector\'s place, and an unknown place until the collector has told it', () => {
    expect(placeShown(current)).toEqual({ agencyName: '', agencyCode: '', counterName: '', counterCode: '', known: false });
    expect(placeShown({ ...current, agencyName: 'Sở Tư pháp', agencyCode: 'SO-TU-PHAP', counterName: 'Quầy 2', counterCode: 'QUAY-2' })).toEqual({
      agencyName: 'Sở Tư pháp',
      agencyCode: 'SO-TU-PHAP',
      counterName: 'Quầy 2',
      counterCode: 'QUAY-2',
      known: true,
    });
  });
});
