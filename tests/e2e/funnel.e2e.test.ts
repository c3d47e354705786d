import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { INPUT_GUARD_MS } from '../../src/kiosk/citizen';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import type { ReportFunnel } from '../../src/collector/staff-pages';
import { launchProfile } from './browser';
import { tapAnswer } from './citizen';
import { installKioskClock, openProvisionedKiosk, signInAsStaff, startStaffCollector, storedResponses, type RunningCollector } from './harness';

let collector: RunningCollector;

beforeAll(async () => {
  collector = await startStaffCollector();
});

afterAll(async () => {
  await collector.stop();
  collector.cleanup();
});

/**
 * Answers the scored core the way a citizen would ("4 – Hài lòng" everywhere, no feedback given) up
 * to the checkpoint, chooses to answer the extras, and stops on the first extra question.
 */
async function answerCoreThenStartExtras(page: Page): Promise<number> {
  let asked = 0;
  for (;;) {
    const question = page.locator('main.question');
    const checkpoint = page.locator('main.checkpoint');
    await question.or(checkpoint).first().waitFor();
    if (await checkpoint.isVisible()) {
      await page.clock.runFor(INPUT_GUARD_MS + 100);
      await page.locator('main.checkpoint[data-accepting="true"]').waitFor();
      await page.locator('main.checkpoint .more').click();
      await page.locator('main.question').waitFor();
      return asked;
    }
    asked += 1;
    const satisfaction = page.getByRole('radio', { name: /^4\s*Hài lòng/ });
    if ((await satisfaction.count()) === 1) await tapAnswer(page, satisfaction, true);
    else await tapAnswer(page, page.getByRole('radio', { name: 'Không', exact: true }), true);
  }
}

describe('drop-off counted end to end', { timeout: 180_000 }, () => {
  it('a citizen who answers the core and walks away is counted in the collector’s report', async () => {
    const office = await launchProfile();
    const tablet = await launchProfile();
    try {
      await installKioskClock(tablet.context);
      const kiosk = await openProvisionedKiosk(tablet.context, collector);
      await kiosk.getByRole('button', { name: 'Bắt đầu đánh giá' }).click();
      const asked = await answerCoreThenStartExtras(kiosk);
      expect(asked).toBeGreaterThanOrEqual(17);

      // The citizen walks away on the first extra: the idle warning, then the reset, jumped over.
      await kiosk.clock.runFor(DEFAULT_SETTINGS.idleTimeoutMs - DEFAULT_SETTINGS.idleWarningMs);
      await kiosk.getByRole('alertdialog').waitFor();
      await kiosk.clock.runFor(DEFAULT_SETTINGS.idleWarningMs);
      await kiosk.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
      const stored = await storedResponses(kiosk);
      expect(stored.map((r) => [r.status, r.endedBy])).toEqual([['complete', 'timeout']]);

      const admin = await office.context.newPage();
      await signInAsStaff(admin, collector);
      type ReportJson = { responses: number; funnel: ReportFunnel };
      const readReport = async (): Promise<ReportJson> => {
        const answer = await admin.request.get(`${collector.url}/api/v1/admin/report?definition=sipas-2023`);
        return (await answer.json()) as ReportJson;
      };
      // The kiosk syncs when the response is stored and on its timer; the timer is jumped over until
      // the collector has both the response and the counts.
      await expect
        .poll(
          async () => {
            const report = await readReport();
            if (report.responses < 1 || report.funnel.completedByTimeout < 1) await kiosk.clock.runFor(DEFAULT_SETTINGS.syncIntervalMs);
            return [report.responses, report.funnel.completedByTimeout];
          },
          { timeout: 60_000, interval: 200 },
        )
        .toEqual([1, 1]);
      const report = await readReport();
      expect(report.funnel).toMatchObject({ definitionId: 'sipas-2023', started: 1, completed: 0, completedByTimeout: 1, abandoned: 0, completionRate: 1 });
      expect(report.funnel.steps.every((step) => step.abandoned === 0)).toBe(true);

      // Staff read the same on the report page and in the fleet view.
      await admin.goto(`${collector.url}/admin/report?definition=sipas-2023`);
      expect(await admin.locator('section[aria-labelledby="funnel"]').innerText()).toContain('1 lượt bắt đầu · hoàn thành 1 (100,0%)');
      await admin.goto(`${collector.url}/admin/fleet`);
      const fleet = await admin.locator('td.funnel').innerText();
      expect(fleet).toContain('Bắt đầu: 1');
      expect(fleet).toContain('Tự lưu khi người dân rời đi (đã xong phần chấm điểm): 1');
    } finally {
      await office.dispose();
      await tablet.dispose();
    }
  });
});
