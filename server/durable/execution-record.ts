// One durable execution as ephemera keeps it (and writes to --data-dir): its operations in start
// order, the history, the invocations that ran it (request id, environment), the checkpoint sequence
// and the delivery watermark. Plain JSON data; the helpers here change nothing but the record.
import type { DurableConfig, ErrorObject, EventType, ExecutionStatus, HistoryEvent, Operation } from './wire.ts';
import { CLOSED_STATUSES } from './wire.ts';

/** What ephemera keeps about an operation beside its wire shape. */
export interface OperationMeta {
  /** The record's change counter when the operation last changed (what the handler has not seen is newer). */
  touched: number;
  /** WAIT: the seconds asked for (WaitSucceeded's Duration). */
  waitSeconds?: number;
  /** CALLBACK: absolute deadlines (epoch ms), and the heartbeat interval each heartbeat pushes the deadline by. */
  timeoutAt?: number;
  heartbeatAt?: number;
  heartbeatMs?: number;
  /** CHAINED_INVOKE: what to run, and the child execution (durable target) or request id (plain target). */
  chained?: { functionName: string; payload?: string; tenantId?: string; child?: string; requestId?: string };
}

export type InvocationOutcome = 'SUCCEEDED' | 'FAILED' | 'PENDING' | 'ERROR' | 'INTERRUPTED';

/** One invocation of the function for this execution: the first, or a replay. */
export interface InvocationEntry {
  /** 1 for the first invocation; the checkpoint token names it. */
  number: number;
  requestId: string;
  /** The execution environment that ran it (known once it answered). */
  environmentId?: string;
  cold?: boolean;
  startedAt: number;
  endedAt?: number;
  outcome?: InvocationOutcome;
  error?: ErrorObject;
  /** The operations whose change caused this invocation (the event's UpdatedOperationIds). */
  updatedOperationIds: string[];
}

export interface ExecutionRecord {
  id: string;
  arn: string;
  name: string;
  functionName: string;
  /** Unqualified function ARN. */
  functionArn: string;
  /** As invoked: a version, an alias or $LATEST. */
  qualifier: string;
  /** The version that runs every invocation (an alias is resolved once, at the start). */
  version: string;
  invocationType: 'RequestResponse' | 'Event';
  /** The caller's payload (JSON text). */
  input: string;
  traceHeader?: string;
  durableConfig: DurableConfig;
  status: ExecutionStatus;
  startedAt: number;
  endedAt?: number;
  result?: string;
  error?: ErrorObject;
  /** Absolute deadline of the execution (ExecutionTimeout, scaled by --time-scale). */
  timeoutAt: number;
  /** When a closed execution's history is dropped (RetentionPeriodInDays, scaled). */
  expiresAt?: number;
  operations: Record<string, Operation>;
  /** Operation ids in start order. */
  order: string[];
  meta: Record<string, OperationMeta>;
  events: HistoryEvent[];
  invocations: InvocationEntry[];
  /** Accepted checkpoint calls (a token is valid for the current value only). */
  sequence: number;
  /** Change counter: every operation change bumps it (OperationMeta.touched). */
  changes: number;
  /** The highest change the handler has been told about (checkpoint answers carry what is newer). */
  seen: number;
  /** Consecutive invocations that failed (threw, timed out, crashed) rather than answering. */
  failedInvocations: number;
  /** Operations changed since the last invocation started (the next one's UpdatedOperationIds). */
  updatedSinceInvocation: string[];
  /** The last accepted checkpoint, for a retried call with the same ClientToken. */
  lastCheckpoint?: { clientToken: string; token: string; answer: unknown };
  /** Set for an execution a CHAINED_INVOKE started. */
  parent?: { executionId: string; operationId: string };
}

export function getOperation(rec: ExecutionRecord, id: string): Operation | undefined {
  return Object.hasOwn(rec.operations, id) ? rec.operations[id] : undefined;
}

/** Store an operation (new ones go to the end of the start order) and mark it changed. */
export function putOperation(rec: ExecutionRecord, op: Operation): void {
  if (!Object.hasOwn(rec.operations, op.Id)) rec.order.push(op.Id);
  rec.operations[op.Id] = op;
  rec.changes++;
  const meta = (rec.meta[op.Id] ??= { touched: 0 });
  meta.touched = rec.changes;
}

/** Record that an operation changed outside an invocation (a timer, a callback): the next one is told. */
export function markUpdated(rec: ExecutionRecord, id: string): void {
  if (!rec.updatedSinceInvocation.includes(id)) rec.updatedSinceInvocation.push(id);
}

export function pushEvent(rec: ExecutionRecord, type: EventType, op: Operation | undefined, details: Record<string, unknown>, now: number): void {
  rec.events.push({
    EventType: type, EventId: rec.events.length + 1, EventTimestamp: now,
    ...(op ? { Id: op.Id } : {}), ...(op?.Name !== undefined ? { Name: op.Name } : {}),
    ...(op?.ParentId !== undefined ? { ParentId: op.ParentId } : {}), ...(op?.SubType !== undefined ? { SubType: op.SubType } : {}),
    Details: details,
  });
}

/**
 * The operations a replay needs, in start order: children of a closed CONTEXT are left out unless it
 * asked for ReplayChildren (and so are their own children).
 */
export function replayState(rec: ExecutionRecord): Operation[] {
  const hidden = new Set<string>();
  const out: Operation[] = [];
  for (const id of rec.order) {
    const op = rec.operations[id];
    const parent = op.ParentId === undefined ? undefined : getOperation(rec, op.ParentId);
    if (parent && (hidden.has(parent.Id) || (parent.Type === 'CONTEXT' && CLOSED_STATUSES.has(parent.Status) && !parent.ContextDetails?.ReplayChildren))) {
      hidden.add(id);
      continue;
    }
    out.push(op);
  }
  return out;
}

/** True when the execution waits on something that will wake it: a wait, a retry, a callback or a chained invoke. */
export function hasPendingWork(rec: ExecutionRecord): boolean {
  return Object.values(rec.operations).some((op) =>
    (op.Type === 'STEP' && (op.Status === 'PENDING' || op.Status === 'READY')) ||
    ((op.Type === 'WAIT' || op.Type === 'CALLBACK' || op.Type === 'CHAINED_INVOKE') && op.Status === 'STARTED'));
}

/** The invocation running now, if any. */
export function currentInvocation(rec: ExecutionRecord): InvocationEntry | undefined {
  const last = rec.invocations.at(-1);
  return last && last.endedAt === undefined ? last : undefined;
}
