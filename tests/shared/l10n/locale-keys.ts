/*
 * Compares two i18next resources of one namespace: the same keys (nested keys flattened, plural
 * forms folded into their base key) with the same interpolation variables.
 */

/** i18next's plural suffixes (Intl.PluralRules categories). */
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
/** `{{name}}`, also with a format: `{{value, number}}`. */
const VARIABLE = /\{\{\s*([^\s,}]+)[^}]*\}\}/g;

/** One base key of a resource: the variables its texts use, and its plural forms if it has any. */
export interface KeyInfo {
  variables: Set<string>;
  pluralForms: Set<string>;
}

/** Every base key of a resource ("health.responses" for responses_one and responses_other). */
export function resourceKeys(resource: object, prefix = '', into = new Map<string, KeyInfo>()): Map<string, KeyInfo> {
  for (const [key, value] of Object.entries(resource)) {
    if (value !== null && typeof value === 'object') {
      resourceKeys(value as object, `${prefix}${key}.`, into);
      continue;
    }
    const plural = PLURAL_SUFFIX.exec(key);
    const base = `${prefix}${plural ? key.slice(0, plural.index) : key}`;
    const info = into.get(base) ?? { variables: new Set<string>(), pluralForms: new Set<string>() };
    for (const match of String(value).matchAll(VARIABLE)) info.variables.add(match[1]);
    if (plural) info.pluralForms.add(plural[1]);
    into.set(base, info);
  }
  return into;
}

const list = (names: Set<string>) => [...names].sort().map((name) => `{{${name}}}`).join(' ') || 'none';

/**
 * What is wrong with `other` (language `language`) measured against the reference resource (vi):
 * missing and extra keys, differing variables, plural forms without `_other` (i18next's fallback
 * form). Variables are compared over all plural forms of a key together, since "1 response" may
 * leave {{count}} out. Empty when they agree.
 */
export function compareResources(reference: object, other: object, language: string): string[] {
  const want = resourceKeys(reference);
  const have = resourceKeys(other);
  const problems: string[] = [];
  for (const [key, info] of want) {
    const found = have.get(key);
    if (!found) {
      problems.push(`${key}: missing in ${language}`);
      continue;
    }
    if (list(info.variables) !== list(found.variables)) {
      problems.push(`${key}: variables ${list(info.variables)} in vi, ${list(found.variables)} in ${language}`);
    }
  }
  for (const key of have.keys()) if (!want.has(key)) problems.push(`${key}: in ${language} but not in vi`);
  for (const [resource, name] of [
    [want, 'vi'],
    [have, language],
  ] as const) {
    for (const [key, info] of resource) {
      if (info.pluralForms.size > 0 && !info.pluralForms.has('other')) problems.push(`${key}: plural forms in ${name} without _other`);
    }
  }
  return problems;
}
