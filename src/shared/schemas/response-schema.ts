import { z } from 'zod';
import { DEVICE_LABEL_MAX_LENGTH, LANGUAGE_CODE, STORED_PLACE_CODE_MAX_LENGTH, QUESTION_ID, QUESTION_ID_DESCRIPTION, SECTION_ID } from '../ids';

/** Upper bounds that keep a single response small on the tablet and on the wire. */
export const MAX_ANSWERS_PER_RESPONSE = 200;
export const MAX_TEXT_ANSWER_LENGTH = 2000;

/** Any RFC 9562 UUID in its 8-4-4-4-12 hex layout, in either case. */
const UUID_LAYOUT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a kiosk-made UUID must be, as a rejection reason says it. */
export const UUID_V4_DESCRIPTION = 'a version 4 UUID (RFC 9562)';

/**
 * Why `value` is not a version 4 UUID as the kiosk makes them (crypto.randomUUID), worded as what was
 * expected; null when it is one. Nil and max are refused: no kiosk makes them, a hand-made request does.
 */
export function uuidV4Problem(value: string): string | null {
  if (!UUID_LAYOUT.test(value)) return `${UUID_V4_DESCRIPTION} such as 7d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b`;
  const lower = value.toLowerCase();
  if (lower === '00000000-0000-0000-0000-000000000000') return `${UUID_V4_DESCRIPTION}, not the nil UUID`;
  if (lower === 'ffffffff-ffff-ffff-ffff-ffffffffffff') return `${UUID_V4_DESCRIPTION}, not the max UUID`;
  if (lower[14] !== '4') return `${UUID_V4_DESCRIPTION}, not a version ${lower[14]} UUID`;
  if (!'89ab'.includes(lower[19])) return `${UUID_V4_DESCRIPTION} of the RFC 9562 variant (8, 9, a or b after the third hyphen), not variant digit ${lower[19]}`;
  return null;
}

/** A version 4 UUID in either case; the collector stores it in lower case (canonical identity). */
export const uuidV4Schema = z
  .string()
  .superRefine((value, ctx) => {
    const problem = uuidV4Problem(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  })
  // For a value that is not even a text, the rejection still says a UUID was expected.
  .meta({ format: 'uuid' });

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

/** How a response ended; see `endedBy`. */
export const RESPONSE_ENDINGS = ['citizen', 'timeout'] as const;
export type ResponseEnding = (typeof RESPONSE_ENDINGS)[number];

/** Most section ids one response can name as switched off (as many as a kiosk's settings hold). */
export const MAX_SECTIONS_OFF = 50;

/**
 * A citizen's response as the kiosk stores it and sends it. Anonymous: it carries where and when it
 * was given, never who gave it (unless a definition asks a question that does).
 */
export const surveyResponseSchema = z.strictObject({
  /** Client-made UUID, fixed from the moment the response is created (the delivery contract's key). */
  id: uuidV4Schema,
  /** The kiosk installation that made it (a UUID kept in the tablet's database). */
  kioskId: uuidV4Schema,
  /** Per-kiosk sequence number: strictly increasing, never reused, so gaps reveal loss. */
  seq: z.int().positive(),
  definitionId: z.string().min(1).max(40),
  definitionVersion: z.int().positive(),
  // No message of its own: a rejection names the pattern, as it always has.
  locale: z.string().regex(LANGUAGE_CODE),
  /** "partial" is an abandoned response kept by setting: stored and sent, never scored. */
  status: z.enum(['complete', 'partial']),
  /**
   * Who ended a complete response: "citizen" tapped Send; "timeout" means the citizen passed every
   * core question and walked away, and the kiosk stored it complete on idle timeout (it is scored
   * like any complete one). Absent on responses from kiosks before this field: read as "citizen".
   */
  endedBy: z.enum(RESPONSE_ENDINGS).optional(),
  /**
   * The optional sections of the definition that were switched off on the tablet when this response
   * was answered: their questions were not asked, which the report tells apart from asked and left
   * unanswered. Absent or empty: every section was on (and kiosks before this field).
   */
  sectionsOff: z.array(z.string().regex(SECTION_ID)).max(MAX_SECTIONS_OFF).optional(),
  startedAt: z.iso.datetime({ offset: true }),
  completedAt: z.iso.datetime({ offset: true }),
  durationMs: z.int().nonnegative(),
  // Length only: the code pattern is checked where codes are entered (settings, provisioning link).
  agencyCode: z.string().max(STORED_PLACE_CODE_MAX_LENGTH),
  counterCode: z.string().max(STORED_PLACE_CODE_MAX_LENGTH),
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
