// Concurrency slots: the account pool (--max-concurrency) and each function's reserved concurrency,
// which its provisioned concurrency is part of. A slot is held from acquiring an environment until the
// lease on it ends.
import { TooManyRequestsException } from '../errors.ts';

/** On a provisioned environment (allocated ahead, inside the reserved concurrency) or an on-demand one. */
export type SlotKind = 'provisioned' | 'on-demand';

export class ConcurrencyLimiter {
  private total = 0;
  private readonly perFunction = new Map<string, { onDemand: number; provisioned: number }>();
  readonly accountLimit: number;

  constructor(accountLimit: number) {
    this.accountLimit = accountLimit;
  }

  /**
   * Take a slot or throw TooManyRequestsException with Lambda's Reason. The function's provisioned
   * concurrency (`provisionedTotal`, over all its versions and aliases) is carved out of its reserved
   * concurrency: on-demand invocations get what is left, none when reserved equals provisioned
   * (LocalStack's AWS-recorded test_lambda_concurrency_block and test_reserved_provisioned_overlap, 2025-11).
   */
  take(functionName: string, reserved: number | undefined, kind: SlotKind = 'on-demand', provisionedTotal = 0): void {
    const used = this.perFunction.get(functionName) ?? { onDemand: 0, provisioned: 0 };
    if (kind === 'on-demand' && reserved !== undefined && used.onDemand >= reserved - provisionedTotal) {
      throw new TooManyRequestsException('ReservedFunctionConcurrentInvocationLimitExceeded');
    }
    if (this.total >= this.accountLimit) throw new TooManyRequestsException('ConcurrentInvocationLimitExceeded');
    this.total++;
    this.perFunction.set(functionName, kind === 'on-demand' ? { ...used, onDemand: used.onDemand + 1 } : { ...used, provisioned: used.provisioned + 1 });
  }

  give(functionName: string, kind: SlotKind = 'on-demand'): void {
    const used = this.perFunction.get(functionName);
    if (used) {
      const next = kind === 'on-demand' ? { ...used, onDemand: Math.max(0, used.onDemand - 1) } : { ...used, provisioned: Math.max(0, used.provisioned - 1) };
      if (next.onDemand + next.provisioned === 0) this.perFunction.delete(functionName);
      else this.perFunction.set(functionName, next);
    }
    if (this.total > 0) this.total--;
  }

  inUse(functionName?: string): number {
    if (functionName === undefined) return this.total;
    const used = this.perFunction.get(functionName);
    return used ? used.onDemand + used.provisioned : 0;
  }
}
