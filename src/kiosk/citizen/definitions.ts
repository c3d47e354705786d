import type { SurveyDefinition } from '../../shared/schemas';
import { APP_LANGUAGES, appLanguageLoaded, loadAppLanguage } from '../i18n';

/**
 * Every bundled definition, each in its own chunk. They were validated at build time (the build
 * fails on an invalid file), so the citizen bundle trusts them without carrying zod. In a build each
 * chunk holds the texts of the languages a kiosk boots in (first language, Vietnamese); the other
 * languages' texts are a chunk of their own (`?other-languages`, src/build/definitions/split-texts.ts),
 * merged in when a citizen picks one of them.
 */
const bundled = import.meta.glob<SurveyDefinition>('../../../survey-definitions/*.json', { import: 'default' });
const otherLanguages = import.meta.glob<object>('../../../survey-definitions/*.json', { import: 'default', query: '?other-languages' });

/** Per loaded definition: its other languages' texts, loaded once (a failed load may be tried again). */
const textLoads = new WeakMap<SurveyDefinition, { load: () => Promise<object>; loading?: Promise<void>; done?: boolean }>();

/** Loads every bundled definition (they are small; the service worker precaches them all). */
export async function loadBundledDefinitions(): Promise<SurveyDefinition[]> {
  return Promise.all(
    Object.entries(bundled).map(async ([file, load]) => {
      const definition = await load();
      const loadTexts = otherLanguages[file];
      if (loadTexts) textLoads.set(definition, { load: loadTexts });
      return definition;
    }),
  );
}

/**
 * Puts a definition's other-language texts (same paths as the definition, array items without
 * texts as `0`) into it, in place: the engine, the screens and the staff exports all hold this one
 * object, and each then sees whole texts. Merging twice changes nothing.
 */
export function mergeDefinitionTexts(target: unknown, texts: unknown): void {
  if (!target || typeof target !== 'object' || !texts || typeof texts !== 'object') return;
  const into = target as Record<string, unknown>;
  for (const [key, value] of Object.entries(texts)) {
    if (typeof value === 'string') into[key] = value;
    else mergeDefinitionTexts(into[key], value);
  }
}

/** Whether a citizen can be shown `language` now: the app's words and the definition's texts are in. */
export function languageLoaded(definition: SurveyDefinition, language: string): boolean {
  const texts = textLoads.get(definition);
  return appLanguageLoaded(language) && (!needsOtherTexts(definition, language) || !texts || texts.done === true);
}

/** Loads what `language` needs: the app's words in it and every given definition's texts in it. */
export async function loadLanguage(definitions: SurveyDefinition | SurveyDefinition[], language: string): Promise<void> {
  const list = Array.isArray(definitions) ? definitions : [definitions];
  await Promise.all([loadAppLanguage(language), ...list.filter((d) => needsOtherTexts(d, language)).map(loadOtherTexts)]);
}

/** Every language of the app and of these definitions (the staff area shows and exports in any). */
export async function loadEveryLanguage(definitions: SurveyDefinition[]): Promise<void> {
  const languages = new Set([...APP_LANGUAGES, ...definitions.flatMap((d) => d.languages)]);
  await Promise.all([...languages].map((language) => loadLanguage(definitions, language)));
}

/** The boot chunk has a definition's first language and Vietnamese; any other needs the rest. */
function needsOtherTexts(definition: SurveyDefinition, language: string): boolean {
  return language !== 'vi' && language !== definition.languages[0] && definition.languages.includes(language);
}

function loadOtherTexts(definition: SurveyDefinition): Promise<void> {
  const texts = textLoads.get(definition);
  if (!texts || texts.done) return Promise.resolve();
  texts.loading ??= texts.load().then(
    (other) => {
      mergeDefinitionTexts(definition, other);
      texts.done = true;
    },
    (error: unknown) => {
      texts.loading = undefined;
      throw error;
    },
  );
  return texts.loading;
}

/**
 * The definition the kiosk should ask: the pinned version when staff pinned one, else the newest
 * version of the chosen id, else the newest sipas-2023.
 */
export function pickDefinition(definitions: SurveyDefinition[], id: string, version: number | null): SurveyDefinition | undefined {
  const newestOf = (wanted: string) =>
    definitions.filter((d) => d.id === wanted).sort((a, b) => b.version - a.version)[0];
  if (version !== null) {
    const pinned = definitions.find((d) => d.id === id && d.version === version);
    if (pinned) return pinned;
  }
  return newestOf(id) ?? newestOf('sipas-2023') ?? definitions[0];
}
