/*
 * The SIPAS report over stored responses. Every number comes from the survey module's scorer
 * (createScoreAccumulator fed with the store's tallies, mergeScores), the same one the kiosk uses;
 * this file only chooses which tallies go in (version, flags), splits them by month and version, and
 * attaches the definitions' texts.
 */
import {
  createScoreAccumulator,
  mergeChoices,
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
import { ALL_VERSIONS, REPORT_FLAGS, storedFlags, toResponseFilter, type FilterQuery, type ReportFlag } from './filters';

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
  /** Complete responses of the covered versions carrying each flag (before any exclusion); endedByTimeout only when some carry it. */
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
  trend: TrendPoint[];
  choices: ReportChoice[];
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
  byMonth: Map<string, ScoreAccumulator>;
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
  // endedByTimeout is no stored flag (no kiosk sends it yet): excluding it leaves out nothing.
  const excludedBits = storedFlags(excluded).reduce((bits, flag) => bits | TALLY_FLAG_BITS[flag], 0);

  // Every version and flag combination in one read: the counts of every version and flag and the
  // index with and without flagged responses come from the same rows.
  const rows = await store.readTallies({
    definitionId: id,
    ...(query.agency !== undefined ? { agencyCode: query.agency } : {}),
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
      byMonth: new Map(),
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
    let monthly = tally.byMonth.get(row.month);
    if (!monthly) tally.byMonth.set(row.month, (monthly = createScoreAccumulator(tally.trendDefinition)));
    monthly.absorb(row.tally);
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
      return {
        ...item,
        text: question?.text ?? { en: item.questionId },
        shortLabel: question?.kind === 'satisfaction' ? (question.shortLabel ?? null) : null,
      };
    }),
  }));

  const choices = mergeChoices(versionTallies.map((t) => t.chosen.choices())).map((choice): ReportChoice => {
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
    trend: trendOf(versionTallies.map((t) => t.byMonth)),
    choices,
    comments: comments.sort(latestFirst).slice(0, REPORT_COMMENT_LIMIT),
    flags: {
      counts: REPORT_FLAGS.filter((flag) => flag !== 'endedByTimeout' || flagCounts.get(flag)! > 0).map((flag) => ({ flag, responses: flagCounts.get(flag)! })),
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

/** Every month from the first to the last with responses, in order; empty months included; versions merged by item id. */
function trendOf(versionsByMonth: ReadonlyArray<Map<string, ScoreAccumulator>>): TrendPoint[] {
  const months = [...new Set(versionsByMonth.flatMap((byMonth) => [...byMonth.keys()]))].sort();
  if (months.length === 0) return [];
  const points: TrendPoint[] = [];
  let [year, month] = months[0].split('-').map(Number);
  const last = months[months.length - 1];
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    const scores = versionsByMonth.flatMap((byMonth) => {
      const accumulator = byMonth.get(key);
      return accumulator ? [accumulator.result()] : [];
    });
    const result = scores.length > 0 ? mergeScores(scores) : undefined;
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
