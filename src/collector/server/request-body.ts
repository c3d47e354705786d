/**
 * How the collector reads what a request carries, before any route sees it: the content coding (gzip
 * decoded under the route's size limit, anything else refused), the media type and charset, the bytes
 * as strict UTF-8 and JSON of bounded depth (../ingest readJsonBody); and which methods a known path
 * answers, so a wrong method gets 405 with Allow rather than a misleading 404. Every refusal is an
 * error of the catalogue.
 */
import { PassThrough, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, sendError } from '../errors';
import { readJsonBody } from '../ingest';

/** Content codings a request body may come in (none at all is identity). */
export const ACCEPTED_CONTENT_ENCODINGS = ['gzip', 'identity'] as const;

/**
 * preParsing: a gzip body is decoded, and the route's body limit is applied to the decoded bytes (a
 * small zip bomb is cut off at the limit, never inflated in memory); any other coding is refused with
 * 415, so a compressed body is never read as if it were JSON text.
 */
export async function decodeContentEncoding(request: FastifyRequest, _reply: FastifyReply, payload: Readable): Promise<Readable> {
  const header = request.headers['content-encoding'];
  if (header === undefined) return payload;
  const coding = header.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return payload;
  if (coding !== 'gzip' && coding !== 'x-gzip') {
    throw new HttpError('unsupportedContentEncoding', { found: header, accepted: ACCEPTED_CONTENT_ENCODINGS });
  }
  const limit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
  const gunzip = createGunzip();
  let decoded = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      decoded += chunk.length;
      if (decoded > limit) callback(new HttpError('bodyTooLarge', { limitBytes: limit }));
      else callback(null, chunk);
    },
  });
  // What fastify reads: it checks the encoded length against Content-Length and the limit with it.
  const output = new PassThrough() as PassThrough & { receivedEncodedLength: number };
  output.receivedEncodedLength = 0;
  const fail = (error: Error) => {
    payload.unpipe(gunzip);
    gunzip.destroy();
    limiter.destroy();
    output.destroy(error);
  };
  payload.on('data', (chunk: Buffer) => {
    output.receivedEncodedLength += chunk.length;
  });
  payload.on('error', fail);
  gunzip.on('error', (error) => fail(new HttpError('invalidGzip', { reason: error.message })));
  limiter.on('error', fail);
  payload.pipe(gunzip).pipe(limiter).pipe(output);
  return output;
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/**
 * The JSON body parser (registered with parseAs 'buffer'): UTF-8 only (a charset other than utf-8 is
 * 415), invalid bytes named by offset, depth bounded, and an empty or truncated body told precisely
 * (Enketo PR #1584).
 */
export function parseJsonBody(request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void): void {
  // No route: the 404 or 405 answer does not depend on the body, so a bad body must not hide it.
  if (request.is404) {
    done(null, undefined);
    return;
  }
  const contentType = request.headers['content-type'];
  const charset = contentType !== undefined ? CHARSET.exec(contentType)?.[1]?.toLowerCase() : undefined;
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    done(new HttpError('unsupportedMediaType', { expected: 'application/json', found: contentType }), undefined);
    return;
  }
  const read = readJsonBody(body);
  if (read.ok) {
    done(null, read.value);
    return;
  }
  const { problem } = read;
  switch (problem.kind) {
    case 'empty':
      return done(new HttpError('emptyBody'), undefined);
    case 'invalidUtf8':
      return done(new HttpError('invalidUtf8', { offset: problem.offset, bytes: problem.bytes }), undefined);
    case 'tooDeep':
      return done(new HttpError('tooDeep', { path: problem.path, limit: problem.limit }), undefined);
    case 'malformed':
      return done(new HttpError('malformedJson', { bytes: problem.bytes, reason: problem.reason }), undefined);
  }
}

/** The methods each registered path answers, learnt from fastify's onRoute hook. */
export interface RouteMethods {
  /** Call from an onRoute hook for every route. */
  add(method: string | readonly string[], url: string): void;
  /** The methods `path` answers (sorted), or [] for a path no route has (a wildcard route never counts). */
  allowed(path: string): string[];
}

/** A registry of routes by path pattern (`:param` segments), for 405 answers. */
export function routeMethods(): RouteMethods {
  const routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  const byUrl = new Map<string, Set<string>>();
  return {
    add(method, url) {
      // Catch-alls (the kiosk files, CORS preflight) would make every path "known".
      if (url.includes('*')) return;
      let methods = byUrl.get(url);
      if (!methods) {
        methods = new Set();
        byUrl.set(url, methods);
        const source = url
          .split('/')
          .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('/');
        routes.push({ pattern: new RegExp(`^${source}$`), methods });
      }
      for (const m of typeof method === 'string' ? [method] : method) methods.add(m.toUpperCase());
    },
    allowed(path) {
      const found = new Set<string>();
      for (const route of routes) if (route.pattern.test(path)) for (const m of route.methods) found.add(m);
      return [...found].sort();
    },
  };
}

/**
 * Installs the request-reading rules on the app: gzip decoding, the JSON parser (parseAs buffer) and
 * the route registry behind 405. Call before any route is registered.
 */
export function installRequestReading(app: FastifyInstance, bodyLimit: number): RouteMethods {
  const methods = routeMethods();
  app.addHook('onRoute', (route) => methods.add(route.method, route.url));
  app.addHook('preParsing', decodeContentEncoding);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => parseJsonBody(request, body as Buffer, done));
  return methods;
}

/** The answer for a path no route of this method has: 405 with Allow when the path is known, else 404. */
export function sendNotFoundOrNotAllowed(request: FastifyRequest, reply: FastifyReply, methods: RouteMethods): FastifyReply {
  const path = request.url.split('?')[0];
  const allowed = methods.allowed(path);
  if (allowed.length > 0 && !allowed.includes(request.method)) {
    // The API answers CORS preflight on every path (OPTIONS /api/*).
    const withPreflight = path.startsWith('/api/') && !allowed.includes('OPTIONS') ? [...allowed, 'OPTIONS'].sort() : allowed;
    return sendError(reply.header('allow', withPreflight.join(', ')), 'methodNotAllowed', { method: request.method, path, allowed: withPreflight });
  }
  return sendError(reply, 'notFound', { method: request.method, path });
}
