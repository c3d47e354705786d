// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18nReady } from '../../../src/kiosk/i18n';
import { ADVANCE_DELAY_MS, INPUT_GUARD_MS, KioskApp } from '../../../src/kiosk/citizen';
import { DEFAULT_SETTINGS, type KioskSettings } from '../../../src/shared/settings';
import { definitionSchema } from '../../../src/shared/schemas';
import { estimatePath, extrasAhead, type SurveyDefinition } from '../../../src/shared/survey';
import type { FunnelEvent, NewResponse } from '../../../src/kiosk/storage';
import { miniDefinition } from '../../fixtures/mini-definition';

const START = new Date('2026-11-21T08:00:00.000Z');
const IDLE = { idleTimeoutMs: 30_000, idleWarningMs: 10_000 };
const CHECKPOINT = 'Cảm ơn Ông/Bà đã trả lời phần đánh giá chính!';
const REVIEW = 'Xem lại câu trả lời';
const WELCOME = 'Đánh giá sự hài lòng';

// From the repository root (vitest's working directory): under happy-dom import.meta.url is not a file URL.
const shipped = (name: string): SurveyDefinition =>
  definitionSchema.parse(JSON.parse(readFileSync(join(process.cwd(), 'survey-definitions', `${name}.json`), 'utf8')));
const sipas2023 = shipped('sipas-2023');
const sipas2017 = shipped('sipas-2017');
const extraSections = (definition: SurveyDefinition) => definition.sections.filter((s) => s.part === 'extra').map((s) => s.id);

interface Harness {
  saved: NewResponse[];
  funnel: FunnelEvent[];
}

async function renderKiosk(
  options: { definition?: SurveyDefinition; settings?: Partial<KioskSettings>; saveResponse?: (r: NewResponse) => Promise<unknown> } = {},
): Promise<Harness> {
  await i18nReady();
  const definition = options.definition ?? miniDefinition;
  const saved: NewResponse[] = [];
  const funnel: FunnelEvent[] = [];
  render(
    <KioskApp
      definition={definition}
      settings={{ ...DEFAULT_SETTINGS, agencyName: 'Sở Nội vụ', agencyCode: 'SNV', counterCode: 'Q1', counterName: 'Quầy số 3', ...options.settings }}
      appVersion="0.1.0-test"
      saveResponse={options.saveResponse ?? (async (response) => void saved.push(response))}
      onStaffAlert={() => undefined}
      onFunnel={(event, def) => {
        // Every event names the definition it counts for.
        expect(def).toEqual({ id: definition.id, version: definition.version });
        funnel.push(event);
      }}
    />,
  );
  return { saved, funnel };
}

function pass(ms: number) {
  act(() => {
    vi.advanceTimersByTime(ms);
  });
}

/** Lets a pending save resolve (or reject) and the screens after it render. */
async function settle() {
  await act(async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  });
}

function tap(name: string | RegExp) {
  pass(INPUT_GUARD_MS);
  fireEvent.click(screen.getByRole('radio', { name }));
  pass(ADVANCE_DELAY_MS);
}

/** A deliberate tap on a button, after the new screen's guard time. */
function click(name: string | RegExp) {
  pass(INPUT_GUARD_MS);
  fireEvent.click(screen.getByRole('button', { name }));
}

const heading = () => screen.getByRole('heading', { level: 1 }).textContent;
const start = () => click('Bắt đầu đánh giá');
const onQuestion = () => document.querySelector('main.question') !== null;

/**
 * Answers every core question until the screen is no longer a question: 4 on each satisfaction item
 * (by keyboard), `filter` on the feedback filter question. Calls `onScreen` on each screen first.
 */
