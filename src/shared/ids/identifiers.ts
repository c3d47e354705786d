/*
 * Identifier rules, each a regex plus a check and the words a validation message uses. Zod-free, so
 * the citizen bundle, the zod schemas, the forms, the CLIs and the link parser share one rule each.
 */

/**
 * A question id, section id, option code or scale id: safe as a CSV column name, a JSON key and a
 * SQLite JSON path segment.
 */
export const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
/** What IDENTIFIER asks for, as the definition checker tells an author. */
export const IDENTIFIER_DESCRIPTION = 'an identifier: a letter, then letters, digits or _ (at most 40)';

/** A question id (the key of an answer). */
export const QUESTION_ID = IDENTIFIER;
/** What QUESTION_ID asks for, as a rejected response's reason names it. */
export const QUESTION_ID_DESCRIPTION = 'a question id';
/** A section id (what staff switch off on a kiosk). */
export const SECTION_ID = IDENTIFIER;
/** The code of a choice option (what a single or multiple answer stores). */
export const OPTION_CODE = IDENTIFIER;

/** Is this a well-formed identifier (question id, section id, option code or scale id)? */
export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text);
}
/** Is this a well-formed question id? */
export const isQuestionId = isIdentifier;
/** Is this a well-formed section id? */
export const isSectionId = isIdentifier;
/** Is this a well-formed option code? */
export const isOptionCode = isIdentifier;

/** A questionnaire definition's id, such as "sipas-2023". */
export const DEFINITION_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
/** What DEFINITION_ID asks for. */
export const DEFINITION_ID_DESCRIPTION = 'a lowercase id such as "sipas-2023"';
/** Is this a well-formed definition id? */
export function isDefinitionId(text: string): boolean {
  return DEFINITION_ID.test(text);
}

/** A two-letter language code such as "vi" or "en". */
export const LANGUAGE_CODE = /^[a-z]{2}$/;
/** What LANGUAGE_CODE asks for. */
export const LANGUAGE_CODE_DESCRIPTION = 'a two-letter language code';
/** Is this a two-letter language code? */
export function isLanguageCode(text: string): boolean {
  return LANGUAGE_CODE.test(text);
}
