import type { Page } from 'playwright-core';
import type { FleetEntry } from '../../src/collector/staff-pages';
import { SUBMIT_PATH } from '../../src/shared/wire';
import type { RunningCollector } from './harness';

// Staff at the tablet (the hidden corner, the PIN) and at the collector's fleet data, for the browser tests.

/** How long the corner must be held (src/kiosk/staff-corner STAFF_HOLD_MS), plus room for the effects. */
const CORNER_HOLD_MS = 3_100;

/** Presses and holds the hidden top-left corner until the staff area opens. Needs installKioskClock. */
export async function openKioskStaffArea(page: Page): Promise<void> {
  const corner = page.locator('button.staff-corner');
  await corner.waitFor();
  const box = (await corner.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.clock.runFor(CORNER_HOLD_MS);
  await page.mouse.up();
  await page.getByRole('dialog', { name: 'Khu vực cán bộ' }).waitFor();
}

/** On a tablet that has none: chooses the staff PIN (first run opens Setup), then closes the area. */
export async function createKioskStaffPin(page: Page, pin: string): Promise<void> {
  await page.locator('#staff-pin-new').fill(pin);
  await page.locator('#staff-pin-repeat').fill(pin);
  await page.getByRole('button', { name: 'Lưu mã PIN' }).click();
  await page.locator('.staff-nav').waitFor();
  await page.getByRole('button', { name: 'Đóng, về màn hình chào' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
}

/** Enters the PIN and waits for the Health panel it opens. */
export async function unlockKioskStaffArea(page: Page, pin: string): Promise<void> {
  await page.locator('#staff-pin').fill(pin);
  await page.getByRole('button', { name: 'Mở khu vực cán bộ' }).click();
  await page.locator('section.staff-health[aria-busy="false"]').waitFor();
}

/** One batch POST the collector answered 200: the ids of the responses it carried. */
export interface DeliveredPost {
  path: string;
  ids: string[];
}

/**
 * Records, from now on, every batch POST of `page` that the collector answered with 200 (those that
 * failed delivered nothing), with the response ids it carried: what a re-upload loop would multiply.
 */
export function submissionLog(page: Page): DeliveredPost[] {
  const log: DeliveredPost[] = [];
  page.on('response', (response) => {
    const request = response.request();
    const path = new URL(request.url()).pathname;
    if (request.method() !== 'POST' || path !== SUBMIT_PATH || response.status() !== 200) return;
    const body = request.postDataJSON() as { responses: Array<{ id: string }> };
    log.push({ path, ids: body.responses.map((r) => r.id) });
  });
  return log;
}

/** The collector's fleet data for one device, read as signed-in staff (GET /api/v1/admin/fleet) in `office`. */
export async function staffFleetEntry(office: Page, collector: RunningCollector, deviceId: string): Promise<FleetEntry> {
  const answer = await office.request.get(`${collector.url}/api/v1/admin/fleet`);
  if (answer.status() !== 200) throw new Error(`fleet data: ${answer.status()}`);
  const { devices } = (await answer.json()) as { devices: FleetEntry[] };
  const entry = devices.find((device) => device.id === deviceId);
  if (!entry) throw new Error(`device ${deviceId} is not in the fleet`);
  return entry;
}
