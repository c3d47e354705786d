/*
 * The SIPAS report over stored responses. Every number comes from the survey module's scorer
 * (createScoreAccumulator fed with the store's tallies, mergeScores), the same one the kiosk uses;
 * this file only chooses which tallies go in (version, flags), splits them by month and version, and
 * attaches the definitions' texts.
 */
import {
  createScoreAccumulator,
  isLowN,
  mergeChoices,
  shareNotApplicableOf,
  wilsonInterval,
  mergeScores,
  type Condition,
  type Question,
  type ChoiceSummary,
  type ComponentScore,
  type ItemScore,
  type LocalizedText,
  type ScoreAccumulator,
  type SurveyDefinition,
} from '../../shared/survey';
import { STORED_FLAGS, TALLY_FLAG_BITS, type ResponseStore } from '../stores';
import { vietnamDay } from '../../shared/l10n';
import {
  ALL_VERSIONS,
  MIN_VALID_DEFAULT,
  periodDays,
  REPORT_FLAGS,
  toResponseFilter,
  agencyFilter,
  type FilterQuery,
  type PeriodGranularity,
  type ReportFlag,
} from './filters';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Sections whose single-choice questions the report page showed before the whole questionnaire was
 * reported (issue 11, part 5); the page now shows every section questionnaireSections lists.
 */
export const REPORT_CHOICE_SECTIONS = ['integrity', 'priorities'] as const;
/** Latest free-text comments kept for the report. */
export const REPORT_COMMENT_LIMIT = 20;

/** A percentage's 95% interval, in percent 0–100. */
export interface PercentInterval {
  low: number;
  high: number;
}

export interface ReportItem extends ItemScore {
  text: LocalizedText;
  shortLabel: LocalizedText | null;
  /** The 95% Wilson score interval of `percent` (satisfied of valid); null when nobody answered. */
  interval: PercentInterval | null;
  /** The percent rests on fewer than `figures.minValid` valid answers: "ít phiếu", printed without decimals. */
  lowN: boolean;
}

export interface ReportComponent extends Omit<ComponentScore, 'items'> {
  title: LocalizedText;
  items: ReportItem[];
  /** The component's n: responses with at least one valid answer in it (= respondents). */
  n: number;
  /** Share (0–1) of the component's item questions that did not apply to the responses scored. */
  shareNotApplicable: number | null;
  /** The percent rests on fewer than `figures.minValid` respondents. */
  lowN: boolean;
}

/** How honest the headline figures are, and the rules the page and the method box state. */
export interface ReportFigures {
  /** Figures resting on fewer answers than this are marked "ít phiếu" and printed without decimals. */
  minValid: number;
  /** The intervals: Wilson score, two-sided, at this confidence with this z. */
  interval: 'wilson';
  confidence: 0.95;
  z: number;
  /** The overall index's n: complete responses scored. */
  n: number;
  /** Share (0–1) of every item question that did not apply to the responses scored. */
  shareNotApplicable: number | null;
  /** The overall index rests on fewer than minValid responses. */
  lowN: boolean;
}

/**
 * A choice question over the responses scored: responses = asked + notAsked, asked = answered +
 * unanswered, notAsked = switchedOff + notApplicable. Shares are of the respondents asked
 * (`shareOfAsked`; of a multiple choice they may add up to more than 100%) or of those who answered.
 */
export interface ReportChoice extends Omit<ChoiceSummary, 'options'> {
  sectionId: string;
  text: LocalizedText;
  options: Array<ChoiceSummary['options'][number] & { label: LocalizedText }>;
  /** Asked but left unanswered (asked − answered). */
  unanswered: number;
  /** Responses scored that were not asked it: its section switched off on the tablet, a condition, or a covered version without it. */
  notAsked: number;
  /** Of notAsked, those not asked for another reason than a switched-off section (a condition, or a version without it). */
  notApplicable: number;
  /** Its shares rest on fewer than `figures.minValid` respondents asked: "ít phiếu", printed without decimals. */
  lowN: boolean;
}

/** A section of the questionnaire that is not a scored component, with its choice questions: the whole questionnaire reported. */
export interface ReportQuestionnaireSection {
  sectionId: string;
  title: LocalizedText;
  /** Staff can switch it off per tablet (its questions then count as not asked there). */
  optional: boolean;
  choices: ReportChoice[];
}

