// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { i18nReady } from '../../../src/kiosk/i18n';
import { ProvisioningNotice } from '../../../src/kiosk/staff';

beforeAll(() => i18nReady());
afterEach(cleanup);

describe('ProvisioningNotice', () => {
  it('tells the clerk, as an alert, that the link set nothing up and names each problem', () => {
    const dismiss = vi.fn();
    render(<ProvisioningNotice problems={['token', 'counterCode']} onDismiss={dismiss} />);
    const notice = screen.getByRole('alert');
    expect(notice.textContent).toContain('Chưa cài đặt được máy');
    expect(notice.textContent).toContain('mã thiết bị thiếu hoặc sai dạng; mã quầy không hợp lệ');
    expect(document.activeElement?.textContent).toBe('Chưa cài đặt được máy');
    fireEvent.click(screen.getByRole('button', { name: 'Đã hiểu' }));
    expect(dismiss).toHaveBeenCalledOnce();
  });
});
