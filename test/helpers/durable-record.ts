// A fresh durable execution record for unit tests of the pure decisions (server/durable/).
import type { ExecutionRecord } from '../../server/durable/execution-record.ts';
import { putOperation } from '../../server/durable/execution-record.ts';
import type { ApplyContext } from '../../server/durable/operation-transitions.ts';

export function newRecord(now = 1_000_000): ExecutionRecord {
  const rec: ExecutionRecord = {
    id: 'e1', arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST/durable-execution/e1/e1', name: 'e1', functionName: 'fn',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn', qualifier: '$LATEST', version: '$LATEST', invocationType: 'Event',
    input: '{"a":1}', durableConfig: { ExecutionTimeout: 3600, RetentionPeriodInDays: 14 }, status: 'RUNNING', startedAt: now,
    timeoutAt: now + 3_600_000, operations: {}, order: [], meta: {}, events: [], invocations: [], sequence: 0, changes: 0, seen: 0,
    failedInvocations: 0, updatedSinceInvocation: [],
  };
  putOperation(rec, { Id: 'e1', Type: 'EXECUTION', Status: 'STARTED', StartTimestamp: now, ExecutionDetails: { InputPayload: '{"a":1}' } });
  return rec;
}

/** Durations at face value (time scale 1), callback ids `cb-<op>`. */
export const ctxAt = (now: number, scale = 1): ApplyContext => ({ now, ms: (s) => s * 1000 * scale, newCallbackId: (id) => `cb-${id}` });
