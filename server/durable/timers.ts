// The execution's clocks as a pure decision: which deadlines it has (a wait's end, a retry's delay, a
// callback's timeout and heartbeat, the execution timeout, the retention of a closed execution), the
// earliest, and what firing the due ones does to the record.
import { type ExecutionRecord, markUpdated, pushEvent, putOperation } from './execution-record.ts';
import type { ErrorObject } from './wire.ts';

export type TimerKind = 'wait' | 'retry' | 'callback-timeout' | 'callback-heartbeat' | 'execution-timeout' | 'retention';

export interface Timer {
  kind: TimerKind;
  operationId?: string;
  /** Epoch milliseconds. */
  at: number;
}

/** Every deadline the execution has now. */
export function timersOf(rec: ExecutionRecord): Timer[] {
  if (rec.status !== 'RUNNING') return rec.expiresAt === undefined ? [] : [{ kind: 'retention', at: rec.expiresAt }];
  const out: Timer[] = [{ kind: 'execution-timeout', at: rec.timeoutAt }];
  for (const id of rec.order) {
    const op = rec.operations[id];
    const meta = rec.meta[id];
    if (op.Type === 'WAIT' && op.Status === 'STARTED' && op.WaitDetails?.ScheduledEndTimestamp !== undefined) {
      out.push({ kind: 'wait', operationId: id, at: op.WaitDetails.ScheduledEndTimestamp });
    } else if (op.Type === 'STEP' && op.Status === 'PENDING' && op.StepDetails?.NextAttemptTimestamp !== undefined) {
      out.push({ kind: 'retry', operationId: id, at: op.StepDetails.NextAttemptTimestamp });
    } else if (op.Type === 'CALLBACK' && op.Status === 'STARTED') {
      if (meta?.timeoutAt !== undefined) out.push({ kind: 'callback-timeout', operationId: id, at: meta.timeoutAt });
      if (meta?.heartbeatAt !== undefined) out.push({ kind: 'callback-heartbeat', operationId: id, at: meta.heartbeatAt });
    }
  }
  return out;
}

export function nextDeadline(rec: ExecutionRecord): number | undefined {
  let next: number | undefined;
  for (const t of timersOf(rec)) if (next === undefined || t.at < next) next = t.at;
  return next;
}

export interface FireResult {
  /** Operations that changed (the next invocation is told). */
  changed: string[];
  timedOut: boolean;
  expired: boolean;
}

/**
 * Fire every timer due at `now`, and those `force` picks (the emulator's "fire now" control).
 * Waits succeed, retries become READY, callbacks time out; the execution timeout and the retention
 * are reported for the orchestrator to act on.
 */
export function fireTimers(rec: ExecutionRecord, now: number, force?: (t: Timer) => boolean): FireResult {
  const result: FireResult = { changed: [], timedOut: false, expired: false };
  for (const t of timersOf(rec)) {
    if (t.at > now && !force?.(t)) continue;
    if (t.kind === 'execution-timeout') result.timedOut = true;
    else if (t.kind === 'retention') result.expired = true;
    else if (fireOperation(rec, t, now)) result.changed.push(t.operationId!);
  }
  return result;
}

function fireOperation(rec: ExecutionRecord, t: Timer, now: number): boolean {
  const op = { ...rec.operations[t.operationId!] };
  const meta = rec.meta[op.Id];
  switch (t.kind) {
    case 'wait':
      if (op.Status !== 'STARTED') return false;
      op.Status = 'SUCCEEDED';
      op.EndTimestamp = now;
      putOperation(rec, op);
      pushEvent(rec, 'WaitSucceeded', op, { Duration: meta?.waitSeconds ?? 0 }, now);
      break;
    case 'retry':
      if (op.Status !== 'PENDING') return false;
      op.Status = 'READY';
      putOperation(rec, op);
      break;
    default: {
      if (op.Status !== 'STARTED') return false;
      const error: ErrorObject = { ErrorMessage: t.kind === 'callback-timeout' ? 'Callback timed out' : 'Callback heartbeat timed out' };
      op.Status = 'TIMED_OUT';
      op.EndTimestamp = now;
      op.CallbackDetails = { ...op.CallbackDetails, Error: error };
      putOperation(rec, op);
      pushEvent(rec, 'CallbackTimedOut', op, { Error: { Payload: error } }, now);
    }
  }
  markUpdated(rec, op.Id);
  return true;
}
