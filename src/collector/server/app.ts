import { existsSync, readFileSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { HEALTH_PATH, MAX_BATCH_RESPONSES, MAX_BODY_BYTES, SUBMIT_PATH, type SubmitResult } from '../../shared/wire';
import type { SurveyDefinition } from '../../shared/survey';
import { checkBatch, indexDefinitions } from '../ingest';
import { answerMalformedStaffUrl, ReadPool, staffSide, type ThrottleOptions } from '../staff-pages';
import { authenticateToken, bearerToken, flagPlaceMismatch, placeOfDevice } from '../devices';
import { registerKioskFiles } from './static-files';
import { installRequestReading, sendNotFoundOrNotAllowed } from './request-body';
import type { CollectorStore, DeviceRecord, IngestItem } from '../stores';
import { HttpError, sendError, toHttpError } from '../errors';

/** The staff API's paths, /api/v1/admin itself included: cookie-authenticated, so never CORS-open. */
const ADMIN_API_PATH = /^\/api\/v1\/admin(?:[/?]|$)/;

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
  /**
   * The reverse proxies in front of the collector, as IP addresses or CIDR ranges (fastify's
   * trustProxy): a request from one of them is taken to be from the client X-Forwarded-For names (and
   * X-Forwarded-Proto/Host are believed), so each staff member's address is their own for the sign-in
   * lock-out and the audit log. Off by default: with no proxy, those headers are anyone's to forge.
   */
  trustProxy?: readonly string[];
  /**
   * The URL the store was opened with (openStore): reports and exports then run in read worker threads,
   * each on its own connection to the same database, so they never hold up the kiosks' batches. Without
   * it (or with readWorkers 0) they run in-process.
   */
  storeUrl?: string;
  /** Read worker threads when storeUrl is given (default 1). */
  readWorkers?: number;
  /** A PostgreSQL replica of the store the read workers read from instead (read-only; see ReadPoolOptions.readStoreUrl). */
  readStoreUrl?: string;
  /** Start the first read worker with the app, not at the first report or export (`npm start` does). */
  startReadWorkers?: boolean;
  /** A read pool made by the caller instead of storeUrl/readWorkers (tests, the bench); closed with the app. */
  reader?: ReadPool;
  /**
   * Batches admitted at once (body reading included, up to 2 MiB each) before the collector answers
   * 503 busy with Retry-After (default DEFAULT_MAX_CONCURRENT_BATCHES).
   */
  maxConcurrentBatches?: number;
  /** The Retry-After of a busy answer, in seconds (default DEFAULT_BUSY_RETRY_AFTER_SECONDS). */
  busyRetryAfterSeconds?: number;
}

/** Enough for a province's fleet draining steadily; a whole fleet back from an outage at once is told to spread out. */
export const DEFAULT_MAX_CONCURRENT_BATCHES = 64;
/** Kiosks add a random share of it, so those told together come back spread over this and half as much again. */
export const DEFAULT_BUSY_RETRY_AFTER_SECONDS = 30;

/** Error codes by which SQLite (better-sqlite3) and PostgreSQL say "busy, try again", not "broken". */
const STORE_BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', '53300', '57P03', '55P03']);

/** Is this store error a busy or overloaded database (worth a 503 and a later retry)? */
function isStoreBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (STORE_BUSY_CODES.has(code) || code.startsWith('SQLITE_BUSY'));
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated device, set by the device-token hook on protected routes. */
    device: DeviceRecord | null;
    /** The request's contact is written already (a batch's ingest writes it in its own transaction). */
    contactWritten: boolean;
  }
}

const PACKAGE_VERSION = readPackageVersion();

