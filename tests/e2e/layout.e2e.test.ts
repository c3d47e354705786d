import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADVANCE_DELAY_MS, INPUT_GUARD_MS } from '../../src/kiosk/citizen';
import { launchProfile, removeProfile } from './browser';
import { installKioskClock, startCollector, writeKioskSettings, type RunningCollector } from './harness';

// The layout matrix of issue 8 part 6: every screen of both shipped definitions, with every section
// on (component 5 opened by its filter), at three tablet viewports × text 100% and 175% × both
// themes. A screen fails on horizontal overflow, an answer outside the viewport's width, its forward
// button (start, next/skip, send) not wholly on screen, on opening anywhere but at its top, or on a
// focus ring drawn round the heading that takes focus on load.
// Set LAYOUT_SHOTS_DIR to also save screenshots of the first screens of each combination.

const VIEWPORTS = [
  { width: 800, height: 1280 },
  { width: 1280, height: 800 },
  { width: 1024, height: 600 },
];
const TEXT_STEPS = [0, 3]; // A+ taps from 100%: 100% and 175%
const DEFINITIONS = ['sipas-2023', 'sipas-2017'];
const SHOTS_DIR = process.env.LAYOUT_SHOTS_DIR;
/** Preact runs effects (the input-guard timer among them) after a frame or its 35 ms fallback. */
const EFFECTS_MS = 100;

interface ScreenReport {
  kind: string;
  heading: string;
  problems: string[];
  blocked: boolean;
  scale: boolean;
  /** The screen ignores taps until it has been seen a moment (its input guard). */
  guarded: boolean;
}

declare global {
  interface Window {
    /** The walk's page-side helpers, installed in every document of the walk (see walkProbe). */
    __layoutProbe?: { inspect: () => ScreenReport; tap: (selector: string) => void };
  }
}

/** Runs in the page: what is on screen and what is wrong with its layout. */
function inspectScreen(): ScreenReport {
  const width = window.innerWidth;
  const height = window.innerHeight;
  const problems: string[] = [];
  const scroller = document.scrollingElement!;
  if (scroller.scrollWidth > width) problems.push(`page ${scroller.scrollWidth}px wide in ${width}px`);
  if (window.scrollY !== 0) problems.push(`opened scrolled down ${window.scrollY}px`);
  for (const answer of document.querySelectorAll('main .answer')) {
    const box = answer.getBoundingClientRect();
    if (box.left < -0.5 || box.right > width + 0.5) problems.push(`answer "${answer.textContent}" spans ${Math.round(box.left)}–${Math.round(box.right)}px`);
  }
  const forward = document.querySelector('.action-bar button.primary, .action-bar button.next') ?? document.querySelector('main button.primary');
  if (!forward) problems.push('no forward button');
  else {
    const box = forward.getBoundingClientRect();
    if (box.top < -0.5 || box.left < -0.5 || box.bottom > height + 0.5 || box.right > width + 0.5) {
      problems.push(`"${forward.textContent}" at ${Math.round(box.left)},${Math.round(box.top)}–${Math.round(box.right)},${Math.round(box.bottom)}`);
    }
  }
  // The heading takes focus on every screen for screen readers; a touch user must not see a frame round it.
  const focused = document.activeElement;
  if (focused?.tagName === 'H1' && getComputedStyle(focused).outlineStyle !== 'none') problems.push('focus ring on the heading');
  const main = document.querySelector('main');
  return {
    kind: ['welcome', 'question', 'checkpoint', 'review', 'notice'].find((kind) => main?.classList.contains(kind)) ?? 'unknown',
    heading: document.querySelector('h1')?.textContent ?? '',
    problems,
    blocked: document.querySelector('.next.unavailable') !== null,
    scale: document.querySelector('.answers.satisfaction') !== null,
    guarded: main?.getAttribute('data-accepting') === 'false',
  };
}

/**
 * Runs in the page: leaves the screen scrolled to its end (so a carried-over scroll would show on
 * the next one), marks it as seen and taps `selector`.
 */
function tapInPage(selector: string): void {
  window.scrollTo(0, document.scrollingElement!.scrollHeight);
  document.querySelector('main')?.setAttribute('data-seen', '');
  const target = document.querySelector<HTMLElement>(selector);
  if (!target) throw new Error(`nothing to tap: ${selector}`);
  target.click();
}

