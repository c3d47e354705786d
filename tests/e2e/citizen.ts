import type { Locator, Page } from 'playwright-core';
import { ADVANCE_DELAY_MS, INPUT_GUARD_MS } from '../../src/kiosk/citizen';
import { headingText } from './harness';

// A citizen at the kiosk, for the browser tests (apart from the harness: the citizen screens' module
// brings its CSS, which only vitest can load, and the benchmarks use the harness from plain Node).

/**
 * Preact runs effects (the screen's input-guard timer among them) after the next animation frame
 * or its 35 ms fallback timeout; a jump this much longer than the guard covers both.
 */
const EFFECTS_MS = 100;

/**
 * Taps an answer on the question on screen the way a citizen would, once its input guard has
 * passed, and waits for the next screen. Choices that move on by themselves (`advances`) do so after
 * the advance delay, which the clock jumps over. Needs installKioskClock.
 */
export async function tapAnswer(page: Page, answer: Locator, advances: boolean): Promise<void> {
  const question = page.locator('main.question');
  await question.waitFor();
  const heading = await headingText(page);
  await page.clock.runFor(INPUT_GUARD_MS + EFFECTS_MS);
  await page.locator('main.question[data-accepting="true"]').waitFor();
  await answer.click();
  if (advances) await page.clock.runFor(ADVANCE_DELAY_MS);
  await page.waitForFunction((previous) => document.querySelector('h1')?.textContent !== previous, heading);
}

/**
 * Answers every question the way a citizen would, one screen at a time, choosing to answer the extras
 * at the checkpoint, until the review screen takes taps:
 * satisfaction items "4 – Hài lòng", the feedback filter as given, the first option of other single
 * choices, nothing for multiple choice and free text except a comment. Needs installKioskClock.
 */
export async function answerWholeSurvey(page: Page, options: { gaveFeedback: boolean; comment?: string }): Promise<number> {
  let asked = 0;
  for (;;) {
    const review = page.getByRole('heading', { level: 1, name: 'Xem lại câu trả lời' });
    const question = page.locator('main.question');
    const checkpoint = page.locator('main.checkpoint');
    await review.or(question).or(checkpoint).first().waitFor();
    if (await checkpoint.isVisible()) {
      // The whole survey: past the checkpoint into the extras, once its input guard has passed.
      await page.clock.runFor(INPUT_GUARD_MS + EFFECTS_MS);
      await page.locator('main.checkpoint[data-accepting="true"]').waitFor();
      await page.locator('main.checkpoint .more').click();
      continue;
    }
    if (await review.isVisible()) {
      // Returns when the review takes taps (its guard ignores the echo of the last tap).
      await page.clock.runFor(INPUT_GUARD_MS + EFFECTS_MS);
      await page.locator('main.review[data-accepting="true"]').waitFor();
      return asked;
    }
    asked += 1;
    const heading = await headingText(page);
    const radios = page.getByRole('radio');
    if ((await radios.count()) === 5 && (await page.getByRole('radio', { name: /^5\s*Rất hài lòng/ }).count()) === 1) {
      await tapAnswer(page, page.getByRole('radio', { name: /^4\s*Hài lòng/ }), true);
    } else if ((await radios.count()) > 0) {
      const feedbackFilter = await page.getByRole('radio', { name: 'Có', exact: true }).count();
      if (feedbackFilter && /phản ánh/i.test(heading)) {
        await tapAnswer(page, page.getByRole('radio', { name: options.gaveFeedback ? 'Có' : 'Không', exact: true }), true);
      } else {
        await tapAnswer(page, radios.first(), true);
      }
    } else if ((await page.getByRole('textbox').count()) > 0 && options.comment) {
      await page.getByRole('textbox').fill(options.comment);
      await tapAnswer(page, page.getByRole('button', { name: /Tiếp theo/ }), false);
    } else {
      await tapAnswer(page, page.getByRole('button', { name: /Tiếp theo|Bỏ qua câu này/ }), false);
    }
  }
}
