/*
 * What every staff plugin shares: the options from createCollector, and the helpers built from them
 * once (origins, the page context with its language and nonce, the checked filters).
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { SurveyDefinition } from '../../../shared/survey';
import type { DefinitionIndex } from '../../ingest';
import { parseOrExplain } from '../../ingest';
import type { AuditAction, AuditOutcome, CollectorStore } from '../../stores';
import { LoginThrottle, normalizeOrigin, setStaffCookie, type ThrottleOptions } from '../auth';
import { cleanQuery, filterQuerySchema, type FilterQuery } from '../filters';
import { LANG_COOKIE, pickLang, staffT, type Lang } from '../i18n';
import { renderDocument, type FilterFormOptions, type PageContext } from '../pages';
import { ReadPool } from '../read-worker';

/** What the staff side needs from createCollector. */
export interface AdminOptions {
  store: CollectorStore;
  definitions: readonly SurveyDefinition[];
  definitionIndex: DefinitionIndex;
  now: () => Date;
  /** The collector's address as tablets reach it, for provisioning links (default: from the request). */
  publicUrl?: string;
  loginThrottle?: ThrottleOptions;
  /** Where reports and exports run (read workers); default: in-process, on `store`. */
  reader?: ReadPool;
}

/** The questionnaire the report opens with. */
export const DEFAULT_REPORT_DEFINITION = 'sipas-2023';
/** Path of the sign-in page. */
export const LOGIN_PATH = '/admin/login';
/** Where staff land after signing in. */
export const HOME_PATH = '/admin/fleet';

/** The checked filters of a query, or the problems in words. */
export type ParsedFilters =
  | { ok: true; query: FilterQuery; values: Record<string, string> }
  | { ok: false; problems: string[]; values: Record<string, string> };

const nonces = new WeakMap<ServerResponse, string>();

/** This response's CSP nonce, made on first use (by the security headers or by the page). */
export function nonceOf(res: ServerResponse): string {
  let nonce = nonces.get(res);
  if (nonce === undefined) nonces.set(res, (nonce = randomBytes(16).toString('base64')));
  return nonce;
}

/** The staff side's shared state and helpers, passed to each staff plugin. */
export class StaffSide {
  readonly store: CollectorStore;
  /** Runs reports and exports off the thread that serves kiosks. */
  readonly reader: ReadPool;
  readonly now: () => Date;
  readonly throttle: LoginThrottle;
  private readonly publicOrigin: string | undefined;

  constructor(readonly options: AdminOptions) {
    this.store = options.store;
    this.reader = options.reader ?? new ReadPool({ store: options.store, workers: 0 });
    this.now = options.now;
    this.throttle = new LoginThrottle(options.store, () => options.now().getTime(), options.loginThrottle);
    this.publicOrigin = options.publicUrl ? (normalizeOrigin(options.publicUrl) ?? undefined) : undefined;
  }

  /** The origins a staff form may come from: the one the request reached, and the public address. */
  allowedOrigins(request: FastifyRequest): string[] {
    const own = normalizeOrigin(`${request.protocol}://${request.host}`);
    return [own, this.publicOrigin].filter((o): o is string => o !== null && o !== undefined);
  }

  /**
   * Writes a staff action to the audit log, with the time and the client's address (behind a trusted
   * proxy, the address X-Forwarded-For gives). Details are shortened to a bounded size.
   */
  async audit(request: FastifyRequest, action: AuditAction, outcome: AuditOutcome, details: Record<string, unknown> = {}): Promise<void> {
    await this.store.recordAudit({ at: this.now().toISOString(), address: request.ip, action, outcome, details: boundedDetails(details) });
  }

  /** Are cookies to be marked Secure? */
  isSecure(request: FastifyRequest): boolean {
    return request.protocol === 'https' || (this.publicOrigin?.startsWith('https:') ?? false);
  }

