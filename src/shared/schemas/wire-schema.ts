/**
 * The collection endpoint's wire contract, shared by the kiosk's sync engine and the collector.
 * Documented for humans in README.md ("Collection endpoint") and public/openapi.yaml.
 */
import { z } from 'zod';

import { MAX_BATCH_RESPONSES, RESULT_STATUSES } from '../wire';

/** What the kiosk tells the collector about itself on every sync, so the fleet view stays current. */
export const kioskReportSchema = z.strictObject({
  kioskId: z.uuid(),
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

export const submitResultSchema = z.strictObject({
  results: z.array(responseResultSchema),
  receivedAt: z.iso.datetime({ offset: true }),
});
export type SubmitResult = z.infer<typeof submitResultSchema>;

/** Error body of every non-2xx answer. */
export const errorBodySchema = z.strictObject({
  error: z.string(),
  message: z.string(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