/**
 * The script that installs inspectScreen and tapInPage in every document of the walk. The walk sees
 * about 800 screens, and each call into the page is a round trip to Chromium (about 10 ms on a busy
 * machine, as much as the screen's own work): with the helpers in the page, one call taps and
 * inspects the screen it leads to.
 */
function walkProbe(): string {
  return `window.__layoutProbe = { inspect: ${inspectScreen.toString()}, tap: ${tapInPage.toString()} };`;
}

/** Runs in the page: the new screen (a main element not yet seen), inspected; null while none is up. */
function inspectNew(): ScreenReport | null {
  return document.querySelector('main:not([data-seen])') ? window.__layoutProbe!.inspect() : null;
}

/**
 * Runs in the page: taps as tapInPage does, lets the page run one task (Preact renders in a
 * microtask; a message is a task the kiosk clock does not hold back), then inspectNew.
 */
async function tapThenInspect(selector: string): Promise<ScreenReport | null> {
  window.__layoutProbe!.tap(selector);
  await new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
  return document.querySelector('main:not([data-seen])') ? window.__layoutProbe!.inspect() : null;
}

/** The next screen (a new main element), inspected: `shown` if it was already inspected as it came up. */
async function nextScreen(page: Page, shown: ScreenReport | null): Promise<ScreenReport> {
  let report = shown;
  if (!report) {
    await page.locator('main:not([data-seen])').waitFor({ timeout: 5_000 }).catch(async (error: Error) => {
      throw new Error(`no next screen after "${await page.locator('h1').first().textContent()}": ${error.message}`);
    });
    report = await page.evaluate(inspectScreen);
  }
  // Question screens reset their scroll before their first paint; other screens may do it in an
  // effect after it, so those are inspected once effects have run.
  if (report.kind === 'question') return report;
  await page.clock.runFor(EFFECTS_MS);
  return page.evaluate(inspectScreen);
}

/** Taps in the page and returns the next screen's report; `report` is the screen being left. */
async function leaveBy(page: Page, report: ScreenReport, selector: string): Promise<ScreenReport> {
  // A screen with an input guard (checkpoint, review) ignores taps until it has been seen a moment.
  if (selector !== '.action-bar .next' && report.guarded) {
    await page.clock.runFor(INPUT_GUARD_MS + EFFECTS_MS);
    await page.locator('main[data-accepting="true"]').waitFor();
  }
  return nextScreen(page, await page.evaluate(tapThenInspect, selector));
}

