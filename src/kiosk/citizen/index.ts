/** The citizen-facing kiosk screens and their helpers. */
export { KioskApp, type KioskAppProps } from './KioskApp';
export { loadBundledDefinitions, pickDefinition } from './definitions';
export { ADVANCE_DELAY_MS, INPUT_GUARD_MS } from './QuestionScreen';