/** Builds the collector's HTTP app (not yet listening): the batch endpoint, health, device status, kiosk files. */
export async function createCollector(options: CollectorOptions): Promise<FastifyInstance> {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const definitions = indexDefinitions(options.definitions);
  // Ingest keeps the report's scoring tallies, which need the questionnaires; versions stored while
  // the store lacked them are recomputed here, once, before the first batch.
  await store.useDefinitions(options.definitions);

  const app = Fastify({
    logger: options.logger ? { level: 'info', redact: ['req.headers.authorization'] } : false,
    bodyLimit: MAX_BODY_BYTES,
    // Kiosk batches may take a while on a poor mobile link; do not cut them off early.
    requestTimeout: 60_000,
    ...(options.trustProxy && options.trustProxy.length > 0 ? { trustProxy: [...options.trustProxy] } : {}),
    // A URL fastify cannot decode: staff paths answer it as they answer any path without a session.
    frameworkErrors: (error, request, reply) => {
      if (error.code === 'FST_ERR_BAD_URL' && answerMalformedStaffUrl(request.url, reply)) return;
      return sendError(reply, 'badRequest', { reason: error.message, status: error.statusCode });
    },
  });
  app.decorateRequest('device', null);
  app.decorateRequest('contactWritten', false);

  // Our own reading of bodies: gzip decoded within the limit (other codings 415), JSON as strict UTF-8
  // of bounded depth (invalid bytes named by offset), an empty or truncated body told precisely
  // (Enketo PR #1584); and the routes' methods, for 405 answers. Before any route is registered.
  const routeMethods = installRequestReading(app, MAX_BODY_BYTES);
  // Staff sessions and the language choice live in cookies; parsed once here for every route.
  await app.register(fastifyCookie);

  app.setErrorHandler((thrown, request, reply) => {
    // A busy database anywhere in a request (the device check included: a PostgreSQL pool with every
    // connection taken) did nothing worth keeping: 503 busy with Retry-After, never 500.
    if (isStoreBusy(thrown)) {
      reply.header('retry-after', String(busyRetryAfterSeconds));
      thrown = new HttpError('busy', { retryAfterSeconds: busyRetryAfterSeconds });
    }
    const error = toHttpError(thrown, request.headers['content-type']);
    if (error.statusCode >= 500) request.log.error({ err: thrown }, 'request failed');
    else request.log.info({ status: error.statusCode, error: error.code, message: error.message, details: error.details }, 'request refused');
    return reply.code(error.statusCode).header('cache-control', 'no-store').send(error.body());
  });
  app.setNotFoundHandler((request, reply) => sendNotFoundOrNotAllowed(request, reply, routeMethods));

  // The kiosk may be served from another origin than the collector; the token is a bearer header,
  // never a cookie, so allowing any origin exposes nothing. The staff API works with a cookie and is
  // for the collector's own pages only: no CORS there.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    reply.header('cache-control', 'no-store');
    if (!ADMIN_API_PATH.test(request.url)) reply.header('access-control-allow-origin', '*');
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
  const authenticateDevice = async (request: FastifyRequest, reply: FastifyReply) => {
    const device = await authenticateToken(store, bearerToken(request.headers.authorization));
    if (!device) return sendError(reply.header('www-authenticate', 'Bearer'), 'deviceUnauthorized');
    request.device = device;
  };
  const requireDevice = async (request: FastifyRequest, reply: FastifyReply) => {
    const refused = await authenticateDevice(request, reply);
    if (refused) return refused;
    // Every authenticated request is a sign of life, whatever becomes of its body.
    await store.recordContact(request.device!.id, now().toISOString(), null);
  };
  /**
   * A batch's sign of life: its ingest writes the contact in the batch's own transaction, so only a
   * batch that never got there (refused, busy, failed) has it written here, before its answer leaves.
   * One write per batch instead of two (each its own commit on PostgreSQL).
   */
  const recordContactUnlessWritten = async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
    if (request.device && !request.contactWritten) {
      request.contactWritten = true;
      try {
        await store.recordContact(request.device.id, now().toISOString(), null);
      } catch (error) {
        // The answer still goes out: a contact not noted is a fleet figure a minute stale, nothing lost.
        request.log.error({ err: error }, 'noting the device contact failed');
      }
    }
    return payload;
  };

  // Batches in flight, counted from admission to the end of the answer (or the client going away).
  const maxConcurrentBatches = options.maxConcurrentBatches ?? DEFAULT_MAX_CONCURRENT_BATCHES;
  const busyRetryAfterSeconds = options.busyRetryAfterSeconds ?? DEFAULT_BUSY_RETRY_AFTER_SECONDS;
  let batchesInFlight = 0;
  const sendBusy = (reply: FastifyReply) =>
    sendError(reply.header('retry-after', String(busyRetryAfterSeconds)), 'busy', { retryAfterSeconds: busyRetryAfterSeconds });
  /** Runs before the body is read, so a herd of kiosks costs no memory for bodies it is not ready to take. */
  const admitBatch = async (_request: FastifyRequest, reply: FastifyReply) => {
    if (batchesInFlight >= maxConcurrentBatches) return sendBusy(reply);
    batchesInFlight += 1;
    reply.raw.once('close', () => (batchesInFlight -= 1));
  };

  app.get(HEALTH_PATH, async () => ({
    ok: true as const,
    version: PACKAGE_VERSION,
    definitions: definitions.names,
    time: now().toISOString(),
  }));

  app.post(SUBMIT_PATH, { onRequest: [authenticateDevice, admitBatch], onSend: recordContactUnlessWritten, bodyLimit: MAX_BODY_BYTES }, async (request, reply) => {
    const device = request.device!;
    const body = request.body;
    if (body === undefined) throw new HttpError('emptyBody');
    const count = countResponses(body);
    if (count > MAX_BATCH_RESPONSES) throw new HttpError('tooManyResponses', { expected: MAX_BATCH_RESPONSES, found: count });
    const receivedAt = now().toISOString();
    const checked = checkBatch(body, definitions, receivedAt, (error, index) => request.log.error({ err: error, index }, 'checking a response failed'));
    if (!checked.ok) throw new HttpError('invalidBatch', { problems: checked.problems });
    const { report, funnel, items, clockSkewMs } = checked;
    // The device's registration is the tablet's place: a response claiming another is stored as sent, flagged.
    for (const [index, item] of items.entries()) items[index] = flagPlaceMismatch(item, device);
    // A rejected item keeps the kiosk id and sequence number it claimed, so the fleet view can tell a
    // number received but rejected from one never received.
    for (const [index, item] of items.entries()) items[index] = withClaimedSequence(item, checked.sent[index]);
    const outcomes = await store.ingest({ deviceId: device.id, receivedAt, report, source: 'sync', items, clockSkewMs }).catch((error: unknown) => {
      // A busy database stored nothing of the batch (one transaction): the kiosk is told when to come back.
      if (!isStoreBusy(error)) throw error;
      reply.header('retry-after', String(busyRetryAfterSeconds)); // kept by the error handler that writes the 503
      throw new HttpError('busy', { retryAfterSeconds: busyRetryAfterSeconds });
    });
    // A 'sync' batch of a device: the ingest transaction wrote its contact, report and kiosks seen.
    request.contactWritten = true;
    if (funnel !== undefined && funnel.length > 0) {
      try {
        await store.recordFunnel(device.id, report.kioskId, { agencyCode: device.agencyCode, counterCode: device.counterCode }, funnel, receivedAt);
      } catch (error) {
        // Deliberately swallowed: the responses are stored and must be acknowledged; the kiosk resends
        // its cumulative counts with the next report, so nothing of the funnel is lost for good.
        request.log.error({ err: error }, 'storing the drop-off funnel failed');
      }
    }
    const answer: SubmitResult = {
      results: outcomes.map((outcome, index) => {
        const item = items[index];
        // The id as the kiosk sent it (it matches results by id); stored in lower case.
        const canonicalId = item.kind === 'valid' ? item.response.id : item.responseId;
        const id = canonicalId === null ? null : sentIdOf(checked.sent[index], canonicalId);
        return outcome.reason === undefined ? { id, index, status: outcome.status } : { id, index, status: outcome.status, reason: outcome.reason };
      }),
      receivedAt,
      // Every answer tells the tablet where its device stands now, so moving it is one edit at the collector.
      place: placeOfDevice(device),
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
      place: placeOfDevice(device),
      lastContactAt: fresh?.lastContactAt ?? null,
      received,
      gaps,
    };
  });

  // Reports and exports read on their own threads; the workers end with the app.
  const reader =
    options.reader ??
    new ReadPool({
      store,
      storeUrl: options.storeUrl,
      readStoreUrl: options.readStoreUrl,
      workers: options.readWorkers,
      log: (message, error) => app.log.warn({ err: error }, message),
    });
  app.addHook('onClose', () => reader.close());
  if (options.startReadWorkers) await reader.start();
  await app.register(staffSide, {
    store,
    definitions: options.definitions,
    definitionIndex: definitions,
    now,
    publicUrl: options.publicUrl,
    loginThrottle: options.loginThrottle,
    reader,
  });

  if (options.staticDir !== undefined) {
    if (!existsSync(options.staticDir)) throw new Error(`kiosk files folder ${options.staticDir} does not exist`);
    await registerKioskFiles(app, options.staticDir);
  }

  return app;
}

/** The id of a raw item as it was sent, when it is the same UUID as `canonicalId` (in another case). */
function sentIdOf(raw: unknown, canonicalId: string): string {
  const id = raw !== null && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.toLowerCase() === canonicalId ? id : canonicalId;
}

const CLAIMED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A rejected item with the kiosk id (lower case) and sequence number its raw form claimed, when well-formed. */
function withClaimedSequence(item: IngestItem, raw: unknown): IngestItem {
  if (item.kind !== 'rejected' || item.kioskId !== undefined || raw === null || typeof raw !== 'object') return item;
  const { kioskId, seq } = raw as { kioskId?: unknown; seq?: unknown };
  const claimedKiosk = typeof kioskId === 'string' && CLAIMED_UUID.test(kioskId) ? kioskId.toLowerCase() : null;
  const claimedSeq = typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0 ? seq : null;
  return { ...item, kioskId: claimedKiosk, seq: claimedKiosk === null ? null : claimedSeq };
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
