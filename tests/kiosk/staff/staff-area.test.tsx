// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StaffArea, STAFF_IDLE_MS, STAFF_PIN_KEY, setStaffPin, type StaffSync, readStaffPin } from '../../../src/kiosk/staff';
import { i18nReady } from '../../../src/kiosk/i18n';
import { DEFAULT_SETTINGS, type KioskSettings } from '../../../src/shared/settings';
import { applyDeliveryOutcomes, listResponses, openKioskDb, raiseStaffAlert, readMeta, saveSettings, writeMeta } from '../../../src/kiosk/storage';
import type { DrainStatus } from '../../../src/kiosk/outbox';
import { miniDefinition } from '../../fixtures/mini-definition';
import { freshDatabase, simulateReload, storeInStates } from './helpers';

const FAST_ITERATIONS = 1000;
const PIN = '2468';

interface Harness {
  closed: () => number;
  saved: KioskSettings[];
  files: Array<{ name: string; blob: Blob }>;
  drains: string[];
  setClock: (iso: string) => void;
  advanceClock: (ms: number) => void;
  unmount: () => void;
}

let clock = Date.parse('2026-11-21T12:00:00.000Z');
let status: DrainStatus;

function renderArea(options: { idleMs?: number; onDrain?: () => Promise<void>; waiting?: boolean } = {}): Harness {
  let closed = 0;
  const saved: KioskSettings[] = [];
  const files: Array<{ name: string; blob: Blob }> = [];
  const drains: string[] = [];
  const sync: StaffSync = {
    requestDrain: async (reason) => {
      drains.push(reason);
      await options.onDrain?.();
    },
    status: () => status,
  };
  const { unmount } = render(
    <StaffArea
      definitions={[miniDefinition]}
      activeDefinition={miniDefinition}
      sync={sync}
      updates={{ isWaiting: () => options.waiting ?? false }}
      onClose={() => closed++}
      onSettingsSaved={(settings) => saved.push(settings)}
      now={() => new Date(clock)}
      idleMs={options.idleMs}
      pinIterations={FAST_ITERATIONS}
      saveFile={(file) => files.push(file)}
    />,
  );
  return {
    closed: () => closed,
    saved,
    files,
    drains,
    setClock: (iso) => (clock = Date.parse(iso)),
    advanceClock: (ms) => (clock += ms),
    unmount,
  };
}

