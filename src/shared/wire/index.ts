/**
 * The collection endpoint's wire contract without zod: paths, limits, result statuses and the
 * provisioning link. The schemas that check the payload live in ../schemas (wire-schema.ts).
 * Documented for humans in README.md ("Collection endpoint") and public/openapi.yaml.
 */
export * from './constants';
export * from './provisioning';
export { toWireResponse } from './wire-response';
export type { ImportSummary } from './import-summary';
export type { DevicePlace, ErrorBody, FunnelDay, KioskReport, ResponseResult, SubmitBatch, SubmitResult } from '../schemas';
