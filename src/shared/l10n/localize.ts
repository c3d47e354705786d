import type { LocalizedText } from '../schemas';

/** The language every definition and every resource has in full. */
export const FALLBACK_LANGUAGE = 'vi';

/**
 * The one rule for picking a definition text: the wanted language, else Vietnamese, else the first
 * language the text has. Used by the citizen screens, the tablet's staff area, exports and the report.
 */
export function localize(text: LocalizedText | undefined, language: string): string {
  if (!text) return '';
  return text[language] ?? text[FALLBACK_LANGUAGE] ?? Object.values(text)[0] ?? '';
}
