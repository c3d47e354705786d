import type { Page } from 'playwright-core';
import { launchProfile, removeProfile } from '../e2e/browser';
import { openProvisionedKiosk, queueResponsesInPage, startCollector } from '../e2e/harness';

/** Pending and sent counts from the kiosk's outbox index, without loading the records. */
function countStates(page: Page): Promise<{ pending: number; sent: number }> {
  return page.evaluate(
    () =>
      new Promise<{ pending: number; sent: number }>((resolve, reject) => {
        const open = indexedDB.open('sipas-kiosk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const index = db.transaction('responses').objectStore('responses').index('by-state-seq');
          const pending = index.count(IDBKeyRange.bound(['pending', -Infinity], ['pending', Infinity]));
          const sent = index.count(IDBKeyRange.bound(['sent', -Infinity], ['sent', Infinity]));
          sent.onsuccess = () => {
            db.close();
            resolve({ pending: pending.result, sent: sent.result });
          };
        };
      }),
  );
}

/** Queues `count` responses in chunks of 10,000 (one transaction each). */
async function queue(page: Page, count: number): Promise<void> {
  for (let done = 0; done < count; done += 10_000) await queueResponsesInPage(page, Math.min(10_000, count - done));
}

/** Used JS heap of the page after a full garbage collection, in MB. */
async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    return usedSize / 1024 / 1024;
  } finally {
    await cdp.detach();
  }
}

/**
 * Time for the kiosk to deliver `count` queued responses to the local collector, from the moment
 * the drain is triggered until the outbox holds none pending (default batch size, real HTTP).
 */
export async function measureSyncFromChromium(count = 10_000): Promise<{ seconds: number; perSecond: number; delivered: number }> {
  const collector = await startCollector();
  const profile = await launchProfile();
  try {
    const page = await openProvisionedKiosk(profile.context, collector);
    await queue(page, count);
    const started = performance.now();
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    let states = await countStates(page);
    while (states.pending > 0) {
      await page.waitForTimeout(250);
      states = await countStates(page);
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds: round(seconds), perSecond: Math.round(count / seconds), delivered: states.sent };
  } finally {
    await profile.dispose();
    removeProfile(profile.profileDir);
    await collector.stop();
    collector.cleanup();
  }
}

/**
 * The kiosk page's JS heap with an empty outbox, then with `count` queued responses while it boots
 * and drains them (sampled until `drainSample` have been delivered). The outbox is read in
 * bounded batches, so the second figure should stay close to the first.
 */
export async function measureQueueMemory(count = 100_000, drainSample = 5_000): Promise<{ emptyHeapMb: number; queuedPeakHeapMb: number; queued: number }> {
  const collector = await startCollector();
  const profile = await launchProfile();
  try {
    const page = await openProvisionedKiosk(profile.context, collector);
    const emptyHeapMb = await heapMb(page);
    await collector.stop(); // hold delivery while the queue fills
    await queue(page, count);
    const restarted = await collector.restart();
    try {
      await page.reload(); // a fresh page that boots with the whole queue waiting
      await page.getByRole('heading', { level: 1 }).waitFor();
      let peak = 0;
      let states = await countStates(page);
      while (states.sent < drainSample) {
        peak = Math.max(peak, await heapMb(page));
        await page.waitForTimeout(200);
        states = await countStates(page);
      }
      return { emptyHeapMb: round(emptyHeapMb), queuedPeakHeapMb: round(peak), queued: count };
    } finally {
      await restarted.stop();
    }
  } finally {
    await profile.dispose();
    removeProfile(profile.profileDir);
    collector.cleanup();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
