import i18next, { type TFunction } from 'i18next';
import vi from './vi.json';
import en from './en.json';

/** Languages the app chrome is translated into; Vietnamese first. */
export const APP_LANGUAGES = ['vi', 'en'] as const;
export type AppLanguage = (typeof APP_LANGUAGES)[number];

const ready = i18next.init({
  lng: 'vi',
  fallbackLng: 'vi',
  supportedLngs: [...APP_LANGUAGES],
  resources: { vi: { translation: vi }, en: { translation: en } },
  interpolation: { escapeValue: false }, // Preact escapes text when rendering.
  initImmediate: false,
} as Parameters<typeof i18next.init>[0]);

/** Resolves once the bundled resources are loaded (synchronous in practice). */
export function i18nReady(): Promise<unknown> {
  return ready;
}

/** A translator fixed to one language, so each citizen's session carries its own. */
export function translator(language: string): TFunction {
  return i18next.getFixedT(language);
}

export type { TFunction };
