// Environments per function version, each with the pool's slot record (slot.ts): a lease takes the most
// recently used idle one, waits for one that has answered and is about to call /next, else starts a new
// one (cold) within the concurrency limits. Idle environments are shut down after the keep-alive.
import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../lib/clock.ts';
import { type EnvironmentContext, ExecutionEnvironment } from '../environment/execution-environment.ts';
import type { FunctionVersion } from '../model.ts';
import { ServiceException } from '../errors.ts';
import type { ConcurrencyLimiter, SlotKind } from './concurrency-limiter.ts';
import { Lease, type LeaseOwner } from './lease.ts';
import { afterLease, countsAsProvisioned, newSlot, pickIdle, type Slot } from './slot.ts';
import { pickShared } from './shared-slots.ts';
import { SnapshotStore, snapStartContext } from './snapshot-store.ts';
import { findExtensions } from '../environment/extension-launch.ts';
import { snapStartApplies } from '../environment/snap-start.ts';

interface VersionPool {
  fn: FunctionVersion;
  slots: Map<ExecutionEnvironment, Slot>;
  /** ProvisionedConcurrentExecutions asked for (0: none). */
  provisionedRequested: number;
  /** Invocations served by on-demand environments while provisioned concurrency is configured. */
  spillover: number;
  /** Idle (frozen) environments, most recently used last. */
  idle: Slot[];
  /** An invocation reset an environment of this version: the next one follows it, with the /tmp it keeps. */
  keptTmp?: Promise<string | undefined>;
  /** Callers waiting for an environment that has answered to come back to /next (with its concurrency slot). */
  waiters: Array<(handed: Handed | undefined) => void>;
}

/** An environment passed from an ending lease to a waiting caller, with the kind of slot it holds. */
interface Handed {
  slot: Slot;
  kind: SlotKind;
}

export class EnvironmentPool {
  private readonly pools = new Map<string, VersionPool>();
  private readonly ctx: EnvironmentContext;
  private readonly limiter: ConcurrencyLimiter;
  private readonly keepAliveMs: number;
  /** The keep-alive runs on it (tests move it past the idle time instead of waiting). */
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly owner: LeaseOwner = {
    returned: (lease) => this.returned(lease),
    renew: (lease, reason) => this.renew(lease, reason),
  };
  /** The version pool poolOf found last (every invoke asks twice, mostly for the same version). */
  private lastPool: { fn: FunctionVersion; pool: VersionPool } | undefined;
  private closed = false;
  /** SnapStart: the snapshots of published versions, and the zygotes restored environments fork from. */
  readonly snapshots: SnapshotStore;

  constructor(ctx: EnvironmentContext, limiter: ConcurrencyLimiter, keepAliveMs: number, clock: Clock = systemClock) {
    this.ctx = ctx;
    this.snapshots = new SnapshotStore(ctx);
    this.limiter = limiter;
    this.keepAliveMs = keepAliveMs;
    this.clock = clock;
    this.logger = ctx.logger;
  }

  /** A lease on an environment of `fn` (TooManyRequestsException beyond the concurrency limits). */
  async acquire(fn: FunctionVersion): Promise<Lease> {
    const pool = this.poolOf(fn);
    if (pool.fn.config.managedInstances) return this.acquireShared(pool, fn);
    for (;;) {
      if (this.closed) throw new ServiceException('The emulator is shutting down.');
      const warm = pickIdle(pool.idle);
      if (warm >= 0) {
        const kind: SlotKind = pool.idle[warm].provisioned ? 'provisioned' : 'on-demand';
        this.take(fn, kind);
        const [slot] = pool.idle.splice(warm, 1);
        slot.idleTimer?.();
        slot.idleTimer = undefined;
        if (!slot.provisioned && pool.provisionedRequested > 0) pool.spillover++;
        return this.lease(slot, fn, false, kind);
      }
      // An environment that has answered and is on its way back to /next beats a cold start.
      if (finishing(pool) > pool.waiters.length) {
        const handed = await new Promise<Handed | undefined>((r) => pool.waiters.push(r));
        if (handed) return this.lease(handed.slot, fn, false, handed.kind);
        continue;
      }
      this.take(fn, 'on-demand');
      if (pool.provisionedRequested > 0) pool.spillover++;
      // After a reset the new environment starts with the /tmp the reset one kept (once it is kept).
      const reset = await takeReset(pool);
      // The pool's configuration, not the caller's: an update may have come while this call waited.
      return this.lease(this.create(pool, reset), fn, true, 'on-demand');
    }
  }

