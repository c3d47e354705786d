/** Retry schedule after failed syncs: exponential, capped, with jitter so a fleet never retries in step. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, capMs: 15 * 60_000 };

/**
 * Delay before retry number `failures` (1 = after the first failure): base·2^(failures−1), capped,
 * then "equal jitter" — half fixed, half random — so the wait never collapses to zero.
 */
export function backoffDelayMs(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}
