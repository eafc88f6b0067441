// Lambda Managed Instances in the pool: which environment a new invocation joins when environments run
// several invocations at once. A pure rule, table-tested in test/unit/managed-instances.test.ts.
import type { EnvState } from '../environment/state.ts';

export interface SharedSlot {
  readonly capacity: number;
  leases: number;
  retiring: boolean;
  readonly state: EnvState;
}

/** States in which an environment takes more invocations (Created/Initializing: once its INIT is done). */
const JOINABLE: ReadonlySet<EnvState> = new Set(['Created', 'Initializing', 'Idle', 'Invoking']);

/**
 * The slot a new invocation joins (-1: every environment is at its maximum, so the pool adds one): the
 * least loaded environment with room, the earliest of equals, so load spreads over the environments there are.
 */
export function pickShared(slots: readonly SharedSlot[]): number {
  let best = -1;
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i];
    if (s.retiring || !JOINABLE.has(s.state) || s.leases >= s.capacity) continue;
    if (best < 0 || s.leases < slots[best].leases) best = i;
  }
  return best;
}
