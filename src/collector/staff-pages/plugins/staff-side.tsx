/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The collector's staff side: HTML pages under /admin and their JSON twins under /api/v1/admin, one
 * plugin per resource, each side behind the staff guard. The pages get their security headers from
 * @fastify/helmet (a CSP whose only scripts are those carrying this response's nonce) and their form
 * bodies from @fastify/formbody; the API answers errors from the one catalogue (../../errors).
 */
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, sendError, toHttpError } from '../../errors';
import { currentSession } from '../auth';
import { ErrorPage } from '../pages';
import { auditApi, auditPages } from './audit';
import { devicesPages } from './devices';
import { exportPages, exportsApi } from './exports';
import { fleetApi, fleetPages } from './fleet';
import { importPages, importsApi } from './imports';
import { reportApi, reportPages } from './report';
import { rankingApi, rankingPages } from './ranking';
import { sessionPages } from './session';
import { setAsideApi, setAsidePages } from './set-aside';
import { targetsPages } from './targets';
import { unitsApi, unitsPages } from './units';
import { LOGIN_PATH, HOME_PATH, nonceOf, StaffSide, type AdminOptions } from './staff-context';
import { staffGuard } from './staff-guard';

const ADMIN_API_PREFIX = '/api/v1/admin';
/** Largest staff form body, in bytes. */
const MAX_FORM_BYTES = 64 * 1024;

/** Registers the staff pages and API on the collector's app. */
export async function staffSide(app: FastifyInstance, options: AdminOptions): Promise<void> {
  const side = new StaffSide(options);

  await app.register(
    async (pages) => {
      await pages.register(helmet, {
        contentSecurityPolicy: {
          useDefaults: false,
          directives: {
            defaultSrc: ["'none'"],
            scriptSrc: [(_req, res) => `'nonce-${nonceOf(res as Parameters<typeof nonceOf>[0])}'`],
            styleSrc: ["'unsafe-inline'"],
            imgSrc: ["'self'", 'data:'],
            connectSrc: ["'self'"],
            formAction: ["'self'"],
            frameAncestors: ["'none'"],
            baseUri: ["'none'"],
          },
        },
        xFrameOptions: { action: 'deny' },
        referrerPolicy: { policy: 'same-origin' },
        xContentTypeOptions: true,
        // Only the headers the staff pages have always sent: TLS policy (HSTS) is the reverse proxy's,
        // and the cross-origin isolation headers would change how the pages load for no gain here.
        crossOriginEmbedderPolicy: false,
        crossOriginOpenerPolicy: false,
        crossOriginResourcePolicy: false,
        originAgentCluster: false,
        strictTransportSecurity: false,
        xDnsPrefetchControl: false,
        xDownloadOptions: false,
        xPermittedCrossDomainPolicies: false,
        xXssProtection: false,
      });
      // Forms are parsed as browsers mean them: the last of a repeated field is not kept as a list.
      await pages.register(formbody, { bodyLimit: MAX_FORM_BYTES, parser: (body) => Object.fromEntries(new URLSearchParams(body)) });
      await pages.register(staffGuard, { side, kind: 'pages' });

      pages.setErrorHandler((thrown, request, reply) => {
        const error = toHttpError(thrown, request.headers['content-type']);
        if (error.statusCode >= 500) request.log.error({ err: thrown }, 'staff page failed');
        const ctx = side.pageContext(request, reply, true);
        return side.sendPage(reply, <ErrorPage ctx={ctx} message={ctx.t(error.pageText)} />, error.statusCode);
      });
      const pageNotFound = async (request: FastifyRequest, reply: FastifyReply) => {
        if (!(await currentSession(side.store, request, side.now()))) return reply.code(303).header('location', LOGIN_PATH).send();
        const ctx = side.pageContext(request, reply, true);
        return side.sendPage(reply, <ErrorPage ctx={ctx} message={ctx.t(new HttpError('notFound', { method: request.method, path: request.url }).pageText)} />, 404);
      };
      pages.setNotFoundHandler(pageNotFound);
      // The kiosk's files are served by a wildcard route at the root, which would answer an unknown
      // staff path before any not-found handler: this catch-all is more specific, so it wins.
      pages.all('/*', pageNotFound);

      pages.get('/', async (_request, reply) => reply.code(303).header('location', HOME_PATH).send());
      for (const plugin of [sessionPages, fleetPages, devicesPages, exportPages, importPages, reportPages]) await pages.register(plugin, { side });
      await pages.register(auditPages, { side });
      await pages.register(setAsidePages, { side });
      await pages.register(unitsPages, { side });
      await pages.register(targetsPages, { side });
      await pages.register(rankingPages, { side });
    },
    { prefix: '/admin' },
  );

  await app.register(
    async (api) => {
      await api.register(staffGuard, { side, kind: 'api' });
      const apiNotFound = async (request: FastifyRequest, reply: FastifyReply) => {
        if (!(await currentSession(side.store, request, side.now()))) return sendError(reply, 'staffUnauthorized');
        return sendError(reply, 'notFound', { method: request.method, path: request.url.split('?')[0] });
      };
      api.setNotFoundHandler(apiNotFound);
      // As for the pages: more specific than the kiosk files' wildcard ('/' is /api/v1/admin itself).
      api.all('/', apiNotFound);
      api.all('/*', apiNotFound);
      for (const plugin of [fleetApi, reportApi, exportsApi, importsApi]) await api.register(plugin, { side });
      await api.register(auditApi, { side });
      await api.register(setAsideApi, { side });
      await api.register(unitsApi, { side });
      await api.register(rankingApi, { side });
    },
    { prefix: ADMIN_API_PREFIX },
  );
}
