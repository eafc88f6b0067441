// Concurrency slots: the account pool (--max-concurrency) and each function's reserved
// concurrency. A slot is held from acquiring an environment until it is released.
import { TooManyRequestsException } from '../errors.ts';

export class ConcurrencyLimiter {
  private total = 0;
  private readonly perFunction = new Map<string, number>();
  readonly accountLimit: number;

  constructor(accountLimit: number) {
    this.accountLimit = accountLimit;
  }

  /** Take a slot or throw TooManyRequestsException with Lambda's Reason. */
  take(functionName: string, reserved: number | undefined): void {
    const used = this.perFunction.get(functionName) ?? 0;
    if (reserved !== undefined && used >= reserved) {
      throw new TooManyRequestsException('ReservedFunctionConcurrentInvocationLimitExceeded');
    }
    if (this.total >= this.accountLimit) throw new TooManyRequestsException('ConcurrentInvocationLimitExceeded');
    this.total++;
    this.perFunction.set(functionName, used + 1);
  }

  give(functionName: string): void {
    const used = this.perFunction.get(functionName) ?? 0;
    if (used <= 1) this.perFunction.delete(functionName);
    else this.perFunction.set(functionName, used - 1);
    if (this.total > 0) this.total--;
  }

  inUse(functionName?: string): number {
    return functionName === undefined ? this.total : (this.perFunction.get(functionName) ?? 0);
  }
}
