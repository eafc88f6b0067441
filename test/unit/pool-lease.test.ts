// The pool's pure rules (slot.ts), table-driven, and the lease's one release point (lease.ts) with a
// stand-in environment and owner: a lease ends exactly once, with its invocation or on release.
import { describe, expect, it } from 'vitest';
import type { ExecutionEnvironment, Invocation, InvokeReport } from '../../server/environment/execution-environment.ts';
import { LogBuffer } from '../../server/environment/function-log.ts';
import type { EnvState } from '../../server/environment/state.ts';
import type { FunctionVersion } from '../../server/model.ts';
import { Lease, type LeaseOwner } from '../../server/pool/lease.ts';
import { type AfterLease, afterLease, countsAsProvisioned, type LeaseEnd, pickIdle } from '../../server/pool/slot.ts';

describe('afterLease: where an environment goes when a lease on it ends', () => {
  const base: LeaseEnd = { state: 'Idle', retiring: false, closed: false, leases: 0, waiting: false };
  const rows: Array<[Partial<LeaseEnd>, AfterLease]> = [
    [{}, 'keep'],
    [{ waiting: true }, 'hand-over'],
    [{ retiring: true }, 'shut-down'],
    [{ retiring: true, waiting: true }, 'shut-down'],
    [{ closed: true }, 'shut-down'],
    [{ state: 'Failed' }, 'shut-down'],
    [{ state: 'InitFailed', waiting: true }, 'shut-down'],
    [{ state: 'ShuttingDown' }, 'shut-down'],
    [{ state: 'Terminated' }, 'shut-down'],
    [{ state: 'Created' }, 'shut-down'], // released before INIT (the caller gave up)
    // An environment serving several invocations at once: the last lease to end decides.
    [{ state: 'Invoking', leases: 1 }, 'in-use'],
    [{ state: 'Invoking', leases: 2, retiring: true }, 'in-use'],
  ];
  for (const [change, expected] of rows) {
    it(`${JSON.stringify(change)} → ${expected}`, () => {
      expect(afterLease({ ...base, ...change })).toBe(expected);
    });
  }
});

describe('pickIdle: which idle environment a lease takes', () => {
  const rows: Array<[boolean[], number]> = [
    [[], -1],
    [[false], 0],
    [[false, false, false], 2], // the most recently used (last)
    [[true, false, false], 0], // provisioned first
    [[true, false, true, false], 2], // the newest provisioned one
  ];
  for (const [provisioned, expected] of rows) {
    it(`${JSON.stringify(provisioned)} → ${expected}`, () => {
      expect(pickIdle(provisioned.map((p) => ({ provisioned: p })))).toBe(expected);
    });
  }
});

describe('countsAsProvisioned', () => {
  const rows: Array<[{ provisioned: boolean; retiring: boolean }, { initType: 'on-demand' | 'provisioned-concurrency'; state: EnvState }, boolean]> = [
    [{ provisioned: true, retiring: false }, { initType: 'provisioned-concurrency', state: 'Idle' }, true],
    [{ provisioned: true, retiring: true }, { initType: 'provisioned-concurrency', state: 'Idle' }, false],
    [{ provisioned: false, retiring: false }, { initType: 'provisioned-concurrency', state: 'Initializing' }, true],
    [{ provisioned: false, retiring: false }, { initType: 'provisioned-concurrency', state: 'InitFailed' }, false],
    [{ provisioned: false, retiring: false }, { initType: 'on-demand', state: 'Idle' }, false],
  ];
  for (const [slot, env, expected] of rows) {
    it(`${JSON.stringify({ ...slot, ...env })} → ${expected}`, () => {
      expect(countsAsProvisioned(slot, env)).toBe(expected);
    });
  }
});

/** An environment that runs one invocation whose report settles when the test says. */
function standIn(): { env: ExecutionEnvironment; settle: () => void; invoked: string[] } {
  const invoked: string[] = [];
  let settle = (): void => {};
  const env = {
    invoke(inv: Invocation) {
      invoked.push(inv.requestId);
      const report = new Promise<InvokeReport>((resolve) => {
        settle = () => resolve({} as InvokeReport);
      });
      return { response: Promise.resolve({ payload: Buffer.from('{}') }), report };
    },
  } as unknown as ExecutionEnvironment;
  return { env, settle: () => settle(), invoked };
}

const fn = { config: { name: 'f' }, version: '$LATEST' } as FunctionVersion;
const inv = (requestId: string): Invocation => ({ requestId, payload: Buffer.from('{}'), invokedFunctionArn: 'arn', timeoutMs: 1000, log: new LogBuffer() });
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Lease: one release point', () => {
  const counting = (): { owner: LeaseOwner; ends: () => number } => {
    let n = 0;
    return { owner: { returned: () => void n++, renew: async () => standIn().env }, ends: () => n };
  };

  it('released without an invocation: ends at once, and only once', () => {
    const { owner: o, ends } = counting();
    const lease = new Lease(fn, standIn().env, true, o);
    lease.release();
    lease.release();
    lease[Symbol.dispose]();
    expect(ends()).toBe(1);
  });

  it('with an invocation: release is a no-op; the lease ends when the report settles', async () => {
    const { owner: o, ends } = counting();
    const s = standIn();
    const lease = new Lease(fn, s.env, false, o);
    lease.invoke(inv('r1'));
    lease.release();
    await turn();
    expect(ends()).toBe(0);
    s.settle();
    await turn();
    expect(ends()).toBe(1);
    lease.release();
    expect(ends()).toBe(1);
  });

  it('runs one invocation; an environment that refuses it leaves the lease to release', () => {
    const { owner: o, ends } = counting();
    const s = standIn();
    const lease = new Lease(fn, s.env, false, o);
    lease.invoke(inv('r1'));
    expect(() => lease.invoke(inv('r2'))).toThrow(expect.objectContaining({ code: 'EPH_ERR_LEASE_USED' }));
    expect(s.invoked).toEqual(['r1']);

    const refusing = { invoke: () => { throw new Error('not Idle'); } } as unknown as ExecutionEnvironment;
    const other = new Lease(fn, refusing, false, o);
    expect(() => other.invoke(inv('r3'))).toThrow('not Idle');
    other.release();
    expect(ends()).toBe(1);
  });

  it('renew swaps in the owner\'s new environment and counts as cold', async () => {
    const fresh = standIn();
    const lease = new Lease(fn, standIn().env, false, { returned: () => {}, renew: async () => fresh.env });
    await lease.renew('INIT failed');
    expect(lease.env).toBe(fresh.env);
    expect(lease.cold).toBe(true);
  });
});
