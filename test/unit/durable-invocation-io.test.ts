// The two ends of an invocation (server/durable/invocation-io.ts) and the identifiers (ids.ts): the
// event the SDK gets, what each kind of answer means, state pages, and ARNs the SDK's own pattern parses.
import { describe, expect, test } from 'vitest';
import { applyCheckpoint } from '../../server/durable/checkpoint.ts';
import { callbackId, checkpointToken, executionArn, marker, parseCallbackId, parseCheckpointToken, parseExecutionArn, parseMarker } from '../../server/durable/ids.ts';
import { errorPayload, invocationEvent, readAnswer, statePage, stateScope } from '../../server/durable/invocation-io.ts';
import { ctxAt, newRecord } from '../helpers/durable-record.ts';

const T = 1_700_000_000_000;
const answer = (v: unknown, functionError?: 'Unhandled') => ({ payload: Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), functionError });

describe('the invocation event', () => {
  test('execution ARN, token, the state with millisecond timestamps; UpdatedOperationIds from the second invocation on', () => {
    const rec = newRecord(T);
    applyCheckpoint(rec, [{ Id: 'w', Type: 'WAIT', Action: 'START', WaitOptions: { WaitSeconds: 1 } }], ctxAt(T));
    const first = invocationEvent(rec, 'tok', [], true);
    expect(first).toEqual({
      DurableExecutionArn: rec.arn, CheckpointToken: 'tok',
      InitialExecutionState: { Operations: [
        { Id: 'e1', Type: 'EXECUTION', Status: 'STARTED', StartTimestamp: T, ExecutionDetails: { InputPayload: '{"a":1}' } },
        { Id: 'w', Type: 'WAIT', Status: 'STARTED', StartTimestamp: T, WaitDetails: { ScheduledEndTimestamp: T + 1000 } },
      ] },
    });
    expect(rec.seen).toBe(rec.changes);
    expect(invocationEvent(rec, 'tok2', ['w'], false).UpdatedOperationIds).toEqual(['w']);
  });

  test('a long state is paged: the event has the first page and a marker for GetDurableExecutionState', () => {
    const rec = newRecord(T);
    applyCheckpoint(rec, Array.from({ length: 25 }, (_, i) => ({ Id: `s${i}`, Type: 'STEP', Action: 'SUCCEED', Payload: '1' })), ctxAt(T));
    const p1 = statePage(rec, 0, 10, 1e9, 's');
    expect(p1.operations).toHaveLength(10);
    expect(p1.operations[0]).toMatchObject({ Id: 'e1', StartTimestamp: T / 1000 });
    const offset = parseMarker(stateScope(rec), p1.next!);
    expect(offset).toBe(10);
    const p3 = statePage(rec, 20, 10, 1e9, 's');
    expect(p3.operations.map((o) => o.Id)).toEqual(['s19', 's20', 's21', 's22', 's23', 's24']);
    expect(p3.next).toBeUndefined();
    // A byte budget cuts pages too (never below one operation).
    expect(statePage(rec, 0, 1000, 1, 's').operations).toHaveLength(1);
    // A marker is tied to the state it pages: after a checkpoint it no longer parses.
    applyCheckpoint(rec, [], ctxAt(T));
    expect(parseMarker(stateScope(rec), p1.next!)).toBeUndefined();
  });
});

