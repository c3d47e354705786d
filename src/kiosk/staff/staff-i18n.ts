import { addTranslations, translator, type TFunction } from '../i18n';
import en from './locales/en/kiosk-staff.json';
import vi from './locales/vi/kiosk-staff.json';

/** The staff area's i18next namespace. */
export const STAFF_NS = 'kiosk-staff';

/** A translator of the staff texts, fixed to one language. */
export type StaffT = TFunction<typeof STAFF_NS>;

/**
 * Adds the staff texts (namespace 'kiosk-staff') to the app's i18next when the staff chunk loads.
 * They live here rather than in kiosk/i18n so the citizen bundle does not carry them (≈ 5 KB gzip
 * against a 50 KB budget); only the corner's label is in the citizen namespace.
 */
export function registerStaffTranslations(): void {
  addTranslations(STAFF_NS, { vi, en });
}

/** The staff texts in one language. */
export function staffTranslator(language: string): StaffT {
  return translator(language, STAFF_NS);
}
