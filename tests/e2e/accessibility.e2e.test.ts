import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchProfile, removeProfile } from './browser';
import { INPUT_GUARD_MS } from '../../src/kiosk/citizen';
import { answerWholeSurvey, tapAnswer } from './citizen';
import { installKioskClock, SIPAS_2023_OPTIONAL_SECTIONS, startCollector, writeKioskSettings, type RunningCollector } from './harness';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core (WCAG 2.x A and AA rules) on the page as it is now; returns the violations. */
async function axeViolations(page: Page): Promise<Array<{ id: string; impact: string | null; targets: string[] }>> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations;
  });
  return (
    violations
      // Deliberate: the issue asks for no pinch-zoom on a shared kiosk (accidental zoom strands the next
      // citizen); text is enlarged with the kiosk's own A+ control up to 175% instead (tested).
      .filter((v) => v.id !== 'meta-viewport')
      .map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }))
  );
}

let collector: RunningCollector;

beforeAll(async () => {
  collector = await startCollector();
});

afterAll(async () => {
  await collector.stop();
  collector.cleanup();
});

describe('accessibility of every citizen screen (axe-core, WCAG 2.1 AA)', { timeout: 120_000 }, () => {
  it('finds no violation on welcome, question, review and thank-you screens, in both themes', async () => {
    const profile = await launchProfile();
    try {
      await installKioskClock(profile.context);
      const page = await profile.context.newPage();
      await page.goto(collector.url);
      await page.getByRole('heading', { name: 'Đánh giá sự hài lòng' }).waitFor();
      await writeKioskSettings(page, { disabledSections: SIPAS_2023_OPTIONAL_SECTIONS });
      await page.reload();
      await page.getByRole('heading', { name: 'Đánh giá sự hài lòng' }).waitFor();
      expect(await axeViolations(page), 'welcome').toEqual([]);

      await page.getByRole('button', { name: 'Bắt đầu đánh giá' }).click();
      await page.locator('main.question[data-accepting="true"]').waitFor();
      expect(await axeViolations(page), 'question').toEqual([]);
      await page.getByRole('button', { name: /Tương phản cao/ }).click();
      expect(await axeViolations(page), 'question, high contrast').toEqual([]);
      await page.getByRole('button', { name: /Tương phản cao/ }).click();

      await answerWholeSurvey(page, { gaveFeedback: false });
      expect(await axeViolations(page), 'review').toEqual([]);
      await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
      await page.getByRole('heading', { name: 'Xin cảm ơn Ông/Bà!' }).waitFor();
      expect(await axeViolations(page), 'thank you').toEqual([]);
    } finally {
      await profile.dispose();
      removeProfile(profile.profileDir);
    }
  });

  it('finds no violation on the skip and required states, the checkpoint and a non-scale extra, in both themes', async () => {
    const profile = await launchProfile();
    /** axe in the normal theme, then in high contrast (switched back after). */
    const inBothThemes = async (page: Page, label: string) => {
      expect(await axeViolations(page), label).toEqual([]);
      await page.getByRole('button', { name: /Tương phản cao/ }).click();
      expect(await axeViolations(page), `${label}, high contrast`).toEqual([]);
      await page.getByRole('button', { name: /Tương phản cao/ }).click();
    };
    try {
      await installKioskClock(profile.context);
      const page = await profile.context.newPage();
      await page.goto(collector.url);
      await page.locator('main.welcome').waitFor();
      await writeKioskSettings(page, { disabledSections: [], agencyName: 'Sở Nội vụ', counterName: 'Quầy số 3' });
      await page.reload();
      await page.locator('main.welcome').waitFor();
      await inBothThemes(page, 'welcome with agency and counter');
      await page.getByRole('button', { name: 'Bắt đầu đánh giá' }).click();
      await page.locator('main.question .next.skip').waitFor();
      await inBothThemes(page, 'scale question, skip state');
      // Skip every optional item up to the required feedback filter.
      while ((await page.locator('main.question .next.unavailable').count()) === 0) {
        await tapAnswer(page, page.locator('main.question .next'), false);
      }
      await inBothThemes(page, 'required question, unanswered');
      // aria-disabled: Playwright's click would wait for it to become enabled; a finger just taps.
      await page.locator('main.question .next').dispatchEvent('click');
      await page.getByRole('alert').waitFor();
      await inBothThemes(page, 'required question, after a tap on the unavailable Next');
      await tapAnswer(page, page.getByRole('radio', { name: 'Không', exact: true }), true);
      await page.locator('main.checkpoint').waitFor();
      await page.clock.runFor(INPUT_GUARD_MS + 100);
      await inBothThemes(page, 'checkpoint');
      await page.locator('main.checkpoint .more').click();
      await page.locator('main.question .answers.choice').waitFor();
      await inBothThemes(page, 'non-scale extra question with send-now');
    } finally {
      await profile.dispose();
      removeProfile(profile.profileDir);
    }
  });
});