/**
 * The overall index of one month, quarter or year (Vietnam time): `period` is `2026-03`, `2026-Q1` or
 * `2026`; periods without responses are listed with 0 responses and no percent.
 */
export interface TrendPoint {
  period: string;
  /** First and last day of the period, YYYY-MM-DD. */
  from: string;
  to: string;
  responses: number;
  percent: number | null;
  /** The percent rests on fewer than `figures.minValid` responses. */
  lowN: boolean;
}

/** Longest trend: a range of more periods than this starts at the first period with responses. */
export const MAX_TREND_POINTS = 240;
/** z of the report's 95% intervals. */
export const REPORT_Z = 1.96;

export interface ReportComment {
  completedAt: string;
  agencyCode: string;
  counterCode: string;
  questionId: string;
  text: string;
}

/** How many stored responses match the filters in one version of the questionnaire. */
export interface ReportVersionCount {
  version: number;
  /** Matching responses of that version, complete and partial. */
  responses: number;
  /** The collector still has that version's definition (else its responses cannot be scored). */
  known: boolean;
}

/** The scored items that differ between two consecutive versions (by question id). */
export interface ReportVersionChange {
  from: number;
  to: number;
  /** Asked by `to`, not by `from`. */
  added: string[];
  /** Asked by `from`, not by `to`. */
  removed: string[];
  /** Asked by both, with a different wording (text or short label in some language) or component. */
  reworded: string[];
}

/** Which versions of the questionnaire the report covers, and which others have responses. */
export interface ReportVersions {
  /** 'one': a single version (the newest with responses unless one was chosen); 'all': every version, by item id. */
  scope: 'one' | 'all';
  /** The versions scored, newest first. */
  covered: number[];
  /** Every version with matching responses, newest first. */
  available: ReportVersionCount[];
  /** Item differences between consecutive known versions among `available` (oldest pair first). */
  changes: ReportVersionChange[];
}

/** How many scored responses carry one flag. */
export interface ReportFlagCount {
  flag: ReportFlag;
  responses: number;
}

/** The flags of the responses in scope, what was left out, and what leaving them out would change. */
export interface ReportFlags {
  /** Complete responses of the covered versions carrying each flag (before any exclusion), ended by the idle timeout among them. */
  counts: ReportFlagCount[];
  /** Complete responses carrying at least one flag. */
  flaggedResponses: number;
  /** The flags whose responses were left out of the figures, as chosen (`exclude=`). */
  excluded: ReportFlag[];
  /** Complete responses left out by that choice. */
  excludedResponses: number;
  /** Complete responses placed in time corrected by their kiosk's clock skew. */
  placedBySkew: number;
  /** The overall index with every flagged response counted. */
  percentWithFlagged: number | null;
  /** The overall index with every flagged response left out. */
  percentWithoutFlagged: number | null;
  /** percentWithoutFlagged − percentWithFlagged, in percentage points; null when either is undefined. */
  differencePp: number | null;
  /** |differencePp| ≥ FLAG_NOTE_THRESHOLD_PP: the page says so beside the headline. */
  notable: boolean;
}

/** Leaving flagged responses out moving the index by this many percentage points or more is said beside the headline. */
export const FLAG_NOTE_THRESHOLD_PP = 0.1;

/** Everything the report page and GET /api/v1/admin/report show. Percentages 0–100, shares 0–1. */
export interface SipasReport {
  generatedAt: string;
  /** The filters as given (query string names). */
  query: Record<string, string>;
  /** The questionnaire; `version` is the newest version covered (see `versions`). */
  definition: { id: string; version: number; title: LocalizedText };
  versions: ReportVersions;
  method: 'item-percent-mean';
  satisfiedCodes: number[];
  /** The answer scale, for the column heads of the counts. */
  scale: Array<{ code: number; label: LocalizedText }>;
  /** Complete responses scored (flagged ones left out when excluded). */
  responses: number;
  excludedPartial: number;
  excludedOtherDefinition: number;
  percent: number | null;
  componentsDefined: number;
  components: ReportComponent[];
  /** n, share not applicable and the "ít phiếu" rule of the overall index (issue 11, honest figures). */
  figures: ReportFigures;
  /** The trend's granularity (`trend=`, default month). */
  trendGranularity: PeriodGranularity;
  trend: TrendPoint[];
  choices: ReportChoice[];
  /** The sections that are not scored components and ask choice questions, in the definition's order, with their questions. */
  questionnaire: ReportQuestionnaireSection[];
  comments: ReportComment[];
  flags: ReportFlags;
}