describe('what an answer means', () => {
  const pending = () => {
    const rec = newRecord(T);
    applyCheckpoint(rec, [{ Id: 'w', Type: 'WAIT', Action: 'START', WaitOptions: { WaitSeconds: 1 } }], ctxAt(T));
    return rec;
  };
  const cases: Array<[string, ReturnType<typeof answer>, boolean, unknown]> = [
    ['SUCCEEDED with a result', answer({ Status: 'SUCCEEDED', Result: '{"ok":1}' }), false, { kind: 'succeeded', result: '{"ok":1}' }],
    ['SUCCEEDED without a result (checkpointed, or undefined)', answer({ Status: 'SUCCEEDED' }), false, { kind: 'succeeded', result: '' }],
    ['FAILED with its error', answer({ Status: 'FAILED', Error: { ErrorType: 'E', ErrorMessage: 'm' } }), false, { kind: 'failed', error: { ErrorType: 'E', ErrorMessage: 'm' } }],
    ['PENDING with something to wait for', answer({ Status: 'PENDING' }), true, { kind: 'pending' }],
    ['PENDING with nothing to wait for', answer({ Status: 'PENDING' }), false, { kind: 'invocation-error', error: { ErrorType: 'InvalidParameterValueException', ErrorMessage: 'Cannot return PENDING status with no pending operations.' } }],
    ['SUCCEEDED with an error', answer({ Status: 'SUCCEEDED', Error: {} }), false, { kind: 'invocation-error', error: { ErrorType: 'InvalidParameterValueException', ErrorMessage: 'Cannot provide an Error for SUCCEEDED status.' } }],
    ['a function error (the SDK threw)', answer({ errorType: 'CheckpointUnrecoverableInvocationError', errorMessage: 'x', trace: ['at a'] }, 'Unhandled'), true,
      { kind: 'invocation-error', error: { ErrorType: 'CheckpointUnrecoverableInvocationError', ErrorMessage: 'x', StackTrace: ['at a'] } }],
    ['a timeout (the platform\'s error)', answer({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' }, 'Unhandled'), true,
      { kind: 'invocation-error', error: { ErrorType: 'Sandbox.Timedout', ErrorMessage: 'Task timed out after 3.00 seconds' } }],
  ];
  test.each(cases)('%s', (_name, a, hasPending, expected) => {
    expect(readAnswer(hasPending ? pending() : newRecord(T), a)).toEqual(expected);
  });

  test('not a durable output at all (a plain handler on a durable function) is an invocation error', () => {
    expect(readAnswer(newRecord(T), answer({ hello: 1 }))).toMatchObject({ kind: 'invocation-error', error: { ErrorMessage: expect.stringContaining('not a durable execution output') } });
  });

  test('the synchronous caller gets a failed execution as a function error payload', () => {
    expect(JSON.parse(errorPayload({ ErrorType: 'E', ErrorMessage: 'm', StackTrace: ['a'] }, 'X').toString())).toEqual({ errorType: 'E', errorMessage: 'm', stackTrace: ['a'] });
    expect(JSON.parse(errorPayload(undefined, 'DurableExecutionStopped').toString())).toEqual({ errorType: 'DurableExecutionStopped', errorMessage: '' });
  });
});

describe('identifiers', () => {
  test('execution ARNs have the shape the SDK parses', () => {
    const arn = executionArn('arn:aws:lambda:us-east-1:000000000000:function:orders', 'live', 'run-1', 'abc');
    expect(arn).toBe('arn:aws:lambda:us-east-1:000000000000:function:orders:live/durable-execution/run-1/abc');
    // The SDK's own pattern (parseDurableExecutionArn in @aws/durable-execution-sdk-js 2.4.0).
    expect(/^arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:/]+):[^:/]+\/durable-execution\/([^/]+)\/([^/]+)$/.exec(arn)?.slice(1)).toEqual(['orders', 'run-1', 'abc']);
    expect(parseExecutionArn(arn)).toEqual({ functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:orders', functionName: 'orders', qualifier: 'live', name: 'run-1', id: 'abc' });
    expect(parseExecutionArn('arn:aws:lambda:us-east-1:000000000000:function:orders/durable-execution/a/b')).toBeUndefined();
  });

  test('callback ids and checkpoint tokens decode; foreign values do not', () => {
    const id = callbackId('exec', 'op');
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseCallbackId(id)).toEqual({ executionId: 'exec', operationId: 'op' });
    expect(callbackId('exec', 'op')).not.toBe(id);
    expect(parseCallbackId('not-ours')).toBeUndefined();
    expect(parseCheckpointToken(checkpointToken({ executionId: 'e', invocation: 3, sequence: 7 }))).toEqual({ executionId: 'e', invocation: 3, sequence: 7 });
    expect(parseCheckpointToken('c3RhbGU')).toBeUndefined();
    expect(parseMarker('scope', marker('scope', 5))).toBe(5);
    expect(parseMarker('other', marker('scope', 5))).toBeUndefined();
  });
});
