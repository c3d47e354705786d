// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18nReady } from '../../../src/kiosk/i18n';
import { ADVANCE_DELAY_MS, INPUT_GUARD_MS, KioskApp, loadLanguage } from '../../../src/kiosk/citizen';
import { DEFAULT_SETTINGS, type KioskSettings } from '../../../src/shared/settings';
import type { NewResponse } from '../../../src/kiosk/storage';
import { miniDefinition } from '../../fixtures/mini-definition';

const START = new Date('2026-11-21T08:00:00.000Z');

interface Harness {
  saved: NewResponse[];
  alerts: string[];
  storedCount: () => number;
  /** How many times the welcome screen offered to apply a waiting update. */
  welcomes: () => number;
}

async function renderKiosk(settings: Partial<KioskSettings> = {}, saveResponse?: (r: NewResponse) => Promise<unknown>): Promise<Harness> {
  await i18nReady();
  const saved: NewResponse[] = [];
  const alerts: string[] = [];
  let stored = 0;
  let welcomes = 0;
  render(
    <KioskApp
      definition={miniDefinition}
      settings={{ ...DEFAULT_SETTINGS, agencyName: 'Sở Nội vụ', agencyCode: 'SNV', counterCode: 'Q1', ...settings }}
      appVersion="0.1.0-test"
      saveResponse={
        saveResponse ??
        (async (response) => {
          saved.push(response);
        })
      }
      onStaffAlert={(_kind, key) => alerts.push(key)}
      onResponseStored={() => stored++}
      onWelcome={() => welcomes++}
    />,
  );
  return { saved, alerts, storedCount: () => stored, welcomes: () => welcomes };
}

/** Lets time pass inside Preact's act so timers and re-renders settle. */
function pass(ms: number) {
  act(() => {
    vi.advanceTimersByTime(ms);
  });
}

/** A citizen's deliberate tap: after the new screen's guard time, then the short advance delay. */
function tap(name: string | RegExp) {
  pass(INPUT_GUARD_MS);
  fireEvent.click(screen.getByRole('radio', { name }));
  pass(ADVANCE_DELAY_MS);
}

