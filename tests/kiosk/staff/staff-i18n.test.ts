import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { i18nReady, loadAppLanguage, translator } from '../../../src/kiosk/i18n';

describe('staff texts', () => {
  it('leave only the corner label in the citizen namespace (the bundle the first page loads)', async () => {
    await i18nReady();
    await loadAppLanguage('en'); // a lazy chunk since issue 8 (tests/kiosk/i18n/lazy-language.test.ts)
    expect(i18next.getResourceBundle('vi', 'citizen').staff).toEqual({ corner: 'Khu vực cán bộ' });
    expect(i18next.getResourceBundle('en', 'citizen').staff).toEqual({ corner: 'Staff area' });
  });

  it('are added as their own namespace when the staff chunk loads', async () => {
    await i18nReady();
    expect(i18next.hasResourceBundle('vi', 'kiosk-staff')).toBe(false);
    await import('../../../src/kiosk/staff');
    await loadAppLanguage('en');
    expect(translator('vi', 'kiosk-staff')('area.title')).toBe('Khu vực cán bộ');
    expect(translator('en', 'kiosk-staff')('health.responses', { count: 1 })).toBe('1 response');
    // The citizen namespace is still the default and untouched.
    expect(translator('en')('staff.corner')).toBe('Staff area');
  });
});
