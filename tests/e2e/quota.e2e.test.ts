import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerDevice } from '../../src/collector';
import { DB_NAME } from '../../src/kiosk/storage';
import { evacuationFileSchema, surveyResponseSchema } from '../../src/shared/schemas';
import { buildProvisioningLink, SUBMIT_PATH } from '../../src/shared/wire';
import { launchProfile, removeProfile } from './browser';
import { answerWholeSurvey } from './citizen';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import {
  installKioskClock,
  queueResponsesInPage,
  signInAsStaff,
  SIPAS_2023_OPTIONAL_SECTIONS,
  startStaffCollector,
  storedResponses,
  waitUntilDelivered,
  writeKioskSettings,
  type RunningCollector,
} from './harness';
import { createKioskStaffPin, openKioskStaffArea, staffFleetEntry, submissionLog, unlockKioskStaffArea } from './kiosk-staff';

/*
 * Issue 9, storage full: Chromium's quota for the kiosk's origin is cut below what it already uses
 * (CDP Storage.overrideQuotaForOrigin), so every IndexedDB write fails as on a full disk, while the
 * real collector behind a loopback proxy keeps answering.
 */

let collector: RunningCollector;
let proxy: FaultProxy;
let profile: Awaited<ReturnType<typeof launchProfile>>;

beforeEach(async () => {
  collector = await startStaffCollector();
  proxy = await startFaultProxy(collector.url);
  profile = await launchProfile();
});

afterEach(async () => {
  await profile.dispose();
  removeProfile(profile.profileDir);
  await proxy.close();
  await collector.stop().catch(() => undefined);
  collector.cleanup();
});

async function openKioskBehindProxy(context: BrowserContext): Promise<{ page: Page; deviceId: string }> {
  const { deviceId, token } = await registerDevice(collector.store, { label: 'Máy quầy 1', agencyCode: 'SNV', counterCode: 'Q1' });
  const page = await context.newPage();
  await page.goto(buildProvisioningLink(proxy.url, { token, agencyCode: 'SNV', counterCode: 'Q1', deviceLabel: 'Máy quầy 1' }));
  await page.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
  return { page, deviceId };
}

/**
 * The origin's quota from before the kiosk first opens (its files and database take well under 1 MiB):
 * a small disk, so that the space Chromium remembers as remaining stays below PROBE_BYTES.
 */
const START_QUOTA_BYTES = 16 * 1024 * 1024;
/** A probe write larger than any space Chromium can still remember as remaining. */
const PROBE_BYTES = 2 * START_QUOTA_BYTES;

/** Cuts the origin's quota to one byte (below its usage: every write fails), or gives the small disk back. */
async function setQuota(cdp: CDPSession, full: boolean): Promise<void> {
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: proxy.url, quotaSize: full ? 1 : START_QUOTA_BYTES });
}

/**
 * Waits until the kiosk's database refuses writes. Chromium 156 approves an open database's writes
 * against the space it last found remaining (decaying over 30 s) without asking again, so a cut quota
 * bites up to 30 s late; a write larger than that remembered space makes it ask at once, and the
 * answer (none left) then holds for every later write (a restored quota is found at once). The probe
 * is such a write, to a key the kiosk never reads; it is refused, never stored.
 */
async function waitUntilWritesFail(page: Page, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await page.evaluate(
      ([name, store, bytes]) =>
        new Promise<string>((resolve) => {
          const open = indexedDB.open(name);
          open.onerror = () => resolve(`open ${open.error?.name}`);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction(store, 'readwrite');
            const meta = tx.objectStore(store);
            meta.put(new Uint8Array(bytes), 'e2e-quota-probe');
            // Written after all (space the probe did not outgrow): take it out again before looking once more.
            tx.oncomplete = () => {
              const undo = db.transaction(store, 'readwrite');
              undo.objectStore(store).delete('e2e-quota-probe');
              undo.oncomplete = () => {
                db.close();
                resolve('written');
              };
            };
            tx.onabort = () => {
              db.close();
              resolve(String(tx.error?.name));
            };
          };
        }),
      [DB_NAME, 'meta', PROBE_BYTES] as const,
    );
    if (outcome === 'QuotaExceededError') return;
    if (Date.now() > deadline) throw new Error(`writes still succeed after the quota cut (${outcome})`);
    await delay(500);
  }
}

const PIN = '246813';

