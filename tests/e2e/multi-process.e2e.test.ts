/**
 * Two collector processes on one PostgreSQL database behind a round-robin proxy with no sticky
 * sessions (issue 12, part 5), in real Chromium: a kiosk syncs through the proxy; a member of staff
 * signs in on one process and their next page comes from the other; the lock-out after a wrong
 * password holds on both; a device revoked through one is refused by the other at its next batch.
 * Needs TEST_DATABASE_URL; without it the file is listed as skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, registerDevice, setAdminPassword } from '../../src/collector';
import { buildProvisioningLink, SUBMIT_PATH } from '../../src/shared/wire';
import { startCollectorCluster, type CollectorCluster } from '../collector/multi-process/cluster';
import { freshPostgresDatabase, queryPostgres, TEST_DATABASE_URL, type TestDatabase } from '../collector/test-databases';
import { makeBatch, makeReport, makeResponse } from '../collector/helpers';
import { launchProfile } from './browser';
import { DIST_DIR, queueResponsesInPage, STAFF_PASSWORD, waitUntilDelivered } from './harness';

/** Long enough that the lock after one wrong password outlasts the test's next attempt on a loaded machine. */
const LOCK_MS = 10 * 60_000;

describe.skipIf(TEST_DATABASE_URL === undefined)(TEST_DATABASE_URL === undefined ? 'two collector processes (skipped: TEST_DATABASE_URL is not set)' : 'two collector processes behind a round-robin proxy', () => {
  let db: TestDatabase;
  let cluster: CollectorCluster;
  let device: { deviceId: string; token: string };

  beforeAll(async () => {
    db = freshPostgresDatabase();
    const store = await openStore(db.url);
    try {
      await setAdminPassword(store, STAFF_PASSWORD);
      device = await registerDevice(store, { label: 'Quầy nhiều máy', agencyCode: 'SNV', counterCode: 'Q1' });
    } finally {
      await store.close();
    }
    cluster = await startCollectorCluster({ databaseUrl: db.url, staticDir: DIST_DIR, loginThrottle: { baseMs: LOCK_MS, maxMs: LOCK_MS } }, 2);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await db?.cleanup();
  }, 60_000);

  it('a kiosk syncs through the proxy, staff stay signed in across processes, a lock-out and a revocation hold on both', async () => {
    const browser = await launchProfile();
    try {
      // The kiosk, loaded and provisioned through the proxy, delivers its queue: each response once.
      const kiosk = await browser.context.newPage();
      await kiosk.goto(buildProvisioningLink(cluster.url, { token: device.token, agencyCode: 'SNV', counterCode: 'Q1', deviceLabel: 'Quầy nhiều máy' }));
      await kiosk.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
      await queueResponsesInPage(kiosk, 30);
      await kiosk.evaluate(() => window.dispatchEvent(new Event('online')));
      await waitUntilDelivered(kiosk);
      const stored = await queryPostgres<{ n: number; seqs: number }>(db.url, 'SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs FROM responses');
      expect(stored).toEqual([{ n: 30, seqs: 30 }]);
      expect(cluster.proxy.served.every((n) => n > 0)).toBe(true);

      // Sign in on process 0 (the POST); the redirect's page, and the next ones, come from process 1, 0, 1 …
      const staff = await browser.context.newPage();
      await staff.goto(`${cluster.url}/admin`);
      await staff.locator('input[name="password"]').fill(STAFF_PASSWORD);
      const servedBefore = [...cluster.proxy.served];
      cluster.proxy.nextTo(0);
      await staff.locator('button[type="submit"]').click();
      await staff.waitForURL(/\/admin\/fleet/);
      expect(cluster.proxy.served[0]).toBeGreaterThan(servedBefore[0]);
      expect(cluster.proxy.served[1]).toBeGreaterThan(servedBefore[1]);
      await expect.poll(() => staff.locator('input[name="password"]').count()).toBe(0);
      for (const path of ['/admin/devices', '/admin/report', '/admin/fleet']) {
        const answer = await staff.goto(`${cluster.url}${path}`);
        expect(answer?.status(), path).toBe(200);
        expect(staff.url(), path).toContain(path);
      }

      // A wrong password through one process locks the address on the other too (a fresh context: no session).
      const stranger = await launchProfile();
      try {
        const login = await stranger.context.newPage();
        await login.goto(`${cluster.url}/admin/login`);
        await login.locator('input[name="password"]').fill('sai mật khẩu rồi');
        cluster.proxy.nextTo(0);
        const [wrong] = await Promise.all([login.waitForResponse((r) => r.request().method() === 'POST'), login.locator('button[type="submit"]').click()]);
        expect(wrong.status()).toBe(401);
        await login.locator('input[name="password"]').fill(STAFF_PASSWORD);
        cluster.proxy.nextTo(1);
        const [locked] = await Promise.all([login.waitForResponse((r) => r.request().method() === 'POST'), login.locator('button[type="submit"]').click()]);
        expect(locked.status()).toBe(429);
        expect(login.url()).not.toContain('/admin/fleet');
      } finally {
        await stranger.dispose();
      }

      // Revoked through process 0 (the staff page's own form), refused by process 1 at its next batch.
      await staff.goto(`${cluster.url}/admin/devices`);
      const revoke = await staff.request.post(`${cluster.processUrls[0]}/admin/devices/${device.deviceId}/revoke`, {
        headers: { origin: cluster.processUrls[0] },
        form: {},
        maxRedirects: 0,
      });
      expect(revoke.status()).toBeLessThan(400);
      const batch = makeBatch([makeResponse({ definitionId: 'sipas-2023', seq: 31 })], makeReport({ definition: 'sipas-2023@1' }));
      const refused = await fetch(`${cluster.processUrls[1]}${SUBMIT_PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${device.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      expect(refused.status).toBe(401);
    } finally {
      await browser.dispose();
    }
  }, 240_000);
});
