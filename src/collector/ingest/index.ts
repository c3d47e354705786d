/** Checking what arrives: each response against its definition, with path-precise reasons. */
export { checkResponse, indexDefinitions, MAX_RESPONSE_BYTES, type DefinitionIndex } from './check-response';
export { describeValue, explainAnswerProblem, formatPath, parseOrExplain } from './describe-issues';
