// How many concurrent batches an SQS mapping runs (reference §8.2): 5 to start, one more per
// 200 ms (+300/min, time-scaled) while batches come back full, one fewer per empty long poll, fewer
// after function errors and throttles; never above MaximumConcurrency (default 1,000).
import type { Clock } from '../lib/clock.ts';

export const INITIAL_POLLERS = 5;
export const DEFAULT_MAX_CONCURRENCY = 1000;
/** AWS adds up to 300 concurrent batches a minute. */
const GROWTH_INTERVAL_MS = 60_000 / 300;

export class SqsScaling {
  readonly cap: number;
  readonly initial: number;
  /** Workers running now (the poller keeps it up to date). */
  active = 0;
  /** Workers wanted: above `active` one is started, below it one stops. */
  target: number;
  /** The most workers ever running at once. */
  highWater = 0;
  private readonly growthMs: number;
  private readonly clock: Clock;
  private lastGrowth = 0;

  constructor(maximumConcurrency: number | undefined, timeScale: number, clock: Clock) {
    this.cap = maximumConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    this.initial = Math.min(INITIAL_POLLERS, this.cap);
    this.target = this.initial;
    this.growthMs = GROWTH_INTERVAL_MS * timeScale;
    this.clock = clock;
  }

  /** Checked by a worker before each batch: true when it should stop to bring `active` down to `target`. */
  shouldExit(): boolean {
    this.highWater = Math.max(this.highWater, this.active);
    return this.active > this.target;
  }

  /** A long poll came back empty: the queue is drained, scale down (not below the initial pollers). */
  onEmpty(): void {
    if (this.target > this.initial) this.target--;
  }

  /** The function failed the whole batch: one fewer concurrent batch (at least one). */
  onError(): void {
    this.target = Math.max(1, this.target - 1);
  }

  /** The invoke was throttled: halve the concurrency (at least one). */
  onThrottle(): void {
    this.target = Math.max(1, Math.floor(this.target / 2));
  }

  /**
   * A batch was processed. Grow when it was full (more messages are waiting) or when errors took the
   * concurrency below the initial pollers; at most one step per growth interval. True: start a worker.
   */
  onBatchDone(full: boolean, now = this.clock.now()): boolean {
    if ((full || this.target < this.initial) && this.target < this.cap && now - this.lastGrowth >= this.growthMs) {
      this.target++;
      this.lastGrowth = now;
    }
    return this.active < this.target;
  }
}