  /**
   * Initialise `count` environments ahead of any invoke (AWS_LAMBDA_INITIALIZATION_TYPE=
   * provisioned-concurrency, INIT limit max(130 s, timeout)); they are used first and never reaped.
   */
  async provision(fn: FunctionVersion, count: number): Promise<void> {
    const pool = this.poolOf(fn);
    pool.provisionedRequested = count;
    const have = [...pool.slots.values()].filter((s) => countsAsProvisioned(s, s.env));
    // Fewer asked for than there are: idle ones go first; busy ones retire after their invoke.
    const idleFirst = have.sort((a, b) => Number(b.env.state === 'Idle') - Number(a.env.state === 'Idle'));
    const surplus = idleFirst.slice(0, Math.max(0, have.length - count));
    await Promise.all([
      ...surplus.map((s) => this.retire(s, 'provisioned concurrency lowered')),
      ...Array.from({ length: Math.max(0, count - have.length) }, () => this.provisionOne(pool)),
    ]);
  }

  /**
   * A new configuration for a version ($LATEST after an update, a function created again): its
   * environments retire (idle ones now, busy ones after their invoke); provisioned ones are replaced.
   */
  replaced(fn: FunctionVersion): void {
    const pool = this.poolOf(fn);
    pool.fn = fn;
    dropKeptTmp(pool);
    for (const slot of [...pool.slots.values()]) {
      if (slot.env.state !== 'ShuttingDown' && slot.env.state !== 'Terminated') void this.retire(slot, 'function updated', slot.provisioned);
    }
  }

  /** The version was deleted: its environments retire and none is provisioned again. */
  async removed(fn: FunctionVersion): Promise<void> {
    const pool = this.poolOf(fn);
    pool.provisionedRequested = 0;
    dropKeptTmp(pool);
    await Promise.all([...pool.slots.values()].map((s) => this.retire(s, 'function deleted')));
    await this.snapshots.release(fn);
  }

  /** Provisioned concurrency per function version, for /_ephemera/health. */
  provisioned(): Array<{ function: string; version: string; requested: number; ready: number; spilloverInvocations: number }> {
    return [...this.pools.values()].filter((p) => p.provisionedRequested > 0).map((p) => ({
      function: p.fn.config.name, version: p.fn.version, requested: p.provisionedRequested,
      ready: [...p.slots.values()].filter((s) => s.provisioned && (s.env.state === 'Idle' || s.env.state === 'Invoking')).length,
      spilloverInvocations: p.spillover,
    }));
  }

  /** Shut down every environment of a function: idle ones now, busy ones when their invoke ends. */
  async recycle(functionName: string, reason = 'recycled through /_ephemera'): Promise<number> {
    const slots = this.slots().filter((s) => s.env.fn.config.name === functionName && s.env.state !== 'ShuttingDown' && s.env.state !== 'Terminated');
    for (const slot of slots) slot.retiring = true;
    // New code starts with an empty /tmp, as Lambda's new environments do.
    for (const pool of this.pools.values()) if (pool.fn.config.name === functionName) dropKeptTmp(pool);
    await Promise.all(slots.filter((s) => s.env.state === 'Idle').map((s) => this.shutdownEnvironment(s.env, reason)));
    return slots.length;
  }

  environments(): ExecutionEnvironment[] {
    return this.slots().map((s) => s.env);
  }

  /** Provisioned concurrency (initialised ahead, never reaped): for /_ephemera/environments. */
  isProvisioned(env: ExecutionEnvironment): boolean {
    return this.slots().some((s) => s.env === env && s.provisioned);
  }

  /** Shut down one environment (if idle it leaves the pool at once). */
  async shutdownEnvironment(env: ExecutionEnvironment, reason: string): Promise<void> {
    for (const pool of this.pools.values()) {
      const i = pool.idle.findIndex((s) => s.env === env);
      if (i >= 0) pool.idle.splice(i, 1)[0].idleTimer?.();
    }
    await env.shutdown(reason);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.environments();
    for (const pool of this.pools.values()) {
      for (const slot of pool.idle) slot.idleTimer?.();
      pool.idle = [];
      for (const w of pool.waiters.splice(0)) w(undefined);
    }
    await Promise.all(all.map((e) => e.shutdown('emulator stopping')));
    for (const pool of this.pools.values()) dropKeptTmp(pool);
    await this.snapshots.close();
  }

