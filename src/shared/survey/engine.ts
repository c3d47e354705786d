/*
 * The questionnaire engine: which questions a citizen is asked, in what order, and whether a set of
 * answers is acceptable. Plain functions over plain data; only types come from the zod schemas so the
 * kiosk's citizen bundle does not carry the validator.
 */
import { localize } from '../l10n';
import type { AnswerValue, Answers, Condition, Question, Section, SurveyDefinition } from '../schemas';

/** Per-kiosk switches that change which questions are asked. */
export interface EngineOptions {
  /** Ids of optional sections staff switched off; ignored for sections that are not optional. */
  disabledSections?: readonly string[];
}

/** A question together with the section it sits in. */
export interface QuestionRef {
  section: Section;
  question: Question;
}

/** Visibility codes written by a VisibilityEvaluator, one per question in definition order. */
export const VISIBILITY = {
  shown: 1,
  /** The question's own `showIf` failed. */
  hiddenByCondition: 2,
  /** The `showIf` of its section failed. */
  hiddenBySection: 3,
  /** Its optional section is switched off on this kiosk. */
  sectionSwitchedOff: 4,
} as const;

/** Decides, for many answer sets in a row, which questions were asked; made once per definition. */
export interface VisibilityEvaluator {
  /** Every question of the definition in order; index i here is index i of `evaluate`'s codes. */
  readonly questions: readonly QuestionRef[];
  /** Position of a question id in `questions`, or -1 when the definition has no such question. */
  indexOf(questionId: string): number;
  /** A VISIBILITY code per question for these answers; the same array is overwritten by the next call. */
  evaluate(answers: Answers): Uint8Array;
}

const SHOWN = VISIBILITY.shown;
const hasOwn = Object.prototype.hasOwnProperty;
const NO_ANSWERS: Answers = {};

/** The stored answer, never one inherited from Object.prototype ("constructor" is a legal question id). */
function answerOf(answers: Answers, questionId: string): AnswerValue | undefined {
  return hasOwn.call(answers, questionId) ? answers[questionId] : undefined;
}

/** An empty list or a blank text is how a citizen takes an answer back, so it is no answer. */
function hasValue(value: AnswerValue | undefined): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'string') return value.trim() !== '';
  return true;
}

/** A SIPAS satisfaction code: an integer 1–5. */
function isScaleCode(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5;
}

function matches(value: AnswerValue | undefined, expected: string | number): boolean {
  return Array.isArray(value) ? (value as readonly unknown[]).includes(expected) : value === expected;
}

function evaluate(condition: Condition, answerTo: (questionId: string) => AnswerValue | undefined): boolean {
  if ('all' in condition) return condition.all.every((part) => evaluate(part, answerTo));
  if ('any' in condition) return condition.any.some((part) => evaluate(part, answerTo));
  if ('not' in condition) return !evaluate(condition.not, answerTo);
  const value = answerTo(condition.question);
  if ('equals' in condition) return matches(value, condition.equals);
  if ('in' in condition) return condition.in.some((expected) => matches(value, expected));
  return hasValue(value) === condition.answered;
}

/** Whether a condition holds for these answers; no condition always holds. */
export function isConditionMet(condition: Condition | undefined, answers: Answers): boolean {
  return condition === undefined || evaluate(condition, (questionId) => answerOf(answers, questionId));
}

interface Plan {
  questions: QuestionRef[];
  indexById: Map<string, number>;
  /** Index in `questions` of each section's first question. */
  sectionStarts: number[];
}

// Definitions are parsed once and never mutated, so the flattened form can be kept per object.
const plans = new WeakMap<SurveyDefinition, Plan>();

function planOf(def: SurveyDefinition): Plan {
  let plan = plans.get(def);
  if (plan) return plan;
  plan = { questions: [], indexById: new Map(), sectionStarts: [] };
  for (const section of def.sections) {
    plan.sectionStarts.push(plan.questions.length);
    for (const question of section.questions) {
      // First occurrence wins, should an unvalidated definition repeat an id.
      if (!plan.indexById.has(question.id)) plan.indexById.set(question.id, plan.questions.length);
      plan.questions.push({ section, question });
    }
  }
  plans.set(def, plan);
  return plan;
}

