/** @jsxRuntime automatic @jsxImportSource preact */
/** The report resource: the SIPAS report page and its JSON twin, GET /api/v1/admin/report. */
import type { FastifyPluginAsync } from 'fastify';
import { sendError } from '../../errors';
import type { FilterQuery } from '../filters';
import { ReportPage } from '../pages';
import { reportDefinitions, type SipasReport } from '../report';
import { loadReportFunnel, type ReportFunnel } from '../funnel';
import type { SurveyDefinition } from '../../../shared/survey';
import { DEFAULT_REPORT_DEFINITION, type StaffPluginOptions, type StaffSide } from './staff-context';

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

/** The report page, registered under /admin. */
export const reportPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  pages.get('/report', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const parsed = side.parseFilters(request.query);
    if (!parsed.ok) {
      const form = await side.filterForm(parsed.values, false, side.reportDefinition({}));
      return side.sendPage(reply, <ReportPage ctx={ctx} options={form} report={null} problems={parsed.problems} definition={undefined} />, 400);
    }
    const id = reportId(side, parsed.query);
    const known = reportDefinitions(side.options.definitions, id, parsed.query.version);
    const newest = known?.[0];
    const form = await side.filterForm({ definition: id, ...parsed.values }, false, newest);
    if (!known) {
      const problems = [ctx.t('errors.unknownDefinition', { id })];
      return side.sendPage(reply, <ReportPage ctx={ctx} options={form} report={null} problems={problems} definition={undefined} />, 400);
    }
    const report = await side.reader.report(known, { query: { ...parsed.query, definition: id }, values: parsed.values, generatedAt: side.now().toISOString() });
    const shown = known.find((d) => d.version === report.definition.version);
    const funnel = await reportFunnel(side, report, shown ?? known[0], parsed.query);
    await side.audit(request, 'report', 'success', { via: 'page', filters: parsed.values });
    return side.sendPage(reply, <ReportPage ctx={ctx} options={form} report={report} problems={[]} definition={shown} funnel={funnel} />);
  });
};

/** GET /api/v1/admin/report. */
export const reportApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
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
    const report = await side.reader.report(known, { query: { ...parsed.query, definition: id }, values: parsed.values, generatedAt: side.now().toISOString() });
    const shown = known.find((d) => d.version === report.definition.version) ?? known[0];
    return { ...report, funnel: await reportFunnel(side, report, shown, parsed.query) };
  });
};
