// The durable execution API's operations over the backend: checkpoint and state (the SDK's calls,
// guarded by the checkpoint token), reads (get, history, list), stop, and the callback operations.
// Inputs arrive parsed from HTTP (durable-routes.ts); answers leave in the wire's shapes.
import { ofKind, violation } from '../../lib/aws-validation.ts';
import { InvalidParameterValueException, invalidInput, ResourceNotFoundException } from '../errors.ts';
import { renderEvent, renderExecution, renderListEntry } from './api-shapes.ts';
import { applyCheckpoint, tokenProblem } from './checkpoint.ts';
import { CheckpointRejected } from './checkpoint-rules.ts';
import { CallbackTimeoutException, invalidToken } from './durable-errors.ts';
import type { DurableExecutions } from './durable-executions.ts';
import { currentInvocation, type ExecutionRecord, markUpdated, pushEvent, putOperation } from './execution-record.ts';
import { callbackId, checkpointToken, marker, parseCallbackId, parseMarker } from './ids.ts';
import { renderOperation } from './api-shapes.ts';
import { pageSize } from './durable-input.ts';
import { stateScope, statePage } from './invocation-io.ts';
import { type ErrorObject, EXECUTION_STATUSES, type Operation, type OperationUpdate } from './wire.ts';

const STATE_PAGE_BYTES = 5 * 1024 * 1024;

export class DurableApi {
  private readonly host: DurableExecutions;

  constructor(host: DurableExecutions) {
    this.host = host;
  }

  /** The execution the SDK's calls name: an unknown one is a bad parameter (these operations have no 404). */
  private forSdk(arn: string): ExecutionRecord {
    try {
      return this.host.byArn(arn);
    } catch {
      throw new InvalidParameterValueException(`Durable execution not found: ${arn}`);
    }
  }

  private checkToken(rec: ExecutionRecord, token: unknown): void {
    if (typeof token !== 'string' || token === '') throw new InvalidParameterValueException('CheckpointToken is required.');
    const problem = tokenProblem(rec, token);
    if (problem) throw invalidToken(problem);
  }

  checkpoint(arn: string, body: { CheckpointToken?: unknown; Updates?: unknown; ClientToken?: unknown }): unknown {
    const rec = this.forSdk(arn);
    const token = body.CheckpointToken;
    const clientToken = typeof body.ClientToken === 'string' ? body.ClientToken : undefined;
    // A retried call (same ClientToken and token) gets the first answer again.
    const last = rec.lastCheckpoint;
    if (clientToken !== undefined && last && last.clientToken === clientToken && last.token === token) return last.answer;
    this.checkToken(rec, token);
    if (body.Updates !== undefined && !Array.isArray(body.Updates)) throw new InvalidParameterValueException('Updates must be a list.');
    const now = this.host.clock.now();
    let result;
    try {
      result = applyCheckpoint(rec, (body.Updates ?? []) as OperationUpdate[], {
        now, ms: (s) => this.host.ms(s), newCallbackId: (opId) => callbackId(rec.id, opId),
      });
    } catch (err) {
      if (err instanceof CheckpointRejected) throw new InvalidParameterValueException(err.message);
      throw err;
    }
    const answer = {
      CheckpointToken: checkpointToken({ executionId: rec.id, invocation: currentInvocation(rec)!.number, sequence: rec.sequence }),
      NewExecutionState: { Operations: result.operations.map((op) => renderOperation(op, 's')) },
    };
    if (clientToken !== undefined) rec.lastCheckpoint = { clientToken, token: token as string, answer };
    this.host.save(rec);
    for (const effect of result.effects) {
      if (effect.kind === 'close') this.host.close(rec, effect);
      else if (effect.kind === 'chained-start') this.host.runner.startChained(rec, effect.operationId);
      else this.host.runner.stopChained(rec, effect.operationId);
    }
    this.host.arm(rec);
    return answer;
  }

  state(arn: string, q: { CheckpointToken?: string; Marker?: string; MaxItems?: string }): unknown {
    const max = pageSize(q.MaxItems, 'maxItems');
    const rec = this.forSdk(arn);
    this.checkToken(rec, q.CheckpointToken);
    const offset = q.Marker ? parseMarker(stateScope(rec), q.Marker) : 0;
    if (offset === undefined) throw new InvalidParameterValueException('Invalid Marker: it does not belong to this execution state.');
    const page = statePage(rec, offset, max, STATE_PAGE_BYTES, 's');
    return { Operations: page.operations, ...(page.next ? { NextMarker: page.next } : {}) };
  }

  get(arn: string, includeData: boolean): unknown {
    return renderExecution(this.host.byArn(arn), includeData);
  }

  history(arn: string, q: { IncludeExecutionData?: string; MaxItems?: string; Marker?: string; ReverseOrder?: string }): unknown {
    const size = pageSize(q.MaxItems, 'maxItems');
    const rec = this.host.byArn(arn);
    const reverse = q.ReverseOrder === 'true';
    const events = reverse ? [...rec.events].reverse() : rec.events;
    const scope = `${rec.id}:history:${reverse}`;
    const offset = q.Marker ? parseMarker(scope, q.Marker) : 0;
    if (offset === undefined) throw new InvalidParameterValueException('Invalid Marker.');
    const end = offset + size;
    return {
      Events: events.slice(offset, end).map((e) => renderEvent(e, q.IncludeExecutionData !== 'false')),
      ...(end < events.length ? { NextMarker: marker(scope, end) } : {}),
    };
  }