/** A reusable visibility evaluator for bulk work (scoring, validation) that avoids per-call setup. */
export function createVisibilityEvaluator(def: SurveyDefinition, options?: EngineOptions): VisibilityEvaluator {
  const plan = planOf(def);
  const switchedOff = new Set(options?.disabledSections ?? []);
  const codes = new Uint8Array(plan.questions.length);
  let answers = NO_ANSWERS;
  let cursor = 0;
  // A condition sees only questions before the one being decided, and only those that were shown:
  // an answer left behind on a hidden question must not open a later one.
  const answerTo = (questionId: string): AnswerValue | undefined => {
    const index = plan.indexById.get(questionId);
    return index !== undefined && index < cursor && codes[index] === SHOWN ? answerOf(answers, questionId) : undefined;
  };
  return {
    questions: plan.questions,
    indexOf: (questionId) => plan.indexById.get(questionId) ?? -1,
    evaluate(current) {
      answers = current;
      def.sections.forEach((section, s) => {
        const start = plan.sectionStarts[s];
        cursor = start;
        const sectionCode =
          section.optional && switchedOff.has(section.id)
            ? VISIBILITY.sectionSwitchedOff
            : section.showIf && !evaluate(section.showIf, answerTo)
              ? VISIBILITY.hiddenBySection
              : SHOWN;
        section.questions.forEach((question, q) => {
          cursor = start + q;
          codes[cursor] =
            sectionCode !== SHOWN ? sectionCode : question.showIf && !evaluate(question.showIf, answerTo) ? VISIBILITY.hiddenByCondition : SHOWN;
        });
      });
      answers = NO_ANSWERS; // hold no citizen's answers between calls
      return codes;
    },
  };
}

/** The questions asked given these answers, in definition order. */
export function visibleQuestions(def: SurveyDefinition, answers: Answers, options?: EngineOptions): QuestionRef[] {
  const evaluator = createVisibilityEvaluator(def, options);
  const codes = evaluator.evaluate(answers);
  return evaluator.questions.filter((_, i) => codes[i] === SHOWN);
}

/**
 * A new answer set holding only real answers (not an empty list or a blank text) to questions that
 * are asked. One pass is the fixed point: visibility is decided in order from shown answers only.
 */
export function pruneAnswers(def: SurveyDefinition, answers: Answers, options?: EngineOptions): Answers {
  const pruned: Answers = {};
  for (const { question } of visibleQuestions(def, answers, options)) {
    const value = answerOf(answers, question.id);
    if (hasValue(value)) pruned[question.id] = value as AnswerValue;
  }
  return pruned;
}

/** The question with this id and its section, if the definition has it. */
export function findQuestion(def: SurveyDefinition, questionId: string): QuestionRef | undefined {
  const plan = planOf(def);
  const index = plan.indexById.get(questionId);
  return index === undefined ? undefined : plan.questions[index];
}

/** Whether a value answers the question: a code 1–5, an option code, a non-empty list, a non-blank text. */
export function isAnswered(question: Question, value: AnswerValue | undefined): boolean {
  switch (question.kind) {
    case 'satisfaction':
      return isScaleCode(value);
    case 'single':
      return typeof value === 'string' && question.options.some((option) => option.code === value);
    case 'multiple':
      return Array.isArray(value) && value.length > 0;
    case 'text':
      return typeof value === 'string' && value.trim() !== '';
  }
}

/** Id of the first question asked, or null when nothing is asked at all. */
export function firstQuestionId(def: SurveyDefinition, answers: Answers, options?: EngineOptions): string | null {
  return visibleQuestions(def, answers, options)[0]?.question.id ?? null;
}

/**
 * Id of the next question asked after `currentId`, or null at the end (the review). An id the
 * definition lacks counts as "before the start", so the kiosk falls back to the first question.
 */
export function nextQuestionId(def: SurveyDefinition, answers: Answers, currentId: string, options?: EngineOptions): string | null {
  const evaluator = createVisibilityEvaluator(def, options);
  const codes = evaluator.evaluate(answers);
  for (let i = evaluator.indexOf(currentId) + 1; i < codes.length; i++) {
    if (codes[i] === SHOWN) return evaluator.questions[i].question.id;
  }
  return null;
}

