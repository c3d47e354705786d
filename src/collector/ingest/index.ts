/** Checking what arrives: each response against its definition, with path-precise reasons. */
export {
  checkResponse,
  indexDefinitions,
  DURATION_TOLERANCE_MS,
  EARLIEST_RESPONSE_AT,
  FUTURE_TOLERANCE_MS,
  MAX_RESPONSE_BYTES,
  type CheckContext,
  type DefinitionIndex,
} from './check-response';
export { checkBatch, type CheckedBatch } from './check-batch';
export { CLOCK_SKEW_LIMIT_MS, clockSkewOf, isClockSkewed } from './clock-skew';
export { describeValue, explainAnswerProblem, formatPath, parseOrExplain } from './describe-issues';
export { invalidUtf8Offset, MAX_JSON_DEPTH, readJsonBody, tooDeepPath, type JsonBody } from './json-body';
export { findUnsafeJson, loneSurrogateAt, normalizeText, PROTOTYPE_KEYS, type UnsafeJsonOptions } from './unsafe-json';