/** What a report is asked for: plain data, so the report can be computed wherever (a worker thread too). */
export interface ReportRequest {
  /** The checked filters; `definition` names the questionnaire. */
  query: FilterQuery;
  /** The filters as given, echoed in the report. */
  values: Record<string, string>;
  /** When the report is made (ISO instant). */
  generatedAt: string;
}

/**
 * The known versions of questionnaire `id`, newest first, or undefined when the id is unknown or
 * `version` names a version this collector does not have.
 */
export function reportDefinitions(definitions: readonly SurveyDefinition[], id: string, version: FilterQuery['version']): SurveyDefinition[] | undefined {
  const known = definitions.filter((d) => d.id === id).sort((a, b) => b.version - a.version);
  if (known.length === 0) return undefined;
  if (typeof version === 'number' && !known.some((d) => d.version === version)) return undefined;
  return known;
}

/** The scorers of one version: the figures as chosen, by month, and the two flag variants of the index. */
interface VersionTally {
  definition: SurveyDefinition;
  trendDefinition: SurveyDefinition;
  chosen: ScoreAccumulator;
  /** By trend period (month, quarter or year key). */
  byPeriod: Map<string, ScoreAccumulator>;
  /** null: the same as `chosen` (nothing excluded). */
  withFlagged: ScoreAccumulator | null;
  /** null: the same as `chosen` (every flag excluded). */
  withoutFlagged: ScoreAccumulator | null;
}

/**
 * Scores the matching responses from the store's tallies (counts per version, stored flags and
 * month, kept at ingest), overall and by month; the comments alone are read from the rows. One version
 * of the questionnaire by default (the newest with matching responses); `version=all` scores each
 * version with its own definition and merges the items by id (mergeScores). Flagged responses are
 * counted, and left out when `exclude` says so; the index with and without them comes from the same
 * tallies. The period filter is in whole Vietnam days, the tallies' finest grain, so nothing is lost.
 */
