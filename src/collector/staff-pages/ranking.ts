/*
 * Comparing and ranking units (issue 11, part 3) and their drop-off funnel (part 9): a table of the
 * units one level below a chosen unit, or of the counters within it, each with the overall and
 * component indices, n, the gap to its target, its rank, the change against the previous period and
 * the same period a year earlier, and the items where it loses points. Every figure rolls up the
 * tree by merging tallies (the shared engine's addTally, scoreFromTally, mergeScores): a unit's index
 * is the index of all the responses given at it and below it, never an average of its children's.
 * Built from the store's reads (listPlaces, readPlaceTallies once per period, readFunnel), which
 * both dialects serve.
 */
import { z } from 'zod';
import { STORED_PLACE_CODE_MAX_LENGTH } from '../../shared/ids';
import { vietnamDay } from '../../shared/l10n';
import { addTally, createScoreAccumulator, emptyTally, mergeScores, type LocalizedText, type ScoreAccumulator, type ScoreTally, type SipasScore, type SurveyDefinition } from '../../shared/survey';
import { TALLY_FLAG_BITS, TARGET_FIGURES, type CollectorStore, type FunnelRow, type PlaceCount, type TargetFigure } from '../stores';
import { ALL_VERSIONS, MIN_VALID_DEFAULT, periodDays, periodGranularity, type FilterQuery, type PeriodGranularity } from './filters';
import { sumFunnelRows, summarizeFunnel, type FunnelSummary } from './funnel';
import { reportDefinitions, scoringView } from './report';
import { loadTargets, reportYear, targetGap, unitTree, type TargetGap, type UnitTree } from './units';

/** The columns the table sorts by. */
export const RANKING_SORTS = ['rank', 'name', 'n', 'overall', 'c1', 'c2', 'c3', 'c4', 'c5', 'gap', 'previous', 'yearAgo', 'completion'] as const;
export type RankingSort = (typeof RANKING_SORTS)[number];
/** What the table lists: the units one level below the chosen unit, or the counters within it. */
export const RANKING_SHOWS = ['units', 'counters'] as const;
export type RankingShow = (typeof RANKING_SHOWS)[number];
/** Weakest items listed per row ("mất điểm"). */
export const WEAKEST_ITEMS = 3;

/** The ranking's own query fields, beside the report's filters. */
export const rankingQuerySchema = z.object({
  unit: z.string().trim().min(1).max(STORED_PLACE_CODE_MAX_LENGTH).optional(),
  show: z.enum(RANKING_SHOWS).optional(),
  sort: z.enum(RANKING_SORTS).optional(),
  dir: z.enum(['asc', 'desc']).optional(),
});
export type RankingQuery = z.infer<typeof rankingQuerySchema>;
/** The query keys rankingQuerySchema reads (taken out before the report's filters are checked). */
export const RANKING_QUERY_KEYS = ['unit', 'show', 'sort', 'dir'] as const;

/** A range of Vietnam days, both ends included. */
export interface DayRange {
  from: string;
  to: string;
}

/** The period ranked and the two it is compared with. */
export interface RankingPeriods {
  current: DayRange;
  /** The period of the same length just before (the month, quarter or year before a chosen one). */
  previous: DayRange;
  /** The same period a year earlier. */
  yearAgo: DayRange;
  /** The period key when one was chosen (2026-03, 2026-Q1, 2026). */
  period: string | null;
}

/** One component's figure in a row. */
export interface RankingComponent {
  component: number;
  percent: number | null;
  /** Respondents with a valid answer in it. */
  n: number;
}

/** An item where the row loses points: its satisfied share, with n. */
export interface WeakItem {
  questionId: string;
  text: LocalizedText;
  percent: number;
  valid: number;
  satisfied: number;
  /** Fewer valid answers than the threshold. */
  lowN: boolean;
}

/** Kinds of rows: a unit (with everything below it), a counter, the chosen unit's own counters, responses at places the tree does not have. */
export type RankingRowKind = 'unit' | 'counter' | 'direct' | 'unplaced';

