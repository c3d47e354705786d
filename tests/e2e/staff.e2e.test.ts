import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evacuationJson } from '../../src/shared/csv';
import type { SurveyResponse } from '../../src/shared/schemas';
import { launchProfile, removeProfile } from './browser';
import { queryTestDatabase } from '../collector/test-databases';
import { queueResponsesInPage, signInAsStaff, STAFF_PASSWORD, startStaffCollector, storedResponses, waitUntilDelivered, type RunningCollector } from './harness';

let collector: RunningCollector;

beforeAll(async () => {
  collector = await startStaffCollector();
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
      await admin.locator('input[name="password"]').fill(STAFF_PASSWORD);
      await admin.locator('button[type="submit"]').click();
      await admin.waitForURL(/\/admin\/fleet/);

      await admin.goto(`${collector.url}/admin/devices`);
      await admin.locator('input[name="agencyName"]').fill('Trung tâm Phục vụ hành chính công');
      await admin.locator('input[name="counterName"]').fill('Quầy 7');
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
      // One response is far below the 30 valid answers a figure needs: printed whole and marked "ít phiếu".
      const page = await admin.locator('main').innerText();
      expect(page).toMatch(/(?<![\d.,])100\s*%/);
      expect(page).toContain('ít phiếu');
    } finally {
      await office.dispose();
      await tablet.dispose();
      removeProfile(office.profileDir);
      removeProfile(tablet.profileDir);
    }
  });
});

/** `count` complete sipas-2023 responses of one kiosk, as its outbox would hold them (every item "4 – Hài lòng"). */
function evacuatedResponses(kioskId: string, count: number): SurveyResponse[] {
  const items = ['TC1', 'TC2', 'TC3', 'TC4', 'TT1', 'TT2', 'TT3', 'TT4', 'CC1', 'CC2', 'CC3', 'CC4', 'CC5', 'KQ1', 'KQ2', 'KQ3'];
  return Array.from({ length: count }, (_, i) => {
    const completed = Date.UTC(2026, 10, 20, 8, i);
    return {
      id: randomUUID(),
      kioskId,
      seq: i + 1,
      definitionId: 'sipas-2023',
      definitionVersion: 1,
      locale: 'vi',
      status: 'complete',
      startedAt: new Date(completed - 90_000).toISOString(),
      completedAt: new Date(completed).toISOString(),
      durationMs: 90_000,
      agencyCode: 'STP',
      counterCode: 'Q03',
      deviceLabel: 'Máy quầy 3',
      appVersion: 'e2e',
      answers: { PA0: 'no', ...Object.fromEntries(items.map((id) => [id, 4])) },
      flags: { tooFast: false, belowMinInterval: false },
    };
  });
}

/** The import summary's figures as the page shows them: total, created, duplicate, conflict, rejected. */
async function shownSummary(page: Page): Promise<Record<string, number>> {
  const rows = page.locator('#import-result table.compact tr');
  await rows.first().waitFor();
  const shown: Record<string, number> = {};
  for (const row of await rows.all()) shown[await row.locator('th').innerText()] = Number(await row.locator('td').innerText());
  return shown;
}

/** Chooses the file in the import form, submits it, and waits for the collector's answer. */
async function importFile(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await page.locator('#import-form input[type="file"]').setInputFiles(file);
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/admin/imports');
  // The script clears the previous summary as the form is submitted, so the table waited for next is the new one.
  await page.locator('#import-form button[type="submit"]').click();
  expect((await answered).status()).toBe(200);
}

describe('a clerk imports a kiosk\'s evacuation file', { timeout: 120_000 }, () => {
  it('chooses the file on the import page and sees how many responses were created; the same file again shows duplicates and stores nothing new', async () => {
    const kioskId = randomUUID();
    const file = {
      name: 'sipas-du-phong.json',
      mimeType: 'application/json',
      buffer: Buffer.from([...evacuationJson(kioskId, '2026-11-20T09:00:00.000Z', evacuatedResponses(kioskId, 3))].join(''), 'utf8'),
    };
    // Read behind the collector's back, from its SQLite file or its PostgreSQL schema.
    const rowsOfKiosk = async () => (await queryTestDatabase<{ n: number }>(collector.storeUrl, 'SELECT count(*) AS n FROM responses WHERE kiosk_id = ?', [kioskId]))[0].n;
    const office = await launchProfile();
    try {
      const page = await office.context.newPage();
      await signInAsStaff(page, collector);
      await page.goto(`${collector.url}/admin/import`);
      await page.getByRole('heading', { level: 1, name: 'Nhập tệp dự phòng' }).waitFor();

      await importFile(page, file);
      expect(await shownSummary(page)).toEqual({
        'Số phiếu trong tệp': 3,
        'Phiếu mới đã nhập': 3,
        'Đã có sẵn, không nhập lại': 0,
        'Trùng mã nhưng khác nội dung (giữ bản đã có, bản trong tệp được để riêng)': 0,
        'Bị từ chối': 0,
      });
      expect(await page.locator('#import-result').innerText()).toContain(`Tệp của máy ${kioskId}, xuất lúc`);
      expect(await page.locator('#import-status').innerText()).toBe('');
      expect(await rowsOfKiosk()).toBe(3);

      await importFile(page, file);
      expect(await shownSummary(page)).toMatchObject({ 'Số phiếu trong tệp': 3, 'Phiếu mới đã nhập': 0, 'Đã có sẵn, không nhập lại': 3, 'Bị từ chối': 0 });
      expect(await rowsOfKiosk()).toBe(3);
    } finally {
      await office.dispose();
      removeProfile(office.profileDir);
    }
  });
});