function heading() {
  return screen.getByRole('heading', { level: 1 });
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

describe('the citizen flow', () => {
  it('goes from welcome through the core, the checkpoint and every extra to the review, stores one response, thanks, and returns', async () => {
    const harness = await renderKiosk();
    expect(heading().textContent).toBe('Đánh giá sự hài lòng');
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));

    expect(heading().textContent).toBe('Thông tin dễ hiểu');
    expect(document.activeElement).toBe(heading());
    expect(screen.getByText(/Phần 1 · Tiếp cận dịch vụ/)).toBeTruthy();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('1');
    // Number shown with the label on every satisfaction answer.
    expect(screen.getByRole('radio', { name: /5\s*Rất hài lòng/ })).toBeTruthy();

    tap(/Hài lòng$/); // TC1 = 4
    expect(heading().textContent).toBe('Trụ sở sạch sẽ');
    expect(document.activeElement).toBe(heading());
    tap(/Rất hài lòng/); // TC2 = 5
    tap(/Bình thường/); // TT1 = 3
    tap(/Không hài lòng$/); // CC1 = 2
    tap(/Rất không hài lòng/); // KQ1 = 1
    tap('Có'); // PA0 = yes → component 5 is asked
    expect(heading().textContent).toBe('Dễ phản ánh');
    tap(/Rất hài lòng/); // PA1 = 5: the last core question

    expect(heading().textContent).toBe('Cảm ơn Ông/Bà đã trả lời phần đánh giá chính!');
    pass(INPUT_GUARD_MS);
    fireEvent.click(screen.getByRole('button', { name: /^Trả lời thêm 2 câu/ }));

    // Multiple choice: toggles, then Next.
    pass(INPUT_GUARD_MS);
    fireEvent.click(screen.getByRole('checkbox', { name: /Trực tuyến/ }));
    expect(screen.getByRole('checkbox', { name: /Trực tuyến/ }).getAttribute('aria-checked')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: /Tiếp theo/ }));

    // Free text with a limit, then Next.
    const box = screen.getByRole('textbox', { name: 'Ý kiến khác' }) as HTMLTextAreaElement;
    expect(box.maxLength).toBe(200);
    fireEvent.input(box, { target: { value: 'Cần thêm ghế, "nhanh" hơn' } });
    fireEvent.click(screen.getByRole('button', { name: /Tiếp theo/ }));

    expect(heading().textContent).toBe('Xem lại câu trả lời');
    pass(INPUT_GUARD_MS);
    vi.setSystemTime(new Date(START.getTime() + 95_000));
    fireEvent.click(screen.getByRole('button', { name: 'Gửi đánh giá' }));
    await act(async () => {
      await Promise.resolve();
    });

    expect(harness.saved).toHaveLength(1);
    const response = harness.saved[0];
    expect(response).toMatchObject({
      definitionId: 'mini',
      definitionVersion: 3,
      locale: 'vi',
      status: 'complete',
      endedBy: 'citizen',
      agencyCode: 'SNV',
      counterCode: 'Q1',
      appVersion: '0.1.0-test',
      startedAt: START.toISOString(),
      durationMs: expect.any(Number),
    });
    expect(response.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.answers).toEqual({ TC1: 4, TC2: 5, TT1: 3, CC1: 2, KQ1: 1, PA0: 'yes', PA1: 5, CH1: ['online'], COMMENT: 'Cần thêm ghế, "nhanh" hơn' });
    // Every section on: the response says nothing was switched off (issue 11).
    expect('sectionsOff' in response).toBe(false);
    expect(harness.storedCount()).toBe(1);

    expect(heading().textContent).toBe('Xin cảm ơn Ông/Bà!');
    pass(DEFAULT_SETTINGS.thankYouMs);
    expect(heading().textContent).toBe('Đánh giá sự hài lòng');
  });

  it('skips component 5 when the citizen gave no feedback, and never defaults skipped items', async () => {
    const harness = await renderKiosk();
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    tap(/Hài lòng$/);
    // Skip TC2: an optional item offers "skip", and nothing is recorded for it.
    fireEvent.click(screen.getByRole('button', { name: /Bỏ qua câu này/ }));
    tap(/Hài lòng$/);
    tap(/Hài lòng$/);
    tap(/Hài lòng$/);
    tap('Không');
    pass(INPUT_GUARD_MS);
    fireEvent.click(screen.getByRole('button', { name: /^Trả lời thêm/ }));
    expect(heading().textContent).toBe('Kênh ưa thích');
    fireEvent.click(screen.getByRole('button', { name: /Bỏ qua câu này/ }));
    fireEvent.click(screen.getByRole('button', { name: /Bỏ qua câu này/ }));
    expect(heading().textContent).toBe('Xem lại câu trả lời');
    pass(INPUT_GUARD_MS);
    fireEvent.click(screen.getByRole('button', { name: 'Gửi đánh giá' }));
    await act(async () => {
      await Promise.resolve();
    });
    expect(harness.saved[0].answers).toEqual({ TC1: 4, TT1: 4, CC1: 4, KQ1: 4, PA0: 'no' });
  });

  it('does not let a required question be left unanswered', async () => {
    await renderKiosk();
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    for (let i = 0; i < 5; i++) tap(/Bình thường/);
    expect(heading().textContent).toBe('Ông/Bà có phản ánh, kiến nghị không?');
    fireEvent.click(screen.getByRole('button', { name: /Tiếp theo/ }));
    expect(screen.getByRole('alert').textContent).toBe('Xin vui lòng chọn một câu trả lời để tiếp tục.');
    expect(heading().textContent).toBe('Ông/Bà có phản ánh, kiến nghị không?');
  });

  it('changing an earlier answer drops answers that are no longer asked', async () => {
    const harness = await renderKiosk();
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    for (let i = 0; i < 5; i++) tap(/Bình thường/);
    tap('Có');
    tap(/Hài lòng$/); // PA1
    // From the checkpoint back to PA1, then back to the filter question.
    pass(INPUT_GUARD_MS);
    fireEvent.click(screen.getByRole('button', { name: /Quay lại/ }));
    fireEvent.click(screen.getByRole('button', { name: /Quay lại/ }));
    expect(heading().textContent).toBe('Ông/Bà có phản ánh, kiến nghị không?');
    tap('Không');
    expect(heading().textContent).toBe('Cảm ơn Ông/Bà đã trả lời phần đánh giá chính!');
    pass(INPUT_GUARD_MS);
    fireEvent.click(screen.getByRole('button', { name: 'Gửi đánh giá' }));
    await act(async () => {
      await Promise.resolve();
    });
    expect(harness.saved[0].answers).not.toHaveProperty('PA1');
    expect(harness.saved[0].answers.PA0).toBe('no');
  });

  it('offers English and keeps the chosen language for the whole survey', async () => {
    const harness = await renderKiosk();
    fireEvent.click(screen.getByRole('button', { name: 'English' }));
    // English is a lazy chunk: the screen stays Vietnamese until it is in, then switches whole.
    expect(heading().textContent).not.toBe('Rate our service');
    await act(() => loadLanguage(miniDefinition, 'en'));
    expect(heading().textContent).toBe('Rate our service');
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    expect(heading().textContent).toBe('Information is clear');
    expect(screen.getByText(/Part 1 · Access/)).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
    tap(/^4\s*Satisfied/);
    expect(harness.saved).toHaveLength(0);
  });
});

