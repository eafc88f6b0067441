// How an invoke of a durable function starts an execution, for every door: the Invoke API (execution
// name, Event and RequestResponse, the execution ARN header) and the doors that invoke synchronously
// through the invocation service's interface (HTTP front door, event source mappings).
import { randomUUID } from 'node:crypto';
import { ASYNC_PAYLOAD_LIMIT } from '../async/async-invoker.ts';
import { InvalidParameterValueException, RequestEntityTooLargeException } from '../errors.ts';
import type { WireAnswer } from '../../services/wire/wire-contract.ts';
import type { InvokeRequest, SyncInvoker } from '../invoke/invocation-service.ts';
import type { InvokeResult } from '../model.ts';
import type { Resolved } from '../registry/registry.ts';
import type { DurableExecutions } from './durable-executions.ts';
import type { ExecutionRecord } from './execution-record.ts';
import { qualifierOf } from './execution-runner.ts';
import { errorPayload } from './invocation-io.ts';

export interface DurableInvoke {
  resolved: Resolved;
  payload: Buffer;
  type: 'RequestResponse' | 'Event' | 'DryRun';
  name?: string;
  tail: boolean;
  traceId?: string;
}



export class DurableDoor implements SyncInvoker {
  private readonly host: DurableExecutions;
  private readonly service: SyncInvoker;

  constructor(host: DurableExecutions, service: SyncInvoker) {
    this.host = host;
    this.service = service;
  }

  /** The Invoke API for a durable function. */
  async invokeApi(req: DurableInvoke): Promise<WireAnswer> {
    const config = req.resolved.fn.config.durableConfig!;
    const qualifier = requireQualifier(req.resolved.invokedArn);
    if (req.type === 'DryRun') return { status: 204, headers: { 'x-amzn-RequestId': randomUUID() }, body: '' };
    if (req.type === 'Event' && req.payload.length > ASYNC_PAYLOAD_LIMIT) {
      throw new RequestEntityTooLargeException(`${req.payload.length} byte payload is too large for the Event invocation type (limit ${ASYNC_PAYLOAD_LIMIT} bytes)`);
    }
    const { rec } = this.host.start({ resolved: req.resolved, qualifier, payload: req.payload, name: req.name, type: req.type, traceId: req.traceId }, config);
    if (req.type === 'Event') {
      return { status: 202, headers: { 'x-amzn-RequestId': randomUUID(), 'X-Amz-Durable-Execution-Arn': rec.arn }, body: '' };
    }
    if (req.tail) this.host.runner.wantsLog(rec);
    const done = await this.host.whenClosed(rec);
    const result = this.answerOf(done);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json', 'X-Amz-Executed-Version': done.version, 'x-amzn-RequestId': result.requestId,
      'X-Amz-Durable-Execution-Arn': done.arn,
    };
    if (result.functionError) headers['X-Amz-Function-Error'] = result.functionError;
    const log = this.host.runner.lastLog(done);
    if (req.tail && log !== undefined) headers['X-Amz-Log-Result'] = log;
    return { status: 200, headers, body: result.payload };
  }

  /** The invocation service's `invoke`, with durable functions run as whole executions (the caller waits). */
  invoke(req: InvokeRequest): Promise<InvokeResult> {
    return req.fn.config.durableConfig ? this.execute(req) : this.service.invoke(req);
  }

  private async execute(req: InvokeRequest): Promise<InvokeResult> {
    const qualifier = requireQualifier(req.invokedArn);
    const { rec } = this.host.start({ resolved: { fn: req.fn, invokedArn: req.invokedArn }, qualifier, payload: req.payload, type: 'RequestResponse', traceId: req.traceId }, req.fn.config.durableConfig!);
    return this.answerOf(await this.host.whenClosed(rec));
  }

  /** What a synchronous caller gets for a closed execution: the result, or the error as a function error. */
  private answerOf(rec: ExecutionRecord): InvokeResult {
    const requestId = rec.invocations[0]?.requestId ?? randomUUID();
    if (rec.status === 'SUCCEEDED') {
      return { requestId, payload: Buffer.from(rec.result === undefined || rec.result === '' ? 'null' : rec.result), executedVersion: rec.version };
    }
    const fallback = { FAILED: 'DurableExecutionFailed', TIMED_OUT: 'DurableExecutionTimedOut', STOPPED: 'DurableExecutionStopped', RUNNING: '' }[rec.status];
    return { requestId, payload: errorPayload(rec.error, fallback), functionError: 'Unhandled', errorType: rec.error?.ErrorType ?? fallback, executedVersion: rec.version };
  }
}

/** Durable functions are invoked with a version, an alias or $LATEST. */
function requireQualifier(invokedArn: string): string {
  const qualifier = qualifierOf(invokedArn);
  if (!qualifier) throw new InvalidParameterValueException('You cannot invoke a durable function using an unqualified ARN.');
  return qualifier;
}
