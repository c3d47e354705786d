/** @jsxRuntime automatic @jsxImportSource preact */
/** The set-aside resource: conflicts and rejections as a page, as JSON and as a CSV download. */
import type { FastifyPluginAsync } from 'fastify';
import { sendError } from '../../errors';
import { SET_ASIDE_PAGE_MAX } from '../../stores';
import { SetAsidePage } from '../pages';
import { loadSetAside, parseSetAsideQuery, SET_ASIDE_CSV_NAME, SET_ASIDE_PAGE_ROWS, setAsideCsv } from '../set-aside';
import type { StaffPluginOptions } from './staff-context';

/** The set-aside page, registered under /admin. */
export const setAsidePages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  pages.get('/set-aside', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const devices = (await side.store.listDevices()).map((d) => ({ id: d.id, label: d.label }));
    const parsed = parseSetAsideQuery(request.query);
    if (!parsed.ok) {
      const view = { conflicts: null, rejections: null, caseDuplicates: null, devices, values: parsed.values };
      return side.sendPage(reply, <SetAsidePage ctx={ctx} view={view} problems={parsed.problems} />, 400);
    }
    const listings = await loadSetAside(side.store, parsed.query, SET_ASIDE_PAGE_ROWS);
    return side.sendPage(reply, <SetAsidePage ctx={ctx} view={{ ...listings, devices, values: parsed.values }} problems={[]} />);
  });
};

/** GET /api/v1/admin/set-aside (JSON, paged by conflictsBefore / rejectionsBefore) and /api/v1/admin/set-aside.csv (all of it). */
export const setAsideApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
  api.get('/set-aside', async (request, reply) => {
    const parsed = parseSetAsideQuery(request.query);
    if (!parsed.ok) return sendError(reply, 'invalidFilter', { problems: parsed.problems });
    const { conflicts, rejections, caseDuplicates } = await loadSetAside(side.store, parsed.query, SET_ASIDE_PAGE_MAX);
    // The cursor of the next page when this one is full (the entries are newest first).
    const next = (entries: ReadonlyArray<{ id: number }> | undefined) =>
      entries !== undefined && entries.length === SET_ASIDE_PAGE_MAX ? entries[entries.length - 1].id : null;
    return {
      conflicts: conflicts && { ...conflicts, nextBefore: next(conflicts.entries) },
      rejections: rejections && { ...rejections, nextBefore: next(rejections.entries) },
      caseDuplicates,
      time: side.now().toISOString(),
    };
  });
  // No automatic HEAD twin: it would read every entry only to throw the body away.
  api.get('/set-aside.csv', { exposeHeadRoute: false }, async (request, reply) => {
    const parsed = parseSetAsideQuery(request.query);
    if (!parsed.ok) return sendError(reply, 'invalidFilter', { problems: parsed.problems });
    const labels = new Map((await side.store.listDevices()).map((d) => [d.id, d.label]));
    return reply
      .code(200)
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${SET_ASIDE_CSV_NAME}"`)
      .header('x-content-type-options', 'nosniff')
      .send(setAsideCsv(side.store, parsed.query, labels));
  });
};
