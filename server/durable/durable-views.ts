// Durable executions as the emulator shows them (/_ephemera/durable/..., the web view): a summary per
// execution, and the detail: operations with status, attempts and timings, the invocations with the
// environment that ran each replay, the pending timers.
import type { ExecutionRecord } from './execution-record.ts';
import { timersOf } from './timers.ts';

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

export function executionSummary(rec: ExecutionRecord): Record<string, unknown> {
  const environments = new Set(rec.invocations.map((i) => i.environmentId).filter((e) => e !== undefined));
  return {
    id: rec.id,
    arn: rec.arn,
    name: rec.name,
    function: rec.functionName,
    qualifier: rec.qualifier,
    version: rec.version,
    status: rec.status,
    startedAt: iso(rec.startedAt),
    endedAt: iso(rec.endedAt),
    durationMs: rec.endedAt === undefined ? undefined : rec.endedAt - rec.startedAt,
    invocations: rec.invocations.length,
    environments: environments.size,
    operations: rec.order.length - 1,
    ...(rec.parent ? { parentExecutionId: rec.parent.executionId } : {}),
  };
}

export function executionDetail(rec: ExecutionRecord, now: number): Record<string, unknown> {
  return {
    ...executionSummary(rec),
    input: rec.input,
    result: rec.result,
    error: rec.error,
    durableConfig: rec.durableConfig,
    timeoutAt: iso(rec.timeoutAt),
    expiresAt: iso(rec.expiresAt),
    operations: rec.order.filter((id) => id !== rec.id).map((id) => {
      const op = rec.operations[id];
      const meta = rec.meta[id];
      return {
        id, parentId: op.ParentId, name: op.Name, type: op.Type, subType: op.SubType, status: op.Status,
        attempts: op.StepDetails?.Attempt, startedAt: iso(op.StartTimestamp), endedAt: iso(op.EndTimestamp),
        durationMs: op.EndTimestamp === undefined ? undefined : op.EndTimestamp - op.StartTimestamp,
        scheduledEnd: iso(op.WaitDetails?.ScheduledEndTimestamp), nextAttempt: iso(op.StepDetails?.NextAttemptTimestamp),
        callbackId: op.CallbackDetails?.CallbackId, chainedFunction: meta?.chained?.functionName, childExecutionId: meta?.chained?.child,
        result: op.StepDetails?.Result ?? op.CallbackDetails?.Result ?? op.ChainedInvokeDetails?.Result ?? op.ContextDetails?.Result,
        error: op.StepDetails?.Error ?? op.CallbackDetails?.Error ?? op.ChainedInvokeDetails?.Error ?? op.ContextDetails?.Error,
      };
    }),
    invocations: rec.invocations.map((i) => ({
      number: i.number, requestId: i.requestId, environment: i.environmentId, cold: i.cold, outcome: i.outcome ?? 'RUNNING',
      startedAt: iso(i.startedAt), endedAt: iso(i.endedAt), durationMs: i.endedAt === undefined ? undefined : i.endedAt - i.startedAt,
      updatedOperationIds: i.updatedOperationIds, error: i.error,
    })),
    timers: timersView(rec, now),
    events: rec.events.length,
  };
}

export function timersView(rec: ExecutionRecord, now: number): Record<string, unknown>[] {
  return timersOf(rec).map((t) => ({
    executionArn: rec.arn, executionId: rec.id, kind: t.kind, operationId: t.operationId,
    name: t.operationId ? rec.operations[t.operationId]?.Name : undefined, dueAt: iso(t.at), dueInMs: Math.max(0, t.at - now),
  }));
}
