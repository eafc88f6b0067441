// The Invoker pollers use (pollers/invoker.ts): resolves a function name or ARN through the registry
// and runs it through the same invocation service as the Invoke API.
import { InvokeFailure, type InvokeOutcome, type Invoker } from '../../pollers/invoker.ts';
import { LambdaApiError, ResourceNotFoundException, TooManyRequestsException } from '../errors.ts';
import type { Registry, Resolved } from '../registry/registry.ts';
import type { SyncInvoker } from './invocation-service.ts';

export class PollerInvoker implements Invoker {
  private readonly registry: Registry;
  private readonly service: SyncInvoker;

  constructor(registry: Registry, service: SyncInvoker) {
    this.registry = registry;
    this.service = service;
  }

  async invoke(functionRef: string, payload: Buffer, opts: { traceId?: string } = {}): Promise<InvokeOutcome> {
    const { fn, invokedArn } = this.resolve(functionRef);
    try {
      const r = await this.service.invoke({ fn, invokedArn, payload, tail: false, traceId: opts.traceId });
      return { requestId: r.requestId, executedVersion: r.executedVersion, functionError: r.functionError, errorType: r.errorType, payload: r.payload };
    } catch (err) {
      throw toFailure(err);
    }
  }

  private resolve(functionRef: string): Resolved {
    try {
      return this.registry.resolve(functionRef, undefined);
    } catch (err) {
      throw toFailure(err);
    }
  }
}

function toFailure(err: unknown): InvokeFailure {
  if (err instanceof TooManyRequestsException) return new InvokeFailure('throttled', err.message);
  if (err instanceof ResourceNotFoundException) return new InvokeFailure('not-found', err.message);
  if (err instanceof LambdaApiError) return new InvokeFailure('service', `${err.wireType}: ${err.message}`);
  return new InvokeFailure('service', err instanceof Error ? err.message : String(err));
}
