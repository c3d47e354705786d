import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../../../src/kiosk/citizen/kiosk.css', import.meta.url), 'utf8');

/** The custom properties declared in one CSS block (`:root {…}` or `:root.high-contrast {…}`). */
function themeColours(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2].toLowerCase()]));
}

/** WCAG 2.x relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Every foreground/background pair the stylesheet actually combines. */
const PAIRS: Array<[foreground: string, background: string]> = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['muted', 'bg'],
  ['muted', 'surface'],
  ['on-primary', 'primary'],
  ['on-primary', 'selected'],
  ['alert', 'bg'],
  ['primary', 'bg'],
];

describe('colour contrast (WCAG AA, 4.5:1 for text)', () => {
  for (const theme of [':root', ':root.high-contrast']) {
    it.each(PAIRS)(`${theme}: --%s on --%s`, (foreground, background) => {
      const colours = themeColours(theme);
      expect(colours[foreground], `--${foreground}`).toMatch(/^#/);
      expect(colours[background], `--${background}`).toMatch(/^#/);
      expect(contrast(colours[foreground], colours[background])).toBeGreaterThanOrEqual(4.5);
    });
  }

  it('computes the known ratio of black on white', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
  });
});
