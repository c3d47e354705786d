/** @jsxRuntime automatic @jsxImportSource preact */
/** The fleet resource: every device judged and ordered, as a page and as JSON. */
import type { FastifyPluginAsync } from 'fastify';
import { loadFleet } from '../fleet';
import { FleetPage } from '../pages';
import type { StaffPluginOptions } from './staff-context';

/** The fleet page, registered under /admin. */
export const fleetPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  pages.get('/fleet', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const at = side.now();
    return side.sendPage(reply, <FleetPage ctx={ctx} entries={await loadFleet(side.store, at)} now={at} />);
  });
};

/** GET /api/v1/admin/fleet. */
export const fleetApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
  api.get('/fleet', async () => ({ devices: await loadFleet(side.store, side.now()), time: side.now().toISOString() }));
};
