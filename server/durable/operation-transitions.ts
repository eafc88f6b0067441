// What an accepted checkpoint update does to its operation (a pure state change on the record, with
// the history event it writes), and what it asks of the orchestrator: close the execution, start or
// stop a chained invoke. Durations are turned into deadlines by `ctx.ms` (--time-scale applies).
import { type ExecutionRecord, getOperation, pushEvent, putOperation } from './execution-record.ts';
import type { ErrorObject, Operation, ValidUpdate } from './wire.ts';

export interface ApplyContext {
  now: number;
  /** Seconds of the execution's own time → milliseconds of the emulator's (scaled by --time-scale). */
  ms(seconds: number): number;
  newCallbackId(operationId: string): string;
}

export type Effect =
  | { kind: 'close'; status: 'SUCCEEDED' | 'FAILED'; result?: string; error?: ErrorObject }
  | { kind: 'chained-start'; operationId: string }
  | { kind: 'chained-stop'; operationId: string };

const payload = (p: string | undefined): Record<string, unknown> => ({ Payload: p });
const errorOf = (e: ErrorObject | undefined): Record<string, unknown> => ({ Payload: e ?? {} });

/** Apply one validated update; returns what the orchestrator must do about it. */
export function applyUpdate(rec: ExecutionRecord, u: ValidUpdate, ctx: ApplyContext): Effect[] {
  const prior = getOperation(rec, u.Id);
  const base: Operation = prior ? { ...prior } : {
    Id: u.Id, Type: u.Type, Status: 'STARTED', StartTimestamp: ctx.now,
    ...(u.ParentId !== undefined ? { ParentId: u.ParentId } : {}),
    ...(u.Name !== undefined ? { Name: u.Name } : {}),
    ...(u.SubType !== undefined ? { SubType: u.SubType } : {}),
  };
  switch (u.Type) {
    case 'EXECUTION':
      return [u.Action === 'SUCCEED' ? { kind: 'close', status: 'SUCCEEDED', result: u.Payload ?? '' } : { kind: 'close', status: 'FAILED', error: u.Error ?? {} }];
    case 'STEP':
      step(rec, base, u, ctx);
      return [];
    case 'CONTEXT':
      context(rec, base, u, ctx);
      return [];
    case 'WAIT':
      wait(rec, base, u, ctx);
      return [];
    case 'CALLBACK':
      callback(rec, base, u, ctx);
      return [];
    case 'CHAINED_INVOKE':
      return chainedInvoke(rec, base, u, ctx);
  }
}

function close(op: Operation, status: Operation['Status'], now: number): void {
  op.Status = status;
  op.EndTimestamp = now;
}

function step(rec: ExecutionRecord, op: Operation, u: ValidUpdate, ctx: ApplyContext): void {
  const attempt = op.StepDetails?.Attempt ?? 0;
  if (u.Action === 'START') {
    op.Status = 'STARTED';
    op.StepDetails = { ...op.StepDetails, NextAttemptTimestamp: undefined };
    putOperation(rec, op);
    pushEvent(rec, 'StepStarted', op, {}, ctx.now);
    return;
  }
  if (u.Action === 'RETRY') {
    const delay = u.StepOptions?.NextAttemptDelaySeconds ?? 0;
    op.Status = 'PENDING';
    op.StepDetails = { Attempt: attempt + 1, NextAttemptTimestamp: ctx.now + ctx.ms(delay), Result: u.Payload, Error: u.Error };
    putOperation(rec, op);
    const retry = { CurrentAttempt: attempt + 1, NextAttemptDelaySeconds: delay };
    if (u.Error) pushEvent(rec, 'StepFailed', op, { Error: errorOf(u.Error), RetryDetails: retry }, ctx.now);
    else pushEvent(rec, 'StepSucceeded', op, { Result: payload(u.Payload), RetryDetails: retry }, ctx.now);
    return;
  }
  close(op, u.Action === 'SUCCEED' ? 'SUCCEEDED' : 'FAILED', ctx.now);
  op.StepDetails = { Attempt: attempt + 1, Result: u.Payload, Error: u.Error };
  putOperation(rec, op);
  const retry = { CurrentAttempt: attempt + 1 };
  if (u.Action === 'SUCCEED') pushEvent(rec, 'StepSucceeded', op, { Result: payload(u.Payload), RetryDetails: retry }, ctx.now);
  else pushEvent(rec, 'StepFailed', op, { Error: errorOf(u.Error), RetryDetails: retry }, ctx.now);
}

