/**
 * The pure survey core shared by the kiosk, the collector and the tests: definition and response
 * schemas, the questionnaire engine and SIPAS scoring. No DOM, no IndexedDB, no network.
 */
export * from './definition-schema';
export * from './response-schema';
export * from './engine';
export * from './scoring';
