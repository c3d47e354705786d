import type { LocalizedText } from '../schemas/definition-schema';

/** The text in the citizen's language, falling back to the first language the text has. */
export function localize(text: LocalizedText | undefined, language: string): string {
  if (!text) return '';
  return text[language] ?? Object.values(text)[0] ?? '';
}
