// The emulator's time source: code that reads the time or waits for AWS's own rules (async retries and
// event age, pollers, keep-alive, queue visibility and retention, authorizer caches, schedules) takes a
// Clock, so tests drive time (test/helpers/manual-clock.ts) instead of sleeping.

/** Cancels a scheduled call; calling it after the call ran (or twice) does nothing. */
export type Cancel = () => void;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Calls `fn` once, `ms` after now. `unref`: the timer alone does not keep the process alive
   * (a real clock's concern; a test clock ignores it).
   */
  setTimeout(fn: () => void, ms: number, opts?: { unref?: boolean }): Cancel;
}

/** The longest wait one Node timer holds (2^31-1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The wall clock and Node's timers; a wait longer than one timer holds is chained (a yearly schedule). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms, opts) => {
    let timer: NodeJS.Timeout;
    const arm = (left: number): void => {
      timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fn()), Math.min(left, MAX_TIMER_MS));
      if (opts?.unref) timer.unref();
    };
    arm(Math.max(0, ms));
    return () => clearTimeout(timer);
  },
};

/**
 * A clock whose time runs `1 / scale` times as fast as `base`'s from the moment it is made (scale 0.01:
 * a minute passes in 0.6 s of `base`), for schedules under --time-scale; scale 1 is `base` itself.
 */
export function scaledClock(base: Clock, scale: number): Clock {
  if (scale === 1) return base;
  const origin = base.now();
  return {
    now: () => origin + (base.now() - origin) / scale,
    setTimeout: (fn, ms, opts) => base.setTimeout(fn, ms * scale, opts),
  };
}

/**
 * Resolves after `ms` on `clock`, or as soon as `signal` aborts, leaving no timer or listener behind
 * either way (pollers run it several times a second per shard).
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A signal that aborts `ms` from now on `clock` (AbortSignal.timeout on any clock); `cancel` stops its timer. */
export function timeoutSignal(clock: Clock, ms: number): { signal: AbortSignal; cancel: Cancel } {
  const controller = new AbortController();
  const cancel = clock.setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), ms);
  return { signal: controller.signal, cancel };
}
