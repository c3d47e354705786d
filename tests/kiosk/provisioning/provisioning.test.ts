import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyProvisioningLink } from '../../../src/kiosk/provisioning';
import { listStaffAlerts, loadSettings, readMeta, resetKioskDbForTests, saveSettings } from '../../../src/kiosk/storage';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { i18nReady, translator } from '../../../src/kiosk/i18n';

const TOKEN = '3f2b6c1e-1d2a-4c55-9a57-6f0f1c2d3e4f.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';

/** A location at `hash` and a history that records what the address bar became. */
function opened(hash: string) {
  const replaced: string[] = [];
  const location = { hash, pathname: '/', search: '?kiosk=1' } as Location;
  const history = { replaceState: (_state: unknown, _title: string, url: string) => void replaced.push(url) } as unknown as History;
  return { location, history, replaced };
}

beforeEach(async () => {
  await i18nReady();
  globalThis.indexedDB = new IDBFactory();
  resetKioskDbForTests();
});

describe('applyProvisioningLink', () => {
  it('saves token, collector, agency and counter (codes and names) and label, then clears the address bar', async () => {
    const link = opened(
      `#provision=${TOKEN}&endpoint=https%3A%2F%2Fsipas.example.gov.vn&agency=SO-TU-PHAP&agencyName=S%E1%BB%9F+T%C6%B0+ph%C3%A1p&counter=QUAY-2&counterName=Qu%E1%BA%A7y+2&label=Qu%E1%BA%A7y+2`,
    );
    expect(await applyProvisioningLink(link.location, link.history)).toEqual({ kind: 'applied' });
    expect(await loadSettings()).toEqual({
      ...DEFAULT_SETTINGS,
      deviceToken: TOKEN,
      endpointUrl: 'https://sipas.example.gov.vn',
      agencyCode: 'SO-TU-PHAP',
      agencyName: 'Sở Tư pháp',
      counterCode: 'QUAY-2',
      counterName: 'Quầy 2',
      deviceLabel: 'Quầy 2',
    });
    expect(link.replaced).toEqual(['/?kiosk=1']);
  });

  it('changes nothing for a link it cannot apply, clears it all the same, and tells staff why', async () => {
    const before = { ...DEFAULT_SETTINGS, deviceToken: 'old.token-kept-as-it-was-1234', agencyCode: 'SNV', counterCode: 'Q1' };
    await saveSettings(before);
    const link = opened(`#provision=${TOKEN}&agency=SNV&counter=Qu%E1%BA%A7y%202`);
    expect(await applyProvisioningLink(link.location, link.history)).toEqual({ kind: 'refused', problems: ['counterCode'] });
    expect(await readMeta('settings')).toEqual(before);
    expect(link.replaced).toEqual(['/?kiosk=1']);
    const [alert] = await listStaffAlerts();
    expect(alert).toMatchObject({ kind: 'app', messageKey: 'kiosk-staff:provisioning.alert' });
    // The health panel words an alert through the citizen namespace: the qualified key reaches the staff texts.
    await import('../../../src/kiosk/staff');
    expect(translator('vi')(alert.messageKey as never)).toBe('Đường liên kết cài đặt vừa mở không dùng được; máy không thay đổi gì. Hãy mở lại đường liên kết từ trang Thiết bị của máy chủ.');
    expect(alert.detail).toContain('counterCode');
    expect(alert.detail).toBe('link refused: counterCode');
  });

  it('refuses a link without a token instead of keeping placeholders silently', async () => {
    const link = opened('#provision=&agency=SNV&counter=Q1');
    expect(await applyProvisioningLink(link.location, link.history)).toEqual({ kind: 'refused', problems: ['token'] });
    expect((await loadSettings()).agencyCode).toBe('UNSET');
  });

  it('does nothing when the kiosk was not opened with a link', async () => {
    const link = opened('#other');
    expect(await applyProvisioningLink(link.location, link.history)).toEqual({ kind: 'none' });
    expect(link.replaced).toEqual([]);
    expect(await listStaffAlerts()).toEqual([]);
  });
});
