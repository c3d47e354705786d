/*
 * The citizen's path through a definition as two parts: the scored core, asked first, and the
 * optional extras offered after the checkpoint. Progress, the length promised on the welcome screen
 * and the review are computed here from the definition, so no screen carries a fixed number.
 * Plain functions over plain data, like engine.ts; only types come from the schemas.
 */
import { localize } from '../l10n';
import type { AnswerValue, Answers, Condition, Question, Section, SurveyDefinition } from '../schemas';
import { findQuestion, visibleQuestions, nextQuestionId, type EngineOptions, type QuestionRef } from './engine';

/** The two parts of a path; a section's `part` (definitions written before it default to core). */
export type SurveyPart = 'core' | 'extra';

/** Reading speed of the estimate: syllables per second (an unhurried reader, aloud or not). */
export const READING_SYLLABLES_PER_SECOND = 3;
/** Time per tap in the estimate: finding, reaching and pressing one button. */
export const SECONDS_PER_TAP = 1.5;

const hasOwn = Object.prototype.hasOwnProperty;

function answerOf(answers: Answers, questionId: string): AnswerValue | undefined {
  return hasOwn.call(answers, questionId) ? answers[questionId] : undefined;
}

/** A section's part; `?? 'core'` keeps definitions built without the schema's default on the old path. */
function sectionPart(section: Section): SurveyPart {
  return section.part ?? 'core';
}

/** The engine's rule: only optional sections can be switched off on a kiosk. */
function isSwitchedOff(section: Section, options: EngineOptions | undefined): boolean {
  return section.optional && (options?.disabledSections ?? []).includes(section.id);
}

/**
 * The questions that could be asked on this kiosk, in order, conditions ignored: the fixed list
 * progress counts over, so a total never moves when a filter answer opens or closes a section.
 */
function staticQuestions(def: SurveyDefinition, options: EngineOptions | undefined): QuestionRef[] {
  const refs: QuestionRef[] = [];
  for (const section of def.sections) {
    if (isSwitchedOff(section, options)) continue;
    for (const question of section.questions) refs.push({ section, question });
  }
  return refs;
}

/** Which part a question belongs to (its section's `part`); an unknown id counts as core. */
export function partOf(def: SurveyDefinition, questionId: string): SurveyPart {
  const ref = findQuestion(def, questionId);
  return ref ? sectionPart(ref.section) : 'core';
}

/**
 * Progress for the screen of `questionId`: the part it is in, its 1-based index and the total within
 * that part. Counted over the static list of the part's questions (switched-off sections excluded,
 * conditions ignored), so totals never change during a survey and a question hidden by a condition
 * is simply jumped over: the index never decreases. An unknown id gives index 0 of the core.
 */
export interface PathProgress {
  part: SurveyPart;
  index: number;
  total: number;
}

/** Progress of the screen of `questionId` within its part (see PathProgress). */
export function pathProgress(def: SurveyDefinition, questionId: string, options?: EngineOptions): PathProgress {
  const ref = findQuestion(def, questionId);
  const part = ref ? sectionPart(ref.section) : 'core';
  let index = 0;
  let total = 0;
  let reached = false;
  for (const { section, question } of staticQuestions(def, options)) {
    if (sectionPart(section) !== part) continue;
    total++;
    if (!reached) index++;
    if (question.id === questionId) reached = true;
  }
  // A question of a switched-off section is never asked; should a screen show it anyway, keep the
  // bar where the part's earlier questions left it rather than past the total.
  if (!ref || !reached) index = ref ? Math.min(index, total) : 0;
  return { part, index, total };
}

/**
 * True when moving forward from `questionId` (with these answers) leaves the core: the next visible
 * question is an extra, or there is none. False on an extra question and on an unknown id.
 */
export function leavesCore(def: SurveyDefinition, answers: Answers, questionId: string, options?: EngineOptions): boolean {
  const ref = findQuestion(def, questionId);
  if (!ref || sectionPart(ref.section) !== 'core') return false;
  const next = nextQuestionId(def, answers, questionId, options);
  return next === null || partOf(def, next) === 'extra';
}

/**
 * The extras still ahead after the core: the extra questions that may be asked given these answers,
 * and the estimated minutes to answer them (rounded up, at least 1 when there is any). A question
 * hidden by a condition on an unanswered extra that may itself be asked is counted (the citizen may
 * still open it): the number offered at the checkpoint is the longest the extras can get, never a
 * lure, and it equals the extras' progress total when no core answer closes an extra.
 */
export function extrasAhead(def: SurveyDefinition, answers: Answers, locale: string, options?: EngineOptions): { questions: number; minutes: number } {
  const shown = new Set(visibleQuestions(def, answers, options).map(({ question }) => question.id));
  // Extras that may still be asked and have no answer yet: only their answers can still open a
  // question. Conditions look back only, so one pass in order decides each question from earlier ones.
  const stillOpen = new Set<string>();
  const mayOpen = (condition: Condition | undefined) => condition !== undefined && conditionQuestions(condition).some((id) => stillOpen.has(id));
  const ahead: Question[] = [];
  let sectionMayOpen = false;
  let lastSection: Section | undefined;
  for (const { section, question } of staticQuestions(def, options)) {
    if (sectionPart(section) !== 'extra') continue;
    if (section !== lastSection) {
      lastSection = section;
      sectionMayOpen = mayOpen(section.showIf);
    }
    if (!shown.has(question.id) && !sectionMayOpen && !mayOpen(question.showIf)) continue;
    ahead.push(question);
    if (answerOf(answers, question.id) === undefined) stillOpen.add(question.id);
  }
  if (ahead.length === 0) return { questions: 0, minutes: 0 };
  const seconds = readingSeconds(def, ahead, locale) + ahead.length * SECONDS_PER_TAP;
  return { questions: ahead.length, minutes: Math.max(1, Math.ceil(seconds / 60)) };
}