export async function buildReport(store: ResponseStore, definitions: readonly SurveyDefinition[], request: ReportRequest): Promise<SipasReport> {
  const { query } = request;
  const id = query.definition;
  const known = id === undefined ? undefined : reportDefinitions(definitions, id, query.version);
  if (id === undefined || known === undefined) throw new Error(`no known questionnaire ${id ?? '(none given)'}${typeof query.version === 'number' ? ` version ${query.version}` : ''}`);
  const byVersion = new Map(known.map((d) => [d.version, d]));
  const excluded = query.exclude ?? [];
  const excludesNothing = excluded.length === 0;
  const excludesAll = excluded.length === REPORT_FLAGS.length;
  const excludedBits = excluded.reduce((bits, flag) => bits | TALLY_FLAG_BITS[flag], 0);
  const granularity = query.trend ?? 'month';
  const minValid = query.minValid ?? MIN_VALID_DEFAULT;

  // Every version and flag combination in one read: the counts of every version and flag and the
  // index with and without flagged responses come from the same rows.
  const rows = await store.readTallies({
    definitionId: id,
    ...agencyFilter(query),
    ...(query.counter !== undefined ? { counterCode: query.counter } : {}),
    ...(query.field !== undefined ? { serviceField: query.field } : {}),
    ...(query.from !== undefined ? { fromDay: query.from } : {}),
    ...(query.to !== undefined ? { toDay: query.to } : {}),
    definitions: known,
  });
  const countsByVersion = new Map<number, number>();
  for (const row of rows) countsByVersion.set(row.definitionVersion, (countsByVersion.get(row.definitionVersion) ?? 0) + row.tally.responses + row.tally.partial);
  const available: ReportVersionCount[] = [...countsByVersion]
    .filter(([, count]) => count > 0)
    .map(([version, count]) => ({ version, responses: count, known: byVersion.has(version) }))
    .sort((a, b) => b.version - a.version);
  const withResponses = available.filter((a) => a.known).map((a) => byVersion.get(a.version)!);
  let covered: SurveyDefinition[];
  if (query.version === ALL_VERSIONS) covered = withResponses.length > 0 ? withResponses : [known[0]];
  else if (typeof query.version === 'number') covered = [byVersion.get(query.version)!];
  else covered = [withResponses[0] ?? known[0]];

  const tallies = new Map<number, VersionTally>();
  for (const definition of covered) {
    const trendDefinition = scoringView(definition);
    tallies.set(definition.version, {
      definition,
      trendDefinition,
      chosen: createScoreAccumulator(definition),
      byPeriod: new Map(),
      withFlagged: excludesNothing ? null : createScoreAccumulator(trendDefinition),
      withoutFlagged: excludesAll ? null : createScoreAccumulator(trendDefinition),
    });
  }
  const flagCounts = new Map<ReportFlag, number>(REPORT_FLAGS.map((flag) => [flag, 0]));
  let flaggedResponses = 0;
  let excludedResponses = 0;
  for (const row of rows) {
    const tally = tallies.get(row.definitionVersion);
    if (!tally) continue; // another version than the one reported
    const complete = row.tally.responses;
    if (row.flags !== 0) {
      flaggedResponses += complete;
      for (const flag of STORED_FLAGS) if (row.flags & TALLY_FLAG_BITS[flag]) flagCounts.set(flag, flagCounts.get(flag)! + complete);
    }
    tally.withFlagged?.absorb(row.tally);
    if (row.flags === 0) tally.withoutFlagged?.absorb(row.tally);
    if ((row.flags & excludedBits) !== 0) {
      excludedResponses += complete;
      continue;
    }
    tally.chosen.absorb(row.tally);
    const period = periodOfMonth(row.month, granularity);
    let periodic = tally.byPeriod.get(period);
    if (!periodic) tally.byPeriod.set(period, (periodic = createScoreAccumulator(tally.trendDefinition)));
    periodic.absorb(row.tally);
  }

  // The comments: the latest free texts of the covered versions, from the rows.
  const textQuestions = [...new Set(covered.flatMap((d) => d.sections.flatMap((s) => s.questions.filter((q) => q.kind === 'text').map((q) => q.id))))];
  const latestFirst = (a: ReportComment, b: ReportComment) => (a.completedAt < b.completedAt ? 1 : a.completedAt > b.completedAt ? -1 : 0);
  const comments: ReportComment[] = [];
  const commentFilter = { ...toResponseFilter({ ...query, version: undefined }), definitionId: id };
  for (const row of await store.listLatestAnswers(commentFilter, covered.map((d) => d.version), textQuestions, REPORT_COMMENT_LIMIT)) {
    for (const questionId of textQuestions) {
      const value = hasOwn.call(row.answers, questionId) ? row.answers[questionId] : undefined;
      if (typeof value !== 'string' || value.trim() === '') continue;
      comments.push({ completedAt: row.completedAt, agencyCode: row.agencyCode, counterCode: row.counterCode, questionId, text: value });
    }
  }

  const versionTallies = covered.map((d) => tallies.get(d.version)!);
  const score = mergeScores(versionTallies.map((t) => t.chosen.result()));
  const percentWithFlagged = excludesNothing ? score.percent : mergeScores(versionTallies.map((t) => t.withFlagged!.result())).percent;
  const percentWithoutFlagged = excludesAll ? score.percent : mergeScores(versionTallies.map((t) => t.withoutFlagged!.result())).percent;
  const differencePp = percentWithFlagged === null || percentWithoutFlagged === null ? null : percentWithoutFlagged - percentWithFlagged;

  // Texts come from the newest covered version that asks the question.
  const newest = covered[0];
  const sections = new Map<string, SurveyDefinition['sections'][number]>();
  const questions = new Map<string, { question: Question; sectionId: string }>();
  for (const definition of covered) {
    for (const section of definition.sections) {
      if (!sections.has(section.id)) sections.set(section.id, section);
      for (const question of section.questions) if (!questions.has(question.id)) questions.set(question.id, { question, sectionId: section.id });
    }
  }
  const scaleId = newest.sections.flatMap((s) => s.questions).find((q) => q.kind === 'satisfaction')?.scale;
  const scale = scaleId ? newest.scales[scaleId].options.map((o) => ({ code: o.code, label: o.label })) : [];

  const components = score.components.map((component): ReportComponent => ({
    ...component,
    title: sections.get(component.sectionId)?.title ?? { en: component.sectionId },
    items: component.items.map((item): ReportItem => {
      const question = questions.get(item.questionId)?.question;
      const interval = wilsonInterval(item.satisfied, item.valid, REPORT_Z);
      return {
        ...item,
        text: question?.text ?? { en: item.questionId },
        shortLabel: question?.kind === 'satisfaction' ? (question.shortLabel ?? null) : null,
        interval: interval && { low: 100 * interval.low, high: 100 * interval.high },
        lowN: isLowN(item.percent, item.valid, minValid),
      };
    }),
    n: component.respondents,
    shareNotApplicable: shareNotApplicableOf(component.items, score.responses),
    lowN: isLowN(component.percent, component.respondents, minValid),
  }));

  const choices = mergeChoices(versionTallies.map((t) => t.chosen.choices())).map((choice): ReportChoice => {
    const found = questions.get(choice.questionId);
    const question = found?.question;
    const options = question && (question.kind === 'single' || question.kind === 'multiple') ? question.options : [];
    // Not asked over every response scored, so a covered version without the question counts too.
    const notAsked = score.responses - choice.asked;
    return {
      ...choice,
      sectionId: found?.sectionId ?? '',
      text: question?.text ?? { en: choice.questionId },
      options: choice.options.map((option) => ({ ...option, label: options.find((o) => o.code === option.code)?.label ?? { en: option.code } })),
      unanswered: choice.asked - choice.answered,
      notAsked,
      notApplicable: notAsked - choice.switchedOff,
      // isLowN's rule: a defined share (someone was asked) on fewer than minValid respondents.
      lowN: choice.asked > 0 && choice.asked < minValid,
    };
  });

  const knownWithResponses = available.filter((a) => a.known).map((a) => byVersion.get(a.version)!);
  return {
    generatedAt: request.generatedAt,
    query: request.values,
    definition: { id: newest.id, version: newest.version, title: newest.title },
    versions: {
      scope: query.version === ALL_VERSIONS ? 'all' : 'one',
      covered: covered.map((d) => d.version),
      available,
      changes: versionChanges(knownWithResponses),
    },
    method: score.method,
    satisfiedCodes: [...newest.scoring.satisfiedCodes],
    scale,
    responses: score.responses,
    excludedPartial: score.excludedPartial,
    excludedOtherDefinition: score.excludedOtherDefinition,
    percent: score.percent,
    componentsDefined: score.componentsDefined,
    components,
    figures: {
      minValid,
      interval: 'wilson',
      confidence: 0.95,
      z: REPORT_Z,
      n: score.responses,
      shareNotApplicable: shareNotApplicableOf(score.components.flatMap((c) => c.items), score.responses),
      lowN: isLowN(score.percent, score.responses, minValid),
    },
    trendGranularity: granularity,
    trend: trendOf(
      versionTallies.map((t) => t.byPeriod),
      granularity,
      { from: query.from, to: query.to, today: vietnamDay(request.generatedAt) },
      minValid,
    ),
    choices,
    questionnaire: questionnaireSections(covered, choices),
    comments: comments.sort(latestFirst).slice(0, REPORT_COMMENT_LIMIT),
    flags: {
      counts: REPORT_FLAGS.map((flag) => ({ flag, responses: flagCounts.get(flag)! })),
      flaggedResponses,
      excluded: [...excluded],
      excludedResponses,
      placedBySkew: flagCounts.get('clockSkew')!,
      percentWithFlagged,
      percentWithoutFlagged,
      differencePp,
      // (A tolerance for the binary floating point of a difference of exact percentages.)
      notable: differencePp !== null && Math.abs(differencePp) >= FLAG_NOTE_THRESHOLD_PP - 1e-9,
    },
  };
}

