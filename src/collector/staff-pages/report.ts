/*
 * The SIPAS report over stored responses. Every number comes from the survey module's scorer
 * (createScoreAccumulator), the same one the kiosk uses; this file only chooses which responses go in,
 * splits them by month, and attaches the definition's texts.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  createScoreAccumulator,
  type Condition,
  type ChoiceSummary,
  type ComponentScore,
  type ItemScore,
  type LocalizedText,
  type ScoreAccumulator,
  type SurveyDefinition,
} from '../../shared/survey';
import type { CollectorStore, ResponseFilter } from '../stores';
import { vietnamMonthOfStored } from '../../shared/l10n';

const hasOwn = Object.prototype.hasOwnProperty;

/** Sections whose single-choice questions the report shows as shares of respondents. */
export const REPORT_CHOICE_SECTIONS = ['integrity', 'priorities'] as const;
/** Latest free-text comments kept for the report. */
export const REPORT_COMMENT_LIMIT = 20;

export interface ReportItem extends ItemScore {
  text: LocalizedText;
  shortLabel: LocalizedText | null;
}

export interface ReportComponent extends Omit<ComponentScore, 'items'> {
  title: LocalizedText;
  items: ReportItem[];
}

export interface ReportChoice extends Omit<ChoiceSummary, 'options'> {
  sectionId: string;
  text: LocalizedText;
  options: Array<ChoiceSummary['options'][number] & { label: LocalizedText }>;
}

/** The overall index of one calendar month (Vietnam time); months without responses are listed with 0. */
export interface TrendPoint {
  month: string;
  responses: number;
  percent: number | null;
}

export interface ReportComment {
  completedAt: string;
  agencyCode: string;
  counterCode: string;
  questionId: string;
  text: string;
}

/** Everything the report page and GET /api/v1/admin/report show. Percentages 0–100, shares 0–1. */
export interface SipasReport {
  generatedAt: string;
  /** The filters as given (query string names). */
  query: Record<string, string>;
  definition: { id: string; version: number; title: LocalizedText };
  method: 'item-percent-mean';
  satisfiedCodes: number[];
  /** The answer scale, for the column heads of the counts. */
  scale: Array<{ code: number; label: LocalizedText }>;
  /** Complete responses scored. */
  responses: number;
  excludedPartial: number;
  excludedOtherDefinition: number;
  percent: number | null;
  componentsDefined: number;
  components: ReportComponent[];
  trend: TrendPoint[];
  choices: ReportChoice[];
  comments: ReportComment[];
}