  /** A version was published: with SnapStart, its INIT runs now and its snapshot is kept. */
  published(fn: FunctionVersion): void {
    if (!snapStartApplies(fn.config, fn.version)) return;
    if (findExtensions(fn.config.layers).length > 0) {
      this.logger.warn({ fn: fn.config.name, version: fn.version }, 'SnapStart: external extensions are not part of the snapshot locally; restored environments run without them');
    }
    this.snapshots.take(fn).catch((err: Error) => this.logger.warn({ fn: fn.config.name, version: fn.version, err: err.message }, 'SnapStart snapshot failed'));
  }

  /**
   * Lambda Managed Instances: join the least loaded environment with room (waiting for its INIT if it is
   * still starting); a new environment only when every one is at its maximum concurrency.
   */
  private async acquireShared(pool: VersionPool, fn: FunctionVersion): Promise<Lease> {
    for (;;) {
      if (this.closed) throw new ServiceException('The emulator is shutting down.');
      const slots = [...pool.slots.values()];
      const i = pickShared(slots.map((s) => ({ capacity: s.capacity, leases: s.leases, retiring: s.retiring, state: s.env.state })));
      this.take(fn, 'on-demand');
      if (i < 0) return this.lease(this.create(pool), fn, true, 'on-demand');
      const slot = slots[i];
      const idle = pool.idle.indexOf(slot);
      if (idle >= 0) pool.idle.splice(idle, 1)[0].idleTimer?.();
      slot.idleTimer = undefined;
      const lease = this.lease(slot, fn, false, 'on-demand');
      if ((slot.env.state === 'Created' || slot.env.state === 'Initializing') && !(await slot.env.whenInitialized())) {
        // Its INIT failed (the invoke that started it runs INIT again elsewhere): look again.
        slot.leases--;
        this.limiter.give(fn.config.name, 'on-demand');
        continue;
      }
      return lease;
    }
  }

  // ---- leases -----------------------------------------------------------------------------------

  private lease(slot: Slot, fn: FunctionVersion, cold: boolean, kind: SlotKind): Lease {
    slot.leases++;
    return new Lease(fn, slot.env, cold, this.owner, kind);
  }

  /** A concurrency slot of `kind`, the function's provisioned concurrency carved out of its reserved. */
  private take(fn: FunctionVersion, kind: SlotKind): void {
    let provisioned = 0;
    for (const p of this.pools.values()) if (p.fn.config.name === fn.config.name) provisioned += p.provisionedRequested;
    this.limiter.take(fn.config.name, fn.config.reservedConcurrency, kind, provisioned);
  }

  /** The one place a lease ends (Lease.end): the environment goes where afterLease says. */
  private returned(lease: Lease): void {
    const { env, fn } = lease;
    const pool = this.poolOf(fn);
    const slot = pool.slots.get(env);
    if (slot) slot.leases--;
    const next = slot
      ? afterLease({ state: env.state, retiring: slot.retiring, closed: this.closed, leases: slot.leases, waiting: pool.waiters.length > 0 })
      : 'shut-down';
    const { kind } = lease;
    if (next === 'hand-over') return pool.waiters.shift()!({ slot: slot!, kind }); // the concurrency slot passes to the waiter
    this.limiter.give(fn.config.name, kind);
    if (next === 'in-use') return;
    if (next === 'keep' && slot) {
      env.freeze();
      pool.idle.push(slot);
      // Provisioned environments are never reaped.
      if (!slot.provisioned) slot.idleTimer = this.clock.setTimeout(() => void this.reap(slot, pool), this.keepAliveMs, { unref: true });
      return;
    }
    if (env.state !== 'Terminated') void env.shutdown(`released in state ${env.state}`);
    this.wakeWaiters(pool);
  }

  private async renew(lease: Lease, reason: string): Promise<ExecutionEnvironment> {
    await lease.env.shutdown(reason);
    const slot = this.create(this.poolOf(lease.fn));
    slot.leases++;
    return slot.env;
  }

  // ---- environments -------------------------------------------------------------------------------

  /** Retire one environment: shut down now when idle, else after its invoke; `keep` re-provisions it. */
  private async retire(slot: Slot, reason: string, keep = false): Promise<void> {
    if (!keep) slot.provisioned = false;
    slot.retiring = true;
    // Idle: now. Invoking: its lease's end lets it go. Initializing (provisioned): provisionOne does.
    if (slot.env.state === 'Idle') await this.shutdownEnvironment(slot.env, reason);
  }

