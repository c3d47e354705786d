import { existsSync, readFileSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { submitBatchSchema } from '../../shared/schemas';
import { HEALTH_PATH, MAX_BATCH_RESPONSES, MAX_BODY_BYTES, SUBMIT_PATH, type SubmitResult } from '../../shared/wire';
import type { SurveyDefinition } from '../../shared/survey';
import { checkResponse, indexDefinitions, parseOrExplain } from '../ingest';
import { staffSide, type ThrottleOptions } from '../staff-pages';
import { authenticateToken, bearerToken } from '../devices';
import { registerKioskFiles } from './static-files';
import type { CollectorStore, DeviceRecord, IngestItem } from '../stores';
import { HttpError, sendError, toHttpError } from '../errors';

const ADMIN_API_PREFIX = '/api/v1/admin/';

/** Path of the device's own status: identity, last contact, responses received and sequence gaps. */
export const DEVICE_SELF_PATH = '/api/v1/devices/me';

/** What `createCollector` needs; the store is the caller's to open and close. */
export interface CollectorOptions {
  store: CollectorStore;
  definitions: SurveyDefinition[];
  /** Folder of the built kiosk to serve at `/` (omit to serve the API only). */
  staticDir?: string;
  /** Log requests and errors with fastify's logger (pino). Off by default. */
  logger?: boolean;
  /** Clock, for tests. */
  now?: () => Date;
  /**
   * The collector's address as tablets and staff reach it (e.g. https://sipas.example.gov.vn), when it
   * sits behind a proxy; used in provisioning links and accepted as an origin of staff forms.
   */
  publicUrl?: string;
  /** Lock-out after failed staff sign-ins (defaults: 1 s doubling to 60 s). */
  loginThrottle?: ThrottleOptions;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated device, set by the device-token hook on protected routes. */
    device: DeviceRecord | null;
  }
}

const PACKAGE_VERSION = readPackageVersion();

/** Builds the collector's HTTP app (not yet listening): the batch endpoint, health, device status, kiosk files. */
export async function createCollector(options: CollectorOptions): Promise<FastifyInstance> {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const definitions = indexDefinitions(options.definitions);

  const app = Fastify({
    logger: options.logger ? { level: 'info', redact: ['req.headers.authorization'] } : false,
    bodyLimit: MAX_BODY_BYTES,
    // Kiosk batches may take a while on a poor mobile link; do not cut them off early.
    requestTimeout: 60_000,
  });
  app.decorateRequest('device', null);

  // Our own JSON parser, so that an empty or truncated body gets a precise 400 (Enketo PR #1584).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(new HttpError('emptyBody'), undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new HttpError('malformedJson', { bytes: Buffer.byteLength(text), reason: (error as Error).message }), undefined);
    }
  });
  // Staff sessions and the language choice live in cookies; parsed once here for every route.
  await app.register(fastifyCookie);

  app.setErrorHandler((thrown, request, reply) => {
    const error = toHttpError(thrown, request.headers['content-type']);
    if (error.statusCode >= 500) request.log.error({ err: thrown }, 'request failed');
    else request.log.info({ status: error.statusCode, error: error.code, message: error.message, details: error.details }, 'request refused');
    return reply.code(error.statusCode).header('cache-control', 'no-store').send(error.body());
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 'notFound', { method: request.method, path: request.url.split('?')[0] }));

  // The kiosk may be served from another origin than the collector; the token is a bearer header,
  // never a cookie, so allowing any origin exposes nothing. The staff API works with a cookie and is
  // for the collector's own pages only: no CORS there.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    reply.header('cache-control', 'no-store');
    if (!request.url.startsWith(ADMIN_API_PREFIX)) reply.header('access-control-allow-origin', '*');
  });
  app.options('/api/*', (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', 'authorization, content-type')
      .header('access-control-max-age', '86400')
      .send(),
  );

  /** Runs before the body is read: a bad token never costs us a 2 MB parse. */
  const requireDevice = async (request: FastifyRequest, reply: FastifyReply) => {
    const device = await authenticateToken(store, bearerToken(request.headers.authorization));
    if (!device) return sendError(reply.header('www-authenticate', 'Bearer'), 'deviceUnauthorized');
    request.device = device;
    // Every authenticated request is a sign of life, whatever becomes of its body.
    await store.recordContact(device.id, now().toISOString(), null);
  };

  app.get(HEALTH_PATH, async () => ({
    ok: true as const,
    version: PACKAGE_VERSION,
    definitions: definitions.names,
    time: now().toISOString(),
  }));

  app.post(SUBMIT_PATH, { onRequest: requireDevice, bodyLimit: MAX_BODY_BYTES }, async (request, reply) => {
    const device = request.device!;
    const body = request.body;
    if (body === undefined) throw new HttpError('emptyBody');
    const count = countResponses(body);
    if (count > MAX_BATCH_RESPONSES) throw new HttpError('tooManyResponses', { expected: MAX_BATCH_RESPONSES, found: count });
    const envelope = parseOrExplain(submitBatchSchema, body);
    if (!envelope.ok) throw new HttpError('invalidBatch', { problems: envelope.problems });

    const receivedAt = now().toISOString();
    const items = envelope.data.responses.map((raw, index): IngestItem => {
      try {
        return checkResponse(raw, index, definitions);
      } catch (error) {
        // A collector bug on one odd item must not turn the whole batch into a poison pill the kiosk
        // retries forever: that item is rejected (the kiosk keeps it for staff), the others go through.
        request.log.error({ err: error, index }, 'checking a response failed');
        const id = (raw as { id?: unknown } | null)?.id;
        return { kind: 'rejected', responseId: typeof id === 'string' ? id.slice(0, 100) : null, reason: 'the collector could not check this response; it is kept on the kiosk for staff' };
      }
    });
    const outcomes = await store.ingest({ deviceId: device.id, receivedAt, report: envelope.data.kiosk, source: 'sync', items });
    const answer: SubmitResult = {
      results: outcomes.map((outcome, index) => {
        const item = items[index];
        const id = item.kind === 'valid' ? item.response.id : item.responseId;
        return outcome.reason === undefined ? { id, index, status: outcome.status } : { id, index, status: outcome.status, reason: outcome.reason };
      }),
      receivedAt,
    };
    return reply.code(200).send(answer);
  });

  app.get(DEVICE_SELF_PATH, { onRequest: requireDevice }, async (request) => {
    const device = request.device!;
    const [fresh, received, gaps] = await Promise.all([
      store.getDevice(device.id),
      store.countResponses(device.id),
      store.findSequenceGaps(device.id),
    ]);
    return {
      deviceId: device.id,
      label: device.label,
      agencyCode: device.agencyCode,
      counterCode: device.counterCode,
      lastContactAt: fresh?.lastContactAt ?? null,
      received,
      gaps,
    };
  });

  await app.register(staffSide, {
    store,
    definitions: options.definitions,
    definitionIndex: definitions,
    now,
    publicUrl: options.publicUrl,
    loginThrottle: options.loginThrottle,
  });

  if (options.staticDir !== undefined) {
    if (!existsSync(options.staticDir)) throw new Error(`kiosk files folder ${options.staticDir} does not exist`);
    await registerKioskFiles(app, options.staticDir);
  }

  return app;
}

/** The item count, read before validating so an oversize batch is told to split rather than to fix itself. */
function countResponses(body: unknown): number {
  const responses = body !== null && typeof body === 'object' ? (body as { responses?: unknown }).responses : undefined;
  return Array.isArray(responses) ? responses.length : 0;
}

function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    // A collector bundled without its package.json still runs; health just cannot name its version.
    return 'unknown';
  }
}
