import { describe, expect, it } from 'vitest';
import { toSetupValues, validateSetup, type SetupValues } from '../../../src/kiosk/staff';
import { DEFAULT_SETTINGS, type KioskSettings } from '../../../src/shared/settings';
import { miniDefinition } from '../../fixtures/mini-definition';

const newer = { ...structuredClone(miniDefinition), version: 4 };
const definitions = [miniDefinition, newer];
const current: KioskSettings = { ...DEFAULT_SETTINGS, definitionId: 'mini', deviceToken: 'dev1.abcdefghijklmnopqrstuvwxyz' };

function values(overrides: Partial<SetupValues> = {}): SetupValues {
  return {
    ...toSetupValues(current, definitions),
    agencyName: 'Trung tâm Phục vụ hành chính công',
    agencyCode: 'TTHCC-HN',
    counterCode: 'Q01',
    ...overrides,
  };
}

describe('toSetupValues', () => {
  it('shows the unset placeholder codes as empty boxes, times in seconds, the token never', () => {
    const form = toSetupValues(current, definitions);
    expect(form).toMatchObject({ agencyCode: '', counterCode: '', newDeviceToken: '', idleTimeoutSec: '60', thankYouSec: '6', minIntervalSec: '5', definitionVersion: '' });
    expect(form.enabledSections).toEqual(['extra']);
    expect(JSON.stringify(form)).not.toContain('abcdefghij');
  });
});

describe('validateSetup', () => {
  it('turns seconds into milliseconds, trims codes and keeps the saved token when none is typed', () => {
    const result = validateSetup(values({ agencyCode: ' TTHCC-HN ', idleTimeoutSec: '90', thankYouSec: '7,5', minIntervalSec: '0' }), current, definitions);
    expect(result).toEqual({
      ok: true,
      settings: {
        ...current,
        agencyName: 'Trung tâm Phục vụ hành chính công',
        agencyCode: 'TTHCC-HN',
        counterCode: 'Q01',
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
    ['an empty agency code', { agencyCode: '  ' }, { agencyCode: 'setup.errors.required' }],
    ['a space in the agency code', { agencyCode: 'SNV HN' }, { agencyCode: 'setup.errors.agencyCode' }],
    ['a slash in the counter code', { counterCode: 'Q/1' }, { counterCode: 'setup.errors.counterCode' }],
    ['an ftp address', { endpointUrl: 'ftp://example.vn' }, { endpointUrl: 'setup.errors.endpointUrl' }],
    ['no language', { languages: [] }, { languages: 'setup.errors.languages' }],
    ['an idle time of 5 s', { idleTimeoutSec: '5' }, { idleTimeoutSec: 'setup.errors.idleTimeoutSec' }],
    ['an idle time in words', { idleTimeoutSec: 'một phút' }, { idleTimeoutSec: 'setup.errors.idleTimeoutSec' }],
    ['an empty thank-you time', { thankYouSec: '' }, { thankYouSec: 'setup.errors.thankYouSec' }],
    ['a negative interval', { minIntervalSec: '-1' }, { minIntervalSec: 'setup.errors.minIntervalSec' }],
    ['a version that is not bundled', { definitionVersion: '9' }, { definition: 'setup.errors.definition' }],
    ['a 201-character agency name', { agencyName: 'a'.repeat(201) }, { agencyName: 'setup.errors.agencyName' }],
  ])('refuses %s with a message on that field', (_name, change, errors) => {
    expect(validateSetup(values(change), current, definitions)).toEqual({ ok: false, errors });
  });

  it('reports every field in error at once', () => {
    const result = validateSetup(values({ agencyCode: 'a b', counterCode: '', endpointUrl: 'nope', idleTimeoutSec: '1' }), current, definitions);
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.errors).sort()).toEqual(['agencyCode', 'counterCode', 'endpointUrl', 'idleTimeoutSec']);
  });
});
