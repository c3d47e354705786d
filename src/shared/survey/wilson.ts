/*
 * Honest figures: the uncertainty of a percentage and the warnings a reader needs beside it. The
 * Wilson score interval is used rather than the textbook "p ± 1.96·√(p(1−p)/n)" because it stays
 * inside 0–100% and does not collapse to a zero-width interval at 0/n or n/n, which small counters
 * and near-unanimous items (95%+ satisfied is common in SIPAS) produce all the time
 * (Wilson 1927; Brown, Cai & DasGupta 2001, "Interval estimation for a binomial proportion").
 */
import type { ItemScore } from './scoring';

/** A proportion's interval as shares 0–1. */
export interface ShareInterval {
  low: number;
  high: number;
}

/**
 * The Wilson score interval of `successes` out of `n` (shares 0–1), or null when n is 0 (nothing
 * to estimate). Throws on counts that cannot be counts: a figure must never be quietly invented.
 */
export function wilsonInterval(successes: number, n: number, z = 1.96): ShareInterval | null {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new Error(`wilsonInterval: expected 0 ≤ successes ≤ n as whole numbers, found ${successes} of ${n}`);
  }
  if (!(z > 0)) throw new Error(`wilsonInterval: z must be positive, found ${z}`);
  if (n === 0) return null;
  const p = successes / n;
  const z2n = (z * z) / n;
  const denominator = 1 + z2n;
  const centre = (p + z2n / 2) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // At 0/n and n/n one bound is exactly 0 or 1 in exact arithmetic; keep floating point from
  // printing "-0.0%" or "100.0000001%".
  return { low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}

/** Figures resting on fewer valid answers than this are marked "ít phiếu" (few responses) and printed without decimals. */
export const DEFAULT_MIN_VALID = 30;

/** A defined figure resting on fewer than `minValid` answers (an undefined figure is not marked: it shows "—"). */
export function isLowN(percent: number | null, n: number, minValid: number = DEFAULT_MIN_VALID): boolean {
  return percent !== null && n < minValid;
}

/**
 * The share of a group of items' questions that did not apply to the responses scored: the items'
 * not-applicable answers over items × responses (0–1), null with no items or no responses. For a
 * component it says how much of it the filter questions switched off; over every item, the same for
 * the overall index.
 */
export function shareNotApplicableOf(items: ReadonlyArray<Pick<ItemScore, 'notApplicable'>>, responses: number): number | null {
  if (items.length === 0 || responses === 0) return null;
  let notApplicable = 0;
  for (const item of items) notApplicable += item.notApplicable;
  return notApplicable / (items.length * responses);
}
