import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerDevice } from '../../src/collector';
import { buildProvisioningLink, SUBMIT_PATH } from '../../src/shared/wire';
import { launchProfile, removeProfile } from './browser';
import { LinkClock, startFaultProxy, type FaultProxy } from './fault-proxy';
import { installKioskClock, queueResponsesInPage, startCollector, storedResponses, waitUntilDelivered, type RunningCollector } from './harness';
import { withKioskStorage } from './kiosk-storage';

/*
 * The kiosk heals itself (issue 9): real Chromium, the real collector, and between them a loopback
 * proxy that slows the link, answers 401 or 5xx, or hangs. Each test checks the delivery contract at
 * the collector: every queued response once, sequence numbers gapless.
 */

let collector: RunningCollector;
let proxy: FaultProxy;
let link: LinkClock;
let profile: Awaited<ReturnType<typeof launchProfile>>;
let deviceId: string;

beforeEach(async () => {
  collector = await startCollector();
  link = new LinkClock();
  proxy = await startFaultProxy(collector.url, { clock: link });
  profile = await launchProfile();
});

afterEach(async () => {
  await profile.dispose();
  removeProfile(profile.profileDir);
  await proxy.close();
  await collector.stop().catch(() => undefined);
  collector.cleanup();
});

/** A kiosk provisioned to reach the collector through the proxy only (its files and its API). */
async function openKioskBehindProxy(context: BrowserContext): Promise<Page> {
  const registered = await registerDevice(collector.store, { label: 'E2E kiosk', agencyCode: 'SNV', counterCode: 'Q1' });
  deviceId = registered.deviceId;
  const page = await context.newPage();
  await page.goto(buildProvisioningLink(proxy.url, { token: registered.token, agencyCode: 'SNV', counterCode: 'Q1', deviceLabel: 'E2E kiosk' }));
  await page.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
  return page;
}

/** Every queued response arrived once, and the collector sees no sequence gap. */
async function expectDeliveredOnce(page: Page, count: number): Promise<void> {
  const stored = await storedResponses(page);
  expect(stored).toHaveLength(count);
  expect(stored.every((r) => r.syncState === 'sent')).toBe(true);
  expect(await collector.store.countResponses(deviceId)).toBe(count);
  expect(await collector.store.findSequenceGaps(deviceId)).toEqual([]);
  expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
}

/** Runs the kiosk's clock forward in steps, giving its requests real time to go out between them. */
async function runKioskClock(page: Page, totalMs: number, stepMs = 10_000): Promise<void> {
  for (let t = 0; t < totalMs; t += stepMs) {
    await page.clock.runFor(stepMs);
    await page.waitForTimeout(20);
  }
}

function pendingCount(page: Page): Promise<number> {
  return withKioskStorage(page, async (storage) => (await storage.countByState()).pending, undefined);
}

const posts = () => proxy.counts.get(`POST ${SUBMIT_PATH}`) ?? 0;

describe('the kiosk heals itself', { timeout: 300_000 }, () => {
  it('delivers 100 queued responses over a 10 kbit/s link within 5 minutes', async () => {
    // The link's time and the kiosk's run together, a second at a time: the kiosk's request timeouts
    // meet the link's real byte rate as on a tablet, without the test sitting through the minute.
    await installKioskClock(profile.context);
    const page = await openKioskBehindProxy(profile.context);
    proxy.setMode({ kind: 'pass', bytesPerSecond: 1_250 });
    await queueResponsesInPage(page, 100);
    const kioskNow = () => page.evaluate(() => Date.now());
    const started = await kioskNow();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    let linkSeconds = 0;
    while ((await pendingCount(page)) > 0 && linkSeconds < 6 * 60) {
      await link.advance(1_000);
      // Real time for the released bytes to cross loopback and the collector to answer.
      await page.waitForTimeout(20);
      await page.clock.runFor(1_000);
      linkSeconds += 1;
    }
    // The kiosk's clock also ran at real speed meanwhile: this is at least the link's time.
    const seconds = ((await kioskNow()) - started) / 1000;
    console.log(`100 responses over 10 kbit/s: ${seconds.toFixed(1)} s (kiosk clock; ${linkSeconds} s of link time), ${posts()} batch requests`);
    expect(seconds).toBeLessThanOrEqual(5 * 60);
    await expectDeliveredOnce(page, 100);
  });

  it('heals a transient 401 without a reload: paused and stored as refused, then the 15-minute probe delivers', async () => {
    await installKioskClock(profile.context);
    const page = await openKioskBehindProxy(profile.context);
    proxy.setMode({ kind: 'status', status: 401 });
    await queueResponsesInPage(page, 20);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect
      .poll(() => withKioskStorage(page, (storage) => storage.readMeta('lastSync'), undefined))
      .toMatchObject({ ok: false, error: { kind: 'unauthorized', status: 401 } });
    expect(await withKioskStorage(page, (storage) => storage.readMeta('refusedToken'), undefined)).toMatchObject({ fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const refusedPosts = posts();

    // The 401 was the proxy's: the token was valid all along. Events meanwhile send nothing.
    proxy.setMode({ kind: 'pass' });
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await runKioskClock(page, 10 * 60_000, 60_000);
    expect(posts()).toBe(refusedPosts);
    await runKioskClock(page, 5 * 60_000 + 10_000, 5_000);
    await waitUntilDelivered(page, 30_000);
    await expectDeliveredOnce(page, 20);
    expect(await withKioskStorage(page, (storage) => storage.readMeta('refusedToken'), undefined)).toBeNull();
    expect(await withKioskStorage(page, (storage) => storage.readMeta('lastSync'), undefined)).toMatchObject({ ok: true });
  });

  it('empties the queue within 60 s after a 12-minute 5xx outage ends', async () => {
    await installKioskClock(profile.context);
    const page = await openKioskBehindProxy(profile.context);
    proxy.setMode({ kind: 'status', status: 502 });
    await queueResponsesInPage(page, 30);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await runKioskClock(page, 12 * 60_000);
    expect(await pendingCount(page)).toBe(30);

    proxy.setMode({ kind: 'pass' });
    let kioskSeconds = 0;
    while ((await pendingCount(page)) > 0 && kioskSeconds < 16 * 60) {
      await page.clock.runFor(1_000);
      await page.waitForTimeout(20);
      kioskSeconds += 1;
    }
    console.log(`recovery after a 12-minute outage in Chromium: ${kioskSeconds} s (kiosk clock)`);
    expect(kioskSeconds).toBeLessThanOrEqual(60);
    await expectDeliveredOnce(page, 30);
  });
});
