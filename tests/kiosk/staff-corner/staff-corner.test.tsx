// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18nReady } from '../../../src/kiosk/i18n';
import { STAFF_HOLD_MS, StaffCorner } from '../../../src/kiosk/staff-corner/index';

let opened = 0;

beforeEach(async () => {
  await i18nReady();
  vi.useFakeTimers();
  opened = 0;
  render(<StaffCorner onOpen={() => opened++} />);
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function pass(ms: number) {
  act(() => {
    vi.advanceTimersByTime(ms);
  });
}

const corner = () => screen.getByRole('button', { name: 'Khu vực cán bộ' });

describe('the staff corner', () => {
  it('is a real button named for staff, 72 px square in the top-left corner', () => {
    expect(corner().tagName).toBe('BUTTON');
    expect(corner().style.position).toBe('fixed');
    expect(corner().style.left).toBe('0px');
    expect(corner().style.top).toBe('0px');
    expect(corner().style.width).toBe('72px');
    expect(corner().style.height).toBe('72px');
  });

  it('opens after a press held for 3 seconds, once', () => {
    fireEvent.pointerDown(corner());
    pass(STAFF_HOLD_MS - 1);
    expect(opened).toBe(0);
    pass(1);
    expect(opened).toBe(1);
    pass(10_000);
    expect(opened).toBe(1);
  });

  it.each(['pointerUp', 'pointerCancel', 'pointerLeave'] as const)('does not open when the press ends early (%s)', (event) => {
    fireEvent.pointerDown(corner());
    pass(2_000);
    fireEvent[event](corner());
    pass(5_000);
    expect(opened).toBe(0);
  });

  it('does nothing on a tap or a click', () => {
    fireEvent.click(corner());
    fireEvent.pointerDown(corner());
    fireEvent.pointerUp(corner());
    pass(5_000);
    expect(opened).toBe(0);
  });

  it('opens when Enter or Space is held for 3 seconds, not when it is pressed briefly', () => {
    fireEvent.keyDown(corner(), { key: 'Enter' });
    pass(1_000);
    fireEvent.keyUp(corner(), { key: 'Enter' });
    pass(5_000);
    expect(opened).toBe(0);
    fireEvent.keyDown(corner(), { key: ' ' });
    // Auto-repeat while the key is held must not restart the wait.
    pass(1_500);
    fireEvent.keyDown(corner(), { key: ' ', repeat: true });
    pass(1_500);
    expect(opened).toBe(1);
  });
});
