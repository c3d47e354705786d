import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach } from 'vitest';
import {
  createCollector,
  openStore,
  setAdminPassword,
  registerDevice,
  type CollectorStore,
  type IngestItem,
  type ResponseStore,
  type ThrottleOptions,
} from '../../src/collector';
import { SUBMIT_PATH, type KioskReport, type SubmitResult } from '../../src/shared/wire';
import { canonicalJson, type SurveyDefinition, type SurveyResponse } from '../../src/shared/survey';
import { definitionSchema } from '../../src/shared/schemas';
import { freshCollectorDatabase } from './test-databases';

const text = (vi: string, en: string) => ({ vi, en });
const item = (id: string) => ({ id, kind: 'satisfaction', scale: 'sat', text: text(`Câu ${id}`, `Item ${id}`) });

/** A small SIPAS-shaped definition: five components, a required filter question guarding component 5, a free text. */
export function testDefinition(id = 'sipas-test', version = 1): SurveyDefinition {
  return definitionSchema.parse({
    id,
    version,
    title: text('Khảo sát thử', 'Trial survey'),
    languages: ['vi', 'en'],
    wording: { verified: false, source: 'collector tests' },
    scales: {
      sat: {
        options: [1, 2, 3, 4, 5].map((code) => ({ code, label: text(`Mức ${code}`, `Level ${code}`) })),
      },
    },
    scoring: { method: 'item-percent-mean', satisfiedCodes: [4, 5] },
    sections: [
      { id: 'access', component: 1, title: text('Tiếp cận', 'Access'), questions: [item('TC1'), item('TC2')] },
      { id: 'procedures', component: 2, title: text('Thủ tục', 'Procedures'), questions: [item('TT1')] },
      { id: 'servant', component: 3, title: text('Công chức', 'Civil servant'), questions: [item('CC1')] },
      { id: 'result', component: 4, title: text('Kết quả', 'Result'), questions: [item('KQ1')] },
      {
        id: 'filter',
        title: text('Phản ánh', 'Feedback'),
        questions: [
          {
            id: 'PA0',
            kind: 'single',
            required: true,
            text: text('Có phản ánh không?', 'Any feedback?'),
            options: [
              { code: 'yes', label: text('Có', 'Yes') },
              { code: 'no', label: text('Không', 'No') },
            ],
          },
        ],
      },
      { id: 'feedback', component: 5, showIf: { question: 'PA0', equals: 'yes' }, title: text('Tiếp nhận', 'Handling'), questions: [item('PA1')] },
      {
        id: 'comment',
        optional: true,
        title: text('Ý kiến', 'Comment'),
        questions: [{ id: 'COMMENT', kind: 'text', maxLength: 200, text: text('Ý kiến khác', 'Other comments') }],
      },
    ],
  });
}

/** The definitions every test collector knows. */
export const DEFINITIONS: SurveyDefinition[] = [testDefinition('sipas-test', 1), testDefinition('sipas-old', 2)];

export const KIOSK_ID = '7d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

/**
 * A valid complete response; `seq` also varies the id so each seq is a distinct response. Its times
 * stay consistent, as the collector requires: a completedAt given alone moves startedAt with it (by
 * durationMs), and a startedAt given without durationMs sets durationMs to the span.
 */
export function makeResponse(overrides: Partial<SurveyResponse> = {}): SurveyResponse {
  const response = makeResponseAsGiven(overrides);
  if (overrides.completedAt !== undefined && overrides.startedAt === undefined) {
    response.startedAt = new Date(Date.parse(response.completedAt) - response.durationMs).toISOString();
  } else if (overrides.startedAt !== undefined && overrides.durationMs === undefined) {
    response.durationMs = Math.max(0, Date.parse(response.completedAt) - Date.parse(response.startedAt));
  }
  return response;
}

