import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { createCollector, openSqliteStore, registerDevice, type CollectorStore } from '../../src/collector';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import { buildProvisioningLink } from '../../src/shared/wire/provisioning';

export const DIST_DIR = fileURLToPath(new URL('../../dist', import.meta.url));

/** A real collector on a loopback port serving the built kiosk, with its SQLite file in a temp folder. */
export interface RunningCollector {
  url: string;
  port: number;
  dataDir: string;
  store: CollectorStore;
  app: FastifyInstance;
  /** Stops listening and closes the database (the "server gone" of offline tests). */
  stop(): Promise<void>;
  /** Starts again on the same port and database file. */
  restart(): Promise<RunningCollector>;
  /** Removes the data folder. */
  cleanup(): void;
}

export async function startCollector(options: { port?: number; dataDir?: string } = {}): Promise<RunningCollector> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sipas-collector-'));
  const { definitions, problems } = loadDefinitionsFromDir(DEFINITIONS_DIR);
  if (problems.length > 0) throw new Error(`invalid definitions: ${JSON.stringify(problems)}`);
  const store = openSqliteStore(join(dataDir, 'collector.sqlite'));
  const app = await createCollector({ store, definitions, staticDir: DIST_DIR });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('collector has no port');
  const running: RunningCollector = {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    dataDir,
    store,
    app,
    stop: async () => {
      await app.close();
      await store.close();
    },
    restart: () => startCollector({ port: address.port, dataDir }),
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
  return running;
}

/** Registers a kiosk device and returns its provisioning link. */
export async function provisioningLink(collector: RunningCollector): Promise<{ link: string; deviceId: string; token: string }> {
  const { deviceId, token } = await registerDevice(collector.store, { label: 'E2E kiosk', agencyCode: 'SNV', counterCode: 'Q1' });
  return { link: buildProvisioningLink(collector.url, { token, agencyCode: 'SNV', counterCode: 'Q1', deviceLabel: 'E2E kiosk' }), deviceId, token };
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
 * Waits until every response in the kiosk's database is acknowledged. Polls with page.evaluate,
 * which awaits the IndexedDB read (waitForFunction would take the returned promise as truthy).
 */
export async function waitUntilDelivered(page: Page, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = (await storedResponses(page)).map((r) => r.syncState);
    if (states.length > 0 && states.every((state) => state === 'sent')) return;
    if (Date.now() > deadline) throw new Error(`not delivered in time: ${JSON.stringify(states.slice(0, 10))}`);
    await page.waitForTimeout(250);
  }
}

/** The visible question's heading text. */
export function headingText(page: Page): Promise<string> {
  return page.locator('h1').first().innerText();
}

/**
 * Answers every question the way a citizen would, one screen at a time, until the review screen:
 * satisfaction items "4 – Hài lòng", the feedback filter as given, the first option of other single
 * choices, nothing for multiple choice and free text except a comment.
 */
export async function answerWholeSurvey(page: Page, options: { gaveFeedback: boolean; comment?: string }): Promise<number> {
  let asked = 0;
  for (;;) {
    const review = page.getByRole('heading', { level: 1, name: 'Xem lại câu trả lời' });
    const question = page.locator('main.question[data-accepting="true"]');
    await review.or(question).first().waitFor();
    if (await review.isVisible()) return asked;
    asked += 1;
    const heading = await headingText(page);
    const radios = page.getByRole('radio');
    if ((await radios.count()) === 5 && (await page.getByRole('radio', { name: /^5\s*Rất hài lòng/ }).count()) === 1) {
      await page.getByRole('radio', { name: /^4\s*Hài lòng/ }).click();
    } else if ((await radios.count()) > 0) {
      const feedbackFilter = await page.getByRole('radio', { name: 'Có', exact: true }).count();
      if (feedbackFilter && /phản ánh/i.test(heading)) {
        await page.getByRole('radio', { name: options.gaveFeedback ? 'Có' : 'Không', exact: true }).click();
      } else {
        await radios.first().click();
      }
    } else if ((await page.getByRole('textbox').count()) > 0 && options.comment) {
      await page.getByRole('textbox').fill(options.comment);
      await page.getByRole('button', { name: /Tiếp theo/ }).click();
    } else {
      await page.getByRole('button', { name: /Tiếp theo|Bỏ qua câu này/ }).click();
    }
    await page.waitForFunction((previous) => document.querySelector('h1')?.textContent !== previous, heading);
  }
}

/** Every response stored in the kiosk's IndexedDB, read straight from the browser. */
export function storedResponses(page: Page): Promise<Array<Record<string, unknown>>> {
  return page.evaluate(
    () =>
      new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
        const open = indexedDB.open('sipas-kiosk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('responses').objectStore('responses').getAll();
          request.onsuccess = () => {
            resolve(request.result as Array<Record<string, unknown>>);
            db.close();
          };
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

/** Overwrites kiosk settings in the tablet's database (what the staff setup screen saves). */
export function writeKioskSettings(page: Page, settings: Record<string, unknown>): Promise<void> {
  return page.evaluate(
    (values) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('sipas-kiosk');
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('meta', 'readwrite');
          const store = tx.objectStore('meta');
          const get = store.get('settings');
          get.onsuccess = () => store.put({ ...(get.result ?? {}), ...values }, 'settings');
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    settings,
  );
}

/**
 * Puts `count` complete, valid sipas-2023 responses in the kiosk's outbox in one transaction, as if
 * citizens had answered them (same record shape and sequence bookkeeping as storeResponse).
 */
export function queueResponsesInPage(page: Page, count: number): Promise<void> {
  return page.evaluate(
    (n) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('sipas-kiosk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['responses', 'meta'], 'readwrite');
          const meta = tx.objectStore('meta');
          const kioskRequest = meta.get('kioskId');
          const seqRequest = meta.get('nextSeq');
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
          seqRequest.onsuccess = () => {
            const first = (seqRequest.result as number | undefined) ?? 1;
            const items = ['TC1', 'TC2', 'TC3', 'TC4', 'TT1', 'TT2', 'TT3', 'TT4', 'CC1', 'CC2', 'CC3', 'CC4', 'CC5', 'KQ1', 'KQ2', 'KQ3'];
            for (let i = 0; i < n; i++) {
              const answers: Record<string, number | string> = { PA0: 'no' };
              items.forEach((id, k) => (answers[id] = ((i + k) % 5) + 1));
              const completed = new Date(Date.UTC(2026, 10, 20, 8, 0, i));
              tx.objectStore('responses').add({
                id: crypto.randomUUID(),
                kioskId: kioskRequest.result,
                seq: first + i,
                definitionId: 'sipas-2023',
                definitionVersion: 1,
                locale: 'vi',
                status: 'complete',
                startedAt: new Date(completed.getTime() - 60_000).toISOString(),
                completedAt: completed.toISOString(),
                durationMs: 60_000,
                agencyCode: 'SNV',
                counterCode: 'Q1',
                deviceLabel: 'e2e',
                appVersion: 'e2e',
                answers,
                flags: { tooFast: false, belowMinInterval: false },
                syncState: 'pending',
                attempts: 0,
              });
            }
            meta.put(first + n, 'nextSeq');
          };
        };
      }),
    count,
  );
}
