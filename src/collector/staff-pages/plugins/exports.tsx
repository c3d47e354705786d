/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The exports resource: the export page (filters and a count) and the streamed CSV, XLSX and JSON
 * downloads of /api/v1/admin/responses.*.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../../errors';
import { attachmentDisposition, EXPORT_CONTENT_TYPES, EXPORT_FORMATS, excelFileName, ROW_COUNT_HEADER, type ExportFormat } from '../exports';
import { vietnamDay } from '../../../shared/l10n';
import { REPORT_FLAGS, toResponseFilter } from '../filters';
import { ExportPage } from '../pages';
import type { StaffPluginOptions, StaffSide } from './staff-context';

/** An export whose client has taken nothing for this long is cut. */
export const EXPORT_IDLE_TIMEOUT_MS = 2 * 60 * 1000;

/** The export page, registered under /admin. */
export const exportPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  pages.get('/export', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const parsed = side.parseFilters(request.query);
    const fieldDefinition = parsed.ok ? side.reportDefinition({ ...parsed.query, version: typeof parsed.query.version === 'number' ? parsed.query.version : undefined }) : side.reportDefinition({});
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
  // Read and serialised off the kiosks' thread (read-worker/jobs.ts openExport picks the columns).
  const body = await side.reader.export(side.options.definitions, query, side.langOf(request), format);
  const rowCount = body.rowCount;
  // Whatever becomes of the answer (done, client gone, error), the read connection is released; a
  // client that stops reading but keeps the connection is cut after a while, so that no read
  // transaction stays open for ever (it would keep SQLite from recycling its write-ahead log).
  reply.raw.once('close', () => void body.close());
  // (Node's HTTP server destroys a socket whose timeout fires; fastify.inject's fake socket has none.)
  const socket = request.raw.socket as { setTimeout?: (ms: number) => unknown } | undefined;
  if (typeof socket?.setTimeout === 'function') socket.setTimeout(EXPORT_IDLE_TIMEOUT_MS);
  const excluded = query.exclude ?? [];
  const name = excelFileName(
    {
      agency: query.agency,
      counter: query.counter,
      from: query.from,
      to: query.to,
      definition: query.definition,
      version: typeof query.version === 'number' ? query.version : undefined,
      field: query.field,
      exclusion: excluded.length === REPORT_FLAGS.length ? 'unflagged' : excluded.length > 0 ? `without-${excluded.join('-')}` : undefined,
      today: vietnamDay(side.now()),
    },
    format,
  );
  reply
    .code(200)
    .header('content-type', EXPORT_CONTENT_TYPES[format])
    .header('content-disposition', attachmentDisposition(name))
    .header(ROW_COUNT_HEADER, String(rowCount))
    .header('x-content-type-options', 'nosniff');
  await side.audit(request, 'export', 'success', { format, filters: parsed.values, rows: rowCount });
  return reply.send(body.stream);
}
