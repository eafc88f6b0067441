// The pool's record of one environment it owns (provisioned, retiring, leases held, its keep-alive timer)
// and the pure rules the pool decides with: which idle environment a lease takes, where an environment
// goes when a lease on it ends, and which environments count as provisioned.
import type { ExecutionEnvironment } from '../environment/execution-environment.ts';
import type { Cancel } from '../../lib/clock.ts';
import type { EnvState } from '../environment/state.ts';

/** Written by EnvironmentPool only; the environment itself knows nothing of it. */
export interface Slot {
  readonly env: ExecutionEnvironment;
  /** Provisioned concurrency: initialised ahead of invokes, used first, never reaped, replaced when it fails. */
  provisioned: boolean;
  /** Leaves the pool when its lease ends (recycled, function updated, provisioned concurrency lowered). */
  retiring: boolean;
  /** Invocations the environment may run at once: 1 on Lambda (Managed Instances would raise it). */
  readonly capacity: number;
  /** Leases held on it now. */
  leases: number;
  /** Cancels the keep-alive while it waits idle (on-demand environments only). */
  idleTimer: Cancel | undefined;
}

export function newSlot(env: ExecutionEnvironment, capacity = 1): Slot {
  return { env, provisioned: false, retiring: false, capacity, leases: 0, idleTimer: undefined };
}

/** The idle slot a new lease takes (-1: none): the newest provisioned one, else the most recently used (kept last). */
export function pickIdle(idle: readonly Pick<Slot, 'provisioned'>[]): number {
  const p = idle.findLastIndex((s) => s.provisioned);
  return p >= 0 ? p : idle.length - 1;
}

/**
 * Where an environment goes when a lease on it ends: to a caller already waiting for it (no freeze just
 * to thaw again), back to the idle list (frozen), nowhere yet (other leases still run on it), or away.
 */
export type AfterLease = 'hand-over' | 'keep' | 'in-use' | 'shut-down';

export interface LeaseEnd {
  state: EnvState;
  retiring: boolean;
  /** The pool is closing. */
  closed: boolean;
  /** Leases still held on the environment, this one not counted. */
  leases: number;
  /** A caller waits for an environment of this version to finish. */
  waiting: boolean;
}

export function afterLease(e: LeaseEnd): AfterLease {
  if (e.leases > 0) return 'in-use'; // the last lease to end decides
  if (e.state !== 'Idle' || e.closed || e.retiring) return 'shut-down';
  return e.waiting ? 'hand-over' : 'keep';
}

/** Provisioned, or on its way to be (INIT with the provisioned-concurrency type), and not retiring. */
export function countsAsProvisioned(slot: Pick<Slot, 'provisioned' | 'retiring'>, env: Pick<ExecutionEnvironment, 'initType' | 'state'>): boolean {
  const starting = env.initType === 'provisioned-concurrency' && (env.state === 'Created' || env.state === 'Initializing');
  return !slot.retiring && (slot.provisioned || starting);
}
