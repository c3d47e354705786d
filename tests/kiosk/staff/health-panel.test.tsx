// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { IDBObjectStore } from 'fake-indexeddb';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StaffArea, setStaffPin, type StaffSync } from '../../../src/kiosk/staff';
import { i18nReady } from '../../../src/kiosk/i18n';
import { evacuationFileSchema, surveyResponseSchema } from '../../../src/shared/schemas';
import { raiseStaffAlert, retryHeldResponses, saveSettings, storeResponse } from '../../../src/kiosk/storage';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import type { DrainStatus } from '../../../src/kiosk/outbox';
import { miniDefinition } from '../../fixtures/mini-definition';
import { draft, freshDatabase } from './helpers';

/* Health in the staff area when storage refuses writes (issue 9): the held responses, their file, the probe on open. */

const FAST_ITERATIONS = 1000;
const PIN = '2468';
const idle: DrainStatus = { state: 'idle', lastSuccessAt: null, lastAttemptAt: null, lastError: null, consecutiveFailures: 0, nextRetryAt: null };

function renderHealth(sync: StaffSync): Array<{ name: string; blob: Blob }> {
  const files: Array<{ name: string; blob: Blob }> = [];
  render(
    <StaffArea
      definitions={[miniDefinition]}
      activeDefinition={miniDefinition}
      sync={sync}
      updates={{ isWaiting: () => false }}
      onClose={() => undefined}
      onSettingsSaved={() => undefined}
      now={() => new Date('2026-11-21T12:00:00.000Z')}
      pinIterations={FAST_ITERATIONS}
      saveFile={(file) => files.push(file)}
    />,
  );
  return files;
}

async function unlock(): Promise<void> {
  await screen.findByRole('heading', { level: 1, name: 'Nhập mã PIN cán bộ' });
  fireEvent.input(screen.getByLabelText('Mã PIN'), { target: { value: PIN } });
  fireEvent.click(screen.getByRole('button', { name: 'Mở khu vực cán bộ' }));
  await screen.findByRole('heading', { level: 1, name: 'Tình trạng máy' });
}

/** Makes every IndexedDB write fail as a full disk does; returns the undo. */
function fillDisk(): () => void {
  const quota = () => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  const spies = [vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(quota), vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(quota)];
  return () => spies.forEach((spy) => spy.mockRestore());
}

beforeEach(async () => {
  await i18nReady();
  freshDatabase();
  await setStaffPin(PIN, FAST_ITERATIONS);
  await saveSettings({ ...DEFAULT_SETTINGS, agencyCode: 'SNV', counterCode: 'Q1' });
});

afterEach(async () => {
  cleanup();
  vi.restoreAllMocks();
  await retryHeldResponses(); // the held queue is module state: emptied before the next test's fresh database
});

describe('HealthPanel on a full disk', () => {
  it('shows the held response with the write error and the in-memory alert, and downloads it as an evacuation file', async () => {
    const restore = fillDisk();
    const held = draft();
    await expect(storeResponse(held, { minIntervalMs: 0, minMsPerAnswer: 0 })).rejects.toMatchObject({ kind: 'quota', held: true });
    await raiseStaffAlert('storage', 'storageHeld.alert', 'quota');
    renderHealth({ requestDrain: async () => undefined, status: () => idle });
    await unlock();

    const section = await screen.findByTestId('health-held');
    expect(section.textContent).toContain('1 phiếu chỉ đang giữ trong bộ nhớ của trang, chưa lưu được vào máy');
    expect(section.textContent).toContain('Lần lưu phiếu gần nhất thất bại');
    expect(section.querySelector('code')?.textContent).toMatch(/^storage quota: QuotaExceededError/);
    expect(screen.getByTestId('health-alerts').textContent).toContain('phiếu vừa rồi chỉ đang được giữ tạm trong bộ nhớ');

    fireEvent.click(screen.getByRole('button', { name: 'Tải tệp các phiếu đang giữ' }));
    await waitFor(() => expect(section.textContent).toMatch(/Đã tải sipas-SNV-Q1-\d{8}-\d{4}-held\.json \(1 phiếu\)\./));
    restore();
  });

  it('puts exactly the held responses in the file, in the order and with the sequence numbers they will take', async () => {
    const restore = fillDisk();
    const first = draft();
    const second = draft();
    await expect(storeResponse(first, { minIntervalMs: 0, minMsPerAnswer: 0 })).rejects.toMatchObject({ held: true });
    await expect(storeResponse(second, { minIntervalMs: 0, minMsPerAnswer: 0 })).rejects.toMatchObject({ held: true });
    const files = renderHealth({ requestDrain: async () => undefined, status: () => idle });
    await unlock();
    fireEvent.click(await screen.findByRole('button', { name: 'Tải tệp các phiếu đang giữ' }));
    await waitFor(() => expect(files).toHaveLength(1));

    const envelope = evacuationFileSchema.parse(JSON.parse(await files[0].blob.text()));
    const responses = envelope.responses.map((response) => surveyResponseSchema.parse(response));
    expect(responses.map((r) => [r.id, r.seq])).toEqual([
      [first.id, 1],
      [second.id, 2],
    ]);
    expect(responses[0]).toMatchObject({ answers: first.answers, agencyCode: 'SNV', flags: { tooFast: false, belowMinInterval: false } });
    restore();
  });

  it('shows no held section when writes succeed', async () => {
    renderHealth({ requestDrain: async () => undefined, status: () => idle });
    await unlock();
    await screen.findByTestId('health-queue');
    expect(screen.queryByTestId('health-held')).toBeNull();
  });

  it('asks the sync engine to probe as staff once Health opens, then shows the outcome', async () => {
    let state: DrainStatus = { ...idle, state: 'unauthorized', lastError: { kind: 'unauthorized', status: 401 } };
    const probeNow = vi.fn(async (reason: 'staff') => {
      expect(reason).toBe('staff');
      state = { ...idle, lastSuccessAt: '2026-11-21T11:59:00.000Z' };
    });
    renderHealth({ requestDrain: async () => undefined, status: () => state, probeNow });
    await unlock();
    await waitFor(() => expect(probeNow).toHaveBeenCalledTimes(1));
    expect(probeNow).toHaveBeenCalledWith('staff');
    await waitFor(() => expect(screen.getByTestId('health-problem').textContent).toBe('Không có lỗi'));
  });
});
