/**
 * The pure survey core shared by the kiosk, the collector and the tests: the questionnaire engine,
 * SIPAS scoring and the canonical form of a response. No zod, no DOM, no IndexedDB, no network.
 * The data types come from the schemas (types only, so importing this folder costs no zod).
 */
export type {
  AnswerValue,
  Answers,
  Condition,
  FreeTextQuestion,
  LocalizedText,
  MultipleChoiceQuestion,
  Question,
  QuestionKind,
  SatisfactionQuestion,
  Scale,
  Section,
  SingleChoiceQuestion,
  SurveyDefinition,
  SurveyResponse,
} from '../schemas';
export * from './engine';
export * from './scoring';
export * from './tally';
export * from './wilson';
export * from './canonical-json';
export * from './path';
