import { describe, expect, it } from 'vitest';
import { DEFAULT_MIN_VALID, isLowN, shareNotApplicableOf, wilsonInterval } from '../../../src/shared/survey';

/*
 * Hand-computed with z = 1.96 (z² = 3.8416), p = s/n:
 *   centre = (p + z²/2n) / (1 + z²/n);  half = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²)
 *   45/50: z²/n = 0.076832; centre = 0.938416 / 1.076832 = 0.871459; half = 1.820150 · √0.00218416
 *          = 1.820150 · 0.0467350 = 0.085064 → [0.786395, 0.956525]
 *   0/10:  p = 0: low 0; high = (z²/n) / (1 + z²/n) = 0.38416 / 1.38416 = 0.277540
 *   10/10: p = 1: high 1; low = 1 / 1.38416 = 0.722460
 *   1/2:   z²/n = 1.9208; centre = (0.5 + 0.9604) / 2.9208 = 0.5; half = (1.96 / 2.9208) · √(0.125 + 0.2401)
 *          = 0.671049 · 0.604235 = 0.405471 → [0.094529, 0.905471] (symmetric about ½)
 */
describe('wilsonInterval', () => {
  it.each<[string, number, number, number, number]>([
    ['45 of 50', 45, 50, 0.786395, 0.956525],
    ['0 of 10: starts at 0, not below', 0, 10, 0, 0.27754],
    ['10 of 10: ends at 1, not above, and is not zero-width', 10, 10, 0.72246, 1],
    ['1 of 2: wide and symmetric about one half', 1, 2, 0.094529, 0.905471],
  ])('%s', (_name, successes, n, low, high) => {
    const interval = wilsonInterval(successes, n)!;
    expect(interval.low).toBeCloseTo(low, 5);
    expect(interval.high).toBeCloseTo(high, 5);
  });

  it('gives exact bounds at 0/n and n/n', () => {
    expect(wilsonInterval(0, 10)!.low).toBe(0);
    expect(wilsonInterval(10, 10)!.high).toBe(1);
  });

  it('has nothing to estimate from no answers', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('narrows as n grows at the same share and widens with a larger z', () => {
    const small = wilsonInterval(9, 10)!;
    const large = wilsonInterval(900, 1000)!;
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    const z99 = wilsonInterval(45, 50, 2.576)!;
    expect(z99.low).toBeLessThan(0.786395);
    expect(z99.high).toBeGreaterThan(0.956525);
  });

  it.each<[number, number]>([
    [11, 10],
    [-1, 10],
    [1.5, 10],
    [1, Number.NaN],
  ])('refuses %s of %s', (successes, n) => {
    expect(() => wilsonInterval(successes, n)).toThrow(/wilsonInterval/);
  });
});

describe('isLowN', () => {
  it.each<[string, number | null, number, number | undefined, boolean]>([
    ['29 answers under the default 30', 80, 29, undefined, true],
    ['exactly 30 answers is enough', 80, 30, undefined, false],
    ['a figure on 16 answers', 100, 16, undefined, true],
    ['a configured threshold of 10: 10 is enough', 50, 10, 10, false],
    ['a configured threshold of 50: 49 is not', 50, 49, 50, true],
    ['an undefined figure is never marked', null, 0, undefined, false],
  ])('%s', (_name, percent, n, minValid, expected) => {
    expect(isLowN(percent, n, minValid)).toBe(expected);
  });

  it('defaults to 30', () => {
    expect(DEFAULT_MIN_VALID).toBe(30);
  });
});

describe('shareNotApplicableOf', () => {
  it('is the not-applicable answers over items × responses', () => {
    // 3 items over 4 responses: 2 + 2 + 0 not applicable of 12 → 1/3.
    expect(shareNotApplicableOf([{ notApplicable: 2 }, { notApplicable: 2 }, { notApplicable: 0 }], 4)).toBeCloseTo(1 / 3, 12);
    expect(shareNotApplicableOf([{ notApplicable: 0 }], 4)).toBe(0);
  });

  it('is undefined without items or responses', () => {
    expect(shareNotApplicableOf([], 4)).toBeNull();
    expect(shareNotApplicableOf([{ notApplicable: 0 }], 0)).toBeNull();
  });
});
