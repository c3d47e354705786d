import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../../../src/kiosk/citizen/kiosk.css', import.meta.url), 'utf8');

/** The custom properties declared in one CSS block (`:root {…}` or `:root.high-contrast {…}`). */
function themeColours(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/--([a-z0-9-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2].toLowerCase()]));
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

const LEVELS = [1, 2, 3, 4, 5];

/**
 * Graphics a citizen must be able to see (WCAG 1.4.11, 3:1): the scale's colour bands against the
 * tile, the face's features against its tinted disc, and the keyboard focus ring against what it
 * is drawn over (the page, the toolbar, the bottom bar).
 */
const GRAPHIC_PAIRS: Array<[foreground: string, background: string]> = [
  ...LEVELS.map((level): [string, string] => [`lv${level}`, 'bg']),
  ...LEVELS.map((level): [string, string] => ['face-ink', `tint${level}`]),
  ['focus', 'bg'],
  ['focus', 'surface'],
];

/** HSL hue in degrees (0 red, 120 green). */
function hue(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

describe('colour contrast (WCAG AA, 4.5:1 for text)', () => {
  for (const theme of [':root', ':root.high-contrast']) {
    it.each(PAIRS)(`${theme}: --%s on --%s`, (foreground, background) => {
      const colours = themeColours(theme);
      expect(colours[foreground], `--${foreground}`).toMatch(/^#/);
      expect(colours[background], `--${background}`).toMatch(/^#/);
      expect(contrast(colours[foreground], colours[background])).toBeGreaterThanOrEqual(4.5);
    });
  }

  for (const theme of [':root', ':root.high-contrast']) {
    it.each(GRAPHIC_PAIRS)(`${theme}: graphic --%s on --%s is at least 3:1`, (foreground, background) => {
      const colours = themeColours(theme);
      expect(colours[foreground], `--${foreground}`).toMatch(/^#/);
      expect(colours[background], `--${background}`).toMatch(/^#/);
      expect(contrast(colours[foreground], colours[background])).toBeGreaterThanOrEqual(3);
    });

    it(`${theme}: the five levels' colours are five different colours, red to green`, () => {
      const colours = themeColours(theme);
      const hues = LEVELS.map((level) => hue(colours[`lv${level}`]));
      expect(new Set(LEVELS.map((level) => colours[`lv${level}`])).size).toBe(5);
      // Red (hue near 0°) at 1 rising to green (near 120°) at 5: the order a citizen expects.
      for (let i = 1; i < hues.length; i++) expect(hues[i], `level ${i + 1}`).toBeGreaterThan(hues[i - 1]);
      expect(hues[0]).toBeLessThan(15);
      expect(hues[4]).toBeGreaterThan(100);
    });
  }

  it('computes the known ratio of black on white', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
  });
});