function type(label: string | RegExp, value: string) {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

async function heading(name: string | RegExp) {
  const found = await screen.findByRole('heading', { level: 1, name });
  return found;
}

async function unlock(pin = PIN) {
  await heading('Nhập mã PIN cán bộ');
  type('Mã PIN', pin);
  fireEvent.click(screen.getByRole('button', { name: 'Mở khu vực cán bộ' }));
}

beforeEach(async () => {
  await i18nReady();
  freshDatabase();
  clock = Date.parse('2026-11-21T12:00:00.000Z');
  status = { state: 'idle', lastSuccessAt: null, lastAttemptAt: null, lastError: null, consecutiveFailures: 0, nextRetryAt: null };
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('first run', () => {
  it('asks for a new PIN twice, stores only its hash, then opens the setup', async () => {
    renderArea();
    const title = await heading('Tạo mã PIN cán bộ');
    expect(document.activeElement).toBe(title);
    type('Mã PIN mới', PIN);
    type('Nhập lại mã PIN mới', PIN);
    fireEvent.click(screen.getByRole('button', { name: 'Lưu mã PIN' }));
    await heading('Cài đặt máy');
    const db = await openKioskDb();
    const everything = JSON.stringify(await Promise.all((await db.getAllKeys('meta')).map((key) => db.get('meta', key))));
    expect(everything).not.toContain(PIN);
    expect(await readStaffPin()).toMatchObject({ algorithm: 'PBKDF2-SHA-256', iterations: FAST_ITERATIONS });
  });

  it('refuses two different PINs and a PIN that is too short, storing nothing', async () => {
    renderArea();
    await heading('Tạo mã PIN cán bộ');
    type('Mã PIN mới', '123');
    type('Nhập lại mã PIN mới', '123');
    fireEvent.click(screen.getByRole('button', { name: 'Lưu mã PIN' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Mã PIN gồm từ 4 đến 8 chữ số.');
    type('Mã PIN mới', '1234');
    type('Nhập lại mã PIN mới', '1235');
    fireEvent.click(screen.getByRole('button', { name: 'Lưu mã PIN' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Hai lần nhập không giống nhau. Xin nhập lại.'));
    expect(screen.getByLabelText('Nhập lại mã PIN mới').getAttribute('aria-invalid')).toBe('true');
    expect(await readMeta(STAFF_PIN_KEY as never)).toBeUndefined();
  });
});

describe('the PIN', () => {
  beforeEach(async () => {
    await setStaffPin(PIN, FAST_ITERATIONS);
  });

  it('opens the staff area on the health panel when right', async () => {
    renderArea();
    await unlock();
    const title = await heading('Tình trạng máy');
    expect(document.activeElement).toBe(title);
    expect(screen.getByRole('navigation', { name: 'Chức năng' })).toBeTruthy();
  });

  it('locks after three wrong PINs for a growing delay, and the lock survives a reload', async () => {
    const harness = renderArea();
    await unlock('1111');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Mã PIN không đúng. Còn 2 lần thử trước khi khu vực cán bộ bị tạm khoá.'));
    await unlock('2222');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Còn 1 lần thử'));
    await unlock('3333');
    await waitFor(() => expect(screen.getByText(/đang tạm khoá\. Xin thử lại sau 30 giây\./)).toBeTruthy());
    expect((screen.getByLabelText('Mã PIN') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Mở khu vực cán bộ' }) as HTMLButtonElement).disabled).toBe(true);

    // Reload 10 s later: still locked, the right PIN cannot even be typed.
    harness.unmount();
    simulateReload();
    harness.advanceClock(10_000);
    renderArea();
    await waitFor(() => expect(screen.getByText(/Xin thử lại sau 20 giây\./)).toBeTruthy());
    expect((screen.getByLabelText('Mã PIN') as HTMLInputElement).disabled).toBe(true);

    // After the lock: one more wrong PIN locks for twice as long.
    cleanup();
    harness.advanceClock(21_000);
    renderArea();
    await waitFor(() => expect((screen.getByLabelText('Mã PIN') as HTMLInputElement).disabled).toBe(false));
    await unlock('4444');
    await waitFor(() => expect(screen.getByText(/Xin thử lại sau 60 giây\./)).toBeTruthy());
    expect(await readStaffPin()).toMatchObject({ failures: 4, lockedUntil: new Date(clock + 60_000).toISOString() });

    // Once that passes, the right PIN opens and the count starts again.
    cleanup();
    harness.advanceClock(61_000);
    renderArea();
    await waitFor(() => expect((screen.getByLabelText('Mã PIN') as HTMLInputElement).disabled).toBe(false));
    await unlock(PIN);
    await heading('Tình trạng máy');
    expect(await readStaffPin()).toMatchObject({ failures: 0, lockedUntil: null });
  });

  it('lifts the lock on screen when its time has passed, without a reload', async () => {
    renderArea();
    for (const wrong of ['1111', '2222', '3333']) {
      await unlock(wrong);
      await waitFor(() => expect((screen.getByLabelText('Mã PIN') as HTMLInputElement).value).toBe(''));
    }
    await waitFor(() => expect((screen.getByLabelText('Mã PIN') as HTMLInputElement).disabled).toBe(true));
    clock += 31_000;
    // The countdown re-checks the clock every second.
    await waitFor(() => expect((screen.getByLabelText('Mã PIN') as HTMLInputElement).disabled).toBe(false), { timeout: 2_500 });
    expect(screen.queryByText(/tạm khoá/)).toBeNull();
  });
});

describe('setup', () => {
  beforeEach(async () => {
    await setStaffPin(PIN, FAST_ITERATIONS);
  });

  async function openSetup() {
    const harness = renderArea();
    await unlock();
    await heading('Tình trạng máy');
    fireEvent.click(screen.getByRole('button', { name: 'Cài đặt' }));
    await heading('Cài đặt máy');
    return harness;
  }

  function errorOf(label: string | RegExp): string | null {
    const field = screen.getByLabelText(label);
    const ids = (field.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id.endsWith('-error'));
    return ids.length ? document.getElementById(ids[0])!.textContent : null;
  }

  it('shows a plain message next to each wrong field and saves nothing', async () => {
    const harness = await openSetup();
    type('Tên máy', 'x'.repeat(121));
    type('Địa chỉ máy chủ thu thập', 'ftp://sipas.example.vn');
    type('Tự kết thúc phiếu khi không ai chạm vào (giây)', '5');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Tiếng Việt' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'English' }));
    fireEvent.click(screen.getByRole('button', { name: 'Lưu cài đặt' }));

    await waitFor(() => expect(screen.getByText('Chưa lưu. Xin sửa các ô có thông báo đỏ.')).toBeTruthy());
    expect(errorOf('Tên máy')).toBe('Tên máy: tối đa 120 ký tự.');
    expect(errorOf('Địa chỉ máy chủ thu thập')).toBe('Địa chỉ máy chủ phải bắt đầu bằng https:// (hoặc http://), hoặc để trống.');
    expect(errorOf('Tự kết thúc phiếu khi không ai chạm vào (giây)')).toBe('Thời gian tự kết thúc: một số giây từ 15 đến 1800.');
    expect(screen.getByText('Xin chọn ít nhất một ngôn ngữ.').getAttribute('role')).toBe('alert');
    expect(errorOf('Mã thiết bị')).toBeNull();
    expect(screen.getByLabelText('Tên máy').getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Tên máy')));
    expect(await readMeta('settings')).toBeUndefined();
    expect(harness.saved).toEqual([]);
  });

  it('shows the messages in English when staff switch language', async () => {
    await openSetup();
    fireEvent.click(screen.getByRole('button', { name: 'English' }));
    type('End a response when nobody touches the screen (seconds)', '5');
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(errorOf('End a response when nobody touches the screen (seconds)')).toBe('End after: a number of seconds from 15 to 1800.'));
  });

  it('shows the place the collector gave, read-only, and offers no field to type it', async () => {
    await saveSettings({ ...DEFAULT_SETTINGS, agencyName: 'Sở Tư pháp', agencyCode: 'SO-TU-PHAP', counterName: 'Quầy 2', counterCode: 'QUAY-2' });
    await openSetup();
    const place = screen.getByTestId('setup-place');
    expect(place.textContent).toContain('Sở Tư pháp');
    expect(place.textContent).toContain('SO-TU-PHAP');
    expect(place.textContent).toContain('Quầy 2');
    expect(place.textContent).toContain('QUAY-2');
    expect(screen.queryByLabelText('Mã cơ quan')).toBeNull();
    expect(screen.queryByLabelText('Mã quầy')).toBeNull();
    expect(screen.queryByLabelText('Tên cơ quan')).toBeNull();
    expect(document.body.textContent).toContain('Nơi đặt máy do máy chủ thu thập quy định');
  });

  it('says the place is not known yet on a kiosk the collector has not told', async () => {
    await openSetup();
    expect(screen.getByTestId('setup-place').textContent).toContain('Chưa biết');
  });

  it('saves valid settings, keeps queued responses untouched, and never shows the token back', async () => {
    const queued = await storeInStates(['pending', 'conflict']);
    const before = await listResponses();
    const harness = await openSetup();
    type('Tên máy', 'Máy quầy 1');
    type('Địa chỉ máy chủ thu thập', 'https://sipas.example.vn');
    type('Mã thiết bị', 'dev1.ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    type('Tự kết thúc phiếu khi không ai chạm vào (giây)', '90');
    type('Thời gian hiện lời cảm ơn (giây)', '8');
    type('Khoảng cách tối thiểu giữa hai phiếu (giây)', '10');
    fireEvent.click(screen.getByRole('checkbox', { name: 'English' }));
    fireEvent.click(screen.getByRole('radio', { name: 'Lưu phần đã trả lời (phiếu dở, không tính điểm)' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Thông tin thêm' }));
    fireEvent.click(screen.getByRole('button', { name: 'Lưu cài đặt' }));

    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Đã lưu cài đặt.'));
    const expected: KioskSettings = {
      ...DEFAULT_SETTINGS,
      deviceLabel: 'Máy quầy 1',
      endpointUrl: 'https://sipas.example.vn',
      deviceToken: 'dev1.ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      definitionId: 'sipas-2023',
      languages: ['vi'],
      idleTimeoutMs: 90_000,
      thankYouMs: 8_000,
      minIntervalMs: 10_000,
      abandonedResponse: 'keep-partial',
      disabledSections: [],
    };
    // The mini definition is the only one offered, so the default id falls back to it.
    expect(harness.saved).toHaveLength(1);
    expect(harness.saved[0]).toEqual({ ...expected, definitionId: 'mini', disabledSections: ['extra'] });
    expect(await readMeta('settings')).toEqual(harness.saved[0]);
    expect(await listResponses()).toEqual(before);
    expect(before.map((r) => r.id)).toEqual(queued.map((r) => r.id));
    expect((screen.getByLabelText('Mã thiết bị') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Mã thiết bị') as HTMLInputElement).type).toBe('password');
    expect(document.body.textContent).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    expect(document.body.textContent).toContain('…WXYZ');
  });
});

describe('the health panel', () => {
  beforeEach(async () => {
    await setStaffPin(PIN, FAST_ITERATIONS);
  });

  it('shows queue depth, the oldest unsent in words, conflicts, rejections, storage, versions and alerts', async () => {
    const stored = await storeInStates(['sent', 'pending', 'pending', 'pending', 'conflict', 'rejected', 'rejected']);
    // The oldest pending response was completed 3 h 20 min before "now".
    clock = Date.parse(stored[1].completedAt) + 3 * 3_600_000 + 20 * 60_000;
    await writeMeta('persistence', { supported: true, persisted: false, checkedAt: '2026-11-21T08:00:00.000Z' });
    await writeMeta('lastSync', { at: '2026-11-21T09:00:00.000Z', ok: false, error: { kind: 'network', detail: 'TypeError: Failed to fetch' } });
    await raiseStaffAlert('storage', 'alerts.storageQuota', 'QuotaExceededError');
    vi.stubGlobal('__APP_VERSION__', '9.8.7-test');
    renderArea({ waiting: true });
    await unlock();
    await heading('Tình trạng máy');
    await waitFor(() => expect(screen.getByTestId('health-queue').textContent).toBe('3 phiếu'));
    expect(screen.getByTestId('health-oldest').textContent).toContain('đã chờ 3 giờ');
    expect(screen.getByTestId('health-conflicts').textContent).toBe('1 phiếu');
    expect(screen.getByTestId('health-rejected').textContent).toBe('2 phiếu');
    expect(screen.getByTestId('health-last-success').textContent).toBe('Chưa gửi thành công lần nào');
    expect(screen.getByTestId('health-problem').textContent).toContain('Không kết nối được máy chủ. Xin kiểm tra mạng (Wi-Fi).');
    expect(screen.getByTestId('health-problem').querySelector('code')?.textContent).toBe('network: TypeError: Failed to fetch');
    expect(screen.getByTestId('health-storage').textContent).toContain('Chưa được giữ lâu dài');
    expect(screen.getByTestId('health-app-version').textContent).toBe('9.8.7-test');
    expect(screen.getByTestId('health-definition').textContent).toBe('Khảo sát thử (mini@3)');
    expect(screen.getByTestId('health-update').textContent).toBe('Đã tải bản mới; máy sẽ cài khi trở về màn hình chào.');
    expect(screen.getByTestId('health-alerts').textContent).toContain('Bộ nhớ của máy đã đầy');
  });

  it('explains the engine\'s own state: no token, refused token', async () => {
    status = { ...status, state: 'not-configured' };
    renderArea();
    await unlock();
    await waitFor(() => expect(screen.getByTestId('health-problem').textContent).toContain('Máy chưa có mã thiết bị'));
  });

  it.each<[string, DrainStatus['lastError'], string]>([
    ['a refused token', { kind: 'unauthorized', status: 401 }, 'Máy chủ không chấp nhận mã thiết bị.'],
    ['a timeout', { kind: 'timeout' }, 'Máy chủ không trả lời kịp.'],
    ['a server failure', { kind: 'server', status: 503, detail: 'busy' }, 'Máy chủ đang gặp sự cố.'],
    ['a refused batch', { kind: 'refused', status: 400 }, 'Máy chủ từ chối dữ liệu gửi lên.'],
    ['an odd answer', { kind: 'badAnswer', status: 200 }, 'Máy chủ trả lời không đúng dạng.'],
    ['anything else', { kind: 'other', detail: 'AbortError' }, 'Gửi chưa thành công. Máy sẽ tự thử lại.'],
  ])('words the engine\'s structured error for %s', async (_name, lastError, words) => {
    status = { ...status, state: 'waiting-retry', lastAttemptAt: '2026-11-21T11:59:00.000Z', lastError };
    renderArea();
    await unlock();
    await waitFor(() => expect(screen.getByTestId('health-problem').textContent).toContain(words));
  });

  it('reads a last failure stored by an older version (an English message) as a failure of unknown kind', async () => {
    await writeMeta('lastSync', { at: '2026-11-21T09:00:00.000Z', ok: false, message: 'HTTP 503: busy' } as never);
    renderArea();
    await unlock();
    await waitFor(() => expect(screen.getByTestId('health-problem').textContent).toContain('Gửi chưa thành công. Máy sẽ tự thử lại.'));
    expect(screen.getByTestId('health-problem').querySelector('code')?.textContent).toBe('other: HTTP 503: busy');
  });

  it('tells times in Vietnam time (UTC+7), whatever zone the tablet is set to', async () => {
    status = { ...status, lastSuccessAt: '2026-11-21T09:00:00.000Z' };
    renderArea();
    await unlock();
    await waitFor(() => expect(screen.getByTestId('health-last-success').textContent).toBe('16:00 21/11/2026 (3 giờ trước)'));
  });

  it('"send now" asks the engine for a drain and shows the new queue', async () => {
    const stored = await storeInStates(['pending', 'pending']);
    const harness = renderArea({
      onDrain: async () => {
        await applyDeliveryOutcomes(stored.map((r) => ({ id: r.id, state: 'sent' as const })), new Date(clock));
        status = { ...status, state: 'idle', lastSuccessAt: new Date(clock).toISOString(), lastAttemptAt: new Date(clock).toISOString() };
      },
    });
    await unlock();
    await waitFor(() => expect(screen.getByTestId('health-queue').textContent).toBe('2 phiếu'));
    fireEvent.click(screen.getByRole('button', { name: 'Gửi ngay' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Đã gửi xong. Còn 0 phiếu chờ gửi.'));
    expect(harness.drains).toEqual(['staff']);
    expect(screen.getByTestId('health-queue').textContent).toBe('0 phiếu');
    expect(screen.getByTestId('health-last-success').textContent).toContain('(dưới 1 phút trước)');
  });
});

describe('export', () => {
  beforeEach(async () => {
    await setStaffPin(PIN, FAST_ITERATIONS);
    await saveSettings({ ...DEFAULT_SETTINGS, agencyCode: 'SNV', counterCode: 'Q1' });
  });

  it('hands over an evacuation file holding exactly the unsent responses', async () => {
    const stored = await storeInStates(['pending', 'sent', 'conflict', 'rejected', 'sent']);
    const harness = renderArea();
    await unlock();
    await heading('Tình trạng máy');
    fireEvent.click(screen.getByRole('button', { name: 'Xuất dữ liệu' }));
    await heading('Xuất dữ liệu');
    fireEvent.click(screen.getByRole('button', { name: 'Tải tệp dự phòng' }));
    await waitFor(() => expect(harness.files).toHaveLength(1));
    const file = JSON.parse(await harness.files[0].blob.text()) as { format: string; responses: Array<{ id: string; syncState?: string }> };
    expect(file.format).toBe('sipas-kiosk-evacuation');
    expect(file.responses.map((r) => r.id).sort()).toEqual(stored.filter((r) => r.syncState !== 'sent').map((r) => r.id).sort());
    expect(file.responses.some((r) => 'syncState' in r)).toBe(false);
    expect(harness.files[0].name).toMatch(/^sipas-SNV-Q1-\d{8}-\d{4}-unsent\.json$/);
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/^Đã tạo tệp sipas-SNV-Q1-.*\(3 phiếu\)\.$/));
  });

  it('hands over a CSV of every response with the BOM first', async () => {
    await storeInStates(['pending', 'sent']);
    const harness = renderArea();
    await unlock();
    await heading('Tình trạng máy');
    fireEvent.click(screen.getByRole('button', { name: 'Xuất dữ liệu' }));
    await heading('Xuất dữ liệu');
    fireEvent.click(screen.getByRole('button', { name: 'Tải bảng tính CSV' }));
    await waitFor(() => expect(harness.files).toHaveLength(1));
    const bytes = new Uint8Array(await harness.files[0].blob.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes).split('\r\n')).toHaveLength(4);
    expect(harness.files[0].name).toMatch(/^sipas-SNV-Q1-\d{8}-\d{4}\.csv$/);
  });
});

describe('idle close', () => {
  beforeEach(async () => {
    await setStaffPin(PIN, FAST_ITERATIONS);
  });

  it('closes the staff area after 2 minutes without a touch, counting from the last one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const harness = renderArea();
    await unlock();
    await heading('Tình trạng máy');
    fireEvent.pointerDown(screen.getByRole('heading', { level: 1 }));
    act(() => {
      vi.advanceTimersByTime(STAFF_IDLE_MS - 1_000);
    });
    expect(harness.closed()).toBe(0);
    fireEvent.keyDown(screen.getByRole('heading', { level: 1 }), { key: 'Tab' });
    act(() => {
      vi.advanceTimersByTime(STAFF_IDLE_MS - 1_000);
    });
    expect(harness.closed()).toBe(0);
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(harness.closed()).toBe(1);
  });

  it('closes the PIN screen too, after the configured time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const harness = renderArea({ idleMs: 30_000 });
    act(() => {
      vi.advanceTimersByTime(29_999);
    });
    expect(harness.closed()).toBe(0);
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(harness.closed()).toBe(1);
  });
});
