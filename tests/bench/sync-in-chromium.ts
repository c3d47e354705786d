import type { Page } from 'playwright-core';
import { launchProfile, removeProfile } from '../e2e/browser';
import { setTimeout as delay } from 'node:timers/promises';
import { openProvisionedKiosk, startCollector } from '../e2e/harness';
import { withKioskStorage } from '../e2e/kiosk-storage';

/** Pending and sent counts from the kiosk's outbox index, read by the kiosk's own storage module. */
async function countStates(page: Page): Promise<{ pending: number; sent: number }> {
  const { pending, sent } = await withKioskStorage(page, (storage) => storage.countByState(), undefined);
  return { pending, sent };
}

/**
 * Puts `count` valid sipas-2023 responses in the outbox in ONE transaction, with the record shape and
 * sequence bookkeeping of storeResponse. Only for the benchmarks' large queues: storeResponse takes
 * one durable transaction per response (about 6 ms each in headless Chromium, 10 minutes for 100,000),
 * which is right for a citizen and far too slow to fill a queue; the browser tests use storeResponse.
 */
function queueInOneTransaction(page: Page, count: number): Promise<void> {
  return page.evaluate(
    (n) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('sipas-kiosk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['responses', 'meta'], 'readwrite');
          const meta = tx.objectStore('meta');
          const kioskRequest = meta.get('kioskId');
          const seqRequest = meta.get('nextSeq');
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
          seqRequest.onsuccess = () => {
            const first = (seqRequest.result as number | undefined) ?? 1;
            const items = ['TC1', 'TC2', 'TC3', 'TC4', 'TT1', 'TT2', 'TT3', 'TT4', 'CC1', 'CC2', 'CC3', 'CC4', 'CC5', 'KQ1', 'KQ2', 'KQ3'];
            for (let i = 0; i < n; i++) {
              const answers: Record<string, number | string> = { PA0: 'no' };
              items.forEach((id, k) => (answers[id] = ((i + k) % 5) + 1));
              const completed = new Date(Date.UTC(2026, 10, 20, 8, 0, i));
              tx.objectStore('responses').add({
                id: crypto.randomUUID(),
                kioskId: kioskRequest.result,
                seq: first + i,
                definitionId: 'sipas-2023',
                definitionVersion: 1,
                locale: 'vi',
                status: 'complete',
                startedAt: new Date(completed.getTime() - 60_000).toISOString(),
                completedAt: completed.toISOString(),
                durationMs: 60_000,
                agencyCode: 'SNV',
                counterCode: 'Q1',
                deviceLabel: 'e2e',
                appVersion: 'e2e',
                answers,
                flags: { tooFast: false, belowMinInterval: false },
                syncState: 'pending',
                attempts: 0,
              });
            }
            meta.put(first + n, 'nextSeq');
          };
        };
      }),
    count,
  );
}

/** Queues `count` responses in chunks of 10,000 (one transaction each). */
async function queue(page: Page, count: number): Promise<void> {
  for (let done = 0; done < count; done += 10_000) await queueInOneTransaction(page, Math.min(10_000, count - done));
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
      await delay(250); // delivery raises no event the page could await: poll the outbox
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
export async function measureQueueMemory(
  count = 100_000,
  drainSample = 5_000,
): Promise<{ emptyHeapMb: number; queuedPeakHeapMb: number; queued: number }> {
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
        await delay(200); // one heap sample per poll
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
