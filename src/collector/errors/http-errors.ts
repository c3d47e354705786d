/*
 * The one catalogue of the collector's error answers (ODK central-backend's shape): each error has its
 * wire code, its HTTP status, the English message template API clients read (they are programs; the
 * staff pages show their own i18n text, named by `pageText`) and the details the template is built
 * from. Every non-2xx JSON answer, of the device API and of the staff API, is written by `sendError`
 * or thrown as an `HttpError` and written by the app's error handler; the body is always
 * `{ error, message }` (src/shared/schemas errorBodySchema).
 */
import type { FastifyReply } from 'fastify';
import type { ErrorBody } from '../../shared/schemas';
import { MAX_BODY_BYTES } from '../../shared/wire';

/** The staff-page text (collector-staff `errors.*` key) shown for an error on an HTML page. */
export type ErrorPageText = 'errors.generic' | 'errors.notFound' | 'errors.forbidden';

/** The details each error is told with; `undefined` for errors that need none. */
export interface ErrorDetails {
  deviceUnauthorized: undefined;
  staffUnauthorized: undefined;
  forbidden: undefined;
  emptyBody: undefined;
  malformedJson: { bytes: number; reason: string };
  unsupportedMediaType: { expected: 'application/json'; found: string | undefined };
  /** A Content-Encoding other than gzip or identity. */
  unsupportedContentEncoding: { found: string; accepted: readonly string[] };
  /** A body marked Content-Encoding: gzip that does not decode. */
  invalidGzip: { reason: string };
  /** Bytes that are not UTF-8: where the first ill-formed sequence starts, and its bytes in hex. */
  invalidUtf8: { offset: number; bytes: string };
  /** JSON nested deeper than the limit: the path of the first value too deep. */
  tooDeep: { path: string; limit: number };
  /** A known path asked with a method it does not answer; `allowed` goes into the Allow header too. */
  methodNotAllowed: { method: string; path: string; allowed: readonly string[] };
  invalidBatch: { problems: readonly string[] };
  bodyTooLarge: { limitBytes: number };
  tooManyResponses: { expected: number; found: number };
  notFound: { method: string; path: string };
  /** A request fastify itself refused (status 4xx kept), or any other plain bad request. */
  badRequest: { reason: string; status?: number };
  invalidFilter: { problems: readonly string[] };
  /** A unit tree write refused (issue 11): every problem by row and column, nothing written. */
  invalidUnits: { problems: ReadonlyArray<{ row: number | null; column: string; problem: string; value: string }> };
  unknownDefinition: { definition: string; version: number | undefined; known: readonly string[] };
  unknownDevice: { path: string; found: string };
  invalidEvacuationFile: { problems: readonly string[] };
  emptyEvacuationFile: undefined;
  internal: undefined;
  /** Too many batches at once, or the database busy: come back after `retryAfterSeconds` (also the Retry-After header). */
  busy: { retryAfterSeconds: number };
}

/** The name of one error in the catalogue. */
export type ErrorName = keyof ErrorDetails;

interface ErrorEntry<K extends ErrorName> {
  code: string;
  status: number;
  message: (details: ErrorDetails[K]) => string;
  /** A status that depends on the details (else `status`). */
  statusOf?: (details: ErrorDetails[K]) => number | undefined;
  pageText: ErrorPageText;
}