  /** The collector's address for provisioning links. */
  baseUrl(request: FastifyRequest): string {
    return this.options.publicUrl ? this.options.publicUrl.replace(/\/+$/, '') : `${request.protocol}://${request.host}`;
  }

  /** The language of a request: ?lang=, else the remembered one, else Vietnamese. */
  langOf(request: FastifyRequest): Lang {
    return pickLang((request.query as Record<string, unknown> | undefined)?.lang, request.cookies[LANG_COOKIE]);
  }

  /** Language, translator and nonce of a page answer; remembers a language chosen with ?lang=. */
  pageContext(request: FastifyRequest, reply: FastifyReply, signedIn: boolean): PageContext {
    const queryLang = (request.query as Record<string, unknown> | undefined)?.lang;
    const lang = this.langOf(request);
    if (queryLang === 'vi' || queryLang === 'en') {
      setStaffCookie(reply, LANG_COOKIE, lang, { path: '/admin', maxAgeSeconds: 365 * 24 * 3600, secure: this.isSecure(request) });
    }
    return { lang, t: staffT(lang), nonce: nonceOf(reply.raw), url: request.url, signedIn };
  }

  /** Sends a rendered page. */
  sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
    return reply.code(status).type('text/html; charset=utf-8').send(renderDocument(page));
  }

  /** The checked filters of a query (the language switch left out). */
  parseFilters(query: unknown): ParsedFilters {
    const values = cleanQuery(query);
    delete values.lang;
    const parsed = parseOrExplain(filterQuerySchema, values, '?');
    return parsed.ok ? { ok: true, query: parsed.data, values } : { ok: false, problems: parsed.problems, values };
  }

  /** The definition a report scores: the one named (newest version unless one is given), else the default. */
  reportDefinition(query: FilterQuery): SurveyDefinition | undefined {
    const definitions = this.options.definitions;
    const id = query.definition ?? (definitions.some((d) => d.id === DEFAULT_REPORT_DEFINITION) ? DEFAULT_REPORT_DEFINITION : definitions[0]?.id);
    const candidates = definitions.filter((d) => d.id === id);
    if (query.version !== undefined) return candidates.find((d) => d.version === query.version);
    return [...candidates].sort((a, b) => b.version - a.version)[0];
  }

  /** What the filter fields offer. */
  async filterForm(values: Record<string, string>, allowAnyDefinition: boolean, fieldDefinition: SurveyDefinition | undefined): Promise<FilterFormOptions> {
    return { definitions: this.options.definitions, places: await this.store.listPlaces(), values, allowAnyDefinition, fieldDefinition };
  }
}

/** Longest text kept in an audit entry's details, and most keys: a query string cannot fill the log. */
const MAX_DETAIL_TEXT = 200;
const MAX_DETAIL_KEYS = 30;

/** Details as the audit log keeps them: strings shortened, at most a few keys, nested values at most one level. */
export function boundedDetails(details: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const bounded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details).slice(0, MAX_DETAIL_KEYS)) {
    const name = key.slice(0, MAX_DETAIL_TEXT);
    if (typeof value === 'string') bounded[name] = value.length > MAX_DETAIL_TEXT ? `${value.slice(0, MAX_DETAIL_TEXT)}…` : value;
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) bounded[name] = value;
    else if (value !== undefined && typeof value === 'object' && depth === 0 && !Array.isArray(value)) bounded[name] = boundedDetails(value as Record<string, unknown>, 1);
    else if (Array.isArray(value) && depth === 0) bounded[name] = value.slice(0, MAX_DETAIL_KEYS).map((v) => (typeof v === 'string' ? v.slice(0, MAX_DETAIL_TEXT) : typeof v === 'number' ? v : String(v).slice(0, MAX_DETAIL_TEXT)));
  }
  return bounded;
}

/** The options every staff plugin is registered with. */
export interface StaffPluginOptions {
  side: StaffSide;
}
