// How durable executions look on the wire: operations with timestamps in epoch seconds (the API's
// JSON protocol) or epoch milliseconds (the invocation event, as the SDKs read it), history events
// with their `…Details` member, GetDurableExecution and the list entry.
import type { ExecutionRecord } from './execution-record.ts';
import type { HistoryEvent, Operation } from './wire.ts';

export type TimeUnit = 's' | 'ms';

const time = (ms: number | undefined, unit: TimeUnit): number | undefined => (ms === undefined ? undefined : unit === 'ms' ? ms : ms / 1000);

/** Drop undefined members (JSON.stringify would too, but answers are also compared in tests). */
function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export function renderOperation(op: Operation, unit: TimeUnit): Record<string, unknown> {
  const out: Record<string, unknown> = { ...op, StartTimestamp: time(op.StartTimestamp, unit), EndTimestamp: time(op.EndTimestamp, unit) };
  if (op.StepDetails) out.StepDetails = clean({ ...op.StepDetails, NextAttemptTimestamp: time(op.StepDetails.NextAttemptTimestamp, unit) });
  if (op.WaitDetails) out.WaitDetails = clean({ ScheduledEndTimestamp: time(op.WaitDetails.ScheduledEndTimestamp, unit) });
  if (op.ContextDetails) out.ContextDetails = clean({ ...op.ContextDetails });
  if (op.CallbackDetails) out.CallbackDetails = clean({ ...op.CallbackDetails });
  if (op.ChainedInvokeDetails) out.ChainedInvokeDetails = clean({ ...op.ChainedInvokeDetails });
  return clean(out);
}

/** Detail members that carry data (dropped with IncludeExecutionData=false). */
const DATA_MEMBERS = new Set(['Input', 'Result', 'Error']);
const TIME_MEMBERS = new Set(['ScheduledEndTimestamp', 'StartTimestamp', 'EndTimestamp']);

export function renderEvent(ev: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ev.Details)) {
    if (v === undefined) continue;
    if (!includeData && DATA_MEMBERS.has(k)) continue;
    details[k] = TIME_MEMBERS.has(k) && typeof v === 'number' ? v / 1000 : v;
  }
  return clean({
    EventType: ev.EventType, SubType: ev.SubType, EventId: ev.EventId, Id: ev.Id, Name: ev.Name,
    EventTimestamp: ev.EventTimestamp / 1000, ParentId: ev.ParentId, [`${ev.EventType}Details`]: details,
  });
}

/** GetDurableExecution's answer. */
export function renderExecution(rec: ExecutionRecord, includeData: boolean): Record<string, unknown> {
  return clean({
    DurableExecutionArn: rec.arn,
    DurableExecutionName: rec.name,
    FunctionArn: `${rec.functionArn}:${rec.qualifier}`,
    StartTimestamp: rec.startedAt / 1000,
    Status: rec.status,
    InputPayload: includeData ? rec.input : undefined,
    Result: includeData ? rec.result : undefined,
    Error: includeData ? rec.error : undefined,
    EndTimestamp: rec.endedAt === undefined ? undefined : rec.endedAt / 1000,
    Version: rec.version,
    TraceHeader: rec.traceHeader ? { XAmznTraceId: rec.traceHeader } : undefined,
    ExecutionDataIncluded: includeData,
    DurableConfig: { ...rec.durableConfig },
  });
}

/** An entry of ListDurableExecutionsByFunction. */
export function renderListEntry(rec: ExecutionRecord): Record<string, unknown> {
  return clean({
    DurableExecutionArn: rec.arn,
    DurableExecutionName: rec.name,
    FunctionArn: `${rec.functionArn}:${rec.qualifier}`,
    Status: rec.status,
    StartTimestamp: rec.startedAt / 1000,
    EndTimestamp: rec.endedAt === undefined ? undefined : rec.endedAt / 1000,
  });
}
