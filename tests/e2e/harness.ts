import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { setTimeout as delay } from 'node:timers/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { createCollector, openStore, registerDevice, setAdminPassword, type CollectorOptions, type CollectorStore } from '../../src/collector';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import { buildProvisioningLink } from '../../src/shared/wire';
import type { KioskSettings } from '../../src/shared/settings';
import type { TabletRecord } from '../../src/kiosk/storage';
import { withKioskStorage } from './kiosk-storage';
import { afterAll } from 'vitest';
import { COLLECTOR_TESTS_ON_POSTGRES, freshPostgresDatabase, type TestDatabase } from '../collector/test-databases';

export const DIST_DIR = fileURLToPath(new URL('../../dist', import.meta.url));

/** A real collector on a loopback port serving the built kiosk, with its SQLite file in a temp folder. */
export interface RunningCollector {
  url: string;
  port: number;
  dataDir: string;
  /** The store's URL: the SQLite file in dataDir, or its own PostgreSQL schema with TEST_COLLECTOR_STORE=postgres. */
  storeUrl: string;
  store: CollectorStore;
  app: FastifyInstance;
  /** Stops listening and closes the database (the "server gone" of offline tests). */
  stop(): Promise<void>;
  /** Starts again on the same port and database file. */
  restart(): Promise<RunningCollector>;
  /** Removes the data folder. */
  cleanup(): void;
}

/** Where to listen and keep data, and the staff sign-in lock-out (tests shorten it instead of waiting it out). */
export interface CollectorStartOptions {
  port?: number;
  dataDir?: string;
  /** The store to open (a restart's); by default a new one (see collectorStoreUrl). */
  storeUrl?: string;
  loginThrottle?: CollectorOptions['loginThrottle'];
  /** The kiosk files served (a second build stands for a new version deployed); dist/ by default. */
  staticDir?: string;
}

/** The PostgreSQL schemas of the collectors this test file started, dropped when its tests are done. */
const postgresDatabases: TestDatabase[] = [];
try {
  // Registered while vitest collects the test file (after-hooks run newest first: the file's own,
  // which stop the collectors, before this one); the benchmarks import the harness outside vitest.
  afterAll(async () => {
    for (const db of postgresDatabases.splice(0)) await db.cleanup();
  });
} catch {
  // Not in a test file: no collector here runs on PostgreSQL.
}

/**
 * A new collector's store: the SQLite file in its data folder, or — with TEST_COLLECTOR_STORE=postgres
 * and TEST_DATABASE_URL, as tests/collector runs on PostgreSQL — a PostgreSQL schema of its own.
 */
function collectorStoreUrl(dataDir: string): string {
  if (!COLLECTOR_TESTS_ON_POSTGRES) return join(dataDir, 'collector.sqlite');
  const db = freshPostgresDatabase();
  postgresDatabases.push(db);
  return db.url;
}

export async function startCollector(options: CollectorStartOptions = {}): Promise<RunningCollector> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sipas-collector-'));
  const { definitions, problems } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  if (problems.length > 0) throw new Error(`invalid definitions: ${JSON.stringify(problems)}`);
  const storeUrl = options.storeUrl ?? collectorStoreUrl(dataDir);
  const store = await openStore(storeUrl);
  const app = await createCollector({ store, definitions, staticDir: options.staticDir ?? DIST_DIR, loginThrottle: options.loginThrottle });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('collector has no port');
  const running: RunningCollector = {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    dataDir,
    storeUrl,
    store,
    app,
    stop: async () => {
      await app.close();
      await store.close();
    },
    restart: () => startCollector({ ...options, port: address.port, dataDir, storeUrl }),
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
  return running;
}

/** The staff password of a collector started by startStaffCollector. */
export const STAFF_PASSWORD = 'mat-khau-thu-nghiem-2026';

/**
 * A collector with the staff password set and no lock-out after a wrong password, so a test need not
 * wait one out (the lock-out's schedule is tested in tests/collector/staff-pages/auth.test.ts).
 */
export async function startStaffCollector(): Promise<RunningCollector> {
  const collector = await startCollector({ loginThrottle: { baseMs: 0 } });
  await setAdminPassword(collector.store, STAFF_PASSWORD);
  return collector;
}

/** Signs in on the collector's login page with the staff password and waits for the fleet view. */
export async function signInAsStaff(page: Page, collector: RunningCollector): Promise<void> {
  await page.goto(`${collector.url}/admin`);
  await page.locator('input[name="password"]').fill(STAFF_PASSWORD);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(/\/admin\/fleet/);
}

