/**
 * The collection endpoint's wire contract, shared by the kiosk's sync engine and the collector.
 * Documented for humans in README.md ("Collection endpoint") and public/openapi.yaml.
 */
import { z } from 'zod';

import { FUNNEL_MAX_COUNT, FUNNEL_MAX_QUESTIONS, FUNNEL_REPORT_MAX_ENTRIES, MAX_BATCH_RESPONSES, RESULT_STATUSES } from '../wire';
import { DEFINITION_ID, DEFINITION_ID_DESCRIPTION, PLACE_NAME_MAX_LENGTH, QUESTION_ID, QUESTION_ID_DESCRIPTION, STORED_PLACE_CODE_MAX_LENGTH } from '../ids';
import { uuidV4Schema } from './response-schema';

const funnelCountSchema = z.int().nonnegative().max(FUNNEL_MAX_COUNT);

/**
 * One Vietnam-time day of one definition version on one kiosk: how many citizens started, how many
 * completed (by tapping Send, or by an idle timeout after the scored core), and how many walked away
 * before the core, by the last question they reached. Counts only: no answers, no times finer than
 * the day, nothing that identifies a citizen. The kiosk resends a day's cumulative counts, so the
 * collector replaces, never adds.
 */
export const funnelDaySchema = z.strictObject({
  /** The calendar day in Vietnam, YYYY-MM-DD. */
  day: z.iso.date(),
  definitionId: z.string().regex(DEFINITION_ID, DEFINITION_ID_DESCRIPTION),
  definitionVersion: z.int().positive().max(1_000_000),
  started: funnelCountSchema,
  /** Completed by the citizen (Send). */
  completed: funnelCountSchema,
  /** Completed by an idle timeout after every core question was passed. */
  completedByTimeout: funnelCountSchema,
  /** Abandoned before the core was done, keyed by the last question reached. */
  abandoned: z
    .record(z.string().regex(QUESTION_ID, QUESTION_ID_DESCRIPTION), funnelCountSchema)
    .refine((byQuestion) => Object.keys(byQuestion).length <= FUNNEL_MAX_QUESTIONS, {
      message: `at most ${FUNNEL_MAX_QUESTIONS} questions`,
    }),
});
export type FunnelDay = z.infer<typeof funnelDaySchema>;

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
    /**
     * Issue 9: the kiosk's last write of a response failed (full or failing storage), known from the
     * write itself, since estimate() can say 10 GB free on a full disk. Optional: older kiosks send none.
     */
    writeFailing: z.boolean().optional(),
    /** That write's error, e.g. "storage quota: QuotaExceededError: …". */
    lastWriteError: z.string().max(200).nullable().optional(),
    /** Responses the kiosk holds only in memory, not yet saved (they are not in queueDepth). */
    heldInMemory: z.int().nonnegative().max(1_000_000).optional(),
  }),
  lastError: z.string().max(500).nullable(),
  /**
   * The drop-off funnel of the last few days (issue 8). Optional: kiosks before it send none, and the
   * collector keeps what it had.
   */
  funnel: z.array(funnelDaySchema).max(FUNNEL_REPORT_MAX_ENTRIES, `at most ${FUNNEL_REPORT_MAX_ENTRIES} funnel entries`).optional(),
  /** Funnel events the kiosk could not store since it started (storage failing); they are missing from `funnel`. */
  funnelLost: z.int().nonnegative().max(FUNNEL_MAX_COUNT).optional(),
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