/** One row of the table. */
export interface RankingRow {
  kind: RankingRowKind;
  /** A unit's code; a counter's `unit/counter`; '' for the unplaced row. */
  key: string;
  /** The display name (never a bare code when the tree knows the place). */
  name: string;
  /** A counter's unit, when it is not the chosen unit itself. */
  unitName: string | null;
  /** Units below it (a link drills down). */
  hasChildren: boolean;
  /** Counters at it and below (a link lists them). */
  hasCounters: boolean;
  /** Complete responses scored (valid responses). */
  n: number;
  overall: number | null;
  components: RankingComponent[];
  /** Gap to its target, per figure; null where no target or no figure. */
  gaps: Record<TargetFigure, TargetGap | null>;
  /** Ranked: enough responses, a figure, and a place in the tree. */
  ranked: boolean;
  /** 1 = best; ties share a rank (1, 1, 3). */
  rank: number | null;
  previous: number | null;
  /** overall − previous, percentage points; null when either side has no figure. */
  changePreviousPp: number | null;
  yearAgo: number | null;
  changeYearAgoPp: number | null;
  weakest: WeakItem[];
  funnel: FunnelSummary;
}

/** The ranking page and GET /api/v1/admin/ranking. */
export interface RankingReport {
  generatedAt: string;
  query: Record<string, string>;
  definition: { id: string; version: number; title: LocalizedText };
  /** Versions scored, newest first (the same for every row and period, so figures compare). */
  covered: number[];
  /** The chosen unit (null: the top of the tree), its name and path. */
  unit: { code: string | null; name: string | null; path: string | null; parentCode: string | null };
  show: RankingShow;
  periods: RankingPeriods;
  /** The year whose targets apply. */
  year: number;
  minValid: number;
  sort: RankingSort;
  dir: 'asc' | 'desc';
  rows: RankingRow[];
  /** The funnel counts no answers, so a service-field filter does not narrow it. */
  funnelIgnoresServiceField: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** A day a year earlier; 29 February becomes 28 February. */
export function dayYearEarlier(day: string): string {
  const year = Number(day.slice(0, 4)) - 1;
  const rest = day.slice(4);
  const candidate = `${year}${rest}`;
  return dayOf(dayNumber(candidate)) === candidate ? candidate : `${year}-02-28`;
}

/** The period key before `period` of its granularity. */
export function previousPeriodKey(period: string, granularity: PeriodGranularity): string {
  const year = Number(period.slice(0, 4));
  if (granularity === 'year') return String(year - 1);
  if (granularity === 'quarter') {
    const quarter = Number(period.slice(6));
    return quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`;
  }
  const month = Number(period.slice(5, 7));
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/**
 * The ranked period and its comparisons. A chosen month, quarter or year is compared with the one
 * before and the same one a year earlier; a range of days with the as many days just before it and
 * the same days a year earlier; no period at all ranks the current year (Vietnam time) so far.
 */
export function rankingPeriods(query: Pick<FilterQuery, 'period' | 'from' | 'to'>, today: string): RankingPeriods {
  const granularity = query.period === undefined ? undefined : periodGranularity(query.period);
  if (query.period !== undefined && granularity !== undefined) {
    const yearEarlier = `${Number(query.period.slice(0, 4)) - 1}${query.period.slice(4)}`;
    return { current: periodDays(query.period), previous: periodDays(previousPeriodKey(query.period, granularity)), yearAgo: periodDays(yearEarlier), period: query.period };
  }
  if (query.from === undefined && query.to === undefined) {
    const year = today.slice(0, 4);
    const current = { from: `${year}-01-01`, to: today };
    return { current, ...shifted(current), period: null };
  }
  const to = query.to ?? (query.from! > today ? query.from! : today);
  const from = query.from ?? `${to.slice(0, 4)}-01-01`;
  const current = { from, to };
  return { current, ...shifted(current), period: null };
}

function shifted(current: DayRange): { previous: DayRange; yearAgo: DayRange } {
  const length = dayNumber(current.to) - dayNumber(current.from) + 1;
  return {
    previous: { from: dayOf(dayNumber(current.from) - length), to: dayOf(dayNumber(current.from) - 1) },
    yearAgo: { from: dayYearEarlier(current.from), to: dayYearEarlier(current.to) },
  };
}

const placeKey = (agencyCode: string, counterCode: string) => `${agencyCode}\u0000${counterCode}`;

/** Per place (agency and counter), per covered version: the tally of the responses in a range, flagged ones left out as chosen. */
type PlaceTallies = Map<string, Map<number, ScoreTally>>;

interface RankingSource {
  store: Pick<CollectorStore, 'readPlaceTallies' | 'readFunnel' | 'listPlaces' | 'listUnitTree' | 'listTargets'>;
  definitions: readonly SurveyDefinition[];
}

/** A place of the table: its codes. */
type Place = Pick<PlaceCount, 'agencyCode' | 'counterCode'>;

async function readPlaceTallies(source: RankingSource, places: readonly Place[], query: FilterQuery, known: SurveyDefinition[], range: DayRange): Promise<PlaceTallies> {
  const excludedBits = (query.exclude ?? []).reduce((bits, flag) => bits | TALLY_FLAG_BITS[flag], 0);
  const wanted = new Set(places.map((p) => placeKey(p.agencyCode, p.counterCode)));
  const out: PlaceTallies = new Map();
  // One read of every place's tallies for the range (the place roll-up's month and day rows), not
  // one read per place: on PostgreSQL 400 counters × 3 periods were 1,200 round trips.
  const rows = await source.store.readPlaceTallies({
    definitionId: known[0].id,
    ...(typeof query.version === 'number' ? { definitionVersion: query.version } : {}),
    ...(query.field !== undefined ? { serviceField: query.field } : {}),
    fromDay: range.from,
    toDay: range.to,
    definitions: known,
  });
  for (const row of rows) {
    const key = placeKey(row.agencyCode, row.counterCode);
    if ((row.flags & excludedBits) !== 0 || !wanted.has(key)) continue;
    let byVersion = out.get(key);
    if (!byVersion) out.set(key, (byVersion = new Map()));
    let tally = byVersion.get(row.definitionVersion);
    if (!tally) byVersion.set(row.definitionVersion, (tally = emptyTally()));
    addTally(tally, row.tally);
  }
  return out;
}

/** One scorer per covered version, newest first, reused for every row (building one is the costly part). */
type Scorers = ReadonlyArray<{ version: number; accumulator: ScoreAccumulator }>;

/**
 * Scorers of the covered versions: on the scoring view of each definition (the scored sections and
 * what their conditions read), whose item and component scores are the whole definition's.
 */
function scorersOf(covered: readonly SurveyDefinition[]): Scorers {
  return covered.map((d) => ({ version: d.version, accumulator: createScoreAccumulator(scoringView(d)) }));
}

/** The score of the places matching `match`: their tallies merged per version, scored, versions merged by item id. */
function scoreOf(tallies: PlaceTallies, scorers: Scorers, match: (agencyCode: string, counterCode: string) => boolean): SipasScore {
  const merged = new Map<number, ScoreTally>(scorers.map((s) => [s.version, emptyTally()]));
  for (const [key, byVersion] of tallies) {
    const [agencyCode, counterCode] = key.split('\u0000');
    if (!match(agencyCode, counterCode)) continue;
    for (const [version, tally] of byVersion) {
      const into = merged.get(version);
      if (into) addTally(into, tally);
    }
  }
  return mergeScores(
    scorers.map(({ version, accumulator }) => {
      accumulator.reset();
      accumulator.absorb(merged.get(version)!);
      return accumulator.result();
    }),
  );
}

/** A row before its figures: what it is and which places it sums. */
interface RowPlan {
  kind: RankingRowKind;
  key: string;
  name: string;
  unitName: string | null;
  /** The unit whose targets apply (null: the province's). */
  targetUnit: string | null;
  hasChildren: boolean;
  hasCounters: boolean;
  match: (agencyCode: string, counterCode: string) => boolean;
}

/** The rows the table lists, for a chosen unit (undefined: the top) and what to show. */
function planRows(tree: UnitTree, unitCode: string | undefined, show: RankingShow, places: readonly Place[], unplacedName: string, directName: (name: string) => string): RowPlan[] {
  const plans: RowPlan[] = [];
  const inTree = (agencyCode: string) => tree.unit(agencyCode) !== undefined;
  if (show === 'counters') {
    const scope = unitCode === undefined ? tree.flatten().map((n) => n.unit.code) : tree.descendantUnits(unitCode);
    const inScope = new Set(scope);
    for (const counter of unitCode === undefined ? tree.records.counters : tree.descendantCounters(unitCode)) {
      plans.push({
        kind: 'counter',
        key: `${counter.unitCode}/${counter.code}`,
        name: counter.name,
        unitName: counter.unitCode === unitCode ? null : tree.displayName(counter.unitCode),
        targetUnit: counter.unitCode,
        hasChildren: false,
        hasCounters: false,
        match: (a, c) => a === counter.unitCode && c === counter.code,
      });
    }
    // Responses at a unit of the scope from a counter the tree does not list.
    const unknownCounter = (a: string, c: string) => inScope.has(a) && tree.standing(a, c) === 'unknownCounter';
    if (tree.isEmpty) {
      // No tree yet: every place is its own row, by its codes.
      for (const place of places) {
        if (unitCode !== undefined && place.agencyCode !== unitCode) continue;
        plans.push({ kind: 'counter', key: `${place.agencyCode}/${place.counterCode}`, name: place.counterCode, unitName: place.agencyCode, targetUnit: null, hasChildren: false, hasCounters: false, match: (a, c) => a === place.agencyCode && c === place.counterCode });
      }
    } else if (places.some((p) => unknownCounter(p.agencyCode, p.counterCode))) {
      plans.push({ kind: 'unplaced', key: '', name: unplacedName, unitName: null, targetUnit: unitCode ?? null, hasChildren: false, hasCounters: false, match: unknownCounter });
    }
    return plans;
  }
  if (tree.isEmpty) {
    for (const agencyCode of [...new Set(places.map((p) => p.agencyCode))].sort()) {
      plans.push({ kind: 'unit', key: agencyCode, name: agencyCode, unitName: null, targetUnit: null, hasChildren: false, hasCounters: true, match: (a) => a === agencyCode });
    }
    return plans;
  }
  // The top: the province's children when there is one root, else the roots.
  const top = unitCode ?? (tree.roots.length === 1 ? tree.roots[0].unit.code : undefined);
  const children = top === undefined ? tree.roots : (tree.flatten().find((n) => n.unit.code === top)?.children ?? []);
  for (const child of children) {
    const below = new Set(tree.descendantUnits(child.unit.code));
    plans.push({
      kind: 'unit',
      key: child.unit.code,
      name: child.unit.name,
      unitName: null,
      targetUnit: child.unit.code,
      hasChildren: child.children.length > 0,
      hasCounters: tree.descendantCounters(child.unit.code).length > 0,
      match: (a) => below.has(a),
    });
  }
  if (top !== undefined) {
    // The chosen unit's own counters (a province's own one-stop counter) are part of its figures too.
    const own = tree.flatten().find((n) => n.unit.code === top)!;
    if (own.counters.length > 0 || places.some((p) => p.agencyCode === top)) {
      plans.push({ kind: 'direct', key: top, name: directName(own.unit.name), unitName: null, targetUnit: top, hasChildren: false, hasCounters: own.counters.length > 0, match: (a) => a === top });
    }
  }
  // At the top of the tree, responses from units the tree does not have.
  if (unitCode === undefined || tree.ancestors(unitCode).length === 0) {
    const unplaced = (a: string) => !inTree(a);
    if (places.some((p) => unplaced(p.agencyCode))) plans.push({ kind: 'unplaced', key: '', name: unplacedName, unitName: null, targetUnit: null, hasChildren: false, hasCounters: false, match: unplaced });
  }
  return plans;
}

/** The texts of items by id: the newest covered version's short label, else its text. */
function itemTexts(covered: readonly SurveyDefinition[]): Map<string, LocalizedText> {
  const texts = new Map<string, LocalizedText>();
  for (const definition of covered) {
    for (const question of definition.sections.flatMap((s) => s.questions)) {
      if (question.kind === 'satisfaction' && !texts.has(question.id)) texts.set(question.id, question.shortLabel ?? question.text);
    }
  }
  return texts;
}

/** The `WEAKEST_ITEMS` items of a score with the lowest satisfied share (ties: questionnaire order). */
export function weakestItems(score: SipasScore, texts: ReadonlyMap<string, LocalizedText>, minValid: number, limit = WEAKEST_ITEMS): WeakItem[] {
  const items = score.components.flatMap((c) => c.items).filter((item): item is typeof item & { percent: number } => item.percent !== null);
  return items
    .map((item, order) => ({ item, order }))
    .sort((a, b) => a.item.percent - b.item.percent || a.order - b.order)
    .slice(0, limit)
    .map(({ item }) => ({ questionId: item.questionId, text: texts.get(item.questionId) ?? { vi: item.questionId }, percent: item.percent, valid: item.valid, satisfied: item.satisfied, lowN: item.valid < minValid }));
}

/** A percentage as printed (0.01 point): ranks and ties are decided on it, as the reader sees them. */
const printed = (percent: number) => Math.round(percent * 100) / 100;

/** Ranks the rows that may be ranked by their overall index, best first; equal printed figures share a rank. */
export function assignRanks(rows: Array<Pick<RankingRow, 'ranked' | 'overall' | 'rank'>>): void {
  const values = rows.filter((r) => r.ranked && r.overall !== null).map((r) => printed(r.overall!));
  for (const row of rows) row.rank = row.ranked && row.overall !== null ? 1 + values.filter((v) => v > printed(row.overall!)).length : null;
}

/** The value a column sorts by (null sorts last either way). */
function sortValue(row: RankingRow, sort: RankingSort): number | string | null {
  switch (sort) {
    case 'rank':
      return row.rank;
    case 'name':
      return row.name;
    case 'n':
      return row.n;
    case 'overall':
      return row.overall;
    case 'gap':
      return row.gaps.overall?.gapPp ?? null;
    case 'previous':
      return row.changePreviousPp;
    case 'yearAgo':
      return row.changeYearAgoPp;
    case 'completion':
      return row.funnel.completionRate;
    default:
      return row.components.find((c) => `c${c.component}` === sort)?.percent ?? null;
  }
}

/** The default direction of a column: ranks and names ascending, figures best first. */
export function defaultDir(sort: RankingSort): 'asc' | 'desc' {
  return sort === 'rank' || sort === 'name' ? 'asc' : 'desc';
}

/** Sorts the rows by a column; rows without a value last, then the unplaced row, ties by name. */
export function sortRows(rows: RankingRow[], sort: RankingSort, dir: 'asc' | 'desc'): RankingRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  const byName = (a: RankingRow, b: RankingRow) => a.name.localeCompare(b.name, 'vi') || a.key.localeCompare(b.key);
  return [...rows].sort((a, b) => {
    if ((a.kind === 'unplaced') !== (b.kind === 'unplaced')) return a.kind === 'unplaced' ? 1 : -1;
    const va = sortValue(a, sort);
    const vb = sortValue(b, sort);
    if (va === null || vb === null) return va === vb ? byName(a, b) : va === null ? 1 : -1;
    const order = typeof va === 'string' ? va.localeCompare(vb as string, 'vi') : va - (vb as number);
    return sign * order || byName(a, b);
  });
}

/** What a ranking is asked for. */
export interface RankingRequest {
  filters: FilterQuery;
  ranking: RankingQuery;
  values: Record<string, string>;
  generatedAt: string;
  /** Words of the rows that are no unit of the tree (in the page's language). */
  words: { unplaced: string; direct: (unitName: string) => string };
}

/** The questionnaire is unknown, or the chosen unit is not in the tree. */
export class RankingScopeError extends Error {
  constructor(readonly problem: 'unknownDefinition' | 'unknownUnit', readonly value: string) {
    super(`${problem}: ${value}`);
  }
}

/**
 * The ranking table: the rows planned from the tree, each scored over the ranked period and its two
 * comparisons from the per-place tallies, ranked, sorted, with its funnel, weakest items and gaps.
 */
export async function buildRanking(source: RankingSource, request: RankingRequest): Promise<RankingReport> {
  const { filters, ranking } = request;
  const id = filters.definition!;
  const known = reportDefinitions(source.definitions, id, filters.version);
  if (!known) throw new RankingScopeError('unknownDefinition', id);
  const tree = await unitTree(source.store);
  const unitCode = ranking.unit;
  if (unitCode !== undefined && !tree.isEmpty && !tree.unit(unitCode)) throw new RankingScopeError('unknownUnit', unitCode);
  const today = vietnamDay(request.generatedAt);
  const periods = rankingPeriods(filters, today);
  const minValid = filters.minValid ?? MIN_VALID_DEFAULT;
  const year = reportYear({ to: periods.current.to }, request.generatedAt);
  const targets = await loadTargets(source.store, tree);

  const funnelFilter = { definitionId: id, fromDay: periods.current.from, toDay: periods.current.to, ...(typeof filters.version === 'number' ? { definitionVersion: filters.version } : {}) };
  const [listed, funnelRows] = await Promise.all([source.store.listPlaces(), source.store.readFunnel(funnelFilter)]);
  const places = new Map<string, Place>();
  for (const p of [...listed, ...funnelRows]) places.set(placeKey(p.agencyCode, p.counterCode), { agencyCode: p.agencyCode, counterCode: p.counterCode });
  const placeList = [...places.values()];

  const [current, previous, yearAgo] = await Promise.all([periods.current, periods.previous, periods.yearAgo].map((range) => readPlaceTallies(source, placeList, filters, known, range)));
  // One set of versions for every row and period, so that figures compare: the one chosen, every
  // version (version=all), else the newest with responses in the ranked period.
  const withResponses = new Set([...current.values()].flatMap((byVersion) => [...byVersion].filter(([, t]) => t.responses + t.partial > 0).map(([v]) => v)));
  const covered =
    typeof filters.version === 'number' ? known.filter((d) => d.version === filters.version) : filters.version === ALL_VERSIONS ? known : [known.find((d) => withResponses.has(d.version)) ?? known[0]];
  const show: RankingShow = ranking.show ?? (unitCode !== undefined && tree.unit(unitCode) && tree.flatten().find((n) => n.unit.code === unitCode)!.children.length === 0 ? 'counters' : 'units');
  const plans = planRows(tree, unitCode, show, placeList, request.words.unplaced, request.words.direct);
  const texts = itemTexts(covered);
  const scorers = scorersOf(covered);

  const funnelOf = (match: RowPlan['match']) => summarizeFunnel(sumFunnelRows(funnelRows.filter((r: FunnelRow) => match(r.agencyCode, r.counterCode) && (typeof filters.version === 'number' || covered.some((d) => d.version === r.definitionVersion)))));
  const rows = plans.map((plan): RankingRow => {
    const score = scoreOf(current, scorers, plan.match);
    const before = scoreOf(previous, scorers, plan.match).percent;
    const lastYear = scoreOf(yearAgo, scorers, plan.match).percent;
    const applied = targets.targetFor(plan.targetUnit, year);
    const components = [1, 2, 3, 4, 5].map((component): RankingComponent => {
      const found = score.components.find((c) => c.component === component);
      return { component, percent: found?.percent ?? null, n: found?.respondents ?? 0 };
    });
    const gaps = Object.fromEntries(
      TARGET_FIGURES.map((figure) => [figure, targetGap(figure === 'overall' ? score.percent : (components[Number(figure.slice(1)) - 1].percent ?? null), applied[figure]?.value)]),
    ) as Record<TargetFigure, TargetGap | null>;
    const change = (other: number | null) => (score.percent === null || other === null ? null : score.percent - other);
    return {
      kind: plan.kind,
      key: plan.key,
      name: plan.name,
      unitName: plan.unitName,
      hasChildren: plan.hasChildren,
      hasCounters: plan.hasCounters,
      n: score.responses,
      overall: score.percent,
      components,
      gaps,
      ranked: plan.kind !== 'unplaced' && score.percent !== null && score.responses >= minValid,
      rank: null,
      previous: before,
      changePreviousPp: change(before),
      yearAgo: lastYear,
      changeYearAgoPp: change(lastYear),
      weakest: weakestItems(score, texts, minValid),
      funnel: funnelOf(plan.match),
    };
  });
  assignRanks(rows);
  const sort = ranking.sort ?? 'rank';
  const dir = ranking.dir ?? defaultDir(sort);
  const chosen = unitCode === undefined ? undefined : tree.unit(unitCode);
  return {
    generatedAt: request.generatedAt,
    query: request.values,
    definition: { id: covered[0].id, version: covered[0].version, title: covered[0].title },
    covered: covered.map((d) => d.version),
    unit: { code: unitCode ?? null, name: unitCode === undefined ? null : tree.displayName(unitCode), path: chosen ? tree.path(chosen.code) : null, parentCode: chosen?.parentCode ?? null },
    show,
    periods,
    year,
    minValid,
    sort,
    dir,
    rows: sortRows(rows, sort, dir),
    funnelIgnoresServiceField: filters.field !== undefined,
  };
}
