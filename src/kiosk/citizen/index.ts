/** The citizen-facing kiosk screens and their helpers. */
// The screens bring their styles, so whatever mounts them gets them (the entry chunk's CSS).
import './kiosk.css';

export { KioskApp, type KioskAppProps } from './KioskApp';
export { languageLoaded, loadBundledDefinitions, loadEveryLanguage, loadLanguage, mergeDefinitionTexts, pickDefinition } from './definitions';
export { useLanguage } from './use-language';
export { ADVANCE_DELAY_MS, INPUT_GUARD_MS } from './QuestionScreen';
// The screens themselves, for their component tests.
export { QuestionScreen } from './QuestionScreen';
export { Welcome, WELCOME_ATTRACT_MS } from './Welcome';
