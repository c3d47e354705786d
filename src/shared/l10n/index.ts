/**
 * Localisation shared by the tablet and the collector: the one rule that picks a definition text for
 * a language, the number/date/size formatters, and the one Asia/Ho_Chi_Minh rule. The words
 * themselves are i18next resources (JSON per namespace and locale) next to the code that shows them.
 */
export * from './localize';
export * from './format';
export * from './vietnam-time';
