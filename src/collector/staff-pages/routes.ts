/*
 * The collector's staff side: HTML pages under /admin and their JSON twins under /api/v1/admin. Every
 * route but the sign-in page refuses without a live session (pages redirect to /admin/login, the API
 * answers 401), and every POST must come from our own origin.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildProvisioningLink } from '../../shared/wire/provisioning';
import QRCode from 'qrcode';
import type { ErrorBody } from '../../shared/schemas';
import type { SurveyDefinition } from '../../shared/survey';
import type { DefinitionIndex } from '../ingest/check-response';
import { parseOrExplain } from '../ingest/describe-issues';
import { registerDevice, revokeDevice, rotateDeviceToken } from '../devices/devices';
import type { CollectorStore, DeviceRecord } from '../stores/store';
import {
  clearSessionCookies,
  currentSession,
  hashSessionId,
  isSameOrigin,
  LoginThrottle,
  normalizeOrigin,
  parseCookies,
  serializeCookie,
  SESSION_COOKIE,
  sessionCookies,
  startSession,
  verifyPassword,
  type ThrottleOptions,
} from './auth';
import {
  EXPORT_CONTENT_TYPES,
  csvStream,
  exportColumns,
  exportDefinitions,
  exportFileName,
  jsonStream,
  ROW_COUNT_HEADER,
  xlsxStream,
  type ExportFormat,
} from './exports';
import { cleanQuery, filterQuerySchema, toResponseFilter, type FilterQuery } from './filters';
import { loadFleet } from './fleet';
import type { Html } from './html';
import { LANG_COOKIE, pickLang, wordsFor } from './i18n';
import { importEvacuationFile } from './import';
import type { PageContext } from './layout';
import {
  devicesPage,
  errorPage,
  exportPage,
  fleetPage,
  importPage,
  loginPage,
  tokenPage,
  type DeviceForm,
  type DeviceFormErrors,
  type FilterFormOptions,
  type LoginNotice,
} from './pages';
import { buildReport } from './report';
import { reportPage } from './report-page';

/** What the staff side needs from createCollector. */
export interface AdminOptions {
  store: CollectorStore;
  definitions: readonly SurveyDefinition[];
  definitionIndex: DefinitionIndex;
  now: () => Date;
  /** The collector's address as tablets reach it, for provisioning links (default: from the request). */
  publicUrl?: string;
  loginThrottle?: ThrottleOptions;
}

/** The questionnaire the report opens with. */
export const DEFAULT_REPORT_DEFINITION = 'sipas-2023';
/** An export whose client has taken nothing for this long is cut. */
export const EXPORT_IDLE_TIMEOUT_MS = 2 * 60 * 1000;
/** Largest evacuation file accepted, in bytes. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

const ADMIN_API_PREFIX = '/api/v1/admin';
const LOGIN_PATH = '/admin/login';
const HOME_PATH = '/admin/fleet';

/** The error codes of the staff API, beside the collector's (see ERROR_CODES in app.ts). */
const API_ERRORS = {
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  badRequest: 'bad_request',
  notFound: 'not_found',
  invalidEvacuationFile: 'invalid_evacuation_file',
} as const;

export const ADMIN_UNAUTHORIZED_MESSAGE = 'staff sign-in required: sign in at /admin/login';
export const ADMIN_FORBIDDEN_MESSAGE = 'a state-changing request must come from this collector’s own pages (Origin or Referer of this origin)';

