import { MAX_BATCH_RESPONSES } from '../../shared/wire';

/** Full batches in a row that must succeed before the batch grows again: one lucky batch proves little. */
export const GROW_AFTER_SUCCESSES = 3;
/** Growth per step: gradual, so a link that just carried 25 is not asked for 100 at once. */
export const GROWTH_FACTOR = 1.5;
/** The most the request timeout is stretched after timeouts in a row (×2 per timeout, up to the cap). */
export const MAX_TIMEOUT_FACTOR = 4;

/**
 * How many responses the next batch carries, learnt from the link: a timeout or a 413 halves it, the
 * size that worked is kept (the caller persists `size` so a reload does not start from the ceiling
 * again), and after GROW_AFTER_SUCCESSES full batches it grows by GROWTH_FACTOR up to the ceiling
 * (staff's syncBatchSize, never over the collector's MAX_BATCH_RESPONSES). A timeout also stretches
 * the time allowance of the next requests, for a collector that is slow to answer rather than a link
 * that is slow to carry; a success resets it.
 */
export class BatchSizer {
  private sizeNow: number;
  private successes = 0;
  private factor = 1;

  constructor(private ceilingNow: number, learnt?: number) {
    this.ceilingNow = clampCeiling(ceilingNow);
    this.sizeNow = clampSize(learnt ?? this.ceilingNow, this.ceilingNow);
  }

  /** Responses the next batch may carry. */
  get size(): number {
    return this.sizeNow;
  }

  /** Multiplier of the next request's time allowance. */
  get timeoutFactor(): number {
    return this.factor;
  }

  /** Applies staff's batch size when it changed (read at every drain); a lower one caps at once. */
  setCeiling(ceiling: number): void {
    this.ceilingNow = clampCeiling(ceiling);
    this.sizeNow = Math.min(this.sizeNow, this.ceilingNow);
  }

  /** The collector took a batch of `count`; returns true when the size changed. */
  succeeded(count: number): boolean {
    this.factor = 1;
    // A short batch (the queue's tail) says nothing about what a full one would do.
    if (count < this.sizeNow) return false;
    this.successes += 1;
    if (this.successes < GROW_AFTER_SUCCESSES || this.sizeNow >= this.ceilingNow) return false;
    this.successes = 0;
    this.sizeNow = Math.min(this.ceilingNow, Math.ceil(this.sizeNow * GROWTH_FACTOR));
    return true;
  }

  /** The collector refused a batch of `count` as too large (413); returns true when the size changed. */
  tooLarge(count: number): boolean {
    return this.halve(count);
  }

  /** A batch of `count` timed out; returns true when the size changed. */
  timedOut(count: number): boolean {
    this.factor = Math.min(MAX_TIMEOUT_FACTOR, this.factor * 2);
    return this.halve(count);
  }

  private halve(count: number): boolean {
    this.successes = 0;
    // An empty batch (a heartbeat) that timed out says nothing about size.
    if (count === 0) return false;
    const next = Math.max(1, Math.floor(Math.min(count, this.sizeNow) / 2));
    const changed = next !== this.sizeNow;
    this.sizeNow = next;
    return changed;
  }
}

function clampCeiling(ceiling: number): number {
  return Math.max(1, Math.min(MAX_BATCH_RESPONSES, Math.floor(ceiling) || 1));
}

function clampSize(size: number, ceiling: number): number {
  return Math.max(1, Math.min(ceiling, Math.floor(size) || 1));
}
