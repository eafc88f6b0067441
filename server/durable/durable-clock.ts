// The durable backend's clock: what time it is and a one-shot timer at an absolute time. Injected, so
// tests can drive it; the real one clamps a far deadline to what setTimeout can hold and lets the
// caller re-arm (a one-year execution timeout fires in steps of ~24 days).
export interface DurableClock {
  now(): number;
  /** Call `fn` at epoch ms `at` (or a little earlier, for a deadline beyond setTimeout's range); returns a cancel. */
  at(at: number, fn: () => void): () => void;
}

const MAX_DELAY_MS = 2 ** 31 - 1;

export const systemClock: DurableClock = {
  now: () => Date.now(),
  at(at, fn) {
    const t = setTimeout(fn, Math.min(MAX_DELAY_MS, Math.max(0, at - Date.now())));
    return () => clearTimeout(t);
  },
};