  /** ListDurableExecutionsByFunction; `functionArn` is the unqualified ARN of an existing function, `q` checked (checkListQuery). */
  list(functionArn: string, q: { Qualifier?: string; DurableExecutionName?: string; Statuses?: string[]; StartedAfter?: string; StartedBefore?: string; ReverseOrder?: string; Marker?: string; MaxItems?: string }): unknown {
    const after = q.StartedAfter ? timestamp(q.StartedAfter, 'startedAfter') : undefined;
    const before = q.StartedBefore ? timestamp(q.StartedBefore, 'startedBefore') : undefined;
    const matches = this.host.all().filter((r) => r.functionArn === functionArn
      && (q.Qualifier === undefined || r.qualifier === q.Qualifier || r.version === q.Qualifier)
      && (q.DurableExecutionName === undefined || r.name === q.DurableExecutionName)
      && (!q.Statuses?.length || q.Statuses.includes(r.status))
      && (after === undefined || r.startedAt > after) && (before === undefined || r.startedAt < before));
    // Newest first unless ReverseOrder (then oldest first).
    matches.sort((a, b) => (q.ReverseOrder === 'true' ? a.startedAt - b.startedAt : b.startedAt - a.startedAt));
    const scope = `${functionArn}:list`;
    const offset = q.Marker ? parseMarker(scope, q.Marker) : 0;
    if (offset === undefined) throw new InvalidParameterValueException('Invalid Marker.');
    const end = offset + pageSize(q.MaxItems, 'maxItems');
    return { DurableExecutions: matches.slice(offset, end).map(renderListEntry), ...(end < matches.length ? { NextMarker: marker(scope, end) } : {}) };
  }

  stop(arn: string, error: ErrorObject | undefined): unknown {
    const rec = this.host.byArn(arn);
    return { StopTimestamp: this.host.stop(rec, error) / 1000 };
  }

  // ---- callbacks ----

  /** The callback an id names, still waiting; AWS's errors otherwise. */
  private openCallback(id: string): { rec: ExecutionRecord; op: Operation } {
    const parts = parseCallbackId(id);
    const rec = parts ? this.host.byId(parts.executionId) : undefined;
    const op = rec && parts ? rec.operations[parts.operationId] : undefined;
    if (!rec || !op || op.Type !== 'CALLBACK' || op.CallbackDetails?.CallbackId !== id) throw new ResourceNotFoundException(`Callback not found: ${id}`);
    if (op.Status === 'TIMED_OUT') throw new CallbackTimeoutException(`Callback ${id} has timed out.`);
    if (op.Status !== 'STARTED') throw new InvalidParameterValueException(`Callback ${id} has already been completed (${op.Status}).`);
    if (rec.status !== 'RUNNING') throw new InvalidParameterValueException(`The durable execution of callback ${id} has ended (${rec.status}).`);
    return { rec, op };
  }

  callbackSuccess(id: string, result: Buffer): unknown {
    if (result.length > 1024 * 1024) throw new InvalidParameterValueException('Result must be at most 1048576 bytes.');
    const { rec, op } = this.openCallback(id);
    const payload = result.length > 0 ? result.toString('utf8') : undefined;
    this.complete(rec, { ...op, Status: 'SUCCEEDED', CallbackDetails: { ...op.CallbackDetails, ...(payload !== undefined ? { Result: payload } : {}) } }, 'CallbackSucceeded', { Result: { Payload: payload } });
    return {};
  }

  callbackFailure(id: string, error: ErrorObject): unknown {
    const { rec, op } = this.openCallback(id);
    this.complete(rec, { ...op, Status: 'FAILED', CallbackDetails: { ...op.CallbackDetails, Error: error } }, 'CallbackFailed', { Error: { Payload: error } });
    return {};
  }

  callbackHeartbeat(id: string): unknown {
    const { rec, op } = this.openCallback(id);
    const meta = rec.meta[op.Id];
    if (meta?.heartbeatMs !== undefined) {
      meta.heartbeatAt = this.host.clock.now() + meta.heartbeatMs;
      this.host.save(rec);
      this.host.arm(rec);
    }
    return {};
  }

  private complete(rec: ExecutionRecord, op: Operation, type: 'CallbackSucceeded' | 'CallbackFailed', details: Record<string, unknown>): void {
    const now = this.host.clock.now();
    op.EndTimestamp = now;
    putOperation(rec, op);
    pushEvent(rec, type, op, details, now);
    markUpdated(rec, op.Id);
    this.host.save(rec);
    this.host.arm(rec);
    this.host.runner.wake(rec);
  }
}

/** A timestamp query parameter: ISO 8601 (what the AWS SDKs send) or epoch seconds. */
function timestamp(value: string, member: string): number {
  const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (Number.isNaN(n)) throw invalidInput([violation(value, member, ofKind('a timestamp'))]);
  return n;
}
