// A Clock (lib/clock.ts) that tests move: time stands still until `advance`, which runs every timer
// that comes due on the way, in order, each at its own time. `realTime: true` starts from the wall clock
// and keeps pace with it (timers fire by themselves as time passes), while `advance` jumps ahead: the
// integration tests' clock, where real worker processes run in real time and a test skips the minute.
import type { Cancel, Clock } from '../../lib/clock.ts';

interface Timer {
  due: number;
  seq: number;
  fn: () => void;
  /** The wait asked for, for tests that look for a particular timer. */
  ms: number;
}

export class ManualClock implements Clock {
  private readonly realTime: boolean;
  /** Manual: the time. Real time: how far the clock is ahead of the wall clock. */
  private at: number;
  private readonly timers: Timer[] = [];
  private seq = 0;
  private wake?: NodeJS.Timeout;

  constructor(opts: { start?: number; realTime?: boolean } = {}) {
    this.realTime = opts.realTime ?? false;
    this.at = this.realTime ? 0 : (opts.start ?? Date.parse('2026-01-01T00:00:00Z'));
  }

  now(): number {
    return this.realTime ? Date.now() + this.at : this.at;
  }

  setTimeout(fn: () => void, ms: number): Cancel {
    const timer: Timer = { due: this.now() + Math.max(0, ms), seq: this.seq++, fn, ms };
    const i = this.timers.findIndex((t) => t.due > timer.due);
    this.timers.splice(i < 0 ? this.timers.length : i, 0, timer);
    this.arm();
    return () => {
      const at = this.timers.indexOf(timer);
      if (at >= 0) this.timers.splice(at, 1);
      this.arm();
    };
  }

  /** Timers scheduled and not yet run. */
  get pending(): number {
    return this.timers.length;
  }

  /** The waits (ms asked for) of the timers not yet run, soonest first. */
  waits(): number[] {
    return this.timers.map((t) => t.ms);
  }

  /**
   * Move time forward by `ms`, running each timer that comes due on the way at its own time, after the
   * promise jobs and I/O callbacks the previous one started (so a retry scheduled by a timer runs too).
   */
  async advance(ms: number): Promise<void> {
    const target = this.now() + ms;
    for (;;) {
      await settle();
      const next = this.timers[0];
      if (!next || next.due > target) break;
      this.moveTo(next.due);
      this.timers.shift();
      next.fn();
    }
    this.moveTo(target);
    this.arm();
    await settle();
  }

  /** Advance to the next timer and run it (and any due with it); false when none is scheduled. */
  async next(): Promise<boolean> {
    await settle();
    const next = this.timers[0];
    if (!next) return false;
    await this.advance(Math.max(0, next.due - this.now()));
    return true;
  }

  /**
   * Advance in steps of `step` ms until `cond` holds (checked before each step); throws once `within` ms
   * of clock time passed without it. Returns the clock time it took. For code that runs concurrently
   * (pollers): each step lets it react, as real time would, but no test waits for it.
   */
  async advanceUntil(cond: () => boolean, opts: { step?: number; within?: number } = {}): Promise<number> {
    const { step = 100, within = 120_000 } = opts;
    const start = this.now();
    await settle();
    while (!cond()) {
      if (this.now() - start >= within) throw new Error(`advanceUntil: condition not met within ${within} ms of clock time`);
      await this.advance(step);
    }
    return this.now() - start;
  }

  /** Stop the real-time wake-up (a real-time clock: call when the test is over). */
  stop(): void {
    clearTimeout(this.wake);
    this.wake = undefined;
  }

  private moveTo(t: number): void {
    if (t > this.now()) this.at += t - this.now();
  }

  /** Real time: a Node timer for the soonest one, so timers fire as the wall clock passes them. */
  private arm(): void {
    if (!this.realTime) return;
    clearTimeout(this.wake);
    this.wake = undefined;
    const next = this.timers[0];
    if (!next) return;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      this.fireDue();
    }, Math.max(0, next.due - this.now())).unref();
  }

  /** Runs the timers due now; those they schedule wait for the next turn (no loop of zero waits). */
  private fireDue(): void {
    const before = this.seq;
    while (this.timers.length > 0 && this.timers[0].due <= this.now() && this.timers[0].seq < before) this.timers.shift()!.fn();
    this.arm();
  }
}

/** Let promise jobs and pending I/O callbacks run (two turns of the event loop). */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((r) => setImmediate(r));
}
