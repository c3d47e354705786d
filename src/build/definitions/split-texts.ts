/*
 * The citizen bundle carries each definition in the languages a kiosk opens in (its first language
 * and the Vietnamese fallback); the other languages' texts become a chunk of their own, merged in
 * when a citizen picks one (issue 8: the bundle budget). The files in survey-definitions/ stay whole
 * and are checked whole; this only decides which bytes travel in which chunk.
 */
import { FALLBACK_LANGUAGE } from '../../shared/l10n';

/** The definition's texts outside the boot languages, in the definition's own shape (see `splitDefinitionTexts`). */
export type OtherLanguageTexts = Record<string, unknown>;

/**
 * Splits a checked definition (parsed JSON) in two: `boot`, the definition with every text cut down
 * to its first language and Vietnamese, and `other`, only the other languages' texts, at the same
 * paths (array items without texts are kept as `0` so indexes line up). `mergeDefinitionTexts` on
 * the tablet puts them back together into the whole definition.
 */
export function splitDefinitionTexts(definition: { languages: string[] }): { boot: unknown; other: OtherLanguageTexts } {
  const languages = new Set(definition.languages);
  const bootLanguages = new Set([definition.languages[0], FALLBACK_LANGUAGE]);
  // A text is an object whose every key is one of the definition's languages and every value a
  // string: definitions:check guarantees texts look like that, and nothing else in a definition does.
  const isText = (value: object): value is Record<string, string> =>
    !Array.isArray(value) && Object.keys(value).length > 0 && Object.entries(value).every(([key, text]) => languages.has(key) && typeof text === 'string');

  const boot = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(boot);
    if (isText(value)) {
      const kept = Object.entries(value).filter(([language]) => bootLanguages.has(language));
      return Object.fromEntries(kept.length ? kept : Object.entries(value));
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, boot(item)]));
  };

  const other = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) {
      const items = value.map(other);
      return items.some((item) => item !== undefined) ? items.map((item) => item ?? 0) : undefined;
    }
    const entries = isText(value)
      ? Object.entries(value).filter(([language]) => !bootLanguages.has(language))
      : Object.entries(value).map(([key, item]) => [key, other(item)] as const).filter(([, item]) => item !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  };

  return { boot: boot(definition), other: (other(definition) ?? {}) as OtherLanguageTexts };
}
