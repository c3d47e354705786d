import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SUBMIT_PATH } from '../../src/shared/wire';
import { launchProfile, removeProfile } from './browser';
import { answerWholeSurvey } from './citizen';
import {
  installKioskClock,
  provisioningLink,
  signInAsStaff,
  SIPAS_2023_OPTIONAL_SECTIONS,
  startStaffCollector,
  storedResponses,
  waitUntilDelivered,
  writeKioskSettings,
  type RunningCollector,
} from './harness';
import { staffFleetEntry } from './kiosk-staff';

/*
 * Issue 9, wrong clocks: the tablet's clock is set back a year between two citizens. The flags judge
 * the gap between citizens on the page's monotonic clock, and the collector judges the queue's age
 * on its own clock.
 */

let collector: RunningCollector;
let profile: Awaited<ReturnType<typeof launchProfile>>;

beforeEach(async () => {
  collector = await startStaffCollector();
  profile = await launchProfile();
});

afterEach(async () => {
  await profile.dispose();
  removeProfile(profile.profileDir);
  await collector.stop().catch(() => undefined);
  collector.cleanup();
});

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** One citizen through the core questions to the thank-you screen and back to the welcome screen. */
async function citizenAnswers(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Bắt đầu đánh giá' }).click();
  await answerWholeSurvey(page, { gaveFeedback: false });
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await page.getByRole('heading', { level: 1, name: 'Xin cảm ơn Ông/Bà!' }).waitFor();
  await page.getByRole('button', { name: 'Về trang đầu' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
}

/** The responses as the collector stored them, in sequence order, with the kiosk's and its own flags. */
function collectorRows(): Array<{ seq: number; started_at: string; flag_below_min_interval: number; flag_clock_skew: number; n: number }> {
  const db = new Database(join(collector.dataDir, 'collector.sqlite'), { readonly: true });
  try {
    return db
      .prepare('SELECT seq, started_at, flag_below_min_interval, flag_clock_skew, COUNT(*) OVER (PARTITION BY id) AS n FROM responses ORDER BY seq')
      .all() as ReturnType<typeof collectorRows>;
  } finally {
    db.close();
  }
}

describe('a kiosk clock set back a year (issue 9)', { timeout: 180_000 }, () => {
  it('flags no citizen who came 6 s after the previous one, still flags one 1 s after, and the fleet does not call the queue a year old', async () => {
    await installKioskClock(profile.context);
    const { link, deviceId } = await provisioningLink(collector);
    const page = await profile.context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
    // One response per batch: the collector's record of the kiosk then keeps the ones still waiting behind it.
    await writeKioskSettings(page, { disabledSections: SIPAS_2023_OPTIONAL_SECTIONS, syncBatchSize: 1 });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();

    await citizenAnswers(page);
    await waitUntilDelivered(page);
    // From now on the collector stores each batch but the kiosk never hears back, so the later
    // responses stay queued on the tablet and each batch reports the one behind it as still waiting.
    await profile.context.route(`**${SUBMIT_PATH}`, async (route) => {
      if ((route.request().postDataJSON() as { responses: unknown[] }).responses.length === 0) return route.continue();
      await route.fetch();
      await route.abort('connectionreset');
    });
    // The next citizen comes 6 s later (the kiosk's default minimum interval is 5 s); meanwhile the clock jumps back.
    await page.clock.runFor(6_000);
    await page.clock.setSystemTime((await page.evaluate(() => Date.now())) - YEAR_MS);
    await citizenAnswers(page);
    // A third comes a second after the second: too soon, clock jump or not.
    await page.clock.runFor(1_000);
    await citizenAnswers(page);
    // The kiosk keeps offering the second (the collector has it) with the third waiting behind it.
    const office = await profile.context.newPage();
    await signInAsStaff(office, collector);
    await expect.poll(async () => (await staffFleetEntry(office, collector, deviceId)).lastReport?.queueDepth, { timeout: 30_000 }).toBe(1);
    const fleet = await staffFleetEntry(office, collector, deviceId);
    // The tablet says its oldest unsent response is a year old; the collector, knowing its clock a
    // year behind, places it now and raises no "queue old", only the clock.
    expect(Date.now() - Date.parse(fleet.lastReport!.oldestUnsentAt!)).toBeGreaterThan(YEAR_MS - 60 * 60_000);
    expect(fleet.problems.map((problem) => problem.kind)).not.toContain('queueOld');
    const skew = fleet.problems.find((problem) => problem.kind === 'clockSkew') as { skewMs: number } | undefined;
    expect(skew).toBeDefined();
    expect(Math.abs(skew!.skewMs + YEAR_MS)).toBeLessThan(60 * 60_000);
    expect(Math.abs(Date.parse(fleet.queueOldestAt!) - Date.now())).toBeLessThan(60 * 60_000);

    // The link heals: the second is acknowledged as a duplicate, the third delivered, nothing stored twice.
    await profile.context.unroute(`**${SUBMIT_PATH}`);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect.poll(async () => (await storedResponses(page)).map((r) => r.syncState), { timeout: 30_000 }).toEqual(['sent', 'sent', 'sent']);
    const rows = collectorRows();
    expect(rows.map((row) => [row.seq, row.n, row.flag_below_min_interval])).toEqual([
      [1, 1, 0],
      [2, 1, 0],
      [3, 1, 1],
    ]);
    // The collector saw the tablet's clock a year behind and flagged the later two for it.
    expect(Date.now() - Date.parse(rows[1].started_at)).toBeGreaterThan(YEAR_MS - 60 * 60_000);
    expect(rows.map((row) => row.flag_clock_skew)).toEqual([0, 1, 1]);
    expect(await collector.store.findSequenceGaps(deviceId)).toEqual([]);
  });
});
