// A lease on one environment and one concurrency slot, from EnvironmentPool.acquire. It runs at most one
// invocation and ends exactly once, in end(): when that invocation is over (the runtime is back at /next
// or the environment failed), or when its holder releases it without one.
import type { InvocationHandle } from '../environment/environment-types.ts';
import type { ExecutionEnvironment, Invocation } from '../environment/execution-environment.ts';
import type { FunctionVersion } from '../model.ts';
import type { SlotKind } from './concurrency-limiter.ts';

/** The pool's side of a lease. */
export interface LeaseOwner {
  /** The lease is over: keep the environment, hand it to a waiting caller, or shut it down. */
  returned(lease: Lease): void;
  /** A new environment in place of the lease's (whose INIT failed), on the same concurrency slot. */
  renew(lease: Lease, reason: string): Promise<ExecutionEnvironment>;
}

/** A lease asked to run a second invocation, or one after it ended (a bug in its holder). */
export class LeaseUsedError extends Error {
  readonly code = 'EPH_ERR_LEASE_USED';
}

export class Lease implements Disposable {
  /** The version as the caller resolved it (its concurrency is counted under this function name). */
  readonly fn: FunctionVersion;
  /** The kind of concurrency slot the lease holds (given back, or handed over, when it ends). */
  readonly kind: SlotKind;
  private readonly owner: LeaseOwner;
  private environment: ExecutionEnvironment;
  private startedCold: boolean;
  private phase: 'held' | 'invoking' | 'over' = 'held';

  constructor(fn: FunctionVersion, env: ExecutionEnvironment, cold: boolean, owner: LeaseOwner, kind: SlotKind = 'on-demand') {
    this.fn = fn;
    this.kind = kind;
    this.environment = env;
    this.startedCold = cold;
    this.owner = owner;
  }

  get env(): ExecutionEnvironment {
    return this.environment;
  }

  /** A new environment: it needs INIT, and its first invocation is a cold start. */
  get cold(): boolean {
    return this.startedCold;
  }

  /** INIT failed: go on with a new environment on the same slot (Lambda re-runs INIT inside the invoke). */
  async renew(reason: string): Promise<void> {
    this.environment = await this.owner.renew(this, reason);
    this.startedCold = true;
  }

  /** Run the lease's one invocation; the lease ends when its report settles (see InvocationHandle). */
  invoke(inv: Invocation): InvocationHandle {
    if (this.phase !== 'held') throw new LeaseUsedError(`a lease runs one invocation (this one is ${this.phase})`);
    const run = this.environment.invoke(inv);
    this.phase = 'invoking';
    void run.report.then(() => this.end());
    return run;
  }

  /** The holder is done: the lease ends now, or with its invocation if one is still running. Idempotent. */
  release(): void {
    if (this.phase === 'held') this.end();
  }

  /** `using lease = await pool.acquire(fn)` (Node >= 24) releases at the end of the scope. */
  [Symbol.dispose](): void {
    this.release();
  }

  private end(): void {
    if (this.phase === 'over') return;
    this.phase = 'over';
    this.owner.returned(this);
  }
}
