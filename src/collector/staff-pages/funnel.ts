/*
 * The drop-off funnel as staff read it (issue 8): per device in the fleet view, and per question in
 * the report. Counts only, as the kiosks sent them (per Vietnam day); no answer is read here.
 */
import type { LocalizedText, SurveyDefinition } from '../../shared/survey';
import { vietnamDay } from '../../shared/l10n';
import type { DeviceStore, FunnelFilter, FunnelRow, FunnelTotals } from '../stores';
import type { FilterQuery } from './filters';

/** Days the fleet view sums per device: today (in Vietnam) and the six before. */
export const FLEET_FUNNEL_DAYS = 7;

const DAY_MS = 24 * 60 * 60 * 1000;

/** "2026-03-31" minus n days. */
function daysBefore(isoDay: string, days: number): string {
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

const sumOf = (byQuestion: Record<string, number>) => Object.values(byQuestion).reduce((sum, n) => sum + n, 0);
/** part ÷ whole as a share 0–1; null when nothing started. */
const shareOf = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** A funnel's headline figures. */
export interface FunnelSummary {
  started: number;
  completed: number;
  completedByTimeout: number;
  /** Abandoned before the core, all questions together. */
  abandoned: number;
  /** Started but not (yet) ended in any counted way: still on screen at the day's end, or the tablet restarted mid-survey. */
  unaccounted: number;
  /** (completed + completedByTimeout) ÷ started, 0–1; null when nothing started. */
  completionRate: number | null;
}

/** The headline figures of some funnel counts. */
export function summarizeFunnel(totals: FunnelTotals): FunnelSummary {
  const abandoned = sumOf(totals.abandoned);
  const ended = totals.completed + totals.completedByTimeout;
  return {
    started: totals.started,
    completed: totals.completed,
    completedByTimeout: totals.completedByTimeout,
    abandoned,
    unaccounted: Math.max(0, totals.started - ended - abandoned),
    completionRate: shareOf(ended, totals.started),
  };
}

/** One device's funnel in the fleet view: the last FLEET_FUNNEL_DAYS days. */
export interface FleetFunnel extends FunnelSummary {
  fromDay: string;
  toDay: string;
}

/** Per device id, the funnel of the last FLEET_FUNNEL_DAYS days up to `now` (devices without counts are absent). */
export async function loadFleetFunnels(store: Pick<DeviceStore, 'readFunnelByDevice'>, now: Date): Promise<Map<string, FleetFunnel>> {
  const toDay = vietnamDay(now);
  const fromDay = daysBefore(toDay, FLEET_FUNNEL_DAYS - 1);
  const totals = await store.readFunnelByDevice(fromDay);
  return new Map(totals.map((device) => [device.deviceId, { ...summarizeFunnel(device), fromDay, toDay }]));
}

/** One question of the report's funnel, in the definition's order. */
export interface ReportFunnelStep {
  questionId: string;
  /** The question's short label, else its text; null for a question this version does not have. */
  text: LocalizedText | null;
  /** Citizens who reached this question or went past it: started minus those who left earlier. */
  reached: number;
  /** Citizens whose last question before walking away was this one. */
  abandoned: number;
  /** reached ÷ started and abandoned ÷ started, 0–1. */
  reachedShare: number | null;
  abandonedShare: number | null;
}

/** The report's funnel: started → each question → completed by the citizen / by timeout. */
export interface ReportFunnel extends FunnelSummary {
  definitionId: string;
  /** The version counted, or 'all' when the report covers every version. */
  definitionVersion: number | 'all';
  /** The period's first and last day (Vietnam time), when the report has one. */
  fromDay: string | null;
  toDay: string | null;
  completedShare: number | null;
  completedByTimeoutShare: number | null;
  abandonedShare: number | null;
  /** Questions walked away from, in the definition's order, then ones the definition does not have (other versions). */
  steps: ReportFunnelStep[];
  /** The funnel counts no answers, so a service-field filter cannot narrow it: the page says so. */
  ignoresServiceField: boolean;
}

/** Which funnel counts a report's filters select. */
export function funnelFilterOf(query: FilterQuery, definitionId: string, version: number | 'all'): FunnelFilter {
  const filter: FunnelFilter = { definitionId };
  if (version !== 'all') filter.definitionVersion = version;
  if (query.from !== undefined) filter.fromDay = query.from;
  if (query.to !== undefined) filter.toDay = query.to;
  if (query.agency !== undefined) filter.agencyCode = query.agency;
  if (query.counter !== undefined) filter.counterCode = query.counter;
  return filter;
}

/** Sums funnel rows (any days, places, versions) into one set of counts. */
export function sumFunnelRows(rows: readonly FunnelRow[]): FunnelTotals {
  const totals: FunnelTotals = { started: 0, completed: 0, completedByTimeout: 0, abandoned: {} };
  for (const row of rows) {
    totals.started += row.started;
    totals.completed += row.completed;
    totals.completedByTimeout += row.completedByTimeout;
    for (const [questionId, n] of Object.entries(row.abandoned)) totals.abandoned[questionId] = (totals.abandoned[questionId] ?? 0) + n;
  }
  return totals;
}

/**
 * The funnel per question of `definition` (the version whose order and wording are shown): every
 * question of the definition in order, each with how many reached it and how many left there.
 */
export function buildReportFunnel(
  rows: readonly FunnelRow[],
  definition: SurveyDefinition,
  scope: { version: number | 'all'; query: FilterQuery },
): ReportFunnel {
  const totals = sumFunnelRows(rows);
  const summary = summarizeFunnel(totals);
  const questions = definition.sections.flatMap((section) => section.questions);
  const known = new Set(questions.map((question) => question.id));
  const order = [
    ...questions.map((question) => ({
      questionId: question.id,
      text: ('shortLabel' in question && question.shortLabel ? question.shortLabel : question.text) as LocalizedText,
    })),
    // Abandoned at a question this version does not have (another version's, with version=all).
    ...Object.keys(totals.abandoned)
      .filter((questionId) => !known.has(questionId))
      .sort()
      .map((questionId) => ({ questionId, text: null })),
  ];
  let left = 0;
  const steps = order.map(({ questionId, text }): ReportFunnelStep => {
    const abandoned = totals.abandoned[questionId] ?? 0;
    const reached = Math.max(0, totals.started - left);
    left += abandoned;
    return { questionId, text, reached, abandoned, reachedShare: shareOf(reached, totals.started), abandonedShare: shareOf(abandoned, totals.started) };
  });
  return {
    ...summary,
    definitionId: definition.id,
    definitionVersion: scope.version,
    fromDay: scope.query.from ?? null,
    toDay: scope.query.to ?? null,
    completedShare: shareOf(summary.completed, summary.started),
    completedByTimeoutShare: shareOf(summary.completedByTimeout, summary.started),
    abandonedShare: shareOf(summary.abandoned, summary.started),
    steps,
    ignoresServiceField: scope.query.field !== undefined,
  };
}

/**
 * The report's funnel for its filters: `definition` is the version the report shows (its order and
 * wording), `version` the one counted ('all' when the report covers every version).
 */
export async function loadReportFunnel(
  store: Pick<DeviceStore, 'readFunnel'>,
  definition: SurveyDefinition,
  version: number | 'all',
  query: FilterQuery,
): Promise<ReportFunnel> {
  const rows = await store.readFunnel(funnelFilterOf(query, definition.id, version));
  return buildReportFunnel(rows, definition, { version, query });
}