/** Every error the collector answers with. */
export const HTTP_ERRORS: { readonly [K in ErrorName]: ErrorEntry<K> } = {
  // One message for every bad token, so a caller cannot tell which part was wrong.
  deviceUnauthorized: { code: 'unauthorized', status: 401, message: () => 'missing or invalid device token', pageText: 'errors.generic' },
  staffUnauthorized: { code: 'unauthorized', status: 401, message: () => 'staff sign-in required: sign in at /admin/login', pageText: 'errors.generic' },
  // A staff POST that did not come from the collector's own pages (CSRF check).
  forbidden: {
    code: 'forbidden',
    status: 403,
    message: () => 'a state-changing request must come from this collector’s own pages (Origin or Referer of this origin)',
    pageText: 'errors.forbidden',
  },
  emptyBody: { code: 'empty_body', status: 400, message: () => 'empty body: expected a JSON batch {"kiosk": {…}, "responses": […]}', pageText: 'errors.generic' },
  malformedJson: { code: 'malformed_json', status: 400, message: (d) => `malformed JSON in a body of ${d.bytes} bytes: ${d.reason}`, pageText: 'errors.generic' },
  unsupportedMediaType: {
    code: 'unsupported_media_type',
    status: 415,
    message: (d) => `expected Content-Type: ${d.expected}, found ${d.found ? JSON.stringify(d.found.slice(0, 100)) : 'none'}`,
    pageText: 'errors.generic',
  },
  unsupportedContentEncoding: {
    code: 'unsupported_content_encoding',
    status: 415,
    message: (d) => `expected Content-Encoding: ${d.accepted.join(' or ')} (or none), found ${JSON.stringify(d.found.slice(0, 100))}`,
    pageText: 'errors.generic',
  },
  invalidGzip: {
    code: 'invalid_gzip',
    status: 400,
    message: (d) => `the body is marked Content-Encoding: gzip but is not valid gzip data: ${d.reason}`,
    pageText: 'errors.generic',
  },
  // Never decoded with replacement characters: a byte that is not UTF-8 is refused, not guessed at.
  invalidUtf8: {
    code: 'invalid_utf8',
    status: 400,
    message: (d) => `expected a body in UTF-8, found the ill-formed byte sequence ${d.bytes} at byte offset ${d.offset}`,
    pageText: 'errors.generic',
  },
  tooDeep: {
    code: 'too_deep',
    status: 400,
    message: (d) => `${d.path}: expected JSON nested at most ${d.limit} levels deep, found a value nested deeper`,
    pageText: 'errors.generic',
  },
  methodNotAllowed: {
    code: 'method_not_allowed',
    status: 405,
    message: (d) => `${d.method} is not allowed on ${d.path}; allowed: ${d.allowed.join(', ')}`,
    pageText: 'errors.generic',
  },
  invalidBatch: { code: 'invalid_batch', status: 400, message: (d) => d.problems.join('; '), pageText: 'errors.generic' },
  bodyTooLarge: {
    code: 'body_too_large',
    status: 413,
    message: (d) => `the body is larger than ${d.limitBytes} bytes (${d.limitBytes / 1024 / 1024} MiB), the most a batch may be; split it into smaller batches`,
    pageText: 'errors.generic',
  },
  tooManyResponses: {
    code: 'too_many_responses',
    status: 413,
    message: (d) => `a batch holds at most ${d.expected} responses, this one has ${d.found}; split it into smaller batches`,
    pageText: 'errors.generic',
  },
  notFound: { code: 'not_found', status: 404, message: (d) => `no ${d.method} ${d.path} here`, pageText: 'errors.notFound' },
  badRequest: { code: 'bad_request', status: 400, statusOf: (d) => d.status, message: (d) => d.reason, pageText: 'errors.generic' },
  invalidFilter: { code: 'bad_request', status: 400, message: (d) => d.problems.join('; '), pageText: 'errors.generic' },
  invalidUnits: {
    code: 'bad_request',
    status: 400,
    message: (d) => d.problems.slice(0, 20).map((p) => `${p.row === null ? '' : `row ${p.row} `}${p.column}: ${p.problem}${p.value ? ` (${p.value})` : ''}`).join('; '),
    pageText: 'errors.generic',
  },
  unknownDefinition: {
    code: 'bad_request',
    status: 400,
    message: (d) => `unknown definition ${d.definition}${d.version ? ` version ${d.version}` : ''}; this collector knows ${d.known.join(', ')}`,
    pageText: 'errors.generic',
  },
  unknownDevice: {
    code: 'bad_request',
    status: 400,
    message: (d) => `${d.path}: expected a registered device id, found ${JSON.stringify(d.found.slice(0, 100))}`,
    pageText: 'errors.generic',
  },
  // An evacuation file whose envelope is not one (the responses in it are judged one by one).
  invalidEvacuationFile: { code: 'invalid_evacuation_file', status: 400, message: (d) => d.problems.join('; '), pageText: 'errors.generic' },
  emptyEvacuationFile: {
    code: 'invalid_evacuation_file',
    status: 400,
    message: () => 'empty body: expected the JSON of a kiosk evacuation file',
    pageText: 'errors.generic',
  },
  internal: {
    code: 'internal_error',
    status: 500,
    message: () => 'the collector failed to handle this request; retrying is safe, nothing is stored twice',
    pageText: 'errors.generic',
  },
  // A fleet reconnecting at once after an outage is told to spread out, not refused: nothing was stored.
  busy: {
    code: 'busy',
    status: 503,
    message: (d) => `the collector is busy; nothing of this batch was stored, send it again in ${d.retryAfterSeconds} s (Retry-After)`,
    pageText: 'errors.generic',
  },
};

