// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { i18nReady, loadAppLanguage, translator } from '../../../src/kiosk/i18n';
import { QuestionScreen } from '../../../src/kiosk/citizen';
import { findQuestion, type PathProgress } from '../../../src/shared/survey';
import type { AnswerValue } from '../../../src/shared/schemas';
import { miniDefinition } from '../../fixtures/mini-definition';

// English is a lazy chunk on the tablet (loaded when a citizen picks it); these screens are rendered in it directly.
beforeAll(() => Promise.all([i18nReady(), loadAppLanguage('en')]));
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const CORE: PathProgress = { part: 'core', index: 5, total: 20 };

function show(questionId: string, extra: { value?: AnswerValue; progress?: PathProgress; onSendNow?: () => void; onNext?: () => void; language?: string } = {}) {
  const ref = findQuestion(miniDefinition, questionId)!;
  const language = extra.language ?? 'vi';
  return render(
    <QuestionScreen
      t={translator(language)}
      definition={miniDefinition}
      section={ref.section}
      question={ref.question}
      value={extra.value}
      language={language}
      progress={extra.progress ?? CORE}
      canGoBack
      onAnswer={() => {}}
      onNext={extra.onNext ?? (() => {})}
      onBack={() => {}}
      onSendNow={extra.onSendNow}
    />,
  );
}

const forward = () => screen.getByRole('button', { name: /Tiếp theo|Bỏ qua/ });

describe('the forward button explains itself', () => {
  it.each([
    // question, value, visible text, class, aria-disabled
    ['TC1', undefined, 'Bỏ qua →', 'secondary next skip', null],
    ['TC1', 4, 'Tiếp theo →', 'primary next', null],
    ['PA0', undefined, 'Tiếp theo →', 'secondary next unavailable', 'true'],
    ['PA0', 'no', 'Tiếp theo →', 'primary next', null],
  ] as const)('on %s answered with %s reads %j', (questionId, value, text, className, ariaDisabled) => {
    show(questionId, { value });
    const button = forward();
    expect(button.textContent).toBe(text);
    expect(button.className).toBe(className);
    expect(button.getAttribute('aria-disabled')).toBe(ariaDisabled);
    // Never the native disabled state: a greyed control is what "skip" must not look like, and an
    // unavailable Next stays focusable so its reason is read.
    expect((button as HTMLButtonElement).disabled).toBe(false);
  });

  it('names an optional skip in full for screen readers, starting with the visible words', () => {
    show('TC1');
    expect(forward().getAttribute('aria-label')).toBe('Bỏ qua câu này');
  });

  it('shows the reason beside an unavailable Next and links it as the description', () => {
    show('PA0');
    const reason = screen.getByText('Vui lòng chọn một câu trả lời');
    expect(forward().getAttribute('aria-describedby')).toBe(reason.id);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('does not move on from an unanswered required question, and says why as an alert', () => {
    const onNext = vi.fn();
    show('PA0', { onNext });
    fireEvent.click(forward());
    expect(onNext).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('Xin vui lòng chọn một câu trả lời để tiếp tục.');
  });

  it('skips an optional question with one tap', () => {
    const onNext = vi.fn();
    show('TC1', { onNext });
    fireEvent.click(forward());
    expect(onNext).toHaveBeenCalledTimes(1);
  });
});

describe('faces and colours on the scale', () => {
  it('shows a face, the number and the official label on each of the five tiles', () => {
    show('TC1');
    const radios = screen.getAllByRole('radio');
    expect(radios).toHaveLength(5);
    radios.forEach((radio, i) => {
      expect(radio.classList.contains(`level-${i + 1}`)).toBe(true);
      const face = radio.querySelector('svg.face');
      expect(face?.getAttribute('aria-hidden')).toBe('true');
      expect(radio.querySelector('.code')?.textContent).toBe(String(i + 1));
    });
    expect(radios.map((r) => r.textContent)).toEqual(['1Rất không hài lòng', '2Không hài lòng', '3Bình thường', '4Hài lòng', '5Rất hài lòng']);
  });

  it('draws five different faces, frowning at 1 and smiling at 5', () => {
    show('TC1');
    const mouths = screen.getAllByRole('radio').map((radio) => radio.querySelector('svg.face path')!.getAttribute('d')!);
    expect(new Set(mouths).size).toBe(5);
    // "M x y Q cx cy x y": the control point below the corners is a smile (SVG y grows downward).
    const bend = (d: string) => {
      const [, y0, , cy] = d.match(/[\d.]+/g)!.map(Number);
      return cy - y0;
    };
    expect(bend(mouths[0])).toBeLessThan(0);
    expect(bend(mouths[2])).toBe(0);
    expect(bend(mouths[4])).toBeGreaterThan(0);
  });

  it('keeps "hài lòng" together in labels of three words or more', () => {
    show('TC1');
    const kept = screen.getAllByRole('radio').map((radio) => radio.querySelector('.keep')?.textContent ?? null);
    expect(kept).toEqual(['hài lòng', 'hài lòng', null, null, 'hài lòng']);
  });

  it('keeps plain buttons, without faces, for other questions', () => {
    show('PA0');
    expect(screen.getAllByRole('radio')).toHaveLength(2);
    expect(document.querySelector('svg')).toBeNull();
  });
});

describe('progress', () => {
  it.each([
    [{ part: 'core', index: 5, total: 20 }, 'vi', 'Câu 5 / 20'],
    [{ part: 'extra', index: 2, total: 21 }, 'vi', 'Câu thêm 2 / 21'],
    [{ part: 'extra', index: 2, total: 21 }, 'en', 'Extra question 2 of 21'],
  ] as const)('shows %o in %s as %j', (progress, language, text) => {
    show('TC1', { progress, language });
    const bar = screen.getByRole('progressbar');
    expect(bar.getAttribute('aria-valuetext')).toBe(text);
    expect(bar.getAttribute('aria-valuenow')).toBe(String(progress.index));
    expect(bar.getAttribute('aria-valuemax')).toBe(String(progress.total));
    expect(document.querySelector('.progress-text')?.textContent).toBe(text);
  });
});

describe('a new screen', () => {
  it('opens at the top with focus on its heading, without scrolling to it', () => {
    const scrollTo = vi.spyOn(window, 'scrollTo').mockImplementation(() => {});
    const focus = vi.spyOn(HTMLElement.prototype, 'focus');
    show('TC1');
    expect(scrollTo).toHaveBeenCalledWith(0, 0);
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
    expect(focus).toHaveBeenCalledWith({ preventScroll: true });
  });

  it('offers "Gửi ngay" only when the caller gives a way to send now', () => {
    show('CH1', { progress: { part: 'extra', index: 1, total: 2 } });
    expect(screen.queryByRole('button', { name: 'Gửi ngay' })).toBeNull();
    cleanup();
    const onSendNow = vi.fn();
    show('CH1', { progress: { part: 'extra', index: 1, total: 2 }, onSendNow });
    fireEvent.click(screen.getByRole('button', { name: 'Gửi ngay' }));
    expect(onSendNow).toHaveBeenCalledTimes(1);
  });

  it('keeps Back and the forward button together in the bottom bar', () => {
    show('TC1');
    const bar = document.querySelector('.action-bar')!;
    expect(bar.contains(screen.getByRole('button', { name: /Quay lại/ }))).toBe(true);
    expect(bar.contains(forward())).toBe(true);
  });
});
