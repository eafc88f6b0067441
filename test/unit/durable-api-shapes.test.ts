// The durable API's answers on the wire (server/durable/api-shapes.ts): epoch seconds, the
// `…Details` member named after the event, IncludeExecutionData=false dropping the data.
import { describe, expect, test } from 'vitest';
import { renderEvent, renderExecution, renderListEntry, renderOperation } from '../../server/durable/api-shapes.ts';
import { newRecord } from '../helpers/durable-record.ts';

const T = 1_700_000_000_123;

describe('wire shapes', () => {
  test('operations: timestamps in seconds for the API, milliseconds for the event', () => {
    const op = { Id: 'w', Type: 'WAIT' as const, Status: 'STARTED' as const, StartTimestamp: T, WaitDetails: { ScheduledEndTimestamp: T + 1000 } };
    expect(renderOperation(op, 's')).toEqual({ Id: 'w', Type: 'WAIT', Status: 'STARTED', StartTimestamp: T / 1000, WaitDetails: { ScheduledEndTimestamp: (T + 1000) / 1000 } });
    expect(renderOperation(op, 'ms')).toEqual(op);
  });

  test('history events carry <EventType>Details; without execution data the payloads go', () => {
    const ev = { EventType: 'StepSucceeded' as const, EventId: 3, EventTimestamp: T, Id: 's', Name: 'n', Details: { Result: { Payload: '1' }, RetryDetails: { CurrentAttempt: 1 } } };
    expect(renderEvent(ev, true)).toEqual({ EventType: 'StepSucceeded', EventId: 3, EventTimestamp: T / 1000, Id: 's', Name: 'n', StepSucceededDetails: { Result: { Payload: '1' }, RetryDetails: { CurrentAttempt: 1 } } });
    expect(renderEvent(ev, false).StepSucceededDetails).toEqual({ RetryDetails: { CurrentAttempt: 1 } });
    const wait = { EventType: 'WaitStarted' as const, EventId: 1, EventTimestamp: T, Details: { Duration: 5, ScheduledEndTimestamp: T + 5000 } };
    expect(renderEvent(wait, true).WaitStartedDetails).toEqual({ Duration: 5, ScheduledEndTimestamp: (T + 5000) / 1000 });
  });

  test('GetDurableExecution and the list entry', () => {
    const rec = newRecord(T);
    rec.status = 'SUCCEEDED';
    rec.result = '"ok"';
    rec.endedAt = T + 2000;
    expect(renderExecution(rec, true)).toEqual({
      DurableExecutionArn: rec.arn, DurableExecutionName: 'e1', FunctionArn: `${rec.functionArn}:$LATEST`, StartTimestamp: T / 1000, Status: 'SUCCEEDED',
      InputPayload: '{"a":1}', Result: '"ok"', EndTimestamp: (T + 2000) / 1000, Version: '$LATEST', ExecutionDataIncluded: true,
      DurableConfig: { ExecutionTimeout: 3600, RetentionPeriodInDays: 14 },
    });
    const lean = renderExecution(rec, false);
    expect(lean).not.toHaveProperty('InputPayload');
    expect(lean).not.toHaveProperty('Result');
    expect(lean.ExecutionDataIncluded).toBe(false);
    expect(renderListEntry(rec)).toEqual({
      DurableExecutionArn: rec.arn, DurableExecutionName: 'e1', FunctionArn: `${rec.functionArn}:$LATEST`, Status: 'SUCCEEDED', StartTimestamp: T / 1000, EndTimestamp: (T + 2000) / 1000,
    });
  });
});
