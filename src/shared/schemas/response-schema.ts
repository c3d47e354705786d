import { z } from 'zod';
import { DEVICE_LABEL_MAX_LENGTH, LANGUAGE_CODE, PLACE_CODE_MAX_LENGTH, QUESTION_ID, QUESTION_ID_DESCRIPTION } from '../ids';

/** Upper bounds that keep a single response small on the tablet and on the wire. */
export const MAX_ANSWERS_PER_RESPONSE = 200;
export const MAX_TEXT_ANSWER_LENGTH = 2000;

/** One answer: a satisfaction code 1–5, an option code, several option codes, or a free text. */
export const answerValueSchema = z.union([
  z.int().min(1).max(5),
  z.string().max(MAX_TEXT_ANSWER_LENGTH),
  z.array(z.string().max(40)).max(50),
]);
export type AnswerValue = z.infer<typeof answerValueSchema>;

/** Answers keyed by question id. An absent key means skipped or not applicable — never a default. */
export const answersSchema = z
  .record(z.string().regex(QUESTION_ID, QUESTION_ID_DESCRIPTION), answerValueSchema)
  .refine((answers) => Object.keys(answers).length <= MAX_ANSWERS_PER_RESPONSE, {
    message: `at most ${MAX_ANSWERS_PER_RESPONSE} answers`,
  });
export type Answers = z.infer<typeof answersSchema>;

/**
 * A citizen's response as the kiosk stores it and sends it. Anonymous: it carries where and when it
 * was given, never who gave it (unless a definition asks a question that does).
 */
export const surveyResponseSchema = z.strictObject({
  /** Client-made UUID, fixed from the moment the response is created (the delivery contract's key). */
  id: z.uuid(),
  /** The kiosk installation that made it (a UUID kept in the tablet's database). */
  kioskId: z.uuid(),
  /** Per-kiosk sequence number: strictly increasing, never reused, so gaps reveal loss. */
  seq: z.int().positive(),
  definitionId: z.string().min(1).max(40),
  definitionVersion: z.int().positive(),
  // No message of its own: a rejection names the pattern, as it always has.
  locale: z.string().regex(LANGUAGE_CODE),
  /** "partial" is an abandoned response kept by setting: stored and sent, never scored. */
  status: z.enum(['complete', 'partial']),
  startedAt: z.iso.datetime({ offset: true }),
  completedAt: z.iso.datetime({ offset: true }),
  durationMs: z.int().nonnegative(),
  // Length only: the code pattern is checked where codes are entered (settings, provisioning link).
  agencyCode: z.string().max(PLACE_CODE_MAX_LENGTH),
  counterCode: z.string().max(PLACE_CODE_MAX_LENGTH),
  deviceLabel: z.string().max(DEVICE_LABEL_MAX_LENGTH),
  appVersion: z.string().max(40),
  answers: answersSchema,
  /** Abuse signals are kept as flags, never as deletions. */
  flags: z.strictObject({
    /** Completed faster than a person can read the questions. */
    tooFast: z.boolean(),
    /** Started less than the minimum interval after the previous response ended. */
    belowMinInterval: z.boolean(),
  }),
});
export type SurveyResponse = z.infer<typeof surveyResponseSchema>;
