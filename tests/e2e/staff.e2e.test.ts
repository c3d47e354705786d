import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setAdminPassword } from '../../src/collector/staff-pages';
import { launchProfile, removeProfile } from './browser';
import { queueResponsesInPage, startCollector, storedResponses, waitUntilDelivered, type RunningCollector } from './harness';

const PASSWORD = 'mat-khau-thu-nghiem-2026';

let collector: RunningCollector;

beforeAll(async () => {
  // No lock-out after the wrong password below, so the test need not wait it out (the lock-out's
  // schedule is tested in tests/collector/staff-pages/auth.test.ts).
  collector = await startCollector({ loginThrottle: { baseMs: 0 } });
  await setAdminPassword(collector.store, PASSWORD);
});

afterAll(async () => {
  await collector.stop();
  collector.cleanup();
});

describe('a clerk sets up a fresh kiosk by link', { timeout: 180_000 }, () => {
  it('registers it at the collector, provisions it by link, and sees its responses in the fleet view and the report', async () => {
    const office = await launchProfile();
    const tablet = await launchProfile();
    try {
      // At the office: sign in and register the tablet.
      const admin = await office.context.newPage();
      await admin.goto(`${collector.url}/admin`);
      await admin.locator('input[name="password"]').fill('sai-mat-khau-roi');
      await admin.locator('button[type="submit"]').click();
      await admin.locator('.error, [role="alert"]').first().waitFor();
      expect(admin.url()).toContain('/admin/login');
      await admin.locator('input[name="password"]').fill(PASSWORD);
      await admin.locator('button[type="submit"]').click();
      await admin.waitForURL(/\/admin\/fleet/);

      await admin.goto(`${collector.url}/admin/devices`);
      await admin.locator('input[name="label"]').fill('Máy quầy 7');
      await admin.locator('input[name="agencyCode"]').fill('TTHCC');
      await admin.locator('input[name="counterCode"]').fill('Q07');
      await admin.locator('form[action="/admin/devices"] button[type="submit"]').click();
      const link = await admin.locator('figure.qr ~ p a.mono').getAttribute('href');
      expect(link).toMatch(/#provision=/);
      expect(await admin.locator('figure.qr svg').count()).toBe(1);

      // At the counter: the clerk opens the link on the fresh tablet; a citizen answers.
      const kiosk = await tablet.context.newPage();
      await kiosk.goto(link!);
      await kiosk.getByRole('heading', { name: 'Đánh giá sự hài lòng' }).waitFor();
      expect(kiosk.url()).not.toContain('provision');
      // A citizen's answers, every item "4 – Hài lòng", stored by the kiosk's own storage module with
      // the settings the link provisioned (the one walk through the screens is in kiosk.e2e.test.ts).
      await queueResponsesInPage(kiosk, 1, { satisfaction: 4 });
      await kiosk.evaluate(() => window.dispatchEvent(new Event('online'))); // a trigger the sync engine listens to
      await waitUntilDelivered(kiosk);
      const [stored] = await storedResponses(kiosk);
      expect(stored).toMatchObject({ agencyCode: 'TTHCC', counterCode: 'Q07', deviceLabel: 'Máy quầy 7' });

      // Back at the office: the tablet is in the fleet view and its answer in the report.
      await admin.goto(`${collector.url}/admin/fleet`);
      const fleet = await admin.locator('main').innerText();
      expect(fleet).toContain('Máy quầy 7');
      expect(fleet).toContain('TTHCC');
      await admin.goto(`${collector.url}/api/v1/admin/report?definition=sipas-2023&agency=TTHCC&counter=Q07`);
      const report = JSON.parse(await admin.locator('body').innerText()) as { responses: number; percent: number };
      // Every item was answered "4 – Hài lòng": 16 valid answers, all satisfied; component 5 not asked.
      expect(report.responses).toBe(1);
      expect(report.percent).toBe(100);
      await admin.goto(`${collector.url}/admin/report?definition=sipas-2023&agency=TTHCC`);
      expect(await admin.locator('main').innerText()).toMatch(/100[.,]00\s*%/);
    } finally {
      await office.dispose();
      await tablet.dispose();
      removeProfile(office.profileDir);
      removeProfile(tablet.profileDir);
    }
  });
});
