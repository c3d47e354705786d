import { createServer } from 'vite';
import { launchProfile, removeProfile } from '../e2e/browser';

/** Median and spread of storing one completed response in real Chromium on an on-disk profile. */
export async function measureStoreInChromium(samples = 300): Promise<{ medianMs: number; p95Ms: number; samples: number }> {
  // The dev server serves src/ modules as-is, so the page runs exactly the kiosk's storeResponse.
  const server = await createServer({ logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('vite dev server has no port');
  const profile = await launchProfile();
  try {
    const page = await profile.context.newPage();
    await page.goto(`http://127.0.0.1:${address.port}/`);
    const timings = await page.evaluate(async ({ count, modulePath }) => {
      const storage = (await import(/* @vite-ignore */ modulePath)) as typeof import('../../src/kiosk/storage');
      const answers: Record<string, number | string> = {};
      for (const id of ['TC1', 'TC2', 'TC3', 'TC4', 'TT1', 'TT2', 'TT3', 'TT4', 'CC1', 'CC2', 'CC3', 'CC4', 'CC5', 'KQ1', 'KQ2', 'KQ3']) answers[id] = 4;
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
    }, { count: samples, modulePath: '/src/kiosk/storage/index.ts' });
    timings.sort((a, b) => a - b);
    const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))];
    return { medianMs: round(at(0.5)), p95Ms: round(at(0.95)), samples };
  } finally {
    await profile.dispose();
    removeProfile(profile.profileDir);
    await server.close();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
