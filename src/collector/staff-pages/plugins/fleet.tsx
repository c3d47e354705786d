/** @jsxRuntime automatic @jsxImportSource preact */
/** The fleet resource: every device judged and ordered, as a page (one page of devices at a time) and as JSON (all of them). */
import type { FastifyPluginAsync } from 'fastify';
import { loadFleet, pageOfFleet, parseFleetQuery } from '../fleet';
import { FleetPage } from '../pages';
import type { StaffPluginOptions } from './staff-context';

/** The fleet page, registered under /admin: ?page=, ?q= (label, agency or counter code) and ?state=. */
export const fleetPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  pages.get('/fleet', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const at = side.now();
    const parsed = parseFleetQuery(request.query);
    const entries = await loadFleet(side.store, at);
    if (!parsed.ok) {
      // As the other staff pages answer a bad query value: 400, the parameter named, the counts and the form kept.
      const view = pageOfFleet(entries, { page: 1 });
      return side.sendPage(reply, <FleetPage ctx={ctx} view={view} values={parsed.values} problems={parsed.problems} now={at} />, 400);
    }
    return side.sendPage(reply, <FleetPage ctx={ctx} view={pageOfFleet(entries, parsed.query)} values={parsed.values} now={at} />);
  });
};

/** GET /api/v1/admin/fleet: every device, unpaged (scripts and the bench read it whole). */
export const fleetApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
  api.get('/fleet', async () => ({ devices: await loadFleet(side.store, side.now()), time: side.now().toISOString() }));
};