function walkCore(filter: 'Có' | 'Không', onScreen: () => void = () => undefined) {
  for (let guard = 0; onQuestion(); guard++) {
    if (guard > 60) throw new Error('the core never ended');
    onScreen();
    if (document.querySelector('.answers.satisfaction')) {
      pass(INPUT_GUARD_MS);
      fireEvent.keyDown(document, { key: '4' });
      pass(ADVANCE_DELAY_MS);
    } else {
      tap(filter);
    }
  }
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

describe('the checkpoint after the core', () => {
  // Hand-counted from the files: scored items asked, the core total (items + PA0), the position of
  // the last core screen (PA0 when component 5 is not asked), the extra questions.
  it.each([
    ['sipas-2023', 'Có', 19, 20, 20, 23, sipas2023],
    ['sipas-2023', 'Không', 16, 20, 17, 23, sipas2023],
    ['sipas-2017', 'Có', 22, 23, 23, 1, sipas2017],
    ['sipas-2017', 'Không', 18, 23, 19, 1, sipas2017],
  ] as const)('%s, feedback "%s": appears after the last core question with the extras counted, and "Gửi đánh giá" stores one response', async (_name, filter, items, coreTotal, lastPosition, extras, definition) => {
    const harness = await renderKiosk({ definition });
    start();
    const positions: number[] = [];
    walkCore(filter, () => {
      const bar = screen.getByRole('progressbar');
      // The core total is fixed from the first screen: a filter answer never moves it.
      expect(bar.getAttribute('aria-valuemax')).toBe(String(coreTotal));
      positions.push(Number(bar.getAttribute('aria-valuenow')));
    });
    expect(positions[0]).toBe(1);
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
    expect(positions.at(-1)).toBe(lastPosition);

    expect(heading()).toBe(CHECKPOINT);
    const { minutes } = extrasAhead(definition, {}, 'vi');
    expect(minutes).toBeGreaterThanOrEqual(1);
    expect(screen.getByRole('button', { name: `Trả lời thêm ${extras} câu (khoảng ${minutes} phút, không bắt buộc)` })).toBeTruthy();
    expect(harness.saved).toHaveLength(0);

    vi.setSystemTime(new Date(START.getTime() + 120_000));
    click('Gửi đánh giá');
    await settle();
    expect(harness.saved).toHaveLength(1);
    const [response] = harness.saved;
    expect(response).toMatchObject({ definitionId: definition.id, status: 'complete', endedBy: 'citizen', durationMs: 120_000 });
    const scored = Object.entries(response.answers).filter(([id]) => id !== 'PA0');
    expect(scored).toHaveLength(items);
    expect(scored.every(([, value]) => value === 4)).toBe(true);
    expect(response.answers.PA0).toBe(filter === 'Có' ? 'yes' : 'no');
    expect(heading()).toBe('Xin cảm ơn Ông/Bà!');
  });

  it('"Trả lời thêm" continues to the first extra question, counted apart from the core', async () => {
    await renderKiosk({ definition: sipas2023 });
    start();
    walkCore('Không');
    click(/^Trả lời thêm 23 câu/);
    expect(heading()).toBe(sipas2023.sections.find((s) => s.id === 'integrity')?.questions[0].text.vi);
    const bar = screen.getByRole('progressbar');
    expect([bar.getAttribute('aria-valuenow'), bar.getAttribute('aria-valuemax')]).toEqual(['1', '23']);
  });

  it('the echo of a double tap on the last question\'s Skip does not send from the checkpoint', async () => {
    const harness = await renderKiosk();
    start();
    for (let i = 0; i < 5; i++) tap(/Bình thường/);
    tap('Có');
    expect(heading()).toBe('Dễ phản ánh');
    const skip = screen.getByRole('button', { name: /Bỏ qua câu này/ });
    fireEvent.click(skip);
    expect(heading()).toBe(CHECKPOINT);
    pass(100);
    // The second tap lands where the checkpoint's Send now is.
    fireEvent.click(screen.getByRole('button', { name: 'Gửi đánh giá' }));
    await settle();
    expect(harness.saved).toHaveLength(0);
    expect(heading()).toBe(CHECKPOINT);
  });

  it('Back from the checkpoint returns to the last core question', async () => {
    await renderKiosk();
    start();
    walkCore('Không');
    click(/Quay lại/);
    expect(heading()).toBe('Ông/Bà có phản ánh, kiến nghị không?');
    tap('Không');
    expect(heading()).toBe(CHECKPOINT);
  });

  it.each([
    ['sipas-2023', sipas2023],
    ['sipas-2017', sipas2017],
    ['mini', miniDefinition],
  ] as const)('%s with every extra switched off: no checkpoint, the review follows and sends one complete response', async (_name, definition) => {
    const harness = await renderKiosk({ definition, settings: { disabledSections: extraSections(definition) } });
    start();
    walkCore('Không');
    expect(heading()).toBe(REVIEW);
    expect(screen.queryByRole('button', { name: /Trả lời thêm/ })).toBeNull();
    click('Gửi đánh giá');
    await settle();
    expect(harness.saved).toHaveLength(1);
    expect(harness.saved[0]).toMatchObject({ status: 'complete', endedBy: 'citizen' });
  });
});

describe('"Gửi ngay" on an extra question', () => {
  it('stores one complete response with the extras answered so far', async () => {
    const harness = await renderKiosk();
    start();
    walkCore('Không');
    click(/^Trả lời thêm 2 câu/);
    expect(heading()).toBe('Kênh ưa thích');
    pass(INPUT_GUARD_MS);
    fireEvent.click(screen.getByRole('checkbox', { name: /Trực tuyến/ }));
    const sendNow = screen.getByRole('button', { name: 'Gửi ngay' });
    fireEvent.click(sendNow);
    fireEvent.click(sendNow); // a second tap while the first is being saved stores nothing more
    await settle();
    expect(harness.saved).toHaveLength(1);
    expect(harness.saved[0]).toMatchObject({ status: 'complete', endedBy: 'citizen', answers: { TC1: 4, TC2: 4, TT1: 4, CC1: 4, KQ1: 4, PA0: 'no', CH1: ['online'] } });
    expect(harness.saved[0].answers).not.toHaveProperty('COMMENT');
    expect(heading()).toBe('Xin cảm ơn Ông/Bà!');
  });

  it('is not offered on core questions', async () => {
    await renderKiosk();
    start();
    expect(screen.queryByRole('button', { name: 'Gửi ngay' })).toBeNull();
  });
});

describe('an idle timeout after the core', () => {
  it.each([
    ['on the checkpoint', (): void => undefined, {}],
    ['during the extras', (): void => {
      click(/^Trả lời thêm/);
      pass(INPUT_GUARD_MS);
      fireEvent.click(screen.getByRole('checkbox', { name: /Trực tiếp/ }));
    }, { CH1: ['direct'] }],
    ['on the review', (): void => click('Xem lại câu trả lời'), {}],
  ] as const)('%s stores exactly one complete response ended by timeout, then leaves nothing of the citizen', async (_where, then, extraAnswers) => {
    const harness = await renderKiosk({ settings: IDLE });
    start();
    walkCore('Có');
    then();
    pass(21_000);
    expect(screen.getByRole('alertdialog').textContent).toMatch(/Các câu trả lời của Ông\/Bà sẽ được gửi đi sau (9|10) giây/);
    pass(10_000);
    await settle();
    expect(harness.saved).toHaveLength(1);
    expect(harness.saved[0]).toMatchObject({
      status: 'complete',
      endedBy: 'timeout',
      answers: { TC1: 4, TC2: 4, TT1: 4, CC1: 4, KQ1: 4, PA0: 'yes', PA1: 4, ...extraAnswers },
    });
    expect(heading()).toBe(WELCOME);
    expect(document.body.textContent).not.toMatch(/Hài lòng|Trực tiếp|Tiếp cận dịch vụ|Cảm ơn Ông\/Bà đã/);

    // Nothing more is stored however long the kiosk then waits, and the next citizen starts clean.
    pass(120_000);
    await settle();
    expect(harness.saved).toHaveLength(1);
    start();
    expect(heading()).toBe('Thông tin dễ hiểu');
    expect(screen.getAllByRole('radio').every((radio) => radio.getAttribute('aria-checked') === 'false')).toBe(true);
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('1');
  });

  it('stores the core even with keep-partial on, as complete (not partial)', async () => {
    const harness = await renderKiosk({ settings: { ...IDLE, abandonedResponse: 'keep-partial' } });
    start();
    walkCore('Không');
    pass(31_000);
    await settle();
    expect(harness.saved.map((r) => [r.status, r.endedBy])).toEqual([['complete', 'timeout']]);
  });
});

describe('an idle timeout before the core is done', () => {
  it.each([
    ['discard', 'Phiếu sẽ được huỷ sau', []],
    ['keep-partial', 'Phiếu sẽ được lưu dở', [['partial', undefined]]],
  ] as const)('follows the %s setting and says so in the warning', async (setting, warning, stored) => {
    const harness = await renderKiosk({ settings: { ...IDLE, abandonedResponse: setting } });
    start();
    tap(/Hài lòng$/);
    tap(/Bình thường/);
    pass(21_000);
    expect(screen.getByRole('alertdialog').textContent).toContain(warning);
    pass(10_000);
    await settle();
    expect(harness.saved.map((r) => [r.status, r.endedBy])).toEqual(stored);
    expect(heading()).toBe(WELCOME);
  });

  it('says the answers will be cleared when keep-partial has nothing to keep', async () => {
    await renderKiosk({ settings: { ...IDLE, abandonedResponse: 'keep-partial' } });
    start();
    pass(21_000);
    expect(screen.getByRole('alertdialog').textContent).toContain('Phiếu sẽ được huỷ sau');
  });
});

describe('the review on request', () => {
  async function toReview(): Promise<Harness> {
    const harness = await renderKiosk();
    start();
    tap(/Hài lòng$/); // TC1 = 4
    click(/Bỏ qua câu này/); // TC2 skipped
    for (let i = 0; i < 3; i++) tap(/Bình thường/);
    tap('Không');
    click('Xem lại câu trả lời');
    expect(heading()).toBe(REVIEW);
    return harness;
  }

  it('groups the scored items by component with faces and labels, marks skipped ones, and folds the extras away', async () => {
    await toReview();
    const groups = [...document.querySelectorAll('main.review h2')].map((h) => h.textContent);
    expect(groups).toEqual(['Phần 1 · Tiếp cận dịch vụ', 'Phần 2 · Thủ tục hành chính', 'Phần 3 · Công chức', 'Phần 4 · Kết quả', 'Phản ánh, kiến nghị', 'Thông tin thêm']);
    const tc1 = screen.getByRole('button', { name: /Thông tin dễ hiểu/ });
    expect(tc1.textContent).toContain('4 – Hài lòng');
    expect(tc1.querySelector('svg.face')).not.toBeNull();
    const tc2 = screen.getByRole('button', { name: /Trụ sở sạch sẽ/ });
    expect(tc2.textContent).toContain('Bỏ qua');
    expect(tc2.querySelector('svg.face')).toBeNull();
    const extras = document.querySelector('details.review-extras') as HTMLDetailsElement;
    expect(extras.open).toBe(false);
    expect(extras.querySelector('summary')?.textContent).toBe('Câu hỏi thêm (2 câu)');
    expect(extras.textContent).toContain('Kênh ưa thích');
  });

  it('keeps Send in the action bar', async () => {
    await toReview();
    const bar = document.querySelector('main.review .action-bar');
    expect(bar?.querySelector('button.submit')?.textContent).toBe('Gửi đánh giá');
  });

  it('an edit returns straight to the review, and Send stores the edited answer', async () => {
    const harness = await toReview();
    click(/Trụ sở sạch sẽ/);
    expect(heading()).toBe('Trụ sở sạch sẽ');
    tap(/Rất hài lòng/);
    expect(heading()).toBe(REVIEW);
    expect(screen.getByRole('button', { name: /Trụ sở sạch sẽ/ }).textContent).toContain('5 – Rất hài lòng');
    // Back from an edit leaves the answer as it was and returns to the review too.
    click(/Thông tin dễ hiểu/);
    click(/Quay lại/);
    expect(heading()).toBe(REVIEW);
    click('Gửi đánh giá');
    await settle();
    expect(harness.saved).toHaveLength(1);
    expect(harness.saved[0].answers).toMatchObject({ TC1: 4, TC2: 5 });
  });

  it('an edit that opens a required question asks it before returning to the review', async () => {
    // A copy of mini whose component 5 opens a required single choice.
    const definition: SurveyDefinition = {
      ...miniDefinition,
      sections: miniDefinition.sections.map((section) =>
        section.id === 'feedback'
          ? { ...section, questions: [...section.questions, { id: 'PA9', kind: 'single', required: true, text: { vi: 'Đã được trả lời chưa?', en: 'Answered?' }, options: [{ code: 'y', label: { vi: 'Rồi', en: 'Yes' } }, { code: 'n', label: { vi: 'Chưa', en: 'No' } }] }] }
          : section,
      ),
    };
    const harness = await renderKiosk({ definition });
    start();
    walkCore('Không');
    click('Xem lại câu trả lời');
    click(/Ông\/Bà có phản ánh/);
    tap('Có');
    expect(heading()).toBe('Đã được trả lời chưa?');
    tap('Rồi');
    expect(heading()).toBe(REVIEW);
    click('Gửi đánh giá');
    await settle();
    expect(harness.saved[0].answers).toMatchObject({ PA0: 'yes', PA9: 'y' });
  });

  it('Back from the review returns to the checkpoint it was opened from', async () => {
    await toReview();
    click(/Quay lại/);
    expect(heading()).toBe(CHECKPOINT);
  });
});

describe('the welcome promise', () => {
  it.each([
    ['sipas-2023', 20, sipas2023],
    ['sipas-2017', 23, sipas2017],
  ] as const)('%s: promises its %i core questions and the minutes computed from the definition', async (_name, questions, definition) => {
    await renderKiosk({ definition });
    const minutes = Math.ceil(estimatePath(definition, 'vi').core.seconds / 60);
    expect(minutes).toBeGreaterThanOrEqual(1);
    expect(screen.getByText(`${questions} câu hỏi, khoảng ${minutes} phút`)).toBeTruthy();
    expect(screen.getByText('Quầy số 3')).toBeTruthy();
  });
});

describe('drop-off counting (onFunnel)', () => {
  it('counts started, then completed by the citizen, once each', async () => {
    const harness = await renderKiosk();
    start();
    expect(harness.funnel).toEqual([{ kind: 'started' }]);
    walkCore('Không');
    pass(INPUT_GUARD_MS);
    const send = screen.getByRole('button', { name: 'Gửi đánh giá' });
    fireEvent.click(send);
    fireEvent.click(send);
    await settle();
    expect(harness.funnel).toEqual([{ kind: 'started' }, { kind: 'completed', endedBy: 'citizen' }]);
  });

  it('counts a timeout after the core as completed by timeout, once', async () => {
    const harness = await renderKiosk({ settings: IDLE });
    start();
    walkCore('Không');
    pass(31_000);
    await settle();
    pass(60_000);
    await settle();
    expect(harness.funnel).toEqual([{ kind: 'started' }, { kind: 'completed', endedBy: 'timeout' }]);
  });

  it.each(['discard', 'keep-partial'] as const)('with %s, counts a timeout before the core as abandoned at the furthest question reached', async (setting) => {
    const harness = await renderKiosk({ settings: { ...IDLE, abandonedResponse: setting } });
    start();
    tap(/Hài lòng$/); // TC1
    tap(/Hài lòng$/); // TC2
    click(/Quay lại/); // back to TC2
    click(/Quay lại/); // back to TC1: the furthest reached is still TT1
    pass(31_000);
    await settle();
    expect(harness.funnel).toEqual([{ kind: 'started' }, { kind: 'abandoned', lastQuestionId: 'TT1' }]);
  });

  it('counts no completion when the response could not be stored', async () => {
    const harness = await renderKiosk({ saveResponse: async () => Promise.reject(Object.assign(new Error('quota'), { kind: 'quota' })) });
    start();
    walkCore('Không');
    click('Gửi đánh giá');
    await settle();
    expect(heading()).toBe('Xin lỗi, máy chưa lưu được phiếu');
    expect(harness.funnel).toEqual([{ kind: 'started' }]);
  });
});