function makeResponseAsGiven(overrides: Partial<SurveyResponse>): SurveyResponse {
  return {
    id: randomUUID(),
    kioskId: KIOSK_ID,
    seq: 1,
    definitionId: 'sipas-test',
    definitionVersion: 1,
    locale: 'vi',
    status: 'complete',
    startedAt: '2026-03-02T01:00:00.000Z',
    completedAt: '2026-03-02T01:01:30.000Z',
    durationMs: 90_000,
    agencyCode: 'UBND-Q1',
    counterCode: 'Q01',
    deviceLabel: 'Quầy 1',
    appVersion: '0.1.0',
    answers: { TC1: 4, TC2: 5, TT1: 3, CC1: 5, KQ1: 4, PA0: 'no' },
    flags: { tooFast: false, belowMinInterval: false },
    ...overrides,
  };
}

export function makeReport(overrides: Partial<KioskReport> = {}): KioskReport {
  return {
    kioskId: KIOSK_ID,
    appVersion: '0.1.0',
    definition: 'sipas-test@1',
    queueDepth: 0,
    oldestUnsentAt: null,
    conflicts: 0,
    rejected: 0,
    storage: { persisted: true, usageBytes: 1024, quotaBytes: 1_000_000 },
    lastError: null,
    ...overrides,
  };
}

/** A batch body as the kiosk sends it. */
export function makeBatch(responses: unknown[], kiosk: unknown = makeReport()): { kiosk: unknown; responses: unknown[] } {
  return { kiosk, responses };
}

