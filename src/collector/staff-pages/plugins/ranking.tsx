/** @jsxRuntime automatic @jsxImportSource preact */
/** The ranking resource (issue 11): the "So sánh đơn vị" page and its JSON twin, GET /api/v1/admin/ranking. */
import type { FastifyPluginAsync } from 'fastify';
import { sendError } from '../../errors';
import { parseOrExplain } from '../../ingest';
import { vietnamDay } from '../../../shared/l10n';
import { cleanQuery, type FilterQuery } from '../filters';
import { staffT, type StaffT } from '../i18n';
import { RankingPage } from '../pages';
import { buildRanking, RANKING_QUERY_KEYS, RankingScopeError, rankingQuerySchema, type RankingQuery, type RankingReport } from '../ranking';
import { unitTree } from '../units';
import { DEFAULT_REPORT_DEFINITION, type StaffPluginOptions, type StaffSide } from './staff-context';

type Parsed = { ok: true; filters: FilterQuery; ranking: RankingQuery; values: Record<string, string> } | { ok: false; problems: string[]; values: Record<string, string> };

/**
 * The ranking's query: its own fields (unit, show, sort, dir) and the report's filters. The report's
 * agency filter names the unit to look inside; a counter filter has no meaning here and is refused
 * by being left to the report's checks (it is taken out: the counters are the rows).
 */
function parseRankingQuery(side: StaffSide, query: unknown): Parsed {
  const values = cleanQuery(query);
  delete values.lang;
  if (values.agency !== undefined && values.unit === undefined) values.unit = values.agency;
  delete values.agency;
  delete values.counter;
  const own: Record<string, string> = {};
  const rest: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) ((RANKING_QUERY_KEYS as readonly string[]).includes(key) ? own : rest)[key] = value;
  const ranking = parseOrExplain(rankingQuerySchema, own, '?');
  const filters = side.parseFilters(rest);
  const problems = [...(ranking.ok ? [] : ranking.problems), ...(filters.ok ? [] : filters.problems)];
  if (!ranking.ok || !filters.ok) return { ok: false, problems, values };
  const definition = filters.query.definition ?? side.reportDefinition({})?.id ?? DEFAULT_REPORT_DEFINITION;
  return { ok: true, filters: { ...filters.query, definition }, ranking: ranking.data, values };
}

/** The ranking for a checked query, words in `t`'s language. */
function rankingOf(side: StaffSide, parsed: Extract<Parsed, { ok: true }>, t: StaffT): Promise<RankingReport> {
  return buildRanking(
    { store: side.store, definitions: side.options.definitions },
    {
      filters: parsed.filters,
      ranking: parsed.ranking,
      values: parsed.values,
      generatedAt: side.now().toISOString(),
      words: { unplaced: t('ranking.unplaced'), direct: (name) => t('ranking.direct', { name }) },
    },
  );
}

/** The ranking page, registered under /admin. */
export const rankingPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  pages.get('/ranking', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const parsed = parseRankingQuery(side, request.query);
    const tree = await unitTree(side.store);
    const today = vietnamDay(side.now());
    const page = (report: RankingReport | null, problems: string[]) => (
      <RankingPage ctx={ctx} report={report} problems={problems} tree={tree} definitions={side.options.definitions} values={parsed.values} today={today} />
    );
    if (!parsed.ok) return side.sendPage(reply, page(null, parsed.problems), 400);
    try {
      const report = await rankingOf(side, parsed, ctx.t);
      await side.audit(request, 'report', 'success', { via: 'ranking-page', filters: parsed.values });
      return side.sendPage(reply, page(report, []));
    } catch (error) {
      if (!(error instanceof RankingScopeError)) throw error;
      const problem = error.problem === 'unknownUnit' ? ctx.t('ranking.unknownUnit', { code: error.value }) : ctx.t('errors.unknownDefinition', { id: error.value });
      return side.sendPage(reply, page(null, [problem]), 400);
    }
  });
};

/** GET /api/v1/admin/ranking: the same table as JSON (names in Vietnamese, as the page shows them by default). */
export const rankingApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
  api.get('/ranking', async (request, reply) => {
    const parsed = parseRankingQuery(side, request.query);
    if (!parsed.ok) return sendError(reply, 'invalidFilter', { problems: parsed.problems });
    try {
      const report = await rankingOf(side, parsed, staffT(side.langOf(request)));
      await side.audit(request, 'report', 'success', { via: 'ranking-json', filters: parsed.values });
      return report;
    } catch (error) {
      if (!(error instanceof RankingScopeError)) throw error;
      if (error.problem === 'unknownUnit') return sendError(reply, 'invalidFilter', { problems: [`?.unit: no unit ${JSON.stringify(error.value)} in the unit tree`] });
      return sendError(reply, 'unknownDefinition', { definition: error.value, version: typeof parsed.filters.version === 'number' ? parsed.filters.version : undefined, known: side.options.definitionIndex.names });
    }
  });
};
