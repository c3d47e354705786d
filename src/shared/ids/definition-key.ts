/** The "id@version" key that names one version of a questionnaire definition. */

/** The key of a definition version: "sipas-2023@1". */
export function definitionKey(id: string, version: number): string {
  return `${id}@${version}`;
}

/** An "id@version" key read back. */
export interface DefinitionKeyParts {
  id: string;
  version: number;
}

const KEY = /^([^@\s]+)@([1-9][0-9]*)$/;

/** Reads "sipas-2023@1" back into its id and version; null for anything else (such as "none"). */
export function parseDefinitionKey(key: string): DefinitionKeyParts | null {
  const match = KEY.exec(key);
  if (!match) return null;
  const version = Number(match[2]);
  return Number.isSafeInteger(version) ? { id: match[1], version } : null;
}
