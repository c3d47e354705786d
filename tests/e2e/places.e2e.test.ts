import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchProfile } from './browser';
import { queueResponsesInPage, signInAsStaff, startStaffCollector, storedResponses, waitUntilDelivered, type RunningCollector } from './harness';

let collector: RunningCollector;

beforeAll(async () => {
  collector = await startStaffCollector();
});

afterAll(async () => {
  await collector.stop();
  collector.cleanup();
});

describe('a place that belongs to the device', { timeout: 180_000 }, () => {
  it('registers "Quầy 2" (code suggested QUAY-2), provisions by link, and shows its responses under that name in the fleet and the report', async () => {
    const office = await launchProfile();
    const tablet = await launchProfile();
    try {
      const admin = await office.context.newPage();
      await signInAsStaff(admin, collector);
      await admin.goto(`${collector.url}/admin/devices`);
      await admin.locator('input[name="agencyName"]').fill('Sở Tư pháp');
      await admin.locator('input[name="counterName"]').fill('Quầy 2');
      await admin.locator('form[action="/admin/devices"] button[type="submit"]').click();
      // The codes left blank were suggested from the names, and the clerk is shown them.
      await admin.getByText('Mã QUAY-2 được gợi ý từ tên “Quầy 2”.').waitFor();
      await admin.getByText('Mã SO-TU-PHAP được gợi ý từ tên “Sở Tư pháp”.').waitFor();
      const link = await admin.locator('figure.qr ~ p a.mono').getAttribute('href');
      expect(link).toContain('&counter=QUAY-2&counterName=Qu%E1%BA%A7y+2');

      // A link that cannot be applied is shown to the clerk, and sets nothing up.
      const kiosk = await tablet.context.newPage();
      await kiosk.goto(link!.replace('&counter=QUAY-2', '&counter=Qu%E1%BA%A7y+2'));
      const notice = kiosk.getByTestId('provisioning-notice');
      await notice.waitFor();
      expect(await notice.innerText()).toContain('mã quầy không hợp lệ');
      expect(kiosk.url()).not.toContain('provision');
      await kiosk.getByRole('button', { name: 'Đã hiểu' }).click();
      await notice.waitFor({ state: 'detached' });

      // The real link provisions the tablet with both codes and names (a fresh load: the kiosk reads links at start).
      await kiosk.goto('about:blank');
      await kiosk.goto(link!);
      await kiosk.getByRole('heading', { name: 'Đánh giá sự hài lòng' }).waitFor();
      expect(await kiosk.getByTestId('provisioning-notice').count()).toBe(0);
      expect(await kiosk.locator('.agency').innerText()).toBe('Sở Tư pháp');
      await queueResponsesInPage(kiosk, 2, { satisfaction: 5 });
      await kiosk.evaluate(() => window.dispatchEvent(new Event('online')));
      await waitUntilDelivered(kiosk);
      expect((await storedResponses(kiosk)).map((r) => [r.agencyCode, r.counterCode])).toEqual([
        ['SO-TU-PHAP', 'QUAY-2'],
        ['SO-TU-PHAP', 'QUAY-2'],
      ]);

      // The fleet shows the tablet by the name it was registered with; the report offers its place by name.
      await admin.goto(`${collector.url}/admin/fleet`);
      expect(await admin.locator('main').innerText()).toContain('Quầy 2');
      await admin.goto(`${collector.url}/admin/report?definition=sipas-2023`);
      expect(await admin.locator('select[name="counter"] option[value="QUAY-2"]').innerText()).toBe('Quầy 2 (QUAY-2)');
      expect(await admin.locator('select[name="agency"] option[value="SO-TU-PHAP"]').innerText()).toBe('Sở Tư pháp (SO-TU-PHAP)');
      await admin.goto(`${collector.url}/api/v1/admin/report?definition=sipas-2023&agency=SO-TU-PHAP&counter=QUAY-2`);
      expect((JSON.parse(await admin.locator('body').innerText()) as { responses: number }).responses).toBe(2);
    } finally {
      await office.dispose();
      await tablet.dispose();
    }
  });
});
