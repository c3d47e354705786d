import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SUBMIT_PATH } from '../../src/shared/wire';
import { launchProfile, removeProfile } from './browser';
import { answerWholeSurvey } from './citizen';
import {
  installKioskClock,
  openProvisionedKiosk,
  queueResponsesInPage,
  SIPAS_2023_OPTIONAL_SECTIONS,
  startCollector,
  storedResponses,
  waitUntilDelivered,
  writeKioskSettings,
  type RunningCollector,
} from './harness';

let collector: RunningCollector;

beforeEach(async () => {
  collector = await startCollector();
});

afterEach(async () => {
  await collector.stop().catch(() => undefined);
  collector.cleanup();
});

/** Ids of the responses the collector's database holds, read from its SQLite file. */
function collectorRows(): Array<{ id: string; n: number }> {
  const db = new Database(join(collector.dataDir, 'collector.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT id, COUNT(*) AS n FROM responses GROUP BY id').all() as Array<{ id: string; n: number }>;
  } finally {
    db.close();
  }
}

/** Waits until the service worker controls the page (gotcha: `ready` resolves while still activating). */
async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active!;
    if (worker.state !== 'activated') {
      await new Promise<void>((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()));
    }
  });
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

async function completeCoreSurvey(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Bắt đầu đánh giá' }).click();
  await answerWholeSurvey(page, { gaveFeedback: false });
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await page.getByRole('heading', { name: 'Xin cảm ơn Ông/Bà!' }).waitFor();
  await page.getByRole('button', { name: 'Về trang đầu' }).click();
  await page.getByRole('heading', { name: 'Đánh giá sự hài lòng' }).waitFor();
}

describe('offline-first sync against the real collector', { timeout: 240_000 }, () => {
  it('works with the network off and the server gone, then delivers exactly those responses once', async () => {
    const profile = await launchProfile();
    try {
      await installKioskClock(profile.context);
      const page = await openProvisionedKiosk(profile.context, collector);
      expect(page.url()).not.toContain('provision'); // the token left the address bar
      await writeKioskSettings(page, { disabledSections: SIPAS_2023_OPTIONAL_SECTIONS, minIntervalMs: 0 });
      await waitForServiceWorker(page);

      await profile.context.setOffline(true);
      await collector.stop();
      await page.reload(); // answered by the service worker alone
      await page.getByRole('heading', { name: 'Đánh giá sự hài lòng' }).waitFor();
      // One citizen answers through the screens the service worker served; two more responses are
      // stored by the kiosk's own storage module, as the screens store them.
      await completeCoreSurvey(page);
      await queueResponsesInPage(page, 2);
      const queued = await storedResponses(page);
      expect(queued.map((r) => r.syncState)).toEqual(['pending', 'pending', 'pending']);

      collector = await collector.restart();
      await profile.context.setOffline(false); // the `online` event starts a drain
      await waitUntilDelivered(page);
      const rows = collectorRows();
      expect(rows.map((r) => r.id).sort()).toEqual(queued.map((r) => String(r.id)).sort());
      expect(rows.every((r) => r.n === 1)).toBe(true);
      expect((await storedResponses(page)).map((r) => r.seq).sort()).toEqual([1, 2, 3]);
    } finally {
      await profile.dispose();
      removeProfile(profile.profileDir);
    }
  });

  it('closing the page in the middle of a sync loses nothing and doubles nothing', async () => {
    const profile = await launchProfile();
    try {
      let page = await openProvisionedKiosk(profile.context, collector);
      // Hold the first submission: it reaches the collector and is committed, then the page is
      // closed before the acknowledgement arrives.
      let committed!: () => void;
      const firstCommitted = new Promise<void>((resolve) => (committed = resolve));
      await profile.context.route(`**${SUBMIT_PATH}`, async (route) => {
        const body = route.request().postDataJSON() as { responses: unknown[] };
        if (body.responses.length === 0) return route.continue();
        await route.fetch(); // the collector commits the batch…
        committed(); // …and the page never hears back.
      });
      await queueResponsesInPage(page, 250);
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await firstCommitted;
      await page.close();
      expect(collectorRows().length).toBe(100);

      await profile.context.unroute(`**${SUBMIT_PATH}`);
      page = await profile.context.newPage();
      await page.goto(collector.url);
      await waitUntilDelivered(page);
      const rows = collectorRows();
      expect(rows).toHaveLength(250);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      expect(await storedResponses(page)).toHaveLength(250);
    } finally {
      await profile.dispose();
      removeProfile(profile.profileDir);
    }
  });
});
