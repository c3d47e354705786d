/**
 * The tablet's one i18n mechanism: i18next, with JSON resources per namespace and locale. The
 * citizen namespace is bundled here; the staff area adds its 'kiosk-staff' namespace when its lazy
 * chunk loads. Keys are typed from the Vietnamese resources (see i18next.d.ts).
 */
import i18next, { type Namespace, type TFunction } from 'i18next';
import vi from './locales/vi/citizen.json';
import en from './locales/en/citizen.json';

/** Languages the app chrome is translated into; Vietnamese first. */
export const APP_LANGUAGES = ['vi', 'en'] as const;
/** One of the app chrome's languages. */
export type AppLanguage = (typeof APP_LANGUAGES)[number];

/** Whether the app chrome has words for this language (a definition may offer more). */
export function isAppLanguage(code: string): code is AppLanguage {
  return (APP_LANGUAGES as readonly string[]).includes(code);
}

/** The citizen screens' namespace (the default one). */
export const CITIZEN_NS = 'citizen';

const ready = i18next.init({
  lng: 'vi',
  fallbackLng: 'vi',
  supportedLngs: [...APP_LANGUAGES],
  ns: [CITIZEN_NS],
  defaultNS: CITIZEN_NS,
  resources: { vi: { [CITIZEN_NS]: vi }, en: { [CITIZEN_NS]: en } },
  interpolation: { escapeValue: false }, // Preact escapes text when rendering.
  initImmediate: false,
} as Parameters<typeof i18next.init>[0]);

/** Resolves once the bundled resources are loaded (synchronous in practice). */
export function i18nReady(): Promise<unknown> {
  return ready;
}

/** A translator fixed to one language and namespace, so each citizen's session carries its own. */
export function translator<N extends Namespace = typeof CITIZEN_NS>(language: string, ns?: N): TFunction<N> {
  return i18next.getFixedT(language, ns ?? (CITIZEN_NS as N));
}

/**
 * Adds a lazily loaded namespace's resources (the staff chunk's). Deep merge and no overwrite, so
 * loading the chunk twice (a test, a hot reload) is harmless.
 */
export function addTranslations(ns: Namespace & string, resources: Record<AppLanguage, object>): void {
  for (const language of APP_LANGUAGES) i18next.addResourceBundle(language, ns, resources[language], true, false);
}

export type { TFunction };