  private async provisionOne(pool: VersionPool): Promise<void> {
    if (this.closed) return;
    const slot = this.create(pool);
    const env = slot.env;
    const limitMs = Math.max(130_000, pool.fn.config.timeout * 1000);
    const r = await env.init({ type: 'provisioned-concurrency', phase: 'init', limitMs });
    if (slot.retiring && !this.closed) {
      // Retired while initialising (lowered, deleted, recycled, the function changed): start another
      // one only if the version still wants more than it has.
      await env.shutdown('retired during INIT');
      const live = [...pool.slots.values()].filter((s) => countsAsProvisioned(s, s.env)).length;
      if (live < pool.provisionedRequested) await this.provisionOne(pool);
      return;
    }
    if (!r.ok || this.closed) {
      if (!r.ok) this.logger.warn({ fn: pool.fn.config.name, errorType: r.errorType }, 'provisioned concurrency INIT failed (FUNCTION_ERROR_INIT_FAILURE)');
      await env.shutdown(r.ok ? 'emulator stopping' : 'provisioned INIT failed');
      return;
    }
    // Only an environment that initialised counts (and is replaced if it later fails).
    slot.provisioned = true;
    env.freeze();
    pool.idle.unshift(slot);
  }

  private create(pool: VersionPool, reset?: { tmp: string | undefined }): Slot {
    const env: ExecutionEnvironment = new ExecutionEnvironment(pool.fn, snapStartContext(pool.fn, this.ctx), {
      keptTmp: (dir) => {
        dropKeptTmp(pool);
        // Retired (new code, the emulator stopping): nothing follows it.
        if (slot.retiring || this.closed) void dir.then(remove);
        else pool.keptTmp = dir;
      },
      terminated: () => {
        pool.slots.delete(env);
        // An idle one that died on its own (its runtime exited, the OOM killer) leaves the idle list too.
        const i = pool.idle.indexOf(slot);
        if (i >= 0) pool.idle.splice(i, 1)[0].idleTimer?.();
        this.wakeWaiters(pool);
        // A provisioned environment that failed (timeout, crash) is replaced, as Lambda keeps the allocation.
        if (slot.provisioned && !this.closed) void this.provisionOne(pool);
      },
    }, reset);
    const slot = newSlot(env, env.capacity);
    pool.slots.set(env, slot);
    return slot;
  }

  /** Waiters whose finishing environment died instead of coming back: let them retry. */
  private wakeWaiters(pool: VersionPool): void {
    const count = finishing(pool);
    while (pool.waiters.length > count) pool.waiters.shift()!(undefined);
  }

  private async reap(slot: Slot, pool: VersionPool): Promise<void> {
    const i = pool.idle.indexOf(slot);
    if (i < 0) return;
    pool.idle.splice(i, 1);
    slot.idleTimer = undefined;
    this.logger.debug({ fn: slot.env.fn.config.name, env: slot.env.id.slice(0, 8) }, 'idle environment shut down after keep-alive');
    await slot.env.shutdown('idle keep-alive expired');
  }

  private slots(): Slot[] {
    return [...this.pools.values()].flatMap((p) => [...p.slots.values()]);
  }

  private poolOf(fn: FunctionVersion): VersionPool {
    if (this.lastPool?.fn === fn) return this.lastPool.pool;
    const key = `${fn.arn}:${fn.version}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { fn, slots: new Map(), provisionedRequested: 0, spillover: 0, idle: [], waiters: [] };
      this.pools.set(key, pool);
    }
    this.lastPool = { fn, pool };
    return pool;
  }
}

/** Environments that have answered and are on their way back to /next. */
function finishing(pool: VersionPool): number {
  let n = 0;
  for (const env of pool.slots.keys()) if (env.awaitingNext) n++;
  return n;
}

/** A reset to follow, with its /tmp once kept, for the environment about to be created (no other will take it). */
async function takeReset(pool: VersionPool): Promise<{ tmp: string | undefined } | undefined> {
  const kept = pool.keptTmp;
  pool.keptTmp = undefined;
  return kept && { tmp: await kept };
}

/** A kept /tmp nobody will start with (new code, the version gone, the emulator stopping) is removed. */
function dropKeptTmp(pool: VersionPool): void {
  void pool.keptTmp?.then(remove);
  pool.keptTmp = undefined;
}

function remove(dir: string | undefined): undefined {
  if (dir) rmSync(dir, { recursive: true, force: true });
  return undefined;
}
