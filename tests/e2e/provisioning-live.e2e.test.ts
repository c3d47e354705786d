import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerDevice } from '../../src/collector';
import { buildProvisioningLink } from '../../src/shared/wire';
import { launchProfile, removeProfile } from './browser';
import { openProvisionedKiosk, queueResponsesInPage, startCollector, waitUntilDelivered, type RunningCollector } from './harness';
import { withKioskStorage } from './kiosk-storage';

/*
 * Issue 9: a provisioning link opened in the kiosk tab that is already running changes only the URL
 * fragment (no reload). It is applied at once and taken out of the address bar.
 */

let collector: RunningCollector;
let profile: Awaited<ReturnType<typeof launchProfile>>;

beforeEach(async () => {
  collector = await startCollector();
  profile = await launchProfile();
});

afterEach(async () => {
  await profile.dispose();
  removeProfile(profile.profileDir);
  await collector.stop().catch(() => undefined);
  collector.cleanup();
});

describe('a provisioning link opened in the running kiosk (issue 9)', { timeout: 120_000 }, () => {
  it('applies a valid link at once without a reload, removes it from the address bar, and syncs with the new token; refuses an invalid one with the staff notice', async () => {
    const page = await openProvisionedKiosk(profile.context, collector);
    const kioskUrl = page.url();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const moved = await registerDevice(collector.store, {
      label: 'Máy quầy 9',
      agencyCode: 'STP',
      agencyName: 'Sở Tư pháp',
      counterCode: 'Q09',
      counterName: 'Quầy 9',
    });
    const link = buildProvisioningLink(collector.url, {
      token: moved.token,
      agencyCode: 'STP',
      agencyName: 'Sở Tư pháp',
      counterCode: 'Q09',
      counterName: 'Quầy 9',
      deviceLabel: 'Máy quầy 9',
    });
    await page.goto(link);

    // Applied in the running page: the welcome screen names the new place, the token left the address bar.
    await page.locator('.agency', { hasText: 'Sở Tư pháp' }).waitFor();
    expect(await page.locator('.counter').innerText()).toBe('Quầy 9');
    await page.waitForFunction(() => window.location.hash === '');
    expect(page.url()).toBe(kioskUrl);
    expect(page.url()).not.toContain(moved.token);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await withKioskStorage(page, (storage) => storage.loadSettings(), undefined)).toMatchObject({
      deviceToken: moved.token,
      agencyCode: 'STP',
      counterCode: 'Q09',
      deviceLabel: 'Máy quầy 9',
    });

    // The next sync goes out with the new token: the collector files the response under the new device.
    await queueResponsesInPage(page, 1);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await waitUntilDelivered(page);
    expect(await collector.store.countResponses(moved.deviceId)).toBe(1);
    expect(await collector.store.findSequenceGaps(moved.deviceId)).toEqual([]);

    // A broken link changes nothing and tells the clerk why.
    await page.goto(`${kioskUrl}#provision=not-a-token&endpoint=ftp%3A%2F%2Fexample`);
    const notice = page.getByTestId('provisioning-notice');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('Chưa cài đặt được máy');
    expect(await notice.innerText()).toContain('địa chỉ máy chủ không hợp lệ');
    await page.waitForFunction(() => window.location.hash === '');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await withKioskStorage(page, (storage) => storage.loadSettings(), undefined)).toMatchObject({ deviceToken: moved.token, agencyCode: 'STP' });
    await notice.getByRole('button', { name: 'Đã hiểu' }).click();
    await notice.waitFor({ state: 'detached' });
  });
});
