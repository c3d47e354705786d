/** @jsxRuntime automatic @jsxImportSource preact */
/** The report resource: the SIPAS report page and its JSON twin, GET /api/v1/admin/report. */
import type { FastifyPluginAsync } from 'fastify';
import { sendError } from '../../errors';
import type { FilterQuery } from '../filters';
import { methodParagraphs, ReportPage, type ReportPlaces } from '../pages';
import { LANGS, staffT, type StaffT } from '../i18n';
import { vietnamDay } from '../../../shared/l10n';
import { reportDefinitions, type SipasReport } from '../report';
import { loadReportFunnel, type ReportFunnel } from '../funnel';
import { loadTargets, reportYear, unitTree } from '../units';
import type { SurveyDefinition } from '../../../shared/survey';
import { DEFAULT_REPORT_DEFINITION, type StaffPluginOptions, type StaffSide } from './staff-context';
import { attachmentDisposition, EXPORT_CONTENT_TYPES, excelFileName } from '../exports';
import { REPORT_FLAGS } from '../filters';
import { buildRanking, RankingScopeError, type RankingReport } from '../ranking';
import { reportXlsxBuffer } from '../report-xlsx';
import { rolledUpAgencies } from '../filters';

/** The query with the report's unit rolled up the tree (its unit and the units below it; rollup=0: its own counters only). */
async function withRollup(side: StaffSide, query: FilterQuery): Promise<FilterQuery> {
  const agencyCodes = query.agency === undefined ? undefined : rolledUpAgencies(query, await unitTree(side.store));
  return agencyCodes === undefined ? query : { ...query, agencyCodes };
}

/** The questionnaire a report is about: the one named, else the default one (or the first known). */
function reportId(side: StaffSide, query: FilterQuery): string {
  return query.definition ?? side.reportDefinition({})?.id ?? DEFAULT_REPORT_DEFINITION;
}

/**
 * The drop-off funnel for the report's filters (issue 8): the version the report covers (every one
 * with version=all), in the order and words of the version it shows. Read here, not in the read
 * worker: it is a few summed rows per day, not a scan of responses.
 */
function reportFunnel(side: StaffSide, report: SipasReport, shown: SurveyDefinition, query: FilterQuery): Promise<ReportFunnel> {
  return loadReportFunnel(side.store, shown, report.versions.scope === 'all' ? 'all' : report.definition.version, query);
}

/**
 * The unit tree and the targets the report is held to (issue 11): those of the chosen unit (the
 * province when none is chosen) in the report's year. Read here, beside the report: a few rows.
 */
async function reportPlaces(side: StaffSide, query: FilterQuery, generatedAt: string): Promise<ReportPlaces> {
  const tree = await unitTree(side.store);
  const year = reportYear(query, generatedAt);
  const targets = (await loadTargets(side.store, tree)).targetFor(query.agency ?? null, year);
  return { tree, targets, year };
}

/** The report page, registered under /admin. */
export const reportPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  pages.get('/report', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const parsed = side.parseFilters(request.query);
    if (!parsed.ok) {
      const form = await side.filterForm(parsed.values, false, side.reportDefinition({}));
      return side.sendPage(reply, <ReportPage ctx={ctx} options={form} report={null} problems={parsed.problems} definition={undefined} today={vietnamDay(side.now())} />, 400);
    }
    const id = reportId(side, parsed.query);
    const known = reportDefinitions(side.options.definitions, id, parsed.query.version);
    const newest = known?.[0];
    const form = await side.filterForm({ definition: id, ...parsed.values }, false, newest);
    if (!known) {
      const problems = [ctx.t('errors.unknownDefinition', { id })];
      return side.sendPage(reply, <ReportPage ctx={ctx} options={form} report={null} problems={problems} definition={undefined} today={vietnamDay(side.now())} />, 400);
    }
    const report = await side.reader.report(known, { query: { ...(await withRollup(side, parsed.query)), definition: id }, values: parsed.values, generatedAt: side.now().toISOString() });
    const shown = known.find((d) => d.version === report.definition.version);
    const funnel = await reportFunnel(side, report, shown ?? known[0], parsed.query);
    await side.audit(request, 'report', 'success', { via: 'page', filters: parsed.values });
    return side.sendPage(reply, <ReportPage ctx={ctx} options={form} report={report} problems={[]} definition={shown} funnel={funnel} today={vietnamDay(side.now())} places={await reportPlaces(side, parsed.query, report.generatedAt)} />);
  });
};

