import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { launchProfile, removeProfile } from '../e2e/browser';
import { DIST_DIR, openProvisionedKiosk, startCollector } from '../e2e/harness';

/**
 * Issue 8: time from a tap on a scale answer to the next question painted, in real Chromium at the
 * kiosk's 1024×600, with and without 4× CPU throttling.
 *
 * - tap → paint: in the page, performance.now() at pointerdown (capture, before the kiosk sees it), and
 *   after the first frame that shows the new heading: a MutationObserver notices the heading change,
 *   then a requestAnimationFrame callback posts a MessageChannel message, which runs only after that
 *   frame's style, layout and paint (the usual "after frame" probe; a second rAF would add a frame).
 * - work: the renderer main thread's busy time over the same interval, from CDP Performance.getMetrics
 *   'TaskDuration' (cumulative task time; idle, including the deliberate pause, is not in it) read just
 *   before the click and just after the paint. It also counts the click's input dispatch, the probe and
 *   the CDP reads themselves, and any background task of the kiosk in that window, so it is an upper
 *   bound; `idleWorkMs` is the same reading over the same span with no tap, to show that floor.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The deliberate pause after a tap, read from the kiosk's source: the citizen screens' module loads its
 * CSS, which plain Node cannot import, and a copy of the number here would drift from the kiosk.
 */
export function advanceDelayMs(): number {
  const source = readFileSync(join(root, 'src/kiosk/citizen/QuestionScreen.tsx'), 'utf8');
  const match = /export const ADVANCE_DELAY_MS = (\d+);/.exec(source);
  if (!match) throw new Error('ADVANCE_DELAY_MS not found in QuestionScreen.tsx');
  return Number(match[1]);
}

export interface TapFigures {
  cpuThrottling: number;
  taps: number;
  tapToPaintMs: { p50: number; p95: number };
  /** tap → paint minus the deliberate pause: the timer's lateness, the commit, style, layout and paint. */
  beyondPauseMs: { p50: number; p95: number };
  workMs: { p50: number; p95: number };
  idleWorkMs: { p50: number; p95: number };
}

interface PageTiming {
  downAt: number;
  domAt: number;
  paintedAt: number;
}

declare global {
  interface Window {
    __tapProbe?: Promise<PageTiming>;
  }
}

/** Arms the in-page probe for one tap: resolves once the heading after `previous` has been painted. */
function armProbe(page: Page): Promise<void> {
  return page.evaluate(() => {
    const previous = document.querySelector('main.question h1')?.textContent ?? '';
    window.__tapProbe = new Promise<PageTiming>((resolve) => {
      let downAt = -1;
      document.addEventListener('pointerdown', () => (downAt = performance.now()), { capture: true, once: true });
      const observer = new MutationObserver(() => {
        const heading = document.querySelector('main.question h1');
        if (downAt < 0 || !heading || heading.textContent === previous) return;
        observer.disconnect();
        const domAt = performance.now();
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve({ downAt, domAt, paintedAt: performance.now() });
          channel.port2.postMessage(null);
        });
      });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    });
  });
}

async function taskMs(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  const task = metrics.find((metric) => metric.name === 'TaskDuration');
  if (!task) throw new Error('no TaskDuration metric');
  return task.value * 1000;
}

/** Waits until the question on screen takes taps (its input guard has passed). */
async function accepting(page: Page): Promise<void> {
  await page.locator('main.question[data-accepting="true"]').waitFor();
}

async function measureRun(page: Page, cdp: CDPSession, rate: number, taps: number, pauseMs: number): Promise<TapFigures> {
  await page.getByRole('button', { name: 'Bắt đầu đánh giá' }).click();
  await accepting(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  const tapToPaint: number[] = [];
  const beyond: number[] = [];
  const work: number[] = [];
  const idle: number[] = [];
  for (let i = 0; i < taps; i++) {
    await accepting(page);
    // The same span with no tap: what the kiosk and the probe cost on their own.
    const idleBefore = await taskMs(cdp);
    await page.evaluate((ms) => new Promise((resolve) => setTimeout(resolve, ms)), Math.round(median(tapToPaint) || pauseMs));
    idle.push((await taskMs(cdp)) - idleBefore);

    // Codes 1–5 in turn: a citizen's taps land on every tile, not one spot.
    const tile = page.locator('main.question .answers.satisfaction .answer').nth(i % 5);
    const box = await tile.boundingBox();
    if (!box) throw new Error('answer tile has no box');
    await armProbe(page);
    const before = await taskMs(cdp);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const timing = await page.evaluate(() => window.__tapProbe!);
    work.push((await taskMs(cdp)) - before);
    tapToPaint.push(timing.paintedAt - timing.downAt);
    beyond.push(timing.paintedAt - timing.downAt - pauseMs);
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  return { cpuThrottling: rate, taps, tapToPaintMs: spread(tapToPaint), beyondPauseMs: spread(beyond), workMs: spread(work), idleWorkMs: spread(idle) };
}

/**
 * Tap → next question painted over `taps` scale questions of sipas-2023 (it opens with 16 in a row),
 * unthrottled and at 4× CPU throttling, each from a fresh survey. Serves `staticDir` (dist/ by default).
 */
export async function measureTapToPaint(taps = 15, staticDir = DIST_DIR): Promise<{ unthrottled: TapFigures; throttled: TapFigures; pauseMs: number }> {
  const pauseMs = advanceDelayMs();
  const collector = await startCollector({ staticDir });
  const profile = await launchProfile();
  try {
    const page = await openProvisionedKiosk(profile.context, collector);
    await page.setViewportSize({ width: 1024, height: 600 });
    const cdp = await profile.context.newCDPSession(page);
    // Wall-clock task time (the default timeTicks): throttling stretches tasks, thread CPU ticks would not show it.
    await cdp.send('Performance.enable');
    const unthrottled = await measureRun(page, cdp, 1, taps, pauseMs);
    await page.goto(collector.url); // a new citizen: back to the welcome screen, still provisioned
    await page.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }).waitFor();
    const throttled = await measureRun(page, cdp, 4, taps, pauseMs);
    await cdp.detach();
    return { unthrottled, throttled, pauseMs };
  } finally {
    await profile.dispose();
    removeProfile(profile.profileDir);
    await collector.stop();
    collector.cleanup();
  }
}

function spread(values: number[]): { p50: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: round(at(0.5)), p95: round(at(0.95)) };
}

function median(values: number[]): number {
  return values.length === 0 ? 0 : spread(values).p50;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

// `npx tsx tests/bench/tap-to-paint.ts [taps]`: builds the kiosk into a folder of its own (dist/ may be
// rebuilt by others meanwhile) and prints the figures.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const taps = Number(process.argv[2]) || 15;
  const outDir = mkdtempSync(join(tmpdir(), 'sipas-tap-dist-'));
  try {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'], { cwd: root, stdio: 'inherit' });
    console.log(JSON.stringify(await measureTapToPaint(taps, outDir), null, 2));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
