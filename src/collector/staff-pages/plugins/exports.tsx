/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The exports resource: the export page (filters and a count) and the streamed CSV, XLSX and JSON
 * downloads of /api/v1/admin/responses.*.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../../errors';
import { csvStream, EXPORT_CONTENT_TYPES, EXPORT_FORMATS, exportColumns, exportDefinitions, exportFileName, jsonStream, ROW_COUNT_HEADER, xlsxStream, type ExportFormat } from '../exports';
import { toResponseFilter } from '../filters';
import { ExportPage } from '../pages';
import type { StaffPluginOptions, StaffSide } from './staff-context';

/** An export whose client has taken nothing for this long is cut. */
export const EXPORT_IDLE_TIMEOUT_MS = 2 * 60 * 1000;

/** The export page, registered under /admin. */
export const exportPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  pages.get('/export', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const parsed = side.parseFilters(request.query);
    const fieldDefinition = parsed.ok ? side.reportDefinition(parsed.query) : side.reportDefinition({});
    const form = await side.filterForm(parsed.values, true, fieldDefinition);
    if (!parsed.ok) return side.sendPage(reply, <ExportPage ctx={ctx} options={form} problems={parsed.problems} />, 400);
    let count: number | undefined;
    if (Object.keys(parsed.values).length > 0) {
      const snapshot = await side.store.openResponseSnapshot(toResponseFilter(parsed.query));
      count = snapshot.count ?? undefined;
      await snapshot.close();
    }
    return side.sendPage(reply, <ExportPage ctx={ctx} options={form} problems={[]} count={count} />);
  });
};

/** GET /api/v1/admin/responses.{csv,xlsx,json}. */
export const exportsApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
  for (const format of EXPORT_FORMATS) {
    // No automatic HEAD twin: it would run a whole export only to throw the body away.
    api.get(`/responses.${format}`, { exposeHeadRoute: false }, async (request, reply) => sendExport(side, request, reply, format));
  }
};

async function sendExport(side: StaffSide, request: FastifyRequest, reply: FastifyReply, format: ExportFormat): Promise<FastifyReply> {
  const parsed = side.parseFilters(request.query);
  if (!parsed.ok) return sendError(reply, 'invalidFilter', { problems: parsed.problems });
  const query = parsed.query;
  const snapshot = await side.store.openResponseSnapshot(toResponseFilter(query));
  const rowCount = snapshot.count ?? 0; // opened with its summary, so always known
  // Whatever becomes of the answer (done, client gone, error), the read connection is released; a
  // client that stops reading but keeps the connection is cut after a while, so that no read
  // transaction stays open for ever (it would keep SQLite from recycling its write-ahead log).
  reply.raw.once('close', () => void snapshot.close());
  // (Node's HTTP server destroys a socket whose timeout fires; fastify.inject's fake socket has none.)
  const socket = request.raw.socket as { setTimeout?: (ms: number) => unknown } | undefined;
  if (typeof socket?.setTimeout === 'function') socket.setTimeout(EXPORT_IDLE_TIMEOUT_MS);
  const known = side.options.definitions;
  const present = exportDefinitions(known, snapshot.definitions);
  // An empty export still gets the columns of the questionnaire asked for.
  const definitions =
    present.definitions.length > 0 || rowCount > 0
      ? present.definitions
      : known.filter((d) => (query.definition === undefined || d.id === query.definition) && (query.version === undefined || d.version === query.version));
  const columns = exportColumns(definitions, present.unknown, query.labels === '1', side.langOf(request));
  const name = exportFileName([query.definition, query.version !== undefined ? `v${query.version}` : undefined, query.agency, query.counter, query.field, query.from, query.to], format);
  reply
    .code(200)
    .header('content-type', EXPORT_CONTENT_TYPES[format])
    .header('content-disposition', `attachment; filename="${name}"`)
    .header(ROW_COUNT_HEADER, String(rowCount))
    .header('x-content-type-options', 'nosniff');
  switch (format) {
    case 'csv':
      return reply.send(csvStream(columns, snapshot.responses()));
    case 'json':
      return reply.send(jsonStream(snapshot.responses()));
    case 'xlsx':
      return reply.send(xlsxStream(columns, definitions, snapshot));
  }
}
