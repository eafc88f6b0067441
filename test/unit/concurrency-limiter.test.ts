import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../server/pool/concurrency-limiter.ts';

const reason = (f: () => void): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return String((err as { extra: Record<string, unknown> }).extra.Reason);
  }
};

describe('ConcurrencyLimiter', () => {
  it('throttles on-demand invocations at the reserved concurrency', () => {
    const l = new ConcurrencyLimiter(10);
    l.take('f', 1);
    expect(reason(() => l.take('f', 1))).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    l.give('f');
    expect(reason(() => l.take('f', 1))).toBeUndefined();
    expect(reason(() => l.take('g', 0))).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
  });

  it('carves provisioned concurrency out of the reserved: none left for on-demand when they are equal', () => {
    const l = new ConcurrencyLimiter(10);
    // reserved 1, provisioned 1 (version 1): $LATEST is throttled, the provisioned environment is not.
    expect(reason(() => l.take('f', 1, 'on-demand', 1))).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(reason(() => l.take('f', 1, 'provisioned', 1))).toBeUndefined();
    expect(l.inUse('f')).toBe(1);
    // reserved 3, provisioned 2: one on-demand invocation at a time.
    expect(reason(() => l.take('g', 3, 'on-demand', 2))).toBeUndefined();
    expect(reason(() => l.take('g', 3, 'on-demand', 2))).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    // without reserved concurrency, provisioned concurrency limits nothing.
    expect(reason(() => l.take('h', undefined, 'on-demand', 5))).toBeUndefined();
  });

  it('gives back the kind it took and keeps the account limit over both kinds', () => {
    const l = new ConcurrencyLimiter(2);
    l.take('f', 1, 'provisioned', 1);
    l.take('g', undefined);
    expect(reason(() => l.take('h', undefined))).toBe('ConcurrentInvocationLimitExceeded');
    l.give('f', 'provisioned');
    expect(l.inUse()).toBe(1);
    expect(l.inUse('f')).toBe(0);
    expect(reason(() => l.take('h', undefined))).toBeUndefined();
  });
});
