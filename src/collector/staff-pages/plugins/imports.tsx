/** @jsxRuntime automatic @jsxImportSource preact */
/** The imports resource: the import page and POST /api/v1/admin/imports of a kiosk's evacuation file. */
import type { FastifyPluginAsync } from 'fastify';
import { sendError } from '../../errors';
import { importEvacuationFile } from '../import';
import { ImportPage } from '../pages';
import type { StaffPluginOptions } from './staff-context';

/** Largest evacuation file accepted, in bytes. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** The import page, registered under /admin. */
export const importPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  pages.get('/import', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const devices = (await side.store.listDevices()).filter((d) => d.revokedAt === null);
    return side.sendPage(reply, <ImportPage ctx={ctx} devices={devices} />);
  });
};

/** POST /api/v1/admin/imports[?device=<id>]. */
export const importsApi: FastifyPluginAsync<StaffPluginOptions> = async (api, { side }) => {
  const { store } = side;
  api.post('/imports', { bodyLimit: MAX_IMPORT_BYTES }, async (request, reply) => {
    const deviceParam = (request.query as Record<string, unknown>).device;
    let deviceId: string | null = null;
    if (typeof deviceParam === 'string' && deviceParam !== '') {
      const device = await store.getDevice(deviceParam);
      if (!device) return sendError(reply, 'unknownDevice', { path: '?device', found: deviceParam });
      deviceId = device.id;
    }
    if (request.body === undefined) return sendError(reply, 'emptyEvacuationFile');
    const result = await importEvacuationFile(store, side.options.definitionIndex, request.body, deviceId, side.now);
    if (!result.ok) return sendError(reply, 'invalidEvacuationFile', { problems: result.problems });
    request.log.info({ summary: { ...result.summary, problems: result.summary.problems.length } }, 'evacuation file imported');
    await side.audit(request, 'import', 'success', { kioskId: result.summary.kioskId, deviceId, total: result.summary.total, created: result.summary.created, duplicate: result.summary.duplicate, conflict: result.summary.conflict, rejected: result.summary.rejected });
    return result.summary;
  });
};
