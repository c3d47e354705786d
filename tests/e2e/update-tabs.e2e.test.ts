import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchProfile, removeProfile } from './browser';
import { answerWholeSurvey, tapAnswer } from './citizen';
import { DIST_DIR, headingText, installKioskClock, provisioningLink, SIPAS_2023_OPTIONAL_SECTIONS, startCollector, storedResponses, waitUntilDelivered, writeKioskSettings, type RunningCollector } from './harness';

/*
 * Issue 9, updates with two tabs: a new version is deployed while tab A has a citizen at question 5
 * and tab B sits on its welcome screen. Nobody's answers may be lost: the new service worker waits
 * until every tab is on its welcome screen, then both tabs run the new version.
 */

/** The marker the "new version" carries in its index.html. */
const NEXT_MARKER = '<meta name="sipas-e2e-build" content="next">';

let collector: RunningCollector;
let profile: Awaited<ReturnType<typeof launchProfile>>;
let nextDist: string;

/**
 * The built kiosk with index.html changed and its precache revision in sw.js changed with it: a
 * byte-different service worker, as a real deploy gives, without a second production build.
 */
function buildNextVersion(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sipas-dist-next-'));
  cpSync(DIST_DIR, dir, { recursive: true });
  const index = readFileSync(join(dir, 'index.html'), 'utf8');
  writeFileSync(join(dir, 'index.html'), index.replace('</head>', `${NEXT_MARKER}</head>`));
  const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
  const revised = sw.replace(/("revision":")[0-9a-f]+(","url":"index.html")/, `$1e2e-next-${Date.now()}$2`);
  if (revised === sw) throw new Error('index.html is not in the service worker\'s precache list');
  writeFileSync(join(dir, 'sw.js'), revised);
  return dir;
}

beforeEach(async () => {
  collector = await startCollector();
  profile = await launchProfile();
  nextDist = buildNextVersion();
});

afterEach(async () => {
  await profile.dispose();
  removeProfile(profile.profileDir);
  await collector.stop().catch(() => undefined);
  collector.cleanup();
  rmSync(nextDist, { recursive: true, force: true });
});

/** Waits until the service worker is activated and controls the page (gotcha 5), reloading once for it. */
async function controlledByServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active!;
    if (worker.state !== 'activated') {
      await new Promise<void>((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()));
    }
  });
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

const runsNewVersion = (page: Page) => page.evaluate(() => document.querySelector('meta[name="sipas-e2e-build"]') !== null);
const markPage = (page: Page) => page.evaluate(() => ((window as unknown as { unreloaded: boolean }).unreloaded = true));
const stillSamePage = (page: Page) => page.evaluate(() => (window as unknown as { unreloaded?: boolean }).unreloaded === true);
const updateWaiting = (page: Page) => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null);

describe('an update with two kiosk tabs (issue 9)', { timeout: 180_000 }, () => {
  it('never reloads the tab whose citizen is at question 5; both tabs run the new version once both are on their welcome screens, and nothing is lost', async () => {
    await installKioskClock(profile.context);
    const { link, deviceId } = await provisioningLink(collector);
    const tabA = await profile.context.newPage();
    await tabA.goto(link);
    await tabA.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
    await writeKioskSettings(tabA, { disabledSections: SIPAS_2023_OPTIONAL_SECTIONS });
    await controlledByServiceWorker(tabA);
    await tabA.reload(); // the settings above, and a page that starts controlled
    await tabA.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
    const tabB = await profile.context.newPage();
    await tabB.goto(collector.url);
    await tabB.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
    await tabB.waitForFunction(() => navigator.serviceWorker.controller !== null);

    // Tab A: a citizen answers four questions and reads the fifth. Their tab is the one on screen:
    // Chromium hardly runs a background tab's animation frames, which each tap waits for.
    await tabA.bringToFront();
    await tabA.getByRole('button', { name: 'Bắt đầu đánh giá' }).click();
    // "5 – Rất hài lòng" to the first four (the rest get 4), so the stored response shows these survived.
    for (let i = 0; i < 4; i++) await tapAnswer(tabA, tabA.getByRole('radio', { name: /^5\s*Rất hài lòng/ }), true);
    const fifth = await headingText(tabA);
    await markPage(tabA);
    await markPage(tabB);

    // A new version is deployed, and the kiosk looks for it.
    await collector.stop();
    collector = await startCollector({ port: collector.port, dataDir: collector.dataDir, staticDir: nextDist });
    await tabB.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    await expect.poll(() => updateWaiting(tabB), { timeout: 30_000 }).toBe(true);
    // Tab B idles on its welcome screen past the idle delay and asks the other tab, which is busy.
    await tabB.clock.runFor(35_000);
    await tabB.waitForTimeout(200);
    expect(await updateWaiting(tabB)).toBe(true);
    expect(await stillSamePage(tabA)).toBe(true);
    expect(await stillSamePage(tabB)).toBe(true);
    expect(await headingText(tabA)).toBe(fifth);
    expect(await runsNewVersion(tabA)).toBe(false);
    // The citizen finishes and returns to the welcome screen: now both tabs change version.
    await answerWholeSurvey(tabA, { gaveFeedback: false });
    await tabA.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await tabA.getByRole('heading', { level: 1, name: 'Xin cảm ơn Ông/Bà!' }).waitFor();
    await tabA.getByRole('button', { name: 'Về trang đầu' }).click();
    await expect.poll(() => runsNewVersion(tabA).catch(() => false), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => runsNewVersion(tabB).catch(() => false), { timeout: 30_000 }).toBe(true);
    await tabA.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();

    // Nothing lost: the one response is stored once and delivered.
    await waitUntilDelivered(tabA);
    const stored = await storedResponses(tabA);
    expect(stored.map((r) => [r.seq, r.syncState])).toEqual([[1, 'sent']]);
    expect(stored[0].answers).toMatchObject({ TC1: 5, TC2: 5, TC3: 5, TC4: 5, TT1: 4, KQ3: 4 });
    expect(await collector.store.countResponses(deviceId)).toBe(1);
    expect(await collector.store.findSequenceGaps(deviceId)).toEqual([]);
  });
});