/** The scored items of a definition by id, with what their wording is compared on. */
function scoredItems(definition: SurveyDefinition): Map<string, string> {
  const items = new Map<string, string>();
  for (const section of definition.sections) {
    for (const question of section.questions) {
      if (question.kind !== 'satisfaction') continue;
      items.set(question.id, JSON.stringify([section.component ?? null, question.text, question.shortLabel ?? null]));
    }
  }
  return items;
}

/** The scored items added, removed and reworded between each pair of consecutive versions given. */
export function versionChanges(definitions: readonly SurveyDefinition[]): ReportVersionChange[] {
  const ascending = [...definitions].sort((a, b) => a.version - b.version);
  const changes: ReportVersionChange[] = [];
  for (let i = 1; i < ascending.length; i++) {
    const before = scoredItems(ascending[i - 1]);
    const after = scoredItems(ascending[i]);
    const change: ReportVersionChange = { from: ascending[i - 1].version, to: ascending[i].version, added: [], removed: [], reworded: [] };
    for (const [itemId, wording] of after) {
      const old = before.get(itemId);
      if (old === undefined) change.added.push(itemId);
      else if (old !== wording) change.reworded.push(itemId);
    }
    for (const itemId of before.keys()) if (!after.has(itemId)) change.removed.push(itemId);
    changes.push(change);
  }
  return changes;
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

/** The month, quarter or year key (`2026-03`, `2026-Q1`, `2026`) that a month (YYYY-MM) falls in. */
export function periodOfMonth(month: string, granularity: PeriodGranularity): string {
  const year = month.slice(0, 4);
  if (granularity === 'month') return month.slice(0, 7);
  if (granularity === 'year') return year;
  return `${year}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
}

/** The period after `period`, of the same granularity. */
export function nextPeriod(period: string, granularity: PeriodGranularity): string {
  const year = Number(period.slice(0, 4));
  if (granularity === 'year') return String(year + 1);
  if (granularity === 'quarter') {
    const quarter = Number(period.slice(6));
    return quarter === 4 ? `${year + 1}-Q1` : `${year}-Q${quarter + 1}`;
  }
  const month = Number(period.slice(5, 7));
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

/**
 * The trend: every period of the range, in order, empty ones with 0 responses. The range is the
 * filter's (from/to, or a chosen period), open ends taken from the first and last period with
 * responses; it never runs past today (periods to come are not "empty"), and a range longer than
 * MAX_TREND_POINTS starts at the first period with responses. Versions merge by item id.
 */
function trendOf(
  versionsByPeriod: ReadonlyArray<Map<string, ScoreAccumulator>>,
  granularity: PeriodGranularity,
  range: { from: string | undefined; to: string | undefined; today: string },
  minValid: number,
): TrendPoint[] {
  const withData = [...new Set(versionsByPeriod.flatMap((byPeriod) => [...byPeriod.keys()]))].sort();
  if (withData.length === 0 && range.from === undefined) return [];
  const of = (day: string) => periodOfMonth(day.slice(0, 7), granularity);
  let first = range.from !== undefined ? of(range.from) : withData[0];
  let last = range.to !== undefined ? of(range.to < range.today ? range.to : range.today) : (withData[withData.length - 1] ?? first);
  // Responses placed after "today" (a kiosk clock ahead) are still shown, never cut.
  if (withData.length > 0 && withData[withData.length - 1] > last) last = withData[withData.length - 1];
  if (withData.length > 0 && withData[0] < first) first = withData[0];
  const periods: string[] = [];
  for (let key = first; key <= last; key = nextPeriod(key, granularity)) periods.push(key);
  const kept = periods.length > MAX_TREND_POINTS && withData.length > 0 ? periods.filter((p) => p >= withData[0]).slice(-MAX_TREND_POINTS) : periods.slice(-MAX_TREND_POINTS);
  return kept.map((period): TrendPoint => {
    const scores = versionsByPeriod.flatMap((byPeriod) => {
      const accumulator = byPeriod.get(period);
      return accumulator ? [accumulator.result()] : [];
    });
    const result = scores.length > 0 ? mergeScores(scores) : undefined;
    const percent = result?.percent ?? null;
    const responses = result?.responses ?? 0;
    return { period, ...periodDays(period), responses, percent, lowN: isLowN(percent, responses, minValid) };
  });
}

/**
 * The sections reported as the whole questionnaire: those without a component that ask a single or
 * multiple choice question (the free-text comment stays in the comments), in the newest covered
 * version's order, then any only older versions have; each with its questions in report order.
 */
export function questionnaireSections(covered: readonly SurveyDefinition[], choices: readonly ReportChoice[]): ReportQuestionnaireSection[] {
  const sections: ReportQuestionnaireSection[] = [];
  for (const definition of covered) {
    for (const section of definition.sections) {
      if (section.component !== undefined || sections.some((s) => s.sectionId === section.id)) continue;
      const inSection = choices.filter((choice) => choice.sectionId === section.id);
      if (inSection.length === 0) continue;
      sections.push({ sectionId: section.id, title: section.title, optional: section.optional, choices: inSection });
    }
  }
  return sections;
}