function context(rec: ExecutionRecord, op: Operation, u: ValidUpdate, ctx: ApplyContext): void {
  const replayChildren = u.ContextOptions?.ReplayChildren ?? op.ContextDetails?.ReplayChildren;
  if (u.Action === 'START') {
    op.ContextDetails = replayChildren === undefined ? {} : { ReplayChildren: replayChildren };
    putOperation(rec, op);
    pushEvent(rec, 'ContextStarted', op, {}, ctx.now);
    return;
  }
  close(op, u.Action === 'SUCCEED' ? 'SUCCEEDED' : 'FAILED', ctx.now);
  op.ContextDetails = { ...(replayChildren === undefined ? {} : { ReplayChildren: replayChildren }), Result: u.Payload, Error: u.Error };
  putOperation(rec, op);
  if (u.Action === 'SUCCEED') pushEvent(rec, 'ContextSucceeded', op, { Result: payload(u.Payload) }, ctx.now);
  else pushEvent(rec, 'ContextFailed', op, { Error: errorOf(u.Error) }, ctx.now);
}

function wait(rec: ExecutionRecord, op: Operation, u: ValidUpdate, ctx: ApplyContext): void {
  const meta = (rec.meta[op.Id] ??= { touched: 0 });
  if (u.Action === 'START') {
    const seconds = u.WaitOptions?.WaitSeconds ?? 0;
    meta.waitSeconds = seconds;
    op.WaitDetails = { ScheduledEndTimestamp: ctx.now + ctx.ms(seconds) };
    putOperation(rec, op);
    pushEvent(rec, 'WaitStarted', op, { Duration: seconds, ScheduledEndTimestamp: op.WaitDetails.ScheduledEndTimestamp }, ctx.now);
    return;
  }
  close(op, 'CANCELLED', ctx.now);
  putOperation(rec, op);
  pushEvent(rec, 'WaitCancelled', op, u.Error ? { Error: errorOf(u.Error) } : {}, ctx.now);
}

function callback(rec: ExecutionRecord, op: Operation, u: ValidUpdate, ctx: ApplyContext): void {
  const meta = (rec.meta[op.Id] ??= { touched: 0 });
  if (u.Action === 'START') {
    const timeout = u.CallbackOptions?.TimeoutSeconds ?? 0;
    const heartbeat = u.CallbackOptions?.HeartbeatTimeoutSeconds ?? 0;
    op.CallbackDetails = { CallbackId: ctx.newCallbackId(op.Id) };
    if (timeout > 0) meta.timeoutAt = ctx.now + ctx.ms(timeout);
    if (heartbeat > 0) {
      meta.heartbeatMs = ctx.ms(heartbeat);
      meta.heartbeatAt = ctx.now + meta.heartbeatMs;
    }
    putOperation(rec, op);
    pushEvent(rec, 'CallbackStarted', op, {
      CallbackId: op.CallbackDetails.CallbackId, ...(timeout > 0 ? { Timeout: timeout } : {}), ...(heartbeat > 0 ? { HeartbeatTimeout: heartbeat } : {}),
    }, ctx.now);
    return;
  }
  // CANCELLED has no history event of its own (the model has none for callbacks).
  close(op, 'CANCELLED', ctx.now);
  if (u.Error) op.CallbackDetails = { ...op.CallbackDetails, Error: u.Error };
  putOperation(rec, op);
}

function chainedInvoke(rec: ExecutionRecord, op: Operation, u: ValidUpdate, ctx: ApplyContext): Effect[] {
  const meta = (rec.meta[op.Id] ??= { touched: 0 });
  if (u.Action === 'START') {
    const o = u.ChainedInvokeOptions!;
    meta.chained = { functionName: o.FunctionName!, payload: u.Payload, tenantId: o.TenantId };
    op.ChainedInvokeDetails = {};
    putOperation(rec, op);
    pushEvent(rec, 'ChainedInvokeStarted', op, { FunctionName: o.FunctionName, ...(o.TenantId ? { TenantId: o.TenantId } : {}), Input: payload(u.Payload) }, ctx.now);
    return [{ kind: 'chained-start', operationId: op.Id }];
  }
  close(op, 'STOPPED', ctx.now);
  const error = u.Error ?? { ErrorType: 'ChainedInvokeStopped', ErrorMessage: 'The chained invoke was cancelled.' };
  op.ChainedInvokeDetails = { Error: error };
  putOperation(rec, op);
  pushEvent(rec, 'ChainedInvokeStopped', op, { Error: errorOf(error) }, ctx.now);
  return [{ kind: 'chained-stop', operationId: op.Id }];
}