describe('app updates', () => {
  it('are offered only on the welcome screen, never in the middle of a survey', async () => {
    const harness = await renderKiosk({ idleTimeoutMs: 30_000, idleWarningMs: 10_000 });
    expect(harness.welcomes()).toBe(1);
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    tap(/Hài lòng$/);
    tap(/Bình thường/);
    pass(20_000);
    expect(harness.welcomes()).toBe(1);
    pass(11_000); // idle reset → welcome
    expect(heading().textContent).toBe('Đánh giá sự hài lòng');
    expect(harness.welcomes()).toBe(2);
  });
});

describe('double taps', () => {
  it('records a double tap on an answer once and does not answer the next question', async () => {
    const harness = await renderKiosk();
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    pass(INPUT_GUARD_MS);
    const satisfied = screen.getByRole('radio', { name: /Hài lòng$/ });
    fireEvent.click(satisfied);
    fireEvent.click(satisfied);
    pass(ADVANCE_DELAY_MS);
    // The second tap of the pair lands where the next question's button now is.
    fireEvent.click(screen.getByRole('radio', { name: /Hài lòng$/ }));
    pass(ADVANCE_DELAY_MS);
    expect(heading().textContent).toBe('Trụ sở sạch sẽ');
    expect(screen.getByRole('radio', { name: /Hài lòng$/ }).getAttribute('aria-checked')).toBe('false');
    expect(harness.saved).toHaveLength(0);
  });

  it('stores once when "send" is tapped twice', async () => {
    let release!: () => void;
    const saved: NewResponse[] = [];
    await renderKiosk({}, (response) => {
      saved.push(response);
      return new Promise<void>((resolve) => (release = resolve));
    });
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    for (let i = 0; i < 5; i++) tap(/Bình thường/);
    tap('Không');
    pass(INPUT_GUARD_MS);
    const send = screen.getByRole('button', { name: 'Gửi đánh giá' }); // the checkpoint's
    fireEvent.click(send);
    fireEvent.click(send);
    await act(async () => {
      release();
      await Promise.resolve();
    });
    expect(saved).toHaveLength(1);
  });
});

