import { launchProfile, removeProfile } from '../e2e/browser';
import { startCollector } from '../e2e/harness';
import { withKioskStorage } from '../e2e/kiosk-storage';

/** Median and spread of storing one completed response in real Chromium on an on-disk profile. */
export async function measureStoreInChromium(samples = 300): Promise<{ medianMs: number; p95Ms: number; samples: number }> {
  // The built kiosk, served as a tablet gets it; the page runs the kiosk's own storeResponse on it.
  const collector = await startCollector();
  const profile = await launchProfile();
  try {
    const page = await profile.context.newPage();
    await page.goto(collector.url);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const timings = await withKioskStorage(
      page,
      async (storage, count) => {
        const answers: Record<string, number | string> = {};
        for (const id of ['TC1', 'TC2', 'TC3', 'TC4', 'TT1', 'TT2', 'TT3', 'TT4', 'CC1', 'CC2', 'CC3', 'CC4', 'CC5', 'KQ1', 'KQ2', 'KQ3'])
          answers[id] = 4;
        answers.PA0 = 'no';
        answers.COMMENT = 'Nhân viên nhiệt tình, hướng dẫn rõ ràng.';
        const times: number[] = [];
        for (let i = 0; i < count; i++) {
          const started = new Date(Date.now() - 90_000).toISOString();
          const t0 = performance.now();
          await storage.storeResponse(
            {
              id: crypto.randomUUID(),
              definitionId: 'sipas-2023',
              definitionVersion: 1,
              locale: 'vi',
              status: 'complete',
              startedAt: started,
              completedAt: new Date().toISOString(),
              durationMs: 90_000,
              agencyCode: 'SNV',
              counterCode: 'Q1',
              deviceLabel: 'bench',
              appVersion: 'bench',
              answers,
            },
            { minIntervalMs: 5_000, minMsPerAnswer: 600 },
          );
          times.push(performance.now() - t0);
        }
        return times;
      },
      samples,
    );
    timings.sort((a, b) => a - b);
    const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))];
    return { medianMs: round(at(0.5)), p95Ms: round(at(0.95)), samples };
  } finally {
    await profile.dispose();
    removeProfile(profile.profileDir);
    await collector.stop();
    collector.cleanup();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
