// The functions the emulator serves, and the resolution of an invoked name/ARN + qualifier to the
// FunctionVersion that runs (and the ARN the runtime is told it was invoked as).
import { functionNotFound } from '../errors.ts';
import type { FunctionConfig, FunctionVersion } from '../model.ts';
import { functionArn, parseFunctionRef } from './function-ref.ts';

export interface AccountContext {
  region: string;
  accountId: string;
}

export interface Resolved {
  fn: FunctionVersion;
  /** As invoked: unqualified, or with the qualifier the caller gave. */
  invokedArn: string;
}

export class Registry {
  private readonly byName = new Map<string, FunctionVersion>();
  readonly ctx: AccountContext;

  constructor(functions: FunctionConfig[], ctx: AccountContext) {
    this.ctx = ctx;
    for (const config of functions) {
      this.byName.set(config.name, { config, version: '$LATEST', arn: functionArn(config.name, ctx) });
    }
  }

  list(): FunctionVersion[] {
    return [...this.byName.values()];
  }

  get(name: string): FunctionVersion | undefined {
    return this.byName.get(name);
  }

  /** Successful resolutions by `name?qualifier`: the same few names are invoked over and over. */
  private readonly resolved = new Map<string, Resolved>();

  /** Resolve the FunctionName path parameter and ?Qualifier, or throw AWS's error. */
  resolve(rawName: string, queryQualifier: string | undefined): Resolved {
    const key = queryQualifier === undefined ? rawName : `${rawName}?${queryQualifier}`;
    let hit = this.resolved.get(key);
    if (!hit) {
      hit = this.resolveUncached(rawName, queryQualifier);
      if (this.resolved.size >= 1000) this.resolved.clear();
      this.resolved.set(key, hit);
    }
    return hit;
  }

  private resolveUncached(rawName: string, queryQualifier: string | undefined): Resolved {
    const { name, qualifier } = parseFunctionRef(rawName, queryQualifier, this.ctx);
    const fn = this.byName.get(name);
    // Published versions and aliases arrive with the versions issue; until then only $LATEST exists.
    if (!fn || (qualifier !== undefined && qualifier !== '$LATEST')) {
      throw functionNotFound(functionArn(name, this.ctx, qualifier ?? '$LATEST'));
    }
    return { fn, invokedArn: qualifier ? `${fn.arn}:${qualifier}` : fn.arn };
  }
}
