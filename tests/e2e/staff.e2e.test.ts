import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setAdminPassword } from '../../src/collector/staff-pages';
import { launchProfile, removeProfile } from './browser';
import { answerWholeSurvey, SIPAS_2023_OPTIONAL_SECTIONS, startCollector, storedResponses, waitUntilDelivered, writeKioskSettings, type RunningCollector } from './harness';

const PASSWORD = 'mat-khau-thu-nghiem-2026';

let collector: RunningCollector;

beforeAll(async () => {
  collector = await startCollector();
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
      await admin.waitForTimeout(1_100); // the sign-in slows down after a wrong password, as it should
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
      await writeKioskSettings(kiosk, { disabledSections: SIPAS_2023_OPTIONAL_SECTIONS });
      await kiosk.reload();
      await kiosk.getByRole('button', { name: 'Bắt đầu đánh giá' }).click();
      await answerWholeSurvey(kiosk, { gaveFeedback: false });
      await kiosk.getByRole('button', { name: 'Gửi đánh giá' }).click();
      await kiosk.getByRole('heading', { name: 'Xin cảm ơn Ông/Bà!' }).waitFor();
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
