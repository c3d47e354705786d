/** Localisation shared by the tablet and the collector: picking a definition text for a language. */
export * from './localize';
