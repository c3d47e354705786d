import type { SurveyDefinition } from '../../shared/schemas';

/**
 * Every bundled definition, each in its own chunk. They were validated at build time (the build
 * fails on an invalid file), so the citizen bundle trusts them without carrying zod.
 */
const bundled = import.meta.glob<SurveyDefinition>('../../../survey-definitions/*.json', { import: 'default' });

/** Loads every bundled definition (they are small; the service worker precaches them all). */
export async function loadBundledDefinitions(): Promise<SurveyDefinition[]> {
  return Promise.all(Object.values(bundled).map((load) => load()));
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
