// Environments per function version: reuse the most recently used idle one, wait for one that has
// answered and is about to call /next, else start a new one (cold) within the concurrency limits.
// Idle environments are shut down after the keep-alive.
import type { Logger } from 'pino';
import { type EnvironmentContext, ExecutionEnvironment } from '../environment/execution-environment.ts';
import type { FunctionVersion } from '../model.ts';
import { ServiceException } from '../errors.ts';
import type { ConcurrencyLimiter } from './concurrency-limiter.ts';

export interface Lease {
  env: ExecutionEnvironment;
  /** A new environment that still needs INIT. */
  cold: boolean;
  readonly fn: FunctionVersion;
}

interface VersionPool {
  fn: FunctionVersion;
  envs: Set<ExecutionEnvironment>;
  /** ProvisionedConcurrentExecutions asked for (0: none). */
  provisionedRequested: number;
  /** Invocations served by on-demand environments while provisioned concurrency is configured. */
  spillover: number;
  /** Idle (frozen) environments, most recently used last. */
  idle: ExecutionEnvironment[];
  waiters: Array<(env: ExecutionEnvironment | undefined) => void>;
  idleTimers: Map<ExecutionEnvironment, NodeJS.Timeout>;
}

export class EnvironmentPool {
  private readonly pools = new Map<string, VersionPool>();
  private readonly ctx: EnvironmentContext;
  private readonly limiter: ConcurrencyLimiter;
  private readonly keepAliveMs: number;
  private readonly logger: Logger;
  private closed = false;

  constructor(ctx: EnvironmentContext, limiter: ConcurrencyLimiter, keepAliveMs: number) {
    this.ctx = ctx;
    this.limiter = limiter;
    this.keepAliveMs = keepAliveMs;
    this.logger = ctx.logger;
  }

  async acquire(fn: FunctionVersion): Promise<Lease> {
    const pool = this.poolOf(fn);
    for (;;) {
      if (this.closed) throw new ServiceException('The emulator is shutting down.');
      // Provisioned environments first, then the most recently used on-demand one.
      const p = pool.idle.findLastIndex((e) => e.provisioned);
      const warm = p >= 0 ? pool.idle.splice(p, 1)[0] : pool.idle.pop();
      if (warm) {
        if (!warm.provisioned && pool.provisionedRequested > 0) pool.spillover++;
        clearTimeout(pool.idleTimers.get(warm));
        pool.idleTimers.delete(warm);
        this.limiter.take(fn.config.name, fn.config.reservedConcurrency);
        return { env: warm, cold: false, fn };
      }
      // An environment that has answered and is on its way back to /next beats a cold start.
      const finishing = [...pool.envs].filter((e) => e.awaitingNext).length;
      if (finishing > pool.waiters.length) {
        const env = await new Promise<ExecutionEnvironment | undefined>((r) => pool.waiters.push(r));
        if (env) return { env, cold: false, fn };
        continue;
      }
      this.limiter.take(fn.config.name, fn.config.reservedConcurrency);
      if (pool.provisionedRequested > 0) pool.spillover++;
      // The pool's configuration, not the caller's: an update may have come while this call waited.
      return { env: this.create(pool.fn, pool), cold: true, fn };
    }
  }

  /** Swap a lease's environment for a new one (INIT failed; retried inside the invoke). Same slot. */
  async replace(lease: Lease, reason: string): Promise<void> {
    const old = lease.env;
    await old.shutdown(reason);
    const pool = this.poolOf(lease.fn);
    lease.env = this.create(pool.fn, pool);
    lease.cold = true;
  }

  /** The invocation is over: keep the environment if it is Idle, else let it go. */
  release(lease: Lease): void {
    const { env, fn } = lease;
    const pool = this.poolOf(fn);
    if (env.state === 'Idle' && !this.closed && !env.retire) {
      const waiter = pool.waiters.shift();
      if (waiter) return waiter(env); // the slot passes to the waiter; no freeze just to thaw again
      this.limiter.give(fn.config.name);
      env.freeze();
      pool.idle.push(env);
      // Provisioned environments are never reaped.
      if (!env.provisioned) pool.idleTimers.set(env, setTimeout(() => void this.reap(env, pool), this.keepAliveMs).unref());
      return;
    }
    this.limiter.give(fn.config.name);
    if (env.state !== 'Terminated') void env.shutdown(`released in state ${env.state}`);
    this.wakeWaiters(pool);
  }

