// @vitest-environment happy-dom
import { act, cleanup, render } from '@testing-library/preact';
import i18next from 'i18next';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { appLanguageLoaded, i18nReady, loadAppLanguage, translator } from '../../../src/kiosk/i18n';
import { loadLanguage, languageLoaded, useLanguage } from '../../../src/kiosk/citizen';
import { miniDefinition } from '../../fixtures/mini-definition';

beforeAll(() => i18nReady());
afterEach(cleanup);

/** Renders the hook and exposes what it returns, as KioskApp uses it. */
function renderLanguage(defaultLanguage = 'vi', onFailure = vi.fn()) {
  const current: { language: string; choose: (language: string) => void } = { language: '', choose: () => undefined };
  function Probe() {
    const [language, choose] = useLanguage(miniDefinition, defaultLanguage, onFailure);
    current.language = language;
    current.choose = choose;
    return <p lang={language}>{translator(language)('welcome.start')}</p>;
  }
  const view = render(<Probe />);
  return { current, text: () => view.container.textContent, onFailure };
}

// One file, one module registry: these run in order, from a tablet that has loaded nothing but Vietnamese.
describe('the citizen texts in languages other than Vietnamese', () => {
  it('are not part of the boot bundle: only Vietnamese is in after start', () => {
    expect(i18next.hasResourceBundle('vi', 'citizen')).toBe(true);
    expect(i18next.hasResourceBundle('en', 'citizen')).toBe(false);
    expect(appLanguageLoaded('vi')).toBe(true);
    expect(appLanguageLoaded('en')).toBe(false);
    // A language the app has no words for needs nothing loaded (its definition texts are separate).
    expect(appLanguageLoaded('km')).toBe(true);
  });

  it('keep the screen in Vietnamese until English is in, then switch it whole, never showing keys', async () => {
    const probe = renderLanguage();
    expect(probe.text()).toBe('Bắt đầu đánh giá');
    act(() => probe.current.choose('en'));
    expect(probe.current.language).toBe('vi');
    expect(probe.text()).toBe('Bắt đầu đánh giá');
    await act(() => loadLanguage(miniDefinition, 'en'));
    expect(probe.current.language).toBe('en');
    expect(probe.text()).toBe('Start');
    expect(languageLoaded(miniDefinition, 'en')).toBe(true);
    expect(probe.onFailure).not.toHaveBeenCalled();
  });

  it('load once: a second load resolves from what is already there', async () => {
    const add = vi.spyOn(i18next, 'addResourceBundle');
    await loadAppLanguage('en');
    await loadAppLanguage('en');
    expect(add).not.toHaveBeenCalled();
    add.mockRestore();
  });

  it('switch at once when already loaded, and back to Vietnamese the same way', () => {
    const probe = renderLanguage();
    act(() => probe.current.choose('en'));
    expect(probe.text()).toBe('Start');
    act(() => probe.current.choose('vi'));
    expect(probe.text()).toBe('Bắt đầu đánh giá');
  });

  it('open a kiosk set to English first in English', () => {
    const probe = renderLanguage('en');
    expect(probe.current.language).toBe('en');
    expect(probe.text()).toBe('Start');
  });
});

describe('a language that fails to load', () => {
  it('leaves the screen in the language it shows and tells staff; a later try loads it', async () => {
    // Fresh modules with the English chunk unreachable (a tablet whose cache lost it, offline).
    vi.resetModules();
    let reachable = false;
    vi.doMock('../../../src/kiosk/i18n/locales/en/citizen.json', async () => {
      if (!reachable) throw new Error('chunk not reachable');
      return { default: { welcome: { start: 'Start' } } };
    });
    const bundles = vi.spyOn(i18next, 'hasResourceBundle').mockReturnValue(false); // nothing loaded yet
    try {
      const fresh = await import('../../../src/kiosk/citizen');
      const onFailure = vi.fn();
      const current = { language: '', choose: (_: string) => undefined as void };
      function Probe() {
        [current.language, current.choose] = fresh.useLanguage(miniDefinition, 'vi', onFailure);
        return null;
      }
      render(<Probe />);
      act(() => current.choose('en'));
      await vi.waitFor(() => expect(onFailure).toHaveBeenCalledTimes(1));
      expect(onFailure.mock.calls[0][0]).toBe('en');
      expect(current.language).toBe('vi');

      reachable = true;
      act(() => current.choose('en'));
      await vi.waitFor(() => expect(current.language).toBe('en'));
      expect(onFailure).toHaveBeenCalledTimes(1);
    } finally {
      bundles.mockRestore();
      vi.doUnmock('../../../src/kiosk/i18n/locales/en/citizen.json');
    }
  });
});
