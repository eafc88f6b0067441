// The pool of blank sandboxes (--sandbox-pool <n>): runtimes started ahead, with their sandbox, for
// the runtimes functions actually use, so that a cold start only loads the function's code. At most
// n blanks, one per runtime in use (most recently used first; a spare one beyond for the most recent),
// refilled on the clock after each take, off the invoke's path; all killed at close.
import type { Logger } from 'pino';
import type { Cancel, Clock } from '../../lib/clock.ts';
import { type BlankSpec, blankSpawnPlan } from '../environment/blank-plan.ts';
import { type BlankSource, BlankSandbox } from '../environment/blank-sandbox.ts';
import { sandboxBoundingSet } from '../environment/isolation.ts';
import type { ProcessWatchdog } from '../environment/process-watchdog.ts';
import { subreaperPrefix } from '../environment/subreaper.ts';

/** After a take, the refill waits this long: the cold invoke that took the blank runs first. */
export const REFILL_DELAY_MS = 100;

export interface SandboxPoolOptions {
  /** Most blanks kept at once (0: none). */
  size: number;
  clock: Clock;
  parentDeathGuard: string[];
  watchdog?: ProcessWatchdog;
  logger: Logger;
}

/** How many blanks each runtime in use gets: one each, most recent first, the rest to the most recent. */
export function blankTargets(recent: readonly string[], size: number): Map<string, number> {
  const targets = new Map<string, number>();
  recent.slice(0, size).forEach((key) => targets.set(key, 1));
  if (recent.length > 0 && size > recent.length) targets.set(recent[0], 1 + size - recent.length);
  return targets;
}

export class SandboxPool implements BlankSource {
  private readonly opts: SandboxPoolOptions;
  /** Runtimes in use, most recently used last. */
  private readonly used = new Map<string, BlankSpec>();
  private readonly blanks = new Set<BlankSandbox>();
  /** Kills under way (an evicted blank, one whose runtime ended): close waits for them too. */
  private readonly dying = new Set<Promise<void>>();
  private readonly reasons = new Set<string>();
  private refillTimer: Cancel | undefined;
  private closed = false;
  private taken = 0;

  constructor(opts: SandboxPoolOptions) {
    this.opts = opts;
  }

  get size(): number {
    return this.opts.size;
  }

  /** Blanks handed to environments so far. */
  get assignedCount(): number {
    return this.taken;
  }

  /** For /_ephemera/health: the size, the blanks kept per runtime (and how many wait), the cold starts that took one. */
  describe(): { size: number; blanks: Array<{ runtime: string; isolation: string; waiting: boolean }>; assigned: number } {
    const blanks = this.list().map((b) => ({ runtime: b.spec.command.join(' '), isolation: b.spec.isolation, waiting: b.waiting() }));
    return { size: this.opts.size, blanks, assigned: this.taken };
  }

  /** The blanks kept now (not yet assigned). */
  list(): BlankSandbox[] {
    return [...this.blanks].filter((b) => b.available);
  }

  take(spec: BlankSpec): BlankSandbox | undefined {
    if (this.closed || this.opts.size <= 0) return undefined;
    this.used.delete(spec.key);
    this.used.set(spec.key, spec);
    const blank = this.list().find((b) => b.spec.key === spec.key);
    if (blank) {
      this.blanks.delete(blank);
      this.taken++;
    }
    this.scheduleRefill();
    return blank;
  }

  fellBack(reason: string): void {
    if (this.reasons.has(reason) || this.opts.size <= 0) return;
    this.reasons.add(reason);
    this.opts.logger.debug({ reason }, 'cold start without a blank sandbox');
  }

  /**
   * Settles once every blank the pool aims for is started and waiting (benchmarks, tests). It polls
   * processes on the wall clock, not the emulator's: a test's manual clock does not start them.
   */
  async whenReady(timeoutMs = 10_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until && !this.closed) {
      if (this.refillTimer === undefined && this.missing() === 0 && this.list().every((b) => b.waiting())) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  }

  /** Kill every blank (nothing starts after this). */
  async close(): Promise<void> {
    this.closed = true;
    this.refillTimer?.();
    this.refillTimer = undefined;
    const all = [...this.blanks];
    this.blanks.clear();
    await Promise.all([...all.map((b) => b.kill()), ...this.dying]);
  }

  /** Take a blank out of the pool and kill it. */
  private discard(blank: BlankSandbox): void {
    this.blanks.delete(blank);
    const killed = blank.kill().finally(() => this.dying.delete(killed));
    this.dying.add(killed);
  }

  private scheduleRefill(): void {
    if (this.refillTimer || this.closed) return;
    this.refillTimer = this.opts.clock.setTimeout(() => {
      this.refillTimer = undefined;
      this.refill();
    }, REFILL_DELAY_MS, { unref: true });
  }

  private missing(): number {
    let missing = 0;
    for (const [key, n] of this.targets()) missing += Math.max(0, n - this.list().filter((b) => b.spec.key === key).length);
    return missing;
  }

  private targets(): Map<string, number> {
    return blankTargets([...this.used.keys()].reverse(), this.opts.size);
  }

  /** Start what is missing; kill the blanks of runtimes no longer among the most recent (or ended). */
  private refill(): void {
    if (this.closed) return;
    const targets = this.targets();
    for (const blank of [...this.blanks]) {
      const keep = targets.get(blank.spec.key) ?? 0;
      const same = this.list().filter((b) => b.spec.key === blank.spec.key);
      if (!blank.available || same.indexOf(blank) >= keep) this.discard(blank);
    }
    for (const [key, n] of targets) {
      const spec = this.used.get(key)!;
      for (let have = this.list().filter((b) => b.spec.key === key).length; have < n; have++) this.start(spec);
    }
  }

  private start(spec: BlankSpec): void {
    const plan = blankSpawnPlan(spec, this.opts.parentDeathGuard, spec.isolation === 'process' ? subreaperPrefix() : [], spec.isolation === 'namespace' ? sandboxBoundingSet() : '');
    const blank = new BlankSandbox(spec, plan, this.opts.watchdog);
    this.blanks.add(blank);
    // A blank whose runtime ended by itself leaves the pool (the next take refills).
    void blank.exited.then(() => {
      if (!blank.assigned && this.blanks.has(blank)) this.discard(blank);
    });
  }
}
