/**
 * Identifier rules, the one place for each: question and section ids, option codes, definition ids,
 * language codes, agency and counter codes, device labels, the collector's address, and the
 * "id@version" key. Each is a regex, a check and the words a message uses; zod-free so the citizen
 * bundle, the schemas, the forms, the CLIs and the link parser all share them.
 */
export * from './identifiers';
export * from './place-codes';
export * from './collector-url';
export * from './definition-key';
