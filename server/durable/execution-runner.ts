// Runs a durable execution's invocations through the normal invoke path (the invocation service:
// real environments, so a replay may land in another one), one at a time per execution: builds the
// event, reads the answer, retries a failed invocation after a back-off, re-invokes when woken while
// one was running. Also runs chained invokes (a child execution, or a plain invoke).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { LambdaApiError, TooManyRequestsException } from '../errors.ts';
import type { InvokeRequest } from '../invoke/invocation-service.ts';
import type { FunctionVersion, InvokeResult } from '../model.ts';
import type { Resolved } from '../registry/registry.ts';
import type { DurableExecutions } from './durable-executions.ts';
import { type ExecutionRecord, type InvocationEntry, markUpdated, pushEvent, putOperation } from './execution-record.ts';
import { checkpointToken } from './ids.ts';
import { functionError, invocationEvent, readAnswer, type Verdict } from './invocation-io.ts';
import type { ErrorObject, OperationStatus } from './wire.ts';

export interface RunnerPorts {
  /** The normal invoke path (InvocationService.invoke). */
  invoke(req: InvokeRequest): Promise<InvokeResult>;
  /** A function name or ARN (with or without qualifier) → what Invoke would run; throws AWS's errors. */
  resolve(name: string): Resolved;
  /** The version an execution is pinned to, as the registry has it now (undefined once deleted). */
  pinned(functionName: string, version: string): FunctionVersion | undefined;
}

/** Consecutive failed invocations before the execution fails, and the back-off between them (seconds, scaled). */
export const MAX_FAILED_INVOCATIONS = 5;
export const INVOCATION_RETRY_S = 5;

export const qualifierOf = (invokedArn: string): string | undefined => invokedArn.split(':')[7];

export class ExecutionRunner {
  private readonly host: DurableExecutions;
  private readonly ports: RunnerPorts;
  private readonly logger: Logger;
  /** Executions with an invocation running (or about to). */
  private readonly running = new Set<string>();
  /** Woken while an invocation ran: invoke again once it answers. */
  private readonly again = new Set<string>();
  private readonly retries = new Map<string, () => void>();
  /** Executions whose synchronous caller asked for the log (the last invocation's is kept). */
  private readonly tails = new Map<string, string | undefined>();
  private stopped = false;

  constructor(host: DurableExecutions, ports: RunnerPorts, logger: Logger) {
    this.host = host;
    this.ports = ports;
    this.logger = logger;
  }

  /** Something changed that the function must see: invoke it now, or after the running invocation. */
  wake(rec: ExecutionRecord): void {
    if (this.stopped || rec.status !== 'RUNNING') return;
    if (this.running.has(rec.id)) {
      this.again.add(rec.id);
      return;
    }
    this.retries.get(rec.id)?.();
    this.retries.delete(rec.id);
    this.running.add(rec.id);
    setImmediate(() => void this.run(rec.id));
  }

  /** After a restart: an invocation cut off by the shutdown is retried; pending changes are delivered. */
  resume(rec: ExecutionRecord): void {
    const last = rec.invocations.at(-1);
    if (last && last.endedAt === undefined) {
      last.endedAt = this.host.clock.now();
      last.outcome = 'INTERRUPTED';
      this.host.save(rec);
    }
    const ready = Object.values(rec.operations).some((op) => op.Type === 'STEP' && op.Status === 'READY');
    if (!last || last.outcome !== 'PENDING' || ready || rec.updatedSinceInvocation.length > 0) this.wake(rec);
  }

  wantsLog(rec: ExecutionRecord): void {
    this.tails.set(rec.id, undefined);
  }

  lastLog(rec: ExecutionRecord): string | undefined {
    return this.tails.get(rec.id);
  }

