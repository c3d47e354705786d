/*
 * The collector staff pages' words: i18next resources (locales/{vi,en}/collector-staff.json) in an
 * i18next instance of the collector's own, so nothing here depends on the tablet's global one. Keys
 * are typed from the Vietnamese resources (i18next.d.ts). Numbers, dates and spans of time are
 * formatted by src/shared/l10n; this module only picks the words.
 */
import i18next, { type TFunction } from 'i18next';
import { formatAgo, spanOf } from '../../shared/l10n';
import vi from './locales/vi/collector-staff.json';
import en from './locales/en/collector-staff.json';

/** The staff pages' languages, Vietnamese first. */
export const LANGS = ['vi', 'en'] as const;
/** One of the staff pages' languages. */
export type Lang = (typeof LANGS)[number];

/** The staff pages' i18next namespace. */
export const STAFF_NS = 'collector-staff';

/** Cookie that remembers the language chosen with ?lang=. */
export const LANG_COOKIE = 'sipas_admin_lang';

/** A translator of the staff pages, fixed to one language. */
export type StaffT = TFunction<typeof STAFF_NS>;

const instance = i18next.createInstance();
// Resources are bundled and given inline, so init completes synchronously (initAsync: false).
void instance.init({
  lng: 'vi',
  fallbackLng: 'vi',
  supportedLngs: [...LANGS],
  ns: [STAFF_NS],
  defaultNS: STAFF_NS,
  resources: { vi: { [STAFF_NS]: vi }, en: { [STAFF_NS]: en } },
  // Preact escapes every text when a page is rendered; escaping here too would show "&amp;".
  interpolation: { escapeValue: false },
  initAsync: false,
} as Parameters<typeof instance.init>[0]);

/** The staff pages' translator for a language. */
export function staffT(lang: Lang): StaffT {
  return instance.getFixedT(lang, STAFF_NS);
}

/** The language asked for with ?lang=, else the remembered one, else Vietnamese. */
export function pickLang(queryLang: unknown, cookieLang: string | undefined): Lang {
  if (queryLang === 'vi' || queryLang === 'en') return queryLang;
  if (cookieLang === 'vi' || cookieLang === 'en') return cookieLang;
  return 'vi';
}

/** How long, in the largest whole unit: "3 giờ", "2 days" (the unit rule is shared/l10n's spanOf). */
export function formatSpan(t: StaffT, ms: number): string {
  const span = spanOf(ms);
  switch (span.unit) {
    case 'lessThanMinute':
      return t('time.justNow');
    case 'minutes':
      return t('time.minutes', { count: span.count });
    case 'hours':
      return t('time.hours', { count: span.count });
    case 'days':
      return t('time.days', { count: span.count });
  }
}

/** How long ago: "3 giờ trước", "3 hours ago", or "vừa xong" under a minute. */
export function formatAgoText(t: StaffT, lang: Lang, instant: string, now: Date): string {
  return formatAgo(lang, instant, now) ?? t('time.justNow');
}