/** The `error` codes of non-2xx answers (public/openapi.yaml lists each). */
export const ERROR_CODES = {
  unauthorized: 'unauthorized',
  emptyBody: 'empty_body',
  malformedJson: 'malformed_json',
  unsupportedMediaType: 'unsupported_media_type',
  unsupportedContentEncoding: 'unsupported_content_encoding',
  invalidGzip: 'invalid_gzip',
  invalidUtf8: 'invalid_utf8',
  tooDeep: 'too_deep',
  methodNotAllowed: 'method_not_allowed',
  invalidBatch: 'invalid_batch',
  bodyTooLarge: 'body_too_large',
  tooManyResponses: 'too_many_responses',
  notFound: 'not_found',
  badRequest: 'bad_request',
  internal: 'internal_error',
  forbidden: 'forbidden',
  invalidEvacuationFile: 'invalid_evacuation_file',
  busy: 'busy',
} as const satisfies Record<string, (typeof HTTP_ERRORS)[ErrorName]['code']>;

/** The device API's 401 message. */
export const UNAUTHORIZED_MESSAGE = HTTP_ERRORS.deviceUnauthorized.message(undefined);
/** The staff API's 401 message. */
export const ADMIN_UNAUTHORIZED_MESSAGE = HTTP_ERRORS.staffUnauthorized.message(undefined);
/** The staff API's 403 message (CSRF check). */
export const ADMIN_FORBIDDEN_MESSAGE = HTTP_ERRORS.forbidden.message(undefined);

/** The details argument: required when the error has details, absent when it has none. */
export type DetailsArg<K extends ErrorName> = ErrorDetails[K] extends undefined ? [] : [details: ErrorDetails[K]];

/** An error from the catalogue, thrown from a handler and written by the app's error handler. */
export class HttpError<K extends ErrorName = ErrorName> extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly pageText: ErrorPageText;
  readonly details: ErrorDetails[K];

  constructor(
    readonly errorName: K,
    ...args: DetailsArg<K>
  ) {
    const entry = HTTP_ERRORS[errorName] as ErrorEntry<K>;
    const details = args[0] as ErrorDetails[K];
    super(entry.message(details));
    this.statusCode = entry.statusOf?.(details) ?? entry.status;
    this.code = entry.code;
    this.pageText = entry.pageText;
    this.details = details;
  }

  /** The JSON body of this error. */
  body(): ErrorBody {
    return { error: this.code, message: this.message };
  }
}

/** Writes an error answer from the catalogue: its status, `cache-control: no-store` and `{ error, message }`. */
export function sendError<K extends ErrorName>(reply: FastifyReply, name: K, ...details: DetailsArg<K>): FastifyReply {
  const error = new HttpError(name, ...details);
  return reply.code(error.statusCode).header('cache-control', 'no-store').send(error.body());
}

/**
 * Any error a handler or fastify threw, as a catalogue error: fastify's body-parsing errors get their
 * own codes, other 4xx become bad_request, and everything else internal_error (never a stack trace).
 */
export function toHttpError(error: unknown, contentType: string | undefined): HttpError {
  if (error instanceof HttpError) return error;
  const { code, statusCode, message } = (error ?? {}) as { code?: string; statusCode?: number; message?: string };
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError('bodyTooLarge', { limitBytes: MAX_BODY_BYTES });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError('unsupportedMediaType', { expected: 'application/json', found: contentType });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError('emptyBody');
  }
  const status = statusCode ?? 500;
  if (status >= 400 && status < 500) return new HttpError('badRequest', { reason: message ?? '', status });
  return new HttpError('internal');
}
