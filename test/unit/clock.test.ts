// lib/clock.ts (the system clock, sleep, timeoutSignal) and the ManualClock tests drive time with:
// timers run in order at their own time, each after the work the one before started; cancel; a
// real-time clock that also fires by itself and jumps ahead; waits longer than one Node timer holds;
// the scaled clock of schedules under --time-scale.
import { describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, scaledClock, sleep, systemClock, timeoutSignal } from '../../lib/clock.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

describe('ManualClock', () => {
  it('runs due timers in order, each at its own time, and what they schedule when it comes due', async () => {
    const clock = new ManualClock({ start: 1000 });
    const ran: Array<[string, number]> = [];
    clock.setTimeout(() => ran.push(['b', clock.now()]), 200);
    clock.setTimeout(() => {
      ran.push(['a', clock.now()]);
      clock.setTimeout(() => ran.push(['a+50', clock.now()]), 50);
    }, 100);
    clock.setTimeout(() => ran.push(['b2', clock.now()]), 200);
    await clock.advance(199);
    expect(ran).toEqual([['a', 1100], ['a+50', 1150]]);
    expect(clock.now()).toBe(1199);
    await clock.advance(1);
    expect(ran.slice(2)).toEqual([['b', 1200], ['b2', 1200]]);
    expect(clock.pending).toBe(0);
  });

  it('lets a timer\'s promise work finish before the next timer runs', async () => {
    const clock = new ManualClock();
    const steps: string[] = [];
    void (async () => {
      await sleep(clock, 1000);
      steps.push('first');
      await Promise.resolve();
      await sleep(clock, 1000);
      steps.push('second');
    })();
    await clock.advance(2000);
    expect(steps).toEqual(['first', 'second']);
  });

  it('cancels, and sleeps end early on abort without leaving a timer', async () => {
    const clock = new ManualClock();
    let ran = false;
    const cancel = clock.setTimeout(() => (ran = true), 10);
    cancel();
    cancel();
    await clock.advance(20);
    expect(ran).toBe(false);
    const ac = new AbortController();
    const slept = sleep(clock, 60_000, ac.signal);
    expect(clock.waits()).toEqual([60_000]);
    ac.abort();
    await slept;
    expect(clock.pending).toBe(0);
    await sleep(clock, 5, ac.signal); // already aborted: at once
  });

  it('timeoutSignal aborts on the clock, with a TimeoutError', async () => {
    const clock = new ManualClock();
    const { signal } = timeoutSignal(clock, 500);
    await clock.advance(499);
    expect(signal.aborted).toBe(false);
    await clock.advance(1);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
    const other = timeoutSignal(clock, 500);
    other.cancel();
    expect(clock.pending).toBe(0);
  });

  it('next() runs the soonest timer; advanceUntil steps until a condition holds, or throws', async () => {
    const clock = new ManualClock({ start: 0 });
    let fired = 0;
    clock.setTimeout(() => fired++, 5000);
    expect(await clock.next()).toBe(true);
    expect([fired, clock.now()]).toEqual([1, 5000]);
    expect(await clock.next()).toBe(false);
    let done = false;
    clock.setTimeout(() => (done = true), 750);
    expect(await clock.advanceUntil(() => done, { step: 100 })).toBe(800);
    await expect(clock.advanceUntil(() => false, { within: 1000 })).rejects.toThrow(/within 1000 ms/);
  });

  it('realTime: keeps pace with the wall clock, fires by itself, and jumps ahead on advance', async () => {
    const clock = new ManualClock({ realTime: true });
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 5));
    let late = false;
    clock.setTimeout(() => (late = true), 3_600_000);
    await clock.advance(3_600_000);
    expect(late).toBe(true);
    expect(clock.now() - Date.now()).toBeGreaterThanOrEqual(3_600_000 - 50);
    clock.stop();
  });
});

describe('systemClock', () => {
  it('is the wall clock and Node\'s timers', async () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(50);
    let ran = false;
    systemClock.setTimeout(() => (ran = true), 0)();
    await sleep(systemClock, 5);
    expect(ran).toBe(false);
  });
});

describe('systemClock: waits longer than a Node timer holds (2^31-1 ms)', () => {
  it('chains timers, so a 30-day wait fires after 30 days, not at once; cancel stops the chain', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const day = 86_400_000;
      let ran = 0;
      systemClock.setTimeout(() => ran++, 30 * day);
      const cancel = systemClock.setTimeout(() => ran += 10, 30 * day);
      expect(30 * day).toBeGreaterThan(MAX_TIMER_MS);
      vi.advanceTimersByTime(1000);
      expect(ran).toBe(0);
      vi.advanceTimersByTime(MAX_TIMER_MS);
      expect(ran).toBe(0);
      cancel();
      vi.advanceTimersByTime(30 * day - MAX_TIMER_MS - 1001);
      expect(ran).toBe(0);
      vi.advanceTimersByTime(1);
      expect(ran).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('scaledClock', () => {
  it('runs 1/scale as fast as its base from when it is made; its waits take scale times as long on the base', async () => {
    const base = new ManualClock({ start: 1_000_000 });
    expect(scaledClock(base, 1)).toBe(base);
    const fast = scaledClock(base, 0.01);
    await base.advance(600);
    expect(fast.now()).toBe(1_000_000 + 60_000);
    let firedAt: number | undefined;
    fast.setTimeout(() => (firedAt = fast.now()), 3_600_000);
    expect(base.waits()).toEqual([36_000]);
    await base.advance(36_000);
    expect(firedAt).toBe(1_000_000 + 60_000 + 3_600_000);
  });
});