/** A fresh temp folder holding one SQLite file; `cleanup` removes it. */
export function tempDatabase(): { dir: string; file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sipas-collector-'));
  return { dir, file: join(dir, 'collector.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestCollector {
  app: FastifyInstance;
  store: CollectorStore;
  /** The store URL: the SQLite file, or the PostgreSQL URL with its test schema when the tests run on PostgreSQL. */
  file: string;
  dir: string;
  deviceId: string;
  token: string;
  /** POSTs a batch with this device's token. */
  submit(body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** What a test collector may be started with. */
export interface TestCollectorOptions {
  now?: () => Date;
  staticDir?: string;
  definitions?: SurveyDefinition[];
  publicUrl?: string;
  loginThrottle?: ThrottleOptions;
  /** The reverse proxies whose X-Forwarded-For is believed. */
  trustProxy?: readonly string[];
  /** Batches admitted at once before 503 busy, and its Retry-After (CollectorOptions). */
  maxConcurrentBatches?: number;
  busyRetryAfterSeconds?: number;
}

/** A collector on a fresh temp database with one registered device. */
export async function startTestCollector(options: TestCollectorOptions = {}): Promise<TestCollector> {
  // SQLite, or a fresh PostgreSQL schema with TEST_COLLECTOR_STORE=postgres and TEST_DATABASE_URL (test-databases.ts).
  const db = freshCollectorDatabase();
  const store = await openStore(db.url);
  const { deviceId, token } = await registerDevice(store, { label: 'Quầy 1', agencyCode: 'UBND-Q1', counterCode: 'Q01' });
  const app = await createCollector({ store, ...options, definitions: options.definitions ?? DEFINITIONS });
  return {
    app,
    store,
    file: db.url,
    dir: db.dir,
    deviceId,
    token,
    submit: (body, headers = {}) =>
      app.inject({
        method: 'POST',
        url: SUBMIT_PATH,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    close: async () => {
      await app.close();
      await store.close();
      await db.cleanup();
    },
  };
}

/** The parsed 200 answer of a batch. */
export function resultsOf(response: { statusCode: number; body: string }): SubmitResult {
  if (response.statusCode !== 200) throw new Error(`expected 200, got ${response.statusCode}: ${response.body}`);
  return JSON.parse(response.body) as SubmitResult;
}

/** The staff password of admin test collectors (non-ASCII on purpose). */
export const ADMIN_PASSWORD = 'mật khẩu thử 2026';

/** The Origin a browser sends to a collector reached as fastify's inject does (Host: localhost:80). */
export const ORIGIN = 'http://localhost';

/** A test collector with a staff password set and a signed-in session. */
export interface AdminTestCollector extends TestCollector {
  /** Cookie header of the signed-in session. */
  cookie: string;
  /** GET with the session. */
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** POST a form (or JSON when `body` is not a string record) with the session and our origin. */
  post(url: string, body: Record<string, string> | unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

/** Signs in through the login form; returns the Cookie header value. */
export async function signIn(app: FastifyInstance, password = ADMIN_PASSWORD, headers: Record<string, string> = {}): Promise<string> {
  const answer = await app.inject({
    method: 'POST',
    url: '/admin/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
    payload: new URLSearchParams({ password, next: '/admin/fleet' }).toString(),
  });
  if (answer.statusCode !== 303) throw new Error(`sign-in failed: ${answer.statusCode} ${answer.body.slice(0, 300)}`);
  const cookies = ([] as string[]).concat(answer.headers['set-cookie'] ?? []);
  return cookies[0].split(';')[0];
}

/** A scrypt cost for tests that are not about the password: about 1 ms instead of about 375 ms. */
export const TEST_SCRYPT_COST = { N: 2 ** 10, r: 8, p: 1 };

/** A collector with the staff password set and a session, plus helpers to call staff routes. */
export async function startAdminCollector(options: TestCollectorOptions = {}): Promise<AdminTestCollector> {
  const c = await startTestCollector(options);
  // Tests of other things sign in often: a cheap scrypt cost (it travels with the hash). The
  // production cost is tested in staff-pages/auth.test.ts.
  await setAdminPassword(c.store, ADMIN_PASSWORD, options.now?.(), 'admin-cli', TEST_SCRYPT_COST);
  const cookie = await signIn(c.app);
  return {
    ...c,
    cookie,
    get: (url, headers = {}) => c.app.inject({ method: 'GET', url, headers: { cookie, ...headers } }),
    post: (url, body, headers = {}) => {
      const isForm = body !== null && typeof body === 'object' && !Array.isArray(body) && Object.values(body).every((v) => typeof v === 'string') && !url.startsWith('/api/');
      return c.app.inject({
        method: 'POST',
        url,
        headers: {
          cookie,
          origin: ORIGIN,
          'content-type': isForm ? 'application/x-www-form-urlencoded' : 'application/json',
          ...headers,
        },
        payload: isForm ? new URLSearchParams(body as Record<string, string>).toString() : typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
  };
}

/** A response ready for store.ingest, hashed as the collector hashes it. */
export function validItem(response: SurveyResponse = makeResponse()): IngestItem {
  const canonical = canonicalJson(response);
  return { kind: 'valid', response, canonical, contentHash: createHash('sha256').update(canonical, 'utf8').digest('hex') };
}

/**
 * Stores `count` responses made by `make` straight through store.ingest (one transaction per 10,000),
 * skipping HTTP and checking: for seeding exports, reports and benchmarks fast.
 */
export async function seedResponses(
  store: ResponseStore,
  deviceId: string | null,
  count: number,
  make: (i: number) => SurveyResponse,
  source: 'sync' | 'import' = 'sync',
): Promise<void> {
  for (let start = 0; start < count; start += 10_000) {
    const items: IngestItem[] = [];
    for (let i = start; i < Math.min(count, start + 10_000); i++) items.push(validItem(make(i)));
    const outcomes = await store.ingest({ deviceId, receivedAt: new Date().toISOString(), report: null, source, items });
    const failed = outcomes.find((o) => o.status !== 'created');
    if (failed) throw new Error(`seeding failed: ${failed.status} ${failed.reason ?? ''}`);
  }
}

/** A cleanup to run after the current test. */
export type Defer = (cleanup: () => void | Promise<void>) => void;

/**
 * Registers (call it at a test file's top level) an afterEach that runs every deferred cleanup,
 * newest first, and returns the function that defers one.
 */
export function deferCleanups(): Defer {
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}

/** Starts admin-enabled collectors that are closed after each test. */
export function adminCollectors(defer: Defer): (options?: TestCollectorOptions) => Promise<AdminTestCollector> {
  return async (options = {}) => {
    const collector = await startAdminCollector(options);
    defer(() => collector.close());
    return collector;
  };
}

/** Temporary database files and store handles on them, removed and closed after each test. */
export function storeHandles(defer: Defer): { database: () => ReturnType<typeof tempDatabase>; open: (url: string) => Promise<CollectorStore> } {
  return {
    database: () => {
      const db = tempDatabase();
      defer(db.cleanup);
      return db;
    },
    open: async (url) => {
      const store = await openStore(url);
      defer(() => store.close());
      return store;
    },
  };
}
