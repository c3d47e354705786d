/** @jsxRuntime automatic @jsxImportSource preact */
/** The report resource: the SIPAS report page and its JSON twin, GET /api/v1/admin/report. */
import type { FastifyPluginAsync } from 'fastify';
import { sendError } from '../../errors';
import { toResponseFilter } from '../filters';
import { ReportPage } from '../pages';
import { buildReport } from '../report';
import { DEFAULT_REPORT_DEFINITION, type StaffPluginOptions } from './staff-context';

/** The report page, registered under /admin. */
export const reportPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  pages.get('/report', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const parsed = side.parseFilters(request.query);
    if (!parsed.ok) {
      const form = await side.filterForm(parsed.values, false, side.reportDefinition({}));
      return side.sendPage(reply, <ReportPage ctx={ctx} options={form} report={null} problems={parsed.problems} definition={undefined} />, 400);
    }
    const definition = side.reportDefinition(parsed.query);
    const form = await side.filterForm({ definition: definition?.id ?? '', ...parsed.values }, false, definition);
    if (!definition) {
      const problems = [ctx.t('errors.unknownDefinition', { id: parsed.query.definition ?? DEFAULT_REPORT_DEFINITION })];
      return side.sendPage(reply, <ReportPage ctx={ctx} options={form} report={null} problems={problems} definition={definition} />, 400);
    }
    const report = await buildReport(side.store, definition, toResponseFilter(parsed.query), parsed.values, side.now());
    return side.sendPage(reply, <ReportPage ctx={ctx} options={form} report={report} problems={[]} definition={definition} />);
  });
};

/** GET /api/v1/admin/report. */
export const reportApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
  api.get('/report', async (request, reply) => {
    const parsed = side.parseFilters(request.query);
    if (!parsed.ok) return sendError(reply, 'invalidFilter', { problems: parsed.problems });
    const definition = side.reportDefinition(parsed.query);
    if (!definition) {
      return sendError(reply, 'unknownDefinition', {
        definition: parsed.query.definition ?? DEFAULT_REPORT_DEFINITION,
        version: parsed.query.version,
        known: side.options.definitionIndex.names,
      });
    }
    return buildReport(side.store, definition, toResponseFilter(parsed.query), parsed.values, side.now());
  });
};