/** GET /api/v1/admin/report. */
export const reportApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
  // The workbook twin, GET /api/v1/admin/report.xlsx, beside it (behind the same staff guard).
  await api.register(reportXlsxApi, { side });
  api.get('/report', async (request, reply) => {
    const parsed = side.parseFilters(request.query);
    if (!parsed.ok) return sendError(reply, 'invalidFilter', { problems: parsed.problems });
    const id = reportId(side, parsed.query);
    const known = reportDefinitions(side.options.definitions, id, parsed.query.version);
    if (!known) {
      return sendError(reply, 'unknownDefinition', {
        definition: id,
        version: typeof parsed.query.version === 'number' ? parsed.query.version : undefined,
        known: side.options.definitionIndex.names,
      });
    }
    await side.audit(request, 'report', 'success', { via: 'json', filters: parsed.values });
    const report = await side.reader.report(known, { query: { ...(await withRollup(side, parsed.query)), definition: id }, values: parsed.values, generatedAt: side.now().toISOString() });
    const shown = known.find((d) => d.version === report.definition.version) ?? known[0];
    // The method box's words travel with the figures, so a reader of the JSON gets the same rules.
    const explanation = Object.fromEntries(LANGS.map((lang) => [lang, methodParagraphs(staffT(lang), report.figures.minValid)]));
    return { ...report, explanation, funnel: await reportFunnel(side, report, shown, parsed.query) };
  });
};

/**
 * The units ranking that report.xlsx carries (issue 11, part 7): the ranking module's table for the
 * report's filters, inside the report's unit (the report's agency), or why there is none.
 */
async function reportRanking(side: StaffSide, query: FilterQuery, values: Record<string, string>, generatedAt: string, t: StaffT): Promise<{ ranking: RankingReport | null; problem: string | null }> {
  try {
    const ranking = await buildRanking(
      { store: side.store, definitions: side.options.definitions },
      {
        filters: query,
        ranking: query.agency !== undefined ? { unit: query.agency } : {},
        values,
        generatedAt,
        words: { unplaced: t('ranking.unplaced'), direct: (name) => t('ranking.direct', { name }) },
      },
    );
    return { ranking, problem: null };
  } catch (error) {
    if (!(error instanceof RankingScopeError)) throw error;
    return { ranking: null, problem: error.problem === 'unknownUnit' ? t('ranking.unknownUnit', { code: error.value }) : t('errors.unknownDefinition', { id: error.value }) };
  }
}

/**
 * GET /api/v1/admin/report.xlsx: the report of the same filters as a workbook, one sheet per table
 * (report-xlsx.ts), named like the exports (scope and dates) and audited like them.
 */
export const reportXlsxApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
  // No automatic HEAD twin: it would compute a whole report only to throw the body away.
  api.get('/report.xlsx', { exposeHeadRoute: false }, async (request, reply) => {
    const parsed = side.parseFilters(request.query);
    if (!parsed.ok) return sendError(reply, 'invalidFilter', { problems: parsed.problems });
    const id = reportId(side, parsed.query);
    const known = reportDefinitions(side.options.definitions, id, parsed.query.version);
    if (!known) {
      return sendError(reply, 'unknownDefinition', {
        definition: id,
        version: typeof parsed.query.version === 'number' ? parsed.query.version : undefined,
        known: side.options.definitionIndex.names,
      });
    }
    const lang = side.langOf(request);
    const t = staffT(lang);
    const query = { ...parsed.query, definition: id };
    const generatedAt = side.now().toISOString();
    const report = await side.reader.report(known, { query: await withRollup(side, query), values: parsed.values, generatedAt });
    const shown = known.find((d) => d.version === report.definition.version) ?? known[0];
    const [places, ranked] = await Promise.all([reportPlaces(side, parsed.query, generatedAt), reportRanking(side, query, parsed.values, generatedAt, t)]);
    const body = await reportXlsxBuffer({ report, ranking: ranked.ranking, rankingProblem: ranked.problem, places, definition: shown, lang });
    const excluded = query.exclude ?? [];
    // The exports' name with "report" after "sipas", so a report and a response export of the same scope never share a name.
    const name = excelFileName(
      {
        agency: query.agency,
        counter: query.counter,
        from: query.from,
        to: query.to,
        definition: id,
        version: typeof query.version === 'number' ? query.version : undefined,
        field: query.field,
        exclusion: excluded.length === REPORT_FLAGS.length ? 'unflagged' : excluded.length > 0 ? `without-${excluded.join('-')}` : undefined,
        today: vietnamDay(side.now()),
      },
      'xlsx',
    ).replace(/^sipas-/, 'sipas-report-');
    await side.audit(request, 'export', 'success', { format: 'report.xlsx', filters: parsed.values });
    return reply
      .code(200)
      .header('content-type', EXPORT_CONTENT_TYPES.xlsx)
      .header('content-disposition', attachmentDisposition(name))
      .header('x-content-type-options', 'nosniff')
      .send(body);
  });
};
