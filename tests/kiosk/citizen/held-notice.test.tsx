// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18nReady, translator } from '../../../src/kiosk/i18n';
import { ADVANCE_DELAY_MS, INPUT_GUARD_MS, KioskApp, loadLanguage } from '../../../src/kiosk/citizen';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { StorageFailure, type NewResponse } from '../../../src/kiosk/storage';
import { miniDefinition } from '../../fixtures/mini-definition';

/* The thank-you screen after Send, by what storage did with the response (issue 9: storage full). */

const START = new Date('2026-11-21T08:00:00.000Z');

function pass(ms: number) {
  act(() => {
    vi.advanceTimersByTime(ms);
  });
}

function tap(name: string | RegExp) {
  pass(INPUT_GUARD_MS);
  fireEvent.click(screen.getByRole('radio', { name }));
  pass(ADVANCE_DELAY_MS);
}

/** A citizen answers mini's core (no feedback given) and presses Send at the checkpoint; storage answers with `save`. */
async function sendWith(save: (response: NewResponse) => Promise<unknown>, language: 'vi' | 'en' = 'vi'): Promise<{ alerts: string[]; stored: () => number }> {
  await i18nReady();
  if (language !== 'vi') await act(() => loadLanguage(miniDefinition, language));
  const alerts: string[] = [];
  let stored = 0;
  render(
    <KioskApp
      definition={miniDefinition}
      settings={{ ...DEFAULT_SETTINGS, languages: [language], agencyCode: 'SNV', counterCode: 'Q1' }}
      appVersion="0.1.0-test"
      saveResponse={save}
      onStaffAlert={(_kind, key) => alerts.push(key)}
      onResponseStored={() => stored++}
    />,
  );
  fireEvent.click(screen.getByRole('button', { name: language === 'vi' ? 'Bắt đầu đánh giá' : 'Start' }));
  const [satisfied, no] = language === 'vi' ? [/Hài lòng$/, 'Không'] : [/Satisfied$/, 'No'];
  for (let i = 0; i < 5; i++) tap(satisfied);
  tap(no);
  pass(INPUT_GUARD_MS);
  fireEvent.click(screen.getByRole('button', { name: language === 'vi' ? 'Gửi đánh giá' : /^Send/ }));
  await act(async () => {
    await Promise.resolve();
    await Promise.resolve();
  });
  return { alerts, stored: () => stored };
}

function heldFailure(): StorageFailure {
  const failure = new StorageFailure('quota', new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
  failure.held = true;
  return failure;
}

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  document.documentElement.removeAttribute('style');
  document.documentElement.className = '';
});

describe('the screen after Send', () => {
  it.each([
    ['vi', 'Cảm ơn Ông/Bà, đánh giá đã được ghi nhận tạm thời'],
    ['en', 'Thank you, your answers have been received for now'],
  ] as const)('in %s, thanks a citizen whose response storage held in memory without ever saying it was saved', async (language, heldHeading) => {
    const { alerts, stored } = await sendWith(async () => Promise.reject(heldFailure()), language);
    const savedHeading = translator(language)('thanks.heading');
    const heading = screen.getByRole('heading', { level: 1 });
    expect(heading.textContent).toBe(heldHeading);
    expect(heldHeading).not.toBe(savedHeading);
    const main = screen.getByRole('main');
    expect(main.textContent).toContain(translator(language)('storageHeld.body'));
    expect(main.textContent).not.toContain(translator(language)('thanks.body'));
    expect(main.classList.contains('storage-held')).toBe(true);
    expect(alerts).toEqual(['storageHeld.alert']);
    expect(stored()).toBe(0); // not stored yet: the outbox is not asked to send it
  });

  it('says "saved" only when storage wrote the response', async () => {
    const { alerts, stored } = await sendWith(async () => undefined);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Xin cảm ơn Ông/Bà!');
    expect(screen.getByRole('main').textContent).toContain('Ý kiến của Ông/Bà đã được ghi nhận.');
    expect(alerts).toEqual([]);
    expect(stored()).toBe(1);
  });

  it('apologises when storage lost the write outright (not held)', async () => {
    await sendWith(async () => Promise.reject(new StorageFailure('unavailable', new Error('gone'))));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Xin lỗi, máy chưa lưu được phiếu');
  });

  it('returns to the welcome screen by itself after the thank-you time', async () => {
    await sendWith(async () => Promise.reject(heldFailure()));
    pass(100); // the screen's timer starts with its effects
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Cảm ơn Ông/Bà, đánh giá đã được ghi nhận tạm thời');
    pass(DEFAULT_SETTINGS.thankYouMs);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Đánh giá sự hài lòng');
  });
});
