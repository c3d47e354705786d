// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18nReady, loadAppLanguage, translator } from '../../../src/kiosk/i18n';
import { Welcome, WELCOME_ATTRACT_MS } from '../../../src/kiosk/citizen';
import { miniDefinition } from '../../fixtures/mini-definition';

// English is a lazy chunk on the tablet (loaded when a citizen picks it); these screens are rendered in it directly.
beforeAll(() => Promise.all([i18nReady(), loadAppLanguage('en')]));
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function showWelcome(extra: { language?: string; onLanguage?: (l: string) => void; onStart?: () => void; attractAfterMs?: number } = {}) {
  const language = extra.language ?? 'vi';
  render(
    <Welcome
      t={translator(language)}
      definition={miniDefinition}
      agencyName="Sở Nội vụ tỉnh Quảng Ninh"
      counterName="Quầy số 3"
      promise={{ questions: 20, minutes: 4 }}
      languages={['vi', 'en']}
      language={language}
      onLanguage={extra.onLanguage ?? (() => {})}
      onStart={extra.onStart ?? (() => {})}
      attractAfterMs={extra.attractAfterMs}
    />,
  );
}

const main = () => screen.getByRole('main');

describe('the welcome screen', () => {
  it('names the agency and the counter, and promises the computed length', () => {
    showWelcome();
    expect(screen.getByText('Sở Nội vụ tỉnh Quảng Ninh').className).toBe('agency');
    expect(screen.getByText('Quầy số 3').className).toBe('counter');
    expect(screen.getByText('20 câu hỏi, khoảng 4 phút')).toBeTruthy();
    expect(screen.queryByText(/3 phút/)).toBeNull();
  });

  it('promises the length in English too', () => {
    showWelcome({ language: 'en' });
    expect(screen.getByText('20 questions, about 4 min')).toBeTruthy();
  });

  it('offers the languages as a toggle whose pressed state follows the language', () => {
    const onLanguage = vi.fn();
    showWelcome({ onLanguage });
    const group = screen.getByRole('group', { name: 'Chọn ngôn ngữ' });
    const vi_ = screen.getByRole('button', { name: 'Tiếng Việt' });
    const en = screen.getByRole('button', { name: 'English' });
    expect(group.contains(vi_)).toBe(true);
    expect([vi_.getAttribute('aria-pressed'), en.getAttribute('aria-pressed')]).toEqual(['true', 'false']);
    // The toggle never borrows the start button's look.
    expect(vi_.className).toBe('language');
    expect(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }).className).toBe('primary start');
    fireEvent.click(en);
    expect(onLanguage).toHaveBeenCalledWith('en');
  });

  it('focuses its heading on load and keeps the start button in the bottom bar', () => {
    showWelcome();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Đánh giá sự hài lòng' }));
    expect(document.querySelector('.action-bar')?.contains(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }))).toBe(true);
  });

  it(`invites the next citizen after ${WELCOME_ATTRACT_MS / 1000} s alone, and stops at a touch`, () => {
    showWelcome();
    act(() => void vi.advanceTimersByTime(WELCOME_ATTRACT_MS - 1));
    expect(main().dataset.attract).toBe('false');
    act(() => void vi.advanceTimersByTime(1));
    expect(main().dataset.attract).toBe('true');
    act(() => void fireEvent.pointerDown(document.body));
    expect(main().dataset.attract).toBe('false');
    // The wait starts again from the touch.
    act(() => void vi.advanceTimersByTime(WELCOME_ATTRACT_MS - 1));
    expect(main().dataset.attract).toBe('false');
    act(() => void vi.advanceTimersByTime(1));
    expect(main().dataset.attract).toBe('true');
  });

  it('takes its attract delay from the caller', () => {
    showWelcome({ attractAfterMs: 500 });
    act(() => void vi.advanceTimersByTime(500));
    expect(main().dataset.attract).toBe('true');
  });
});