  /**
   * Initialise `count` environments ahead of any invoke (AWS_LAMBDA_INITIALIZATION_TYPE=
   * provisioned-concurrency, INIT limit max(130 s, timeout)); they are used first and never reaped.
   */
  async provision(fn: FunctionVersion, count: number): Promise<void> {
    const pool = this.poolOf(fn);
    pool.provisionedRequested = count;
    const have = [...pool.envs].filter(countsAsProvisioned);
    // Fewer asked for than there are: idle ones go first; busy ones retire after their invoke.
    const surplus = have.sort((a, b) => Number(b.state === 'Idle') - Number(a.state === 'Idle')).slice(0, Math.max(0, have.length - count));
    await Promise.all([
      ...surplus.map((e) => this.retire(e, 'provisioned concurrency lowered')),
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
    for (const env of [...pool.envs]) {
      if (env.state !== 'ShuttingDown' && env.state !== 'Terminated') void this.retire(env, 'function updated', env.provisioned);
    }
  }

  /** The version was deleted: its environments retire and none is provisioned again. */
  async removed(fn: FunctionVersion): Promise<void> {
    const pool = this.poolOf(fn);
    pool.provisionedRequested = 0;
    await Promise.all([...pool.envs].map((e) => this.retire(e, 'function deleted')));
  }

  /** Retire one environment: shut down now when idle, else after its invoke; `keep` re-provisions it. */
  private async retire(env: ExecutionEnvironment, reason: string, keep = false): Promise<void> {
    if (!keep) env.provisioned = false;
    env.retire = true;
    // Idle: now. Invoking: release() lets it go. Initializing (provisioned): provisionOne does.
    if (env.state === 'Idle') await this.shutdownEnvironment(env, reason);
  }

  private async provisionOne(pool: VersionPool): Promise<void> {
    if (this.closed) return;
    const env = this.create(pool.fn, pool);
    const limitMs = Math.max(130_000, pool.fn.config.timeout * 1000);
    const r = await env.init({ type: 'provisioned-concurrency', phase: 'init', limitMs });
    if (env.retire && !this.closed) {
      // Retired while initialising (lowered, deleted, recycled, the function changed): start another
      // one only if the version still wants more than it has.
      await env.shutdown('retired during INIT');
      const live = [...pool.envs].filter(countsAsProvisioned).length;
      if (live < pool.provisionedRequested) await this.provisionOne(pool);
      return;
    }
    if (!r.ok || this.closed) {
      if (!r.ok) this.logger.warn({ fn: pool.fn.config.name, errorType: r.errorType }, 'provisioned concurrency INIT failed (FUNCTION_ERROR_INIT_FAILURE)');
      await env.shutdown(r.ok ? 'emulator stopping' : 'provisioned INIT failed');
      return;
    }
    // Only an environment that initialised counts (and is replaced if it later fails).
    env.provisioned = true;
    env.freeze();
    pool.idle.unshift(env);
  }

  /** Provisioned concurrency per function version, for /_ephemera/health. */
  provisioned(): Array<{ function: string; version: string; requested: number; ready: number; spilloverInvocations: number }> {
    return [...this.pools.values()].filter((p) => p.provisionedRequested > 0).map((p) => ({
      function: p.fn.config.name, version: p.fn.version, requested: p.provisionedRequested,
      ready: [...p.envs].filter((e) => e.provisioned && (e.state === 'Idle' || e.state === 'Invoking')).length,
      spilloverInvocations: p.spillover,
    }));
  }

  /** Shut down every environment of a function: idle ones now, busy ones when their invoke ends. */
  async recycle(functionName: string, reason = 'recycled through /_ephemera'): Promise<number> {
    const envs = this.environments().filter((e) => e.fn.config.name === functionName && e.state !== 'ShuttingDown' && e.state !== 'Terminated');
    const idle: ExecutionEnvironment[] = [];
    for (const env of envs) {
      env.retire = true;
      if (env.state === 'Idle') idle.push(env);
    }
    await Promise.all(idle.map((e) => this.shutdownEnvironment(e, reason)));
    return envs.length;
  }

  environments(): ExecutionEnvironment[] {
    return [...this.pools.values()].flatMap((p) => [...p.envs]);
  }

  /** Shut down one environment (if idle it leaves the pool at once). */
  async shutdownEnvironment(env: ExecutionEnvironment, reason: string): Promise<void> {
    for (const pool of this.pools.values()) {
      const i = pool.idle.indexOf(env);
      if (i >= 0) {
        pool.idle.splice(i, 1);
        clearTimeout(pool.idleTimers.get(env));
        pool.idleTimers.delete(env);
      }
    }
    await env.shutdown(reason);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.environments();
    for (const pool of this.pools.values()) {
      for (const t of pool.idleTimers.values()) clearTimeout(t);
      pool.idleTimers.clear();
      pool.idle = [];
      for (const w of pool.waiters.splice(0)) w(undefined);
    }
    await Promise.all(all.map((e) => e.shutdown('emulator stopping')));
  }

  private create(fn: FunctionVersion, pool: VersionPool): ExecutionEnvironment {
    const env = new ExecutionEnvironment(fn, this.ctx);
    pool.envs.add(env);
    env.onTerminated = () => {
      pool.envs.delete(env);
      this.wakeWaiters(pool);
      // A provisioned environment that failed (timeout, crash) is replaced, as Lambda keeps the allocation.
      if (env.provisioned && !this.closed) void this.provisionOne(pool);
    };
    return env;
  }

  /** Waiters whose finishing environment died instead of coming back: let them retry. */
  private wakeWaiters(pool: VersionPool): void {
    const finishing = [...pool.envs].filter((e) => e.awaitingNext).length;
    while (pool.waiters.length > finishing) pool.waiters.shift()!(undefined);
  }

  private async reap(env: ExecutionEnvironment, pool: VersionPool): Promise<void> {
    const i = pool.idle.indexOf(env);
    if (i < 0) return;
    pool.idle.splice(i, 1);
    pool.idleTimers.delete(env);
    this.logger.debug({ fn: env.fn.config.name, env: env.id.slice(0, 8) }, 'idle environment shut down after keep-alive');
    await env.shutdown('idle keep-alive expired');
  }

  private poolOf(fn: FunctionVersion): VersionPool {
    const key = `${fn.arn}:${fn.version}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { fn, envs: new Set(), provisionedRequested: 0, spillover: 0, idle: [], waiters: [], idleTimers: new Map() };
      this.pools.set(key, pool);
    }
    return pool;
  }
}

/** Provisioned, or on its way to be (INIT with the provisioned-concurrency type), and not retiring. */
function countsAsProvisioned(e: ExecutionEnvironment): boolean {
  const starting = e.initType === 'provisioned-concurrency' && (e.state === 'Created' || e.state === 'Initializing');
  return !e.retire && (e.provisioned || starting);
}
