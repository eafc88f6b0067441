// How the front door runs a function: through the invocation service's public invoke (real
// environments, INIT, freeze, reuse, concurrency, timeouts, leaks), raced against API Gateway's
// integration timeout; Lambda's refusals become the front door's failures.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { LambdaApiError, RequestEntityTooLargeException, TooManyRequestsException } from '../errors.ts';
import type { SyncInvoker } from '../invoke/invocation-service.ts';
import type { ResponseBody } from '../model.ts';
import type { Registry } from '../registry/registry.ts';
import type { FunctionTarget } from '../template/api-model.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Failure } from './gateway-reply.ts';

/** Lambda's synchronous request limit (6 MB). */
export const EVENT_LIMIT_BYTES = 6 * 1024 * 1024;

export type InvokeOutcome =
  | { kind: 'result'; requestId: string; payload: Buffer; functionError: boolean; errorType?: string; stream?: ResponseBody }
  | { kind: 'failure'; failure: Failure; requestId?: string; detail: string };

export interface InvokeBridgeDeps {
  registry: Registry;
  invoker: SyncInvoker;
  clock: Clock;
  logger: Logger;
}

export class InvokeBridge {
  private readonly deps: InvokeBridgeDeps;

  constructor(deps: InvokeBridgeDeps) {
    this.deps = deps;
  }

  /** Invoke `target` with `event`; `timeoutMs` is the gateway's own (undefined: the function's timeout only). */
  /** `stream`: a function that streams is answered with its stream (RESPONSE_STREAM function URLs). */
  async invoke(target: FunctionTarget, event: unknown, opts: { traceId: string; timeoutMs?: number; requestId?: string; stream?: boolean }): Promise<InvokeOutcome> {
    const payload = Buffer.from(JSON.stringify(event));
    const requestId = opts.requestId ?? randomUUID();
    if (payload.length > EVENT_LIMIT_BYTES) {
      return { kind: 'failure', failure: 'event-too-large', detail: `the event is ${payload.length} bytes (Lambda's limit: ${EVENT_LIMIT_BYTES})` };
    }
    let resolved;
    try {
      resolved = this.deps.registry.resolve(target.name, target.qualifier);
    } catch (err) {
      return { kind: 'failure', failure: 'configuration-error', detail: (err as Error).message };
    }
    const running = this.deps.invoker.invoke({ fn: resolved.fn, invokedArn: resolved.invokedArn, payload, tail: false, traceId: opts.traceId, requestId, stream: opts.stream })
      .then((r): InvokeOutcome => ({ kind: 'result', requestId: r.requestId, payload: r.payload, functionError: r.functionError !== undefined, errorType: r.errorType, stream: r.stream?.body }))
      .catch((err: unknown): InvokeOutcome => {
        if (err instanceof TooManyRequestsException) return { kind: 'failure', failure: 'throttled', requestId, detail: `throttled (${String(err.extra.Reason)})` };
        if (err instanceof RequestEntityTooLargeException) return { kind: 'failure', failure: 'event-too-large', requestId, detail: err.message };
        if (err instanceof LambdaApiError) return { kind: 'failure', failure: 'configuration-error', requestId, detail: `${err.wireType}: ${err.message}` };
        this.deps.logger.error({ err }, 'front door: unexpected error while invoking');
        return { kind: 'failure', failure: 'function-error', requestId, detail: (err as Error).message };
      });
    if (opts.timeoutMs === undefined || opts.timeoutMs >= resolved.fn.config.timeout * 1000) return running;
    // The gateway stops waiting; the invocation runs on to its own end (as on AWS), its result unused.
    let cancel = (): void => {};
    const timedOut = new Promise<InvokeOutcome>((resolve) => {
      cancel = this.deps.clock.setTimeout(() => resolve({
        kind: 'failure', failure: 'integration-timeout', requestId, detail: `no answer within the integration timeout (${opts.timeoutMs} ms)`,
      }), opts.timeoutMs!);
    });
    try {
      return await Promise.race([running, timedOut]);
    } finally {
      cancel();
    }
  }
}
