/**
 * The zod schemas: one per kind of data that crosses a boundary (definition files, responses, kiosk
 * settings, the sync payload, the evacuation file). Types are inferred from them, never written twice.
 * Parse once where data enters. The citizen bundle imports only types from here (`import type`),
 * so zod stays out of it.
 */
export * from './definition-schema';
export * from './response-schema';
export * from './settings-schema';
export * from './wire-schema';
export * from './evacuation-schema';
