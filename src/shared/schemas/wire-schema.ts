/**
 * The collection endpoint's wire contract, shared by the kiosk's sync engine and the collector.
 * Documented for humans in README.md ("Collection endpoint") and public/openapi.yaml.
 */
import { z } from 'zod';

import { MAX_BATCH_RESPONSES, RESULT_STATUSES } from '../wire';
import { PLACE_NAME_MAX_LENGTH, STORED_PLACE_CODE_MAX_LENGTH } from '../ids';
import { uuidV4Schema } from './response-schema';

/** What the kiosk tells the collector about itself on every sync, so the fleet view stays current. */
export const kioskReportSchema = z.strictObject({
  kioskId: uuidV4Schema,
  appVersion: z.string().max(40),
  /** Active definition on this kiosk, "id@version". */
  definition: z.string().max(60),
  queueDepth: z.int().nonnegative(),
  /** Completion time of the oldest response not yet acknowledged, if any. */
  oldestUnsentAt: z.iso.datetime({ offset: true }).nullable(),
  conflicts: z.int().nonnegative(),
  rejected: z.int().nonnegative(),
  storage: z.strictObject({
    persisted: z.boolean().nullable(),
    usageBytes: z.number().nonnegative().nullable(),
    quotaBytes: z.number().nonnegative().nullable(),
  }),
  lastError: z.string().max(500).nullable(),
});
export type KioskReport = z.infer<typeof kioskReportSchema>;

/**
 * The batch envelope. Responses are checked one by one (each gets its own result), so a single bad
 * response never blocks the good ones; only the envelope itself is checked here.
 */
export const submitBatchSchema = z.strictObject({
  kiosk: kioskReportSchema,
  responses: z.array(z.unknown()).max(MAX_BATCH_RESPONSES, `at most ${MAX_BATCH_RESPONSES} responses per batch`),
  /**
   * The kiosk's clock when it sent the batch. The collector compares it with its own clock at receipt
   * to learn the tablet's clock skew, and judges and places the responses' times corrected by it.
   * Optional: kiosks before this field send none, and their times are judged as they are.
   */
  sentAt: z.iso.datetime({ offset: true }).optional(),
});
export type SubmitBatch = z.infer<typeof submitBatchSchema>;


export const responseResultSchema = z.strictObject({
  /** The response's UUID, or null when the item was too malformed to carry one. */
  id: z.string().nullable(),
  /** Position of the item in the submitted batch. */
  index: z.int().nonnegative(),
  status: z.enum(RESULT_STATUSES),
  /** For conflict and rejected: what is wrong, in words a person can read. */
  reason: z.string().optional(),
});
export type ResponseResult = z.infer<typeof responseResultSchema>;

/**
 * Where the device stands as the collector has it registered: the tablet's place comes from here (the
 * provisioning link and every sync answer), so moving a tablet is one edit at the collector. Codes of
 * devices registered before the place-code rule are kept as they were, hence length-only checks.
 */
export const devicePlaceSchema = z.strictObject({
  agencyCode: z.string().min(1).max(STORED_PLACE_CODE_MAX_LENGTH),
  agencyName: z.string().max(PLACE_NAME_MAX_LENGTH),
  counterCode: z.string().min(1).max(STORED_PLACE_CODE_MAX_LENGTH),
  counterName: z.string().max(PLACE_NAME_MAX_LENGTH),
});
export type DevicePlace = z.infer<typeof devicePlaceSchema>;

export const submitResultSchema = z.strictObject({
  results: z.array(responseResultSchema),
  receivedAt: z.iso.datetime({ offset: true }),
  /** The sending device's registered place now; the kiosk takes it into its settings when it differs. */
  place: devicePlaceSchema,
});
export type SubmitResult = z.infer<typeof submitResultSchema>;

/** Error body of every non-2xx answer. */
export const errorBodySchema = z.strictObject({
  error: z.string(),
  message: z.string(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