/** Registers a kiosk device and returns its provisioning link. */
export async function provisioningLink(collector: RunningCollector): Promise<{ link: string; deviceId: string; token: string }> {
  const { deviceId, token } = await registerDevice(collector.store, { label: 'E2E kiosk', agencyCode: 'SNV', counterCode: 'Q1' });
  return {
    link: buildProvisioningLink(collector.url, { token, agencyCode: 'SNV', counterCode: 'Q1', deviceLabel: 'E2E kiosk' }),
    deviceId,
    token,
  };
}

/** sipas-2023's optional sections, read from the definition; switched off where a test needs only the core questions. */
export const SIPAS_2023_OPTIONAL_SECTIONS: string[] = loadDefinitionsFromDir(DEFINITIONS_DIR)
  .definitions.find((d) => d.id === 'sipas-2023')!
  .sections.filter((section) => section.optional)
  .map((section) => section.id);

/** Registers a new device, opens its provisioning link in a new page and waits for the welcome screen. */
export async function openProvisionedKiosk(context: BrowserContext, collector: RunningCollector): Promise<Page> {
  const { link } = await provisioningLink(collector);
  const page = await context.newPage();
  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
  return page;
}

/**
 * Replaces the pages' clock (Date, timers, animation frames) with Playwright's, still running at
 * real speed, so a test can jump over the kiosk's deliberate waits (input guard, advance delay, idle
 * reset, sync backoff) with `page.clock.runFor` instead of sitting through them. Nothing in the kiosk
 * changes: a tablet runs the same code with the browser's own clock. Call before opening kiosk pages.
 */
export async function installKioskClock(context: BrowserContext): Promise<void> {
  await context.clock.install();
}

/**
 * Waits until every response in the kiosk's database is acknowledged. Delivery raises no event the
 * page could await, so this polls the kiosk's own outbox counts.
 */
export async function waitUntilDelivered(page: Page, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await withKioskStorage(page, (storage) => storage.countByState(), undefined);
    if (counts.sent > 0 && counts.pending + counts.conflict + counts.rejected === 0) return;
    if (Date.now() > deadline) throw new Error(`not delivered in time: ${JSON.stringify(counts)}`);
    await delay(100);
  }
}

/** The visible question's heading text. */
export function headingText(page: Page): Promise<string> {
  return page.locator('h1').first().innerText();
}

/** Every response stored in the kiosk's IndexedDB, in sequence order, read by the kiosk's storage module. */
export function storedResponses(page: Page): Promise<TabletRecord[]> {
  return withKioskStorage(page, (storage) => storage.listResponses(), undefined);
}

/** Changes kiosk settings in the tablet's database (what the staff setup screen saves); a reload applies them. */
export function writeKioskSettings(page: Page, settings: Partial<KioskSettings>): Promise<void> {
  return withKioskStorage(
    page,
    async (storage, change) => storage.saveSettings({ ...(await storage.loadSettings()), ...change }),
    settings,
  );
}

/**
 * Puts `count` complete, valid sipas-2023 responses (core items; no feedback given) in the kiosk's
 * outbox, as if citizens had answered them: each stored by the kiosk's own storeResponse with the
 * tablet's settings, so sequence numbers, flags and delivery state are exactly the kiosk's. Every
 * item gets `satisfaction` when given, else codes 1–5 in turn. Nothing triggers a drain.
 */
export function queueResponsesInPage(page: Page, count: number, options: { satisfaction?: number } = {}): Promise<void> {
  return withKioskStorage(
    page,
    async (storage, { n, satisfaction }) => {
      const settings = await storage.loadSettings();
      const items = ['TC1', 'TC2', 'TC3', 'TC4', 'TT1', 'TT2', 'TT3', 'TT4', 'CC1', 'CC2', 'CC3', 'CC4', 'CC5', 'KQ1', 'KQ2', 'KQ3'];
      const stores: Array<Promise<unknown>> = [];
      // Issued together: IndexedDB runs the transactions one after another in this order, without
      // a round trip to the page between them.
      for (let i = 0; i < n; i++) {
        const answers: Record<string, number | string> = { PA0: 'no' };
        items.forEach((id, k) => (answers[id] = satisfaction ?? ((i + k) % 5) + 1));
        const completed = new Date(Date.UTC(2026, 10, 20, 8, 0, 0) + i * 1000);
        stores.push(
          storage.storeResponse(
            {
              id: crypto.randomUUID(),
              definitionId: 'sipas-2023',
              definitionVersion: 1,
              locale: 'vi',
              status: 'complete',
              startedAt: new Date(completed.getTime() - 60_000).toISOString(),
              completedAt: completed.toISOString(),
              durationMs: 60_000,
              agencyCode: settings.agencyCode,
              counterCode: settings.counterCode,
              deviceLabel: settings.deviceLabel,
              appVersion: 'e2e',
              answers,
            },
            settings,
          ),
        );
      }
      await Promise.all(stores);
    },
    { n: count, satisfaction: options.satisfaction },
  );
}