/** Reads the matching responses once, in a consistent snapshot, and scores them overall and by month. */
export async function buildReport(
  store: CollectorStore,
  definition: SurveyDefinition,
  filter: ResponseFilter,
  query: Record<string, string>,
  now: Date,
): Promise<SipasReport> {
  const overall = createScoreAccumulator(definition);
  const trendDefinition = scoringView(definition);
  const byMonth = new Map<string, ScoreAccumulator>();
  const textQuestions = definition.sections.flatMap((s) => s.questions.filter((q) => q.kind === 'text').map((q) => q.id));
  let comments: ReportComment[] = [];

  const latestFirst = (a: ReportComment, b: ReportComment) => (a.completedAt < b.completedAt ? 1 : a.completedAt > b.completedAt ? -1 : 0);
  const monthOf = vietnamMonthOfStored();

  const snapshot = await store.openResponseSnapshot({ ...filter, definitionId: definition.id }, { summary: false });
  try {
    // Rows come in no particular order (cheaper); only the comments need an order, kept below.
    let batches = 0;
    for await (const batch of snapshot.scorable()) {
      // Every few thousand rows, let kiosks' batches and other pages through.
      if (++batches % 16 === 0) await yieldToEventLoop();
      for (const response of batch) {
        overall.add(response);
        const month = monthOf(response.completedAt);
        let monthly = byMonth.get(month);
        if (!monthly) byMonth.set(month, (monthly = createScoreAccumulator(trendDefinition)));
        monthly.add(response);
        if (response.status !== 'complete') continue;
        for (const questionId of textQuestions) {
          const value = hasOwn.call(response.answers, questionId) ? response.answers[questionId] : undefined;
          if (typeof value !== 'string' || value.trim() === '') continue;
          const { completedAt, agencyCode, counterCode } = response;
          comments.push({ completedAt, agencyCode, counterCode, questionId, text: value });
          if (comments.length >= 4 * REPORT_COMMENT_LIMIT) comments = comments.sort(latestFirst).slice(0, REPORT_COMMENT_LIMIT);
        }
      }
    }
  } finally {
    await snapshot.close();
  }

  const score = overall.result();
  const sections = new Map(definition.sections.map((s) => [s.id, s]));
  const questions = new Map(definition.sections.flatMap((s) => s.questions.map((q) => [q.id, { question: q, sectionId: s.id }] as const)));
  const scaleId = definition.sections.flatMap((s) => s.questions).find((q) => q.kind === 'satisfaction')?.scale;
  const scale = scaleId ? definition.scales[scaleId].options.map((o) => ({ code: o.code, label: o.label })) : [];

  const components = score.components.map((component): ReportComponent => ({
    ...component,
    title: sections.get(component.sectionId)?.title ?? { en: component.sectionId },
    items: component.items.map((item): ReportItem => {
      const question = questions.get(item.questionId)?.question;
      return {
        ...item,
        text: question?.text ?? { en: item.questionId },
        shortLabel: question?.kind === 'satisfaction' ? (question.shortLabel ?? null) : null,
      };
    }),
  }));

  const choices = overall.choices().map((choice): ReportChoice => {
    const found = questions.get(choice.questionId);
    const question = found?.question;
    const options = question && (question.kind === 'single' || question.kind === 'multiple') ? question.options : [];
    return {
      ...choice,
      sectionId: found?.sectionId ?? '',
      text: question?.text ?? { en: choice.questionId },
      options: choice.options.map((option) => ({ ...option, label: options.find((o) => o.code === option.code)?.label ?? { en: option.code } })),
    };
  });

  return {
    generatedAt: now.toISOString(),
    query,
    definition: { id: definition.id, version: definition.version, title: definition.title },
    method: score.method,
    satisfiedCodes: [...definition.scoring.satisfiedCodes],
    scale,
    responses: score.responses,
    excludedPartial: score.excludedPartial,
    excludedOtherDefinition: score.excludedOtherDefinition,
    percent: score.percent,
    componentsDefined: score.componentsDefined,
    components,
    trend: trendOf(byMonth),
    choices,
    comments: comments.sort(latestFirst).slice(0, REPORT_COMMENT_LIMIT),
  };
}

/**
 * The definition as the monthly trend's scorers see it: the scored components and whatever sections
 * their conditions look at, without the optional parts (integrity, priorities, profile …) that only
 * carry choice questions. Item and component scores are exactly those of the whole definition — a
 * dropped section holds no satisfaction item and decides no condition of a kept one — while each
 * response costs the scorer half as much, which the report over 100,000 responses needs.
 */
export function scoringView(definition: SurveyDefinition): SurveyDefinition {
  const questionSection = new Map(definition.sections.flatMap((s) => s.questions.map((q) => [q.id, s.id] as const)));
  const keep = new Set(definition.sections.filter((s) => s.component !== undefined).map((s) => s.id));
  const referenced = (condition: Condition | undefined): string[] => {
    if (!condition) return [];
    if ('all' in condition) return condition.all.flatMap(referenced);
    if ('any' in condition) return condition.any.flatMap(referenced);
    if ('not' in condition) return referenced(condition.not);
    return [condition.question];
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const section of definition.sections) {
      if (!keep.has(section.id)) continue;
      for (const id of [section.showIf, ...section.questions.map((q) => q.showIf)].flatMap(referenced)) {
        const owner = questionSection.get(id);
        if (owner !== undefined && !keep.has(owner)) {
          keep.add(owner);
          grew = true;
        }
      }
    }
  }
  return { ...definition, sections: definition.sections.filter((s) => keep.has(s.id)) };
}

/** Every month from the first to the last with responses, in order; empty months included. */
function trendOf(byMonth: Map<string, ScoreAccumulator>): TrendPoint[] {
  const months = [...byMonth.keys()].sort();
  if (months.length === 0) return [];
  const points: TrendPoint[] = [];
  let [year, month] = months[0].split('-').map(Number);
  const last = months[months.length - 1];
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    const result = byMonth.get(key)?.result();
    points.push({ month: key, responses: result?.responses ?? 0, percent: result?.percent ?? null });
    if (key >= last) break;
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return points;
}