  /** The execution closed: no more retries; a chained child tells its parent. */
  closed(rec: ExecutionRecord): void {
    this.retries.get(rec.id)?.();
    this.retries.delete(rec.id);
    this.again.delete(rec.id);
    if (rec.parent) this.childClosed(rec);
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.retries.values()) cancel();
    this.retries.clear();
  }

  private async run(id: string): Promise<void> {
    const rec = this.host.byId(id);
    this.again.delete(id);
    if (!rec || rec.status !== 'RUNNING' || this.stopped) {
      this.running.delete(id);
      return;
    }
    const fn = this.ports.pinned(rec.functionName, rec.version);
    if (!fn) {
      this.running.delete(id);
      this.host.close(rec, { status: 'FAILED', error: { ErrorType: 'ResourceNotFoundException', ErrorMessage: `Function not found: ${rec.functionArn}:${rec.version}` } });
      return;
    }
    const entry: InvocationEntry = {
      number: rec.invocations.length + 1, requestId: randomUUID(), startedAt: this.host.clock.now(), updatedOperationIds: rec.updatedSinceInvocation,
    };
    rec.updatedSinceInvocation = [];
    rec.invocations.push(entry);
    const token = checkpointToken({ executionId: rec.id, invocation: entry.number, sequence: rec.sequence });
    const event = invocationEvent(rec, token, entry.updatedOperationIds, entry.number === 1);
    this.host.save(rec);
    let verdict: Verdict;
    let throttled = false;
    try {
      const result = await this.ports.invoke({
        fn, invokedArn: `${rec.functionArn}:${rec.qualifier}`, payload: Buffer.from(JSON.stringify(event)),
        tail: this.tails.has(id), requestId: entry.requestId, traceId: rec.traceHeader,
      });
      entry.environmentId = result.environmentId;
      entry.cold = result.coldStart;
      if (this.tails.has(id)) this.tails.set(id, result.log);
      verdict = readAnswer(rec, result);
    } catch (err) {
      throttled = err instanceof TooManyRequestsException;
      const type = err instanceof LambdaApiError ? err.wireType : 'ServiceException';
      verdict = { kind: 'invocation-error', error: { ErrorType: type, ErrorMessage: (err as Error).message } };
      if (!(err instanceof LambdaApiError)) this.logger.error({ err, execution: rec.arn }, 'durable invocation failed in the emulator');
    }
    // The emulator is going away: the record keeps the invocation open; a restart with --data-dir retries it.
    if (this.stopped) return;
    this.running.delete(id);
    this.finish(rec, entry, verdict, throttled);
  }

  private finish(rec: ExecutionRecord, entry: InvocationEntry, verdict: Verdict, throttled: boolean): void {
    const now = this.host.clock.now();
    entry.endedAt = now;
    entry.outcome = ({ succeeded: 'SUCCEEDED', failed: 'FAILED', pending: 'PENDING', 'invocation-error': 'ERROR' } as const)[verdict.kind];
    if (verdict.kind === 'invocation-error') entry.error = verdict.error;
    pushEvent(rec, 'InvocationCompleted', undefined, {
      StartTimestamp: entry.startedAt, EndTimestamp: now, RequestId: entry.requestId, ...(entry.error ? { Error: { Payload: entry.error } } : {}),
    }, now);
    // Closed meanwhile (stopped, timed out, or the result was checkpointed): the answer changes nothing.
    if (rec.status !== 'RUNNING') return this.host.save(rec);
    switch (verdict.kind) {
      case 'succeeded':
        return this.host.close(rec, { status: 'SUCCEEDED', result: verdict.result });
      case 'failed':
        return this.host.close(rec, { status: 'FAILED', error: verdict.error });
      case 'pending': {
        rec.failedInvocations = 0;
        this.host.save(rec);
        const ready = Object.values(rec.operations).some((op) => op.Type === 'STEP' && op.Status === 'READY');
        if (this.again.has(rec.id) || ready || rec.updatedSinceInvocation.length > 0) this.wake(rec);
        return;
      }
      case 'invocation-error': {
        if (!throttled) rec.failedInvocations++;
        if (rec.failedInvocations >= MAX_FAILED_INVOCATIONS) return this.host.close(rec, { status: 'FAILED', error: verdict.error });
        this.host.save(rec);
        this.logger.warn({ execution: rec.arn, requestId: entry.requestId, error: verdict.error }, 'durable invocation failed; retrying');
        const cancel = this.host.clock.setTimeout(() => {
          this.retries.delete(rec.id);
          this.wake(rec);
        }, this.host.ms(INVOCATION_RETRY_S));
        this.retries.set(rec.id, cancel);
      }
    }
  }

  // ---- chained invokes ----

  startChained(rec: ExecutionRecord, operationId: string): void {
    const target = rec.meta[operationId]?.chained;
    if (!target) return;
    const payload = Buffer.from(target.payload ?? '{}');
    let resolved: Resolved;
    try {
      resolved = this.ports.resolve(target.functionName);
    } catch (err) {
      return this.finishChained(rec, operationId, 'FAILED', { error: apiErrorObject(err) });
    }
    const config = resolved.fn.config.durableConfig;
    if (config) {
      const qualifier = qualifierOf(resolved.invokedArn);
      if (!qualifier) {
        return this.finishChained(rec, operationId, 'FAILED', {
          error: { ErrorType: 'InvalidParameterValueException', ErrorMessage: 'You cannot invoke a durable function using an unqualified ARN.' },
        });
      }
      const { rec: child } = this.host.start({ resolved, qualifier, payload, type: 'Event', traceId: rec.traceHeader, parent: { executionId: rec.id, operationId } }, config);
      target.child = child.id;
      const started = rec.events.findLast((e) => e.EventType === 'ChainedInvokeStarted' && e.Id === operationId);
      if (started) Object.assign(started.Details, { ExecutedVersion: child.version, DurableExecutionArn: child.arn });
      this.host.save(rec);
      return;
    }
    target.requestId = randomUUID();
    this.host.save(rec);
    this.ports.invoke({ fn: resolved.fn, invokedArn: resolved.invokedArn, payload, tail: false, requestId: target.requestId }).then(
      (r) => this.finishChained(rec, operationId, r.functionError ? 'FAILED' : 'SUCCEEDED', r.functionError
        ? { error: functionError(r.payload) }
        : { result: r.payload.toString('utf8') }),
      (err: unknown) => this.finishChained(rec, operationId, 'FAILED', { error: apiErrorObject(err) }),
    );
  }

  stopChained(rec: ExecutionRecord, operationId: string): void {
    const childId = rec.meta[operationId]?.chained?.child;
    const child = childId ? this.host.byId(childId) : undefined;
    if (child) this.host.stop(child, { ErrorMessage: 'Stopped: the parent cancelled the chained invoke.' });
  }

  private childClosed(child: ExecutionRecord): void {
    const parent = this.host.byId(child.parent!.executionId);
    if (!parent || parent.status !== 'RUNNING') return;
    const status = child.status as Exclude<OperationStatus, 'STARTED'>;
    this.finishChained(parent, child.parent!.operationId, status, status === 'SUCCEEDED' ? { result: child.result } : { error: child.error });
  }

  private finishChained(rec: ExecutionRecord, operationId: string, status: OperationStatus, out: { result?: string; error?: ErrorObject }): void {
    const prior = rec.operations[operationId];
    if (rec.status !== 'RUNNING' || !prior || prior.Status !== 'STARTED') return;
    const now = this.host.clock.now();
    const op = { ...prior, Status: status, EndTimestamp: now, ChainedInvokeDetails: { ...(out.result !== undefined ? { Result: out.result } : {}), ...(out.error ? { Error: out.error } : {}) } };
    putOperation(rec, op);
    const type = ({ SUCCEEDED: 'ChainedInvokeSucceeded', FAILED: 'ChainedInvokeFailed', TIMED_OUT: 'ChainedInvokeTimedOut' } as const)[status as 'SUCCEEDED'] ?? 'ChainedInvokeStopped';
    pushEvent(rec, type, op, status === 'SUCCEEDED' ? { Result: { Payload: out.result } } : { Error: { Payload: out.error ?? {} } }, now);
    markUpdated(rec, operationId);
    this.host.save(rec);
    this.wake(rec);
  }
}

function apiErrorObject(err: unknown): ErrorObject {
  return { ErrorType: err instanceof LambdaApiError ? err.wireType : 'ServiceException', ErrorMessage: (err as Error).message };
}