/** Id of the question asked before `currentId`, or null on the first one (or for an unknown id). */
export function previousQuestionId(def: SurveyDefinition, answers: Answers, currentId: string, options?: EngineOptions): string | null {
  const evaluator = createVisibilityEvaluator(def, options);
  const codes = evaluator.evaluate(answers);
  for (let i = evaluator.indexOf(currentId) - 1; i >= 0; i--) {
    if (codes[i] === SHOWN) return evaluator.questions[i].question.id;
  }
  return null;
}

/**
 * 1-based position of `currentId` among the questions asked, and how many are asked. The total moves
 * as filter answers change. A current question that is not (or no longer) asked still counts as one
 * step so position never exceeds total; an unknown id gives position 0.
 */
export function progressOf(
  def: SurveyDefinition,
  answers: Answers,
  currentId: string,
  options?: EngineOptions,
): { position: number; total: number } {
  const evaluator = createVisibilityEvaluator(def, options);
  const codes = evaluator.evaluate(answers);
  const current = evaluator.indexOf(currentId);
  let before = 0;
  let total = 0;
  codes.forEach((code, i) => {
    if (code !== SHOWN) return;
    total++;
    if (i < current) before++;
  });
  if (current === -1) return { position: 0, total };
  return { position: before + 1, total: codes[current] === SHOWN ? total : total + 1 };
}

/** An optional question can always be left (skipped); a required one only once answered. */
export function canLeaveQuestion(question: Question, value: AnswerValue | undefined): boolean {
  return !question.required || isAnswered(question, value);
}

/**
 * Every required question asked is answered and every answer is valid and asked. Answers left on
 * hidden questions make it false, so prune first (the kiosk prunes on every change).
 */
export function isComplete(def: SurveyDefinition, answers: Answers, options?: EngineOptions): boolean {
  return validateAnswers(def, answers, 'complete', options).length === 0;
}

/** Why an answered question was not asked: its own condition, its section's, or its section switched off. */
export type NotAskedBecause = 'condition' | 'sectionCondition' | 'sectionSwitchedOff';

/**
 * One thing wrong with a response's answers, as data: the question, its path in the response, the
 * kind of problem, what was expected and what was found. Words are the reader's business (the
 * collector's are in ingest/describe-issues.ts), so nothing here is English to be parsed back.
 */
export type AnswerProblem = {
  questionId: string;
  /** Where in the response the problem sits. */
  path: readonly ['answers', string];
} & AnswerProblemDetails;

/** What an AnswerProblem says beyond its question: the kind, and what was expected and found. */
export type AnswerProblemDetails =
  | { kind: 'unknownQuestion'; expected: { definitionId: string; definitionVersion: number }; found: AnswerValue }
  | { kind: 'hidden'; because: NotAskedBecause; sectionId: string; found: AnswerValue }
  /** Found is undefined for no answer at all, else the empty list or blank text that counts as none. */
  | { kind: 'required'; found: AnswerValue | undefined }
  | { kind: 'notInScale'; found: AnswerValue }
  /** A single choice that is not one of the option codes (expected). */
  | { kind: 'notAnOption'; expected: readonly string[]; found: AnswerValue }
  /** A multiple choice that is not a list; expected are the option codes. */
  | { kind: 'notAList'; expected: readonly string[]; found: AnswerValue }
  /** Codes of a multiple choice that are not options, in the order given. */
  | { kind: 'unknownCodes'; expected: readonly string[]; found: readonly string[] }
  /** Codes given more than once, each named once. */
  | { kind: 'repeatedCodes'; found: readonly string[] }
  /** More codes (found) than the question's maxSelected (expected). */
  | { kind: 'tooManyCodes'; expected: number; found: number }
  | { kind: 'notAText'; found: AnswerValue }
  /** A text longer (found, in UTF-16 units) than the question's maxLength (expected). */
  | { kind: 'tooLong'; expected: number; found: number };

/** Each kind of answer problem. */
export type AnswerProblemKind = AnswerProblemDetails['kind'];

