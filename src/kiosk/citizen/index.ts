/** The citizen-facing kiosk screens and their helpers. */
// The screens bring their styles, so whatever mounts them gets them (the entry chunk's CSS).
import './kiosk.css';

export { KioskApp, type KioskAppProps } from './KioskApp';
export { loadBundledDefinitions, pickDefinition } from './definitions';
export { ADVANCE_DELAY_MS, INPUT_GUARD_MS } from './QuestionScreen';
