/**
 * The tablet's one i18n mechanism: i18next, with JSON resources per namespace and locale. The
 * citizen namespace is bundled here in Vietnamese; its other languages are chunks of their own,
 * loaded when a citizen picks one (`loadAppLanguage`); the staff area adds its 'kiosk-staff'
 * namespace when its lazy chunk loads. Keys are typed from the Vietnamese resources (see i18next.d.ts).
 */
import i18next, { type Namespace, type TFunction } from 'i18next';
import vi from './locales/vi/citizen.json';

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
  resources: { vi: { [CITIZEN_NS]: vi } },
  interpolation: { escapeValue: false }, // Preact escapes text when rendering.
  initImmediate: false,
} as Parameters<typeof i18next.init>[0]);

/** Resolves once the bundled resources are loaded (synchronous in practice). */
export function i18nReady(): Promise<unknown> {
  return ready;
}

/**
 * The citizen texts of the languages other than Vietnamese: each its own chunk, so a tablet whose
 * citizens never leave Vietnamese does not parse them at boot (issue 8: the citizen bundle budget).
 * The service worker precaches every built chunk, so a language loads offline too.
 */
const lazyCitizenTexts: Record<Exclude<AppLanguage, 'vi'>, () => Promise<{ default: object }>> = {
  en: () => import('./locales/en/citizen.json'),
};
const loadingLanguages = new Map<string, Promise<void>>();

/** Whether the citizen texts of `language` are in (Vietnamese always; a language the app lacks needs none). */
export function appLanguageLoaded(language: string): boolean {
  return !isAppLanguage(language) || language === 'vi' || i18next.hasResourceBundle(language, CITIZEN_NS);
}

/** Loads the citizen texts of `language` once; a failed load may be tried again. */
export function loadAppLanguage(language: string): Promise<void> {
  if (appLanguageLoaded(language)) return Promise.resolve();
  const code = language as Exclude<AppLanguage, 'vi'>;
  let loading = loadingLanguages.get(code);
  if (!loading) {
    loading = lazyCitizenTexts[code]().then((texts) => void i18next.addResourceBundle(code, CITIZEN_NS, texts.default, true, false));
    loading.catch(() => loadingLanguages.delete(code));
    loadingLanguages.set(code, loading);
  }
  return loading;
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