/**
 * Everything wrong with a set of answers, in definition order, then answers to unknown questions.
 * An empty list or a blank text counts as no answer (it is how an answer is taken back).
 */
export function validateAnswers(
  def: SurveyDefinition,
  answers: Answers,
  status: 'complete' | 'partial',
  options?: EngineOptions,
): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const report = (questionId: string, details: AnswerProblemDetails) => problems.push({ questionId, path: ['answers', questionId], ...details });
  const evaluator = createVisibilityEvaluator(def, options);
  const codes = evaluator.evaluate(answers);
  evaluator.questions.forEach(({ section, question }, i) => {
    const value = answerOf(answers, question.id);
    if (codes[i] !== SHOWN) {
      if (value !== undefined && hasValue(value)) report(question.id, { kind: 'hidden', because: notAskedBecause(codes[i]), sectionId: section.id, found: value });
      return;
    }
    if (value !== undefined) {
      for (const details of valueProblems(question, value)) report(question.id, details);
    }
    if (status === 'complete' && question.required && !hasValue(value)) {
      report(question.id, { kind: 'required', found: value });
    }
  });
  for (const questionId of Object.keys(answers)) {
    if (evaluator.indexOf(questionId) === -1) {
      report(questionId, { kind: 'unknownQuestion', expected: { definitionId: def.id, definitionVersion: def.version }, found: answers[questionId] });
    }
  }
  return problems;
}

function notAskedBecause(code: number): NotAskedBecause {
  if (code === VISIBILITY.sectionSwitchedOff) return 'sectionSwitchedOff';
  if (code === VISIBILITY.hiddenBySection) return 'sectionCondition';
  return 'condition';
}

/** What is wrong with a present value for this kind of question; empty when nothing is. */
function valueProblems(question: Question, value: AnswerValue): AnswerProblemDetails[] {
  switch (question.kind) {
    case 'satisfaction':
      return isScaleCode(value) ? [] : [{ kind: 'notInScale', found: value }];
    case 'single': {
      const codes = question.options.map((option) => option.code);
      return typeof value === 'string' && codes.includes(value) ? [] : [{ kind: 'notAnOption', expected: codes, found: value }];
    }
    case 'multiple': {
      const codes = question.options.map((option) => option.code);
      if (!Array.isArray(value)) return [{ kind: 'notAList', expected: codes, found: value }];
      const found: AnswerProblemDetails[] = [];
      const unknown = value.filter((code) => !codes.includes(code));
      if (unknown.length) found.push({ kind: 'unknownCodes', expected: codes, found: unknown });
      const repeated = [...new Set(value.filter((code, i) => value.indexOf(code) !== i))];
      if (repeated.length) found.push({ kind: 'repeatedCodes', found: repeated });
      if (question.maxSelected !== undefined && value.length > question.maxSelected) {
        found.push({ kind: 'tooManyCodes', expected: question.maxSelected, found: value.length });
      }
      return found;
    }
    case 'text':
      if (typeof value !== 'string') return [{ kind: 'notAText', found: value }];
      // String length counts UTF-16 units, as the kiosk's textarea maxLength does.
      return value.length > question.maxLength ? [{ kind: 'tooLong', expected: question.maxLength, found: value.length }] : [];
  }
}

/** A text in the wanted language, else the definition's default language, else any it has. */
/**
 * An answer as a person reads it: "4 – Hài lòng" for a satisfaction code (SIPAS shows the number
 * with its label), the option label for a choice, labels joined by "; " for several, a text as is.
 * Codes the definition does not know are shown as they are.
 */
export function answerLabel(def: SurveyDefinition, questionId: string, value: AnswerValue, locale: string): string {
  const question = findQuestion(def, questionId)?.question;
  const codes = Array.isArray(value) ? value : [value];
  if (!question || question.kind === 'text') return codes.join('; ');
  if (question.kind === 'satisfaction') {
    const option = def.scales[question.scale]?.options.find((o) => o.code === value);
    return option ? `${option.code} – ${localize(option.label, locale)}` : String(value);
  }
  return codes
    .map((code) => {
      const option = question.options.find((o) => o.code === code);
      return option ? localize(option.label, locale) : String(code);
    })
    .join('; ');
}