/**
 * An estimate of one path. `questions`: question screens counted with pathProgress's static rule
 * (conditions ignored, so the promise is an upper bound). `screens`: those plus the screens around
 * them (see estimatePath). `seconds`: reading time plus taps, unrounded.
 */
export interface PathEstimate {
  questions: number;
  screens: number;
  seconds: number;
}

/**
 * Length of the core path and of the full path in `locale`. Reading: question texts and their
 * option or scale labels at READING_SYLLABLES_PER_SECOND (Vietnamese: one syllable per
 * space-separated word; other languages: vowel groups per word). Taps: one per question screen
 * (an answer tap moves on) plus SECONDS_PER_TAP for each tap around them.
 *
 * Screens and taps around the questions:
 * - core: welcome (tap start) → core questions → checkpoint (tap send) → thank-you: questions + 3
 *   screens, questions + 2 taps.
 * - full: welcome (start) → core → checkpoint (tap "answer more") → extras → closing send screen
 *   (tap send) → thank-you: questions + 4 screens, questions + 3 taps. Without extras the full path
 *   is the core path.
 */
export function estimatePath(def: SurveyDefinition, locale: string, options?: EngineOptions): { core: PathEstimate; full: PathEstimate } {
  const all = staticQuestions(def, options);
  const coreQuestions = all.filter(({ section }) => sectionPart(section) === 'core').map(({ question }) => question);
  const allQuestions = all.map(({ question }) => question);
  const estimate = (questions: Question[], screensAround: number, tapsAround: number): PathEstimate => ({
    questions: questions.length,
    screens: questions.length + screensAround,
    seconds: readingSeconds(def, questions, locale) + (questions.length + tapsAround) * SECONDS_PER_TAP,
  });
  const core = estimate(coreQuestions, 3, 2);
  const full = allQuestions.length > coreQuestions.length ? estimate(allQuestions, 4, 3) : core;
  return { core, full };
}

/** Seconds to read these questions and their options in `locale`. */
function readingSeconds(def: SurveyDefinition, questions: readonly Question[], locale: string): number {
  let syllables = 0;
  for (const question of questions) {
    syllables += countSyllables(localize(question.text, locale), locale);
    for (const label of optionLabels(def, question)) syllables += countSyllables(localize(label, locale), locale);
  }
  return syllables / READING_SYLLABLES_PER_SECOND;
}

function optionLabels(def: SurveyDefinition, question: Question) {
  switch (question.kind) {
    case 'satisfaction':
      return def.scales[question.scale]?.options.map((option) => option.label) ?? [];
    case 'single':
    case 'multiple':
      return question.options.map((option) => option.label);
    case 'text':
      return [];
  }
}

/** A word is a run without spaces holding at least one letter or digit ("–" alone is not read). */
const READABLE = /[\p{L}\p{N}]/u;
const VOWEL_GROUP = /[aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüý]+/giu;

/** A final "e" that is not read ("office", "procedure"), unlike "-le", "-ee" or "the". */
const SILENT_FINAL_E = /[^aeiouyl]e$/iu;

/**
 * Syllables of a text. Vietnamese writes one syllable per word, so words are counted; elsewhere
 * each word counts its vowel groups, less a silent final "e" (at least one: "18–24" is read too).
 */
export function countSyllables(text: string, locale: string): number {
  const words = text.split(/\s+/u).filter((word) => READABLE.test(word));
  if (locale.toLowerCase().split('-')[0] === 'vi') return words.length;
  return words.reduce((sum, word) => {
    const letters = word.replace(/[^\p{L}]/gu, '');
    const groups = letters.match(VOWEL_GROUP)?.length ?? 0;
    return sum + Math.max(1, groups - (groups > 1 && SILENT_FINAL_E.test(letters) ? 1 : 0));
  }, 0);
}

/** Question ids a condition looks at. */
function conditionQuestions(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionQuestions);
  if ('any' in condition) return condition.any.flatMap(conditionQuestions);
  if ('not' in condition) return conditionQuestions(condition.not);
  return [condition.question];
}

/**
 * One group of the review: a core section (in definition order, with its SIPAS component when it is
 * one), or all visible extras together in one group named after the first extra section shown.
 * Each question carries its answer, or undefined when it was skipped (or, for extras, not reached).
 */
export interface ReviewGroup {
  sectionId: string;
  part: SurveyPart;
  component?: number;
  questions: Array<{ questionId: string; value: AnswerValue | undefined }>;
}

/** The review model: visible core questions grouped by section, then the visible extras in one group. */
export function reviewGroups(def: SurveyDefinition, answers: Answers, options?: EngineOptions): ReviewGroup[] {
  const groups: ReviewGroup[] = [];
  let extras: ReviewGroup | undefined;
  let current: ReviewGroup | undefined;
  for (const { section, question } of visibleQuestions(def, answers, options)) {
    const item = { questionId: question.id, value: answerOf(answers, question.id) };
    if (sectionPart(section) === 'extra') {
      extras ??= { sectionId: section.id, part: 'extra', questions: [] };
      extras.questions.push(item);
      continue;
    }
    if (current?.sectionId !== section.id) {
      current = { sectionId: section.id, part: 'core', ...(section.component !== undefined ? { component: section.component } : {}), questions: [] };
      groups.push(current);
    }
    current.questions.push(item);
  }
  if (extras) groups.push(extras);
  return groups;
}