/** Registers the staff pages and API on the collector's app. */
export async function registerAdmin(app: FastifyInstance, options: AdminOptions): Promise<void> {
  const { store, now } = options;
  const throttle = new LoginThrottle(() => now().getTime(), options.loginThrottle);
  const publicOrigin = options.publicUrl ? (normalizeOrigin(options.publicUrl) ?? undefined) : undefined;

  const allowedOrigins = (request: FastifyRequest) => {
    const own = normalizeOrigin(`${request.protocol}://${request.host}`);
    return [own, publicOrigin].filter((o): o is string => o !== null && o !== undefined);
  };
  const isSecure = (request: FastifyRequest) => request.protocol === 'https' || (publicOrigin?.startsWith('https:') ?? false);
  const baseUrl = (request: FastifyRequest) => (options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : `${request.protocol}://${request.host}`);

  /** Language, nonce and the security headers of a page answer. */
  function pageContext(request: FastifyRequest, reply: FastifyReply, signedIn: boolean): PageContext {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const lang = pickLang(query.lang, parseCookies(request.headers.cookie).get(LANG_COOKIE));
    if (query.lang === 'vi' || query.lang === 'en') {
      reply.header('set-cookie', serializeCookie(LANG_COOKIE, lang, { path: '/admin', maxAgeSeconds: 365 * 24 * 3600, secure: isSecure(request) }));
    }
    const nonce = randomBytes(16).toString('base64');
    reply
      .header(
        'content-security-policy',
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      )
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'same-origin')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store');
    return { lang, w: wordsFor(lang), nonce, url: request.url, signedIn };
  }

  function sendPage(reply: FastifyReply, body: Html, status = 200): FastifyReply {
    return reply.code(status).type('text/html; charset=utf-8').send(body.toString());
  }

  function apiError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
    return reply.code(status).header('cache-control', 'no-store').send({ error, message } satisfies ErrorBody);
  }

  /** The checked filters of a query, or the problems in words. */
  function parseFilters(query: unknown): { ok: true; query: FilterQuery; values: Record<string, string> } | { ok: false; problems: string[]; values: Record<string, string> } {
    const values = cleanQuery(query);
    delete values.lang;
    const parsed = parseOrExplain(filterQuerySchema, values, '?');
    return parsed.ok ? { ok: true, query: parsed.data, values } : { ok: false, problems: parsed.problems, values };
  }

  /** The definition a report scores: the one named (newest version unless one is given), else the default. */
  function reportDefinition(query: FilterQuery): SurveyDefinition | undefined {
    const id = query.definition ?? (options.definitions.some((d) => d.id === DEFAULT_REPORT_DEFINITION) ? DEFAULT_REPORT_DEFINITION : options.definitions[0]?.id);
    const candidates = options.definitions.filter((d) => d.id === id);
    if (query.version !== undefined) return candidates.find((d) => d.version === query.version);
    return [...candidates].sort((a, b) => b.version - a.version)[0];
  }

  async function filterForm(values: Record<string, string>, allowAnyDefinition: boolean, fieldDefinition: SurveyDefinition | undefined): Promise<FilterFormOptions> {
    return { definitions: options.definitions, places: await store.listPlaces(), values, allowAnyDefinition, fieldDefinition };
  }

  // ---------------------------------------------------------------------------------------- pages
  await app.register(
    async (pages) => {
      pages.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });

      pages.addHook('onRequest', async (request, reply) => {
        const path = request.url.split('?')[0];
        if (path !== LOGIN_PATH) {
          if (!(await currentSession(store, request, now()))) {
            const next = request.method === 'GET' ? request.url : HOME_PATH;
            return reply.code(303).header('cache-control', 'no-store').header('location', `${LOGIN_PATH}?next=${encodeURIComponent(next)}`).send();
          }
        }
        if (request.method === 'POST' && !isSameOrigin(request, allowedOrigins(request))) {
          const ctx = pageContext(request, reply, path !== LOGIN_PATH);
          return sendPage(reply, path === LOGIN_PATH ? loginPage(ctx, { next: HOME_PATH, notice: 'forbidden' }) : errorPage(ctx, ctx.w.errors.forbidden), 403);
        }
      });

      pages.setErrorHandler((error, request, reply) => {
        const status = (error as { statusCode?: number }).statusCode ?? 500;
        if (status >= 500) request.log.error({ err: error }, 'staff page failed');
        const ctx = pageContext(request, reply, true);
        return sendPage(reply, errorPage(ctx, status === 404 ? ctx.w.errors.notFound : ctx.w.errors.generic), status >= 400 && status < 600 ? status : 500);
      });

      pages.setNotFoundHandler(async (request, reply) => {
        if (!(await currentSession(store, request, now()))) {
          return reply.code(303).header('location', LOGIN_PATH).header('cache-control', 'no-store').send();
        }
        const ctx = pageContext(request, reply, true);
        return sendPage(reply, errorPage(ctx, ctx.w.errors.notFound), 404);
      });

      pages.get('/', async (_request, reply) => reply.code(303).header('location', HOME_PATH).send());

      pages.get(LOGIN_PATH.slice('/admin'.length), async (request, reply) => {
        const query = request.query as Record<string, unknown>;
        const next = safeNext(query.next);
        if (await currentSession(store, request, now())) return reply.code(303).header('location', next).send();
        const ctx = pageContext(request, reply, false);
        const notice: LoginNotice | undefined =
          (await store.getAdminPasswordHash()) === null ? 'noPassword' : query.out === '1' ? 'loggedOut' : typeof query.next === 'string' ? 'signInAgain' : undefined;
        return sendPage(reply, loginPage(ctx, { next, notice }));
      });

      pages.post(LOGIN_PATH.slice('/admin'.length), async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const next = safeNext(body.next);
        const ctx = pageContext(request, reply, false);
        const waitMs = throttle.waitMs(request.ip);
        if (waitMs > 0) {
          const seconds = Math.ceil(waitMs / 1000);
          reply.header('retry-after', String(seconds));
          return sendPage(reply, loginPage(ctx, { next, notice: 'locked', waitSeconds: seconds }), 429);
        }
        const hash = await store.getAdminPasswordHash();
        if (hash === null) return sendPage(reply, loginPage(ctx, { next, notice: 'noPassword' }), 403);
        const password = typeof body.password === 'string' ? body.password : '';
        if (!(await verifyPassword(password, hash))) {
          const lockMs = throttle.failed(request.ip);
          request.log.warn({ ip: request.ip, lockMs }, 'failed staff sign-in');
          reply.header('retry-after', String(Math.ceil(lockMs / 1000)));
          return sendPage(reply, loginPage(ctx, { next, notice: 'wrong' }), 401);
        }
        throttle.succeeded(request.ip);
        const id = await startSession(store, now());
        return reply.code(303).header('set-cookie', sessionCookies(id, isSecure(request))).header('location', next).header('cache-control', 'no-store').send();
      });

      pages.post('/logout', async (request, reply) => {
        const id = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
        if (id) await store.deleteAdminSession(hashSessionId(id));
        return reply.code(303).header('set-cookie', clearSessionCookies(isSecure(request))).header('location', `${LOGIN_PATH}?out=1`).send();
      });

      pages.get('/fleet', async (request, reply) => {
        const ctx = pageContext(request, reply, true);
        const at = now();
        return sendPage(reply, fleetPage(ctx, { entries: await loadFleet(store, at), now: at }));
      });

      pages.get('/devices', async (request, reply) => {
        const ctx = pageContext(request, reply, true);
        const devices = await store.listDevices();
        const revokedId = (request.query as Record<string, unknown>).revoked;
        const revoked = typeof revokedId === 'string' ? devices.find((d) => d.id === revokedId) : undefined;
        return sendPage(reply, devicesPage(ctx, { devices, notice: revoked ? ctx.w.devices.revokedNotice(revoked.label) : undefined }));
      });

      pages.post('/devices', async (request, reply) => {
        const ctx = pageContext(request, reply, true);
        const body = (request.body ?? {}) as Record<string, unknown>;
        const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).trim() : '');
        const form: DeviceForm = { label: text('label'), agencyCode: text('agencyCode'), counterCode: text('counterCode') };
        const errors: DeviceFormErrors = {};
        if (form.label === '' || form.label.length > 120) errors.label = ctx.w.devices.labelError;
        if (form.agencyCode === '' || form.agencyCode.length > 64) errors.agencyCode = ctx.w.devices.agencyError;
        if (form.counterCode === '' || form.counterCode.length > 64) errors.counterCode = ctx.w.devices.counterError;
        if (Object.keys(errors).length > 0) {
          return sendPage(reply, devicesPage(ctx, { devices: await store.listDevices(), form, errors }), 400);
        }
        const issued = await registerDevice(store, form);
        const device = (await store.getDevice(issued.deviceId))!;
        return sendPage(reply, await tokenResult(ctx, request, device, issued.token, false));
      });

      pages.post('/devices/:id/rotate', async (request, reply) => {
        const ctx = pageContext(request, reply, true);
        const device = await store.getDevice((request.params as { id: string }).id);
        if (!device || device.revokedAt !== null) return sendPage(reply, errorPage(ctx, ctx.w.errors.noDevice), 404);
        const issued = await rotateDeviceToken(store, device.id);
        return sendPage(reply, await tokenResult(ctx, request, device, issued.token, true));
      });

      pages.post('/devices/:id/revoke', async (request, reply) => {
        const ctx = pageContext(request, reply, true);
        const device = await store.getDevice((request.params as { id: string }).id);
        if (!device) return sendPage(reply, errorPage(ctx, ctx.w.errors.noDevice), 404);
        await revokeDevice(store, device.id);
        return reply.code(303).header('location', `/admin/devices?revoked=${encodeURIComponent(device.id)}`).send();
      });

      pages.get('/export', async (request, reply) => {
        const ctx = pageContext(request, reply, true);
        const parsed = parseFilters(request.query);
        const fieldDefinition = parsed.ok ? reportDefinition(parsed.query) : reportDefinition({});
        const form = await filterForm(parsed.values, true, fieldDefinition);
        if (!parsed.ok) return sendPage(reply, exportPage(ctx, { ...form, problems: parsed.problems }), 400);
        let count: number | undefined;
        if (Object.keys(parsed.values).length > 0) {
          const snapshot = await store.openResponseSnapshot(toResponseFilter(parsed.query));
          count = snapshot.count ?? undefined;
          await snapshot.close();
        }
        return sendPage(reply, exportPage(ctx, { ...form, problems: [], count }));
      });

      pages.get('/import', async (request, reply) => {
        const ctx = pageContext(request, reply, true);
        const devices = (await store.listDevices()).filter((d) => d.revokedAt === null);
        return sendPage(reply, importPage(ctx, { devices }));
      });

      pages.get('/report', async (request, reply) => {
        const ctx = pageContext(request, reply, true);
        const parsed = parseFilters(request.query);
        if (!parsed.ok) {
          const form = await filterForm(parsed.values, false, reportDefinition({}));
          return sendPage(reply, reportPage(ctx, { ...form, report: null, problems: parsed.problems, definition: undefined }), 400);
        }
        const definition = reportDefinition(parsed.query);
        const form = await filterForm({ definition: definition?.id ?? '', ...parsed.values }, false, definition);
        if (!definition) {
          const problems = [ctx.w.errors.unknownDefinition(parsed.query.definition ?? DEFAULT_REPORT_DEFINITION)];
          return sendPage(reply, reportPage(ctx, { ...form, report: null, problems, definition }), 400);
        }
        const report = await buildReport(store, definition, toResponseFilter(parsed.query), parsed.values, now());
        return sendPage(reply, reportPage(ctx, { ...form, report, problems: [], definition }));
      });
    },
    { prefix: '/admin' },
  );

  /** The token page with the provisioning link and its QR code. */
  async function tokenResult(ctx: PageContext, request: FastifyRequest, device: DeviceRecord, token: string, rotated: boolean): Promise<Html> {
    const base = baseUrl(request);
    const link = buildProvisioningLink(base, { token, agencyCode: device.agencyCode, counterCode: device.counterCode, deviceLabel: device.label });
    const qrSvg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return tokenPage(ctx, { device, token, link, qrSvg, rotated });
  }

  // ------------------------------------------------------------------------------------------ API
  await app.register(
    async (api) => {
      api.addHook('onRequest', async (request, reply) => {
        reply.header('cache-control', 'no-store');
        if (!(await currentSession(store, request, now()))) return apiError(reply, 401, API_ERRORS.unauthorized, ADMIN_UNAUTHORIZED_MESSAGE);
        if (request.method !== 'GET' && request.method !== 'HEAD' && !isSameOrigin(request, allowedOrigins(request))) {
          return apiError(reply, 403, API_ERRORS.forbidden, ADMIN_FORBIDDEN_MESSAGE);
        }
      });

      api.setNotFoundHandler(async (request, reply) => {
        if (!(await currentSession(store, request, now()))) return apiError(reply, 401, API_ERRORS.unauthorized, ADMIN_UNAUTHORIZED_MESSAGE);
        return apiError(reply, 404, API_ERRORS.notFound, `no ${request.method} ${request.url.split('?')[0]} here`);
      });

      api.get('/fleet', async () => ({ devices: await loadFleet(store, now()), time: now().toISOString() }));

      api.get('/report', async (request, reply) => {
        const parsed = parseFilters(request.query);
        if (!parsed.ok) return apiError(reply, 400, API_ERRORS.badRequest, parsed.problems.join('; '));
        const definition = reportDefinition(parsed.query);
        if (!definition) {
          const known = options.definitionIndex.names.join(', ');
          return apiError(reply, 400, API_ERRORS.badRequest, `unknown definition ${parsed.query.definition ?? DEFAULT_REPORT_DEFINITION}${parsed.query.version ? ` version ${parsed.query.version}` : ''}; this collector knows ${known}`);
        }
        return buildReport(store, definition, toResponseFilter(parsed.query), parsed.values, now());
      });

      for (const format of ['csv', 'xlsx', 'json'] as const) {
        // No automatic HEAD twin: it would run a whole export only to throw the body away.
        api.get(`/responses.${format}`, { exposeHeadRoute: false }, async (request, reply) => sendExport(request, reply, format));
      }

      api.post('/imports', { bodyLimit: MAX_IMPORT_BYTES }, async (request, reply) => {
        const deviceParam = (request.query as Record<string, unknown>).device;
        let deviceId: string | null = null;
        if (typeof deviceParam === 'string' && deviceParam !== '') {
          const device = await store.getDevice(deviceParam);
          if (!device) return apiError(reply, 400, API_ERRORS.badRequest, `?device: expected a registered device id, found ${JSON.stringify(deviceParam.slice(0, 100))}`);
          deviceId = device.id;
        }
        if (request.body === undefined) return apiError(reply, 400, API_ERRORS.invalidEvacuationFile, 'empty body: expected the JSON of a kiosk evacuation file');
        const result = await importEvacuationFile(store, options.definitionIndex, request.body, deviceId, now);
        if (!result.ok) return apiError(reply, 400, API_ERRORS.invalidEvacuationFile, result.problems.join('; '));
        request.log.info({ summary: { ...result.summary, problems: result.summary.problems.length } }, 'evacuation file imported');
        return result.summary;
      });
    },
    { prefix: ADMIN_API_PREFIX },
  );

  async function sendExport(request: FastifyRequest, reply: FastifyReply, format: ExportFormat): Promise<FastifyReply> {
    const parsed = parseFilters(request.query);
    if (!parsed.ok) return apiError(reply, 400, API_ERRORS.badRequest, parsed.problems.join('; '));
    const query = parsed.query;
    const snapshot = await store.openResponseSnapshot(toResponseFilter(query));
    const rowCount = snapshot.count ?? 0; // opened with its summary, so always known
    // Whatever becomes of the answer (done, client gone, error), the read connection is released; a
    // client that stops reading but keeps the connection is cut after a while, so that no read
    // transaction stays open for ever (it would keep SQLite from recycling its write-ahead log).
    reply.raw.once('close', () => void snapshot.close());
    // (Node's HTTP server destroys a socket whose timeout fires; fastify.inject's fake socket has none.)
    const socket = request.raw.socket as { setTimeout?: (ms: number) => unknown } | undefined;
    if (typeof socket?.setTimeout === 'function') socket.setTimeout(EXPORT_IDLE_TIMEOUT_MS);
    const present = exportDefinitions(options.definitions, snapshot.definitions);
    // An empty export still gets the columns of the questionnaire asked for.
    const definitions =
      present.definitions.length > 0 || rowCount > 0
        ? present.definitions
        : options.definitions.filter((d) => (query.definition === undefined || d.id === query.definition) && (query.version === undefined || d.version === query.version));
    const lang = pickLang((request.query as Record<string, unknown>).lang, parseCookies(request.headers.cookie).get(LANG_COOKIE));
    const columns = exportColumns(definitions, present.unknown, query.labels === '1', lang);
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
}

/** Where to go after signing in: only a path of the staff pages, never elsewhere (no open redirect). */
function safeNext(value: unknown): string {
  if (typeof value !== 'string') return HOME_PATH;
  if (!/^\/admin(?:[/?]|$)/.test(value) || value.includes('\\') || value.startsWith('//') || value.startsWith(LOGIN_PATH)) return HOME_PATH;
  return value;
}