describe('storage full (issue 9)', { timeout: 180_000 }, () => {
  it('holds the citizen\'s response, lets staff in to send, download and see the alert without a re-upload loop, then writes and delivers it once space is back', async () => {
    await installKioskClock(profile.context);
    // The small disk is in place before the kiosk's first write (through the profile's first, blank page).
    const cdp = await profile.context.newCDPSession(profile.context.pages()[0] ?? (await profile.context.newPage()));
    await setQuota(cdp, false);
    const { page, deviceId } = await openKioskBehindProxy(profile.context);
    const uploads = submissionLog(page);
    await writeKioskSettings(page, { disabledSections: SIPAS_2023_OPTIONAL_SECTIONS });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
    await openKioskStaffArea(page);
    await createKioskStaffPin(page, PIN);

    // Three earlier citizens wait in the outbox while the collector is out of reach.
    proxy.setMode({ kind: 'status', status: 503 });
    await queueResponsesInPage(page, 3);
    await setQuota(cdp, true);

    // The fourth citizen finishes on a full disk: thanked, told it is kept for now, never "saved".
    await page.getByRole('button', { name: 'Bắt đầu đánh giá' }).click();
    await answerWholeSurvey(page, { gaveFeedback: false });
    await waitUntilWritesFail(page);
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cảm ơn Ông/Bà, đánh giá đã được ghi nhận tạm thời' }).waitFor();
    expect(await page.locator('main').innerText()).not.toContain('Xin cảm ơn Ông/Bà!');
    expect(await page.locator('main').innerText()).not.toContain('đã được ghi nhận.');
    await page.getByRole('button', { name: 'Về trang đầu' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();

    // Staff get in with the right PIN although nothing can be written, and see the held response and the alert.
    proxy.setMode({ kind: 'pass' });
    await openKioskStaffArea(page);
    await unlockKioskStaffArea(page, PIN);
    const held = page.getByTestId('health-held');
    await held.waitFor();
    expect(await held.innerText()).toContain('1 phiếu chỉ đang giữ trong bộ nhớ của trang');
    expect(await held.locator('code').textContent()).toMatch(/QuotaExceededError/);
    expect(await page.getByTestId('health-alerts').innerText()).toContain('phiếu vừa rồi chỉ đang được giữ tạm trong bộ nhớ');

    // "Gửi ngay" three times: the three stored responses reach the collector once; their "sent"
    // marks cannot be written, yet nothing is uploaded again.
    for (let drain = 0; drain < 3; drain++) {
      const before = uploads.length;
      await page.getByRole('button', { name: 'Gửi ngay' }).click();
      await expect.poll(() => uploads.length).toBeGreaterThan(before);
      await page.locator('.staff-health .staff-primary:not([disabled])', { hasText: 'Gửi ngay' }).waitFor();
    }
    expect(await page.locator('.staff-health > p.staff-ok').innerText()).toMatch(/^Đã gửi xong/);
    expect(await collector.store.countResponses(deviceId)).toBe(3);
    const carried = uploads.flatMap((post) => post.ids);
    expect(carried).toHaveLength(3);
    expect(new Set(carried).size).toBe(3);
    expect(uploads.length).toBeGreaterThanOrEqual(3); // each drain reported the kiosk's health
    expect((await storedResponses(page)).map((r) => [r.seq, r.syncState])).toEqual([
      [1, 'pending'],
      [2, 'pending'],
      [3, 'pending'],
    ]);

    // The collector's fleet view says storage full, as the failed write itself reported it.
    const office = await profile.context.newPage();
    await signInAsStaff(office, collector);
    const during = await staffFleetEntry(office, collector, deviceId);
    expect(during.problems).toContainEqual({ kind: 'storageFull', heldInMemory: 1, error: expect.stringMatching(/QuotaExceededError/) });

    // Staff download the held response as an evacuation file, back at the tablet (on screen again:
    // Chromium hardly runs a background tab's animation frames, which each tap waits for).
    await page.bringToFront();
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Tải tệp các phiếu đang giữ' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^sipas-SNV-Q1-\d{8}-\d{4}-held\.json$/);
    const file = evacuationFileSchema.parse(JSON.parse(readFileSync((await download.path())!, 'utf8')));
    expect(file.responses).toHaveLength(1);
    // Each response in the file is as a synced one: the collector checks it with the same schema.
    const evacuated = surveyResponseSchema.parse(file.responses[0]);
    expect(evacuated).toMatchObject({ seq: 4, status: 'complete', agencyCode: 'SNV', counterCode: 'Q1', answers: { TC1: 4, KQ3: 4, PA0: 'no' } });
    expect(await page.getByTestId('health-held').innerText()).toContain('(1 phiếu)');

    // Space is back: the held response is written with the sequence number the file gave it, and
    // everything reaches the collector exactly once.
    await setQuota(cdp, false);
    const recoveredAt = Date.now();
    await page.getByRole('button', { name: 'Gửi ngay' }).click();
    await waitUntilDelivered(page, 30_000);
    console.log(`storage full: held response written and delivered ${((Date.now() - recoveredAt) / 1000).toFixed(1)} s after the quota came back`);
    const stored = await storedResponses(page);
    expect(stored.map((r) => [r.seq, r.syncState])).toEqual([1, 2, 3, 4].map((seq) => [seq, 'sent']));
    expect(stored[3].id).toBe(evacuated.id);
    expect(await collector.store.countResponses(deviceId)).toBe(4);
    expect(await collector.store.findSequenceGaps(deviceId)).toEqual([]);
    const everyUpload = uploads.flatMap((post) => post.ids);
    expect(everyUpload).toHaveLength(4);
    expect(new Set(everyUpload).size).toBe(4);
    await expect.poll(() => page.getByTestId('health-held').count()).toBe(0);

    const after = await staffFleetEntry(office, collector, deviceId);
    expect(after.problems.map((problem) => problem.kind)).not.toContain('storageFull');
    expect(uploads.every((post) => post.path === SUBMIT_PATH)).toBe(true);
  });
});
