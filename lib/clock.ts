// The emulator's time source: code that reads the time or waits for AWS's own rules (async retries and
// event age, pollers, keep-alive, queue visibility and retention, authorizer caches) takes a Clock, so
// tests drive time (test/helpers/manual-clock.ts) instead of sleeping.

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

/** The wall clock and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms, opts) => {
    const timer = setTimeout(fn, Math.max(0, ms));
    if (opts?.unref) timer.unref();
    return () => clearTimeout(timer);
  },
};

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
