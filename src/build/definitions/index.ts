/**
 * Node-side loading and checking of questionnaire definition files (survey-definitions/*.json):
 * used by the build (vite plugin), the `definitions:check` CLI and the collector. Not for the browser.
 */
export { DEFINITIONS_DIR, checkDefinitionText, formatProblem, loadDefinitionsFromDir, type DefinitionProblem } from './check-definitions';
export { definitionsPlugin, OTHER_LANGUAGES_QUERY } from './vite-plugin';
export { splitDefinitionTexts, type OtherLanguageTexts } from './split-texts';
