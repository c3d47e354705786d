import i18next from 'i18next';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

/**
 * Adds the staff texts (keys "staff.*") to the app's i18next when the staff chunk loads. They live
 * here rather than in src/i18n so the citizen bundle does not carry them (≈ 5 KB gzip against a
 * 45 KB budget); only the corner's label is in src/i18n. Deep merge keeps that label.
 */
export function registerStaffTranslations(): void {
  i18next.addResourceBundle('vi', 'translation', vi, true, false);
  i18next.addResourceBundle('en', 'translation', en, true, false);
}