/** Answers a single-choice question the way a citizen does: after the input guard, then the advance delay. */
async function answerWith(page: Page, heading: string): Promise<ScreenReport> {
  await page.clock.runFor(INPUT_GUARD_MS + EFFECTS_MS);
  await page.locator('main.question[data-accepting="true"]').waitFor();
  // "Có" on a feedback filter opens component 5; elsewhere the first option.
  await page.evaluate((feedbackFilter) => {
    const yes = [...document.querySelectorAll('main [role="radio"]')].findIndex((radio) => radio.textContent === 'Có');
    window.__layoutProbe!.tap(`main .answers [role="radio"]:nth-of-type(${feedbackFilter && yes >= 0 ? yes + 1 : 1})`);
  }, /phản ánh/i.test(heading));
  await page.clock.runFor(ADVANCE_DELAY_MS);
  return nextScreen(page, await page.evaluate(inspectNew));
}

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS_DIR) return;
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`) });
}

/** Walks one citizen from the welcome screen to the thank-you; returns every problem found, labelled. */
async function walk(page: Page, label: string, textSteps: number, highContrast: boolean): Promise<{ problems: string[]; screens: number; kinds: Set<string> }> {
  const problems: string[] = [];
  const kinds = new Set<string>();
  let screens = 0;
  await page.locator('main.welcome').waitFor();
  await page.evaluate(
    async ([steps, contrast]) => {
      // One tap per rendered frame, as a finger does: each tap steps from the size now shown.
      const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      const tool = (pick: (button: HTMLButtonElement) => boolean) => [...document.querySelectorAll<HTMLButtonElement>('.a11y-toolbar button')].find(pick)!;
      for (let i = 0; i < steps; i++) {
        tool((button) => button.textContent?.startsWith('A+') ?? false).click();
        await frame();
      }
      if (contrast) tool((button) => button.hasAttribute('aria-pressed')).click();
      await frame();
    },
    [textSteps, highContrast] as [number, boolean],
  );
  await page.locator(`.tool-status:text("${100 + 25 * textSteps}%")`).waitFor();
  let shotScale = false;
  let shotRequired = false;
  let report = await page.evaluate(inspectScreen);
  for (;;) {
    screens++;
    kinds.add(report.kind);
    problems.push(...report.problems.map((problem) => `${label} ${report.kind} "${report.heading.slice(0, 40)}": ${problem}`));
    if (report.kind === 'welcome' && screens > 1) break;
    if (!highContrast && report.kind === 'welcome') await shoot(page, `${label}-welcome`);
    if (!highContrast && report.scale && !shotScale) {
      shotScale = true;
      await shoot(page, `${label}-scale-skip`);
    }
    if (!highContrast && report.blocked && !shotRequired) {
      shotRequired = true;
      await shoot(page, `${label}-required`);
    }
    if (report.kind === 'welcome') report = await leaveBy(page, report, '.action-bar .start');
    // Optional questions are skipped (the skip state is the one to fit); required ones and the
    // feedback filter are answered, so component 5 opens.
    else if (report.kind === 'question') report = report.blocked ? await answerWith(page, report.heading) : await leaveBy(page, report, '.action-bar .next');
    else if (report.kind === 'checkpoint') report = await leaveBy(page, report, 'main .more');
    else if (report.kind === 'review') report = await leaveBy(page, report, '.action-bar .submit');
    else if (report.kind === 'notice') report = await leaveBy(page, report, 'main button.primary');
    else throw new Error(`${label}: unknown screen "${report.heading}"`);
  }
  return { problems, screens, kinds };
}

let collector: RunningCollector;

beforeAll(async () => {
  collector = await startCollector();
});

afterAll(async () => {
  await collector.stop();
  collector.cleanup();
});

describe('every citizen screen fits every tablet', { timeout: 300_000 }, () => {
  it('has no overflow, no answer or forward button off screen, and opens at its top, at 3 viewports × 2 text sizes × 2 themes', async () => {
    const profile = await launchProfile();
    const problems: string[] = [];
    const seen: Record<string, { screens: number; kinds: string[] }> = {};
    try {
      await installKioskClock(profile.context);
      await profile.context.addInitScript(walkProbe());
      const page = await profile.context.newPage();
      await page.goto(collector.url);
      await page.locator('main.welcome').waitFor();
      for (const definitionId of DEFINITIONS) {
        // Long real names, as a province types them in setup.
        await writeKioskSettings(page, {
          definitionId,
          definitionVersion: null,
          disabledSections: [],
          agencyName: 'Trung tâm Phục vụ hành chính công tỉnh Bà Rịa – Vũng Tàu',
          counterName: 'Quầy số 12 – Đất đai, xây dựng',
        });
        await page.reload();
        for (const viewport of VIEWPORTS) {
          await page.setViewportSize(viewport);
          for (const textSteps of TEXT_STEPS) {
            for (const highContrast of [false, true]) {
              const label = `${definitionId}-${viewport.width}x${viewport.height}-${100 + 25 * textSteps}${highContrast ? '-hc' : ''}`;
              const result = await walk(page, label, textSteps, highContrast);
              problems.push(...result.problems);
              seen[label] = { screens: result.screens, kinds: [...result.kinds].sort() };
            }
          }
        }
      }
    } finally {
      await profile.dispose();
      removeProfile(profile.profileDir);
    }
    expect(problems).toEqual([]);
    // The walk really went through every kind of screen, component 5 included (more screens than the core without it).
    for (const [label, { screens, kinds }] of Object.entries(seen)) {
      expect(kinds, label).toEqual(expect.arrayContaining(['welcome', 'question', 'notice']));
      expect(screens, label).toBeGreaterThan(label.startsWith('sipas-2023') ? 40 : 25);
    }
  });
});