describe('idle reset', () => {
  it('warns with a countdown, then returns to welcome leaving nothing of the citizen behind', async () => {
    const harness = await renderKiosk({ idleTimeoutMs: 60_000, idleWarningMs: 15_000 });
    const historyLength = history.length;
    const url = location.href;
    fireEvent.click(screen.getByRole('button', { name: 'English' }));
    await act(() => loadLanguage(miniDefinition, 'en'));
    fireEvent.click(screen.getByRole('button', { name: /Larger text/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    tap(/^4\s*Satisfied/);
    pass(INPUT_GUARD_MS);
    fireEvent.click(screen.getByRole('radio', { name: /^2\s*Dissatisfied/ }));
    pass(ADVANCE_DELAY_MS);

    pass(44_000);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    pass(1_500);
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toMatch(/cleared in 1[45] seconds/);
    pass(15_000);

    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(heading().textContent).toBe('Đánh giá sự hài lòng');
    expect(harness.saved).toHaveLength(0);
    expect(document.body.textContent).not.toMatch(/Information is clear|Dissatisfied|Satisfied/);
    expect(document.documentElement.style.fontSize).toBe('100%');
    expect(document.documentElement.lang).toBe('vi');
    expect(history.length).toBe(historyLength);
    expect(location.href).toBe(url);

    // The next citizen starts from a clean first question.
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    expect(heading().textContent).toBe('Thông tin dễ hiểu');
    expect(screen.getAllByRole('radio').every((radio) => radio.getAttribute('aria-checked') === 'false')).toBe(true);
  });

  it('a touch during the countdown keeps the survey going', async () => {
    await renderKiosk({ idleTimeoutMs: 30_000, idleWarningMs: 10_000 });
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    tap(/Hài lòng$/);
    pass(21_000);
    fireEvent.click(screen.getByRole('button', { name: 'Tôi vẫn đang trả lời' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    pass(15_000);
    expect(heading().textContent).toBe('Trụ sở sạch sẽ');
  });

  it('keeps an abandoned response as partial when the setting says so', async () => {
    const harness = await renderKiosk({ idleTimeoutMs: 30_000, idleWarningMs: 10_000, abandonedResponse: 'keep-partial' });
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    tap(/Hài lòng$/);
    tap(/Bình thường/);
    pass(31_000);
    await act(async () => {
      await Promise.resolve();
    });
    expect(harness.saved).toHaveLength(1);
    expect(harness.saved[0]).toMatchObject({ status: 'partial', answers: { TC1: 4, TC2: 3 } });
    expect(heading().textContent).toBe('Đánh giá sự hài lòng');
  });
});

describe('accessibility and keyboard', () => {
  it('is fully operable from the keyboard: number keys answer a satisfaction item', async () => {
    await renderKiosk();
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    pass(INPUT_GUARD_MS);
    fireEvent.keyDown(document, { key: '5' });
    expect(screen.getByRole('radio', { name: /Rất hài lòng/ }).getAttribute('aria-checked')).toBe('true');
    pass(ADVANCE_DELAY_MS);
    expect(heading().textContent).toBe('Trụ sở sạch sẽ');
    expect(document.activeElement).toBe(heading());
  });

  it('enlarges text and switches to high contrast from the toolbar', async () => {
    await renderKiosk();
    const toolbar = screen.getByRole('toolbar', { name: 'Hỗ trợ đọc' });
    expect(toolbar).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Chữ to hơn/ }));
    fireEvent.click(screen.getByRole('button', { name: /Chữ to hơn/ }));
    expect(document.documentElement.style.fontSize).toBe('150%');
    fireEvent.click(screen.getByRole('button', { name: /Tương phản cao/ }));
    expect(document.documentElement.classList.contains('high-contrast')).toBe(true);
  });

  it('hides read-aloud when the device has no voice for the language', async () => {
    await renderKiosk();
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    expect(screen.queryByRole('button', { name: /Đọc to câu hỏi/ })).toBeNull();
  });
});

describe('storage failure', () => {
  it('shows the citizen a gentle message and raises a staff alert', async () => {
    const failure = Object.assign(new Error('quota'), { kind: 'quota' });
    const harness = await renderKiosk({}, async () => {
      throw failure;
    });
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    for (let i = 0; i < 5; i++) tap(/Bình thường/);
    tap('Không');
    pass(INPUT_GUARD_MS);
    fireEvent.click(screen.getByRole('button', { name: 'Gửi đánh giá' }));
    await act(async () => {
      await Promise.resolve();
    });
    expect(heading().textContent).toBe('Xin lỗi, máy chưa lưu được phiếu');
    expect(harness.alerts).toEqual(['alerts.storageQuota']);
    expect(harness.storedCount()).toBe(0);
  });
});

describe('the sections switched off on the tablet (issue 11)', () => {
  it('records on the response the optional sections of its definition that were switched off', async () => {
    // "access" is a scored component and "gone" is not in the definition: neither can be switched off.
    const harness = await renderKiosk({ disabledSections: ['gone', 'extra', 'access'] });
    fireEvent.click(screen.getByRole('button', { name: 'Bắt đầu đánh giá' }));
    tap(/Hài lòng$/); // TC1
    tap(/Hài lòng$/); // TC2
    tap(/Hài lòng$/); // TT1
    tap(/Hài lòng$/); // CC1
    tap(/Hài lòng$/); // KQ1
    tap('Không'); // PA0 = no: component 5 not asked, and the extras are off
    expect(heading().textContent).toBe('Xem lại câu trả lời');
    pass(INPUT_GUARD_MS);
    fireEvent.click(screen.getByRole('button', { name: 'Gửi đánh giá' }));
    await act(async () => {
      await Promise.resolve();
    });
    expect(harness.saved).toHaveLength(1);
    expect(harness.saved[0]).toMatchObject({ status: 'complete', sectionsOff: ['extra'], answers: { TC1: 4, TC2: 4, TT1: 4, CC1: 4, KQ1: 4, PA0: 'no' } });
  });
});
