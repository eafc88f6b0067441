// What accepted checkpoints do to an execution (server/durable/checkpoint.ts, operation-transitions.ts):
// each operation type's state changes, attempts, deadlines under --time-scale, callback ids, history
// events, the effects for the orchestrator, and the "unseen" delta a checkpoint answers with.
import { describe, expect, test } from 'vitest';
import { applyCheckpoint, tokenProblem } from '../../server/durable/checkpoint.ts';
import { checkpointToken } from '../../server/durable/ids.ts';
import { CheckpointRejected } from '../../server/durable/checkpoint-rules.ts';
import { replayState } from '../../server/durable/execution-record.ts';
import type { OperationUpdate } from '../../server/durable/wire.ts';
import { ctxAt, newRecord } from '../helpers/durable-record.ts';

const T = 1_000_000;

describe('steps', () => {
  test('START, RETRY ×2 (PENDING with the next attempt time), READY → START, SUCCEED: Attempt counts attempts made', () => {
    const rec = newRecord(T);
    applyCheckpoint(rec, [{ Id: 's', Name: 'flaky', Type: 'STEP', Action: 'START' }], ctxAt(T));
    applyCheckpoint(rec, [{ Id: 's', Type: 'STEP', Action: 'RETRY', Error: { ErrorMessage: 'e1' }, StepOptions: { NextAttemptDelaySeconds: 30 } }], ctxAt(T + 10));
    expect(rec.operations.s).toMatchObject({ Status: 'PENDING', StepDetails: { Attempt: 1, NextAttemptTimestamp: T + 10 + 30_000, Error: { ErrorMessage: 'e1' } } });
    rec.operations.s = { ...rec.operations.s, Status: 'READY' };
    applyCheckpoint(rec, [{ Id: 's', Type: 'STEP', Action: 'START' }], ctxAt(T + 40_000));
    expect(rec.operations.s.StepDetails?.Attempt).toBe(1);
    applyCheckpoint(rec, [{ Id: 's', Type: 'STEP', Action: 'SUCCEED', Payload: '3' }], ctxAt(T + 40_010));
    expect(rec.operations.s).toMatchObject({ Status: 'SUCCEEDED', EndTimestamp: T + 40_010, StepDetails: { Attempt: 2, Result: '3' } });
    expect(rec.events.map((e) => e.EventType)).toEqual(['StepStarted', 'StepFailed', 'StepStarted', 'StepSucceeded']);
    expect(rec.events[1].Details).toEqual({ Error: { Payload: { ErrorMessage: 'e1' } }, RetryDetails: { CurrentAttempt: 1, NextAttemptDelaySeconds: 30 } });
    expect(rec.events.map((e) => e.EventId)).toEqual([1, 2, 3, 4]);
  });

  test('a RETRY with a payload and no error (wait-for-condition) is written as StepSucceeded with its retry details', () => {
    const rec = newRecord(T);
    applyCheckpoint(rec, [{ Id: 's', Type: 'STEP', Action: 'RETRY', Payload: '{"n":1}', StepOptions: { NextAttemptDelaySeconds: 5 } }], ctxAt(T));
    expect(rec.events[0]).toMatchObject({ EventType: 'StepSucceeded', Details: { Result: { Payload: '{"n":1}' }, RetryDetails: { CurrentAttempt: 1, NextAttemptDelaySeconds: 5 } } });
  });
});

describe('waits, callbacks, chained invokes, contexts, the execution', () => {
  test('a wait\'s end is now + WaitSeconds × the time scale; WaitStarted keeps the seconds asked', () => {
    const rec = newRecord(T);
    applyCheckpoint(rec, [{ Id: 'w', Type: 'WAIT', Action: 'START', WaitOptions: { WaitSeconds: 3600 } }], ctxAt(T, 0.001));
    expect(rec.operations.w.WaitDetails?.ScheduledEndTimestamp).toBe(T + 3600);
    expect(rec.events[0]).toMatchObject({ EventType: 'WaitStarted', Details: { Duration: 3600, ScheduledEndTimestamp: T + 3600 } });
    applyCheckpoint(rec, [{ Id: 'w', Type: 'WAIT', Action: 'CANCEL' }], ctxAt(T + 1));
    expect(rec.operations.w.Status).toBe('CANCELLED');
    expect(rec.events[1].EventType).toBe('WaitCancelled');
  });

  test('a callback gets its id and deadlines (0 means none)', () => {
    const rec = newRecord(T);
    applyCheckpoint(rec, [
      { Id: 'c1', Type: 'CALLBACK', Action: 'START', CallbackOptions: { TimeoutSeconds: 60, HeartbeatTimeoutSeconds: 10 } },
      { Id: 'c2', Type: 'CALLBACK', Action: 'START', CallbackOptions: { TimeoutSeconds: 0 } },
    ], ctxAt(T));
    expect(rec.operations.c1.CallbackDetails).toEqual({ CallbackId: 'cb-c1' });
    expect(rec.meta.c1).toMatchObject({ timeoutAt: T + 60_000, heartbeatAt: T + 10_000, heartbeatMs: 10_000 });
    expect(rec.meta.c2.timeoutAt).toBeUndefined();
    expect(rec.events[0].Details).toEqual({ CallbackId: 'cb-c1', Timeout: 60, HeartbeatTimeout: 10 });
  });

  test('a chained invoke asks the orchestrator to start it, and to stop it on CANCEL', () => {
    const rec = newRecord(T);
    const started = applyCheckpoint(rec, [{ Id: 'i', Type: 'CHAINED_INVOKE', Action: 'START', Payload: '{"x":1}', ChainedInvokeOptions: { FunctionName: 'child:1' } }], ctxAt(T));
    expect(started.effects).toEqual([{ kind: 'chained-start', operationId: 'i' }]);
    expect(rec.meta.i.chained).toEqual({ functionName: 'child:1', payload: '{"x":1}', tenantId: undefined });
    const stopped = applyCheckpoint(rec, [{ Id: 'i', Type: 'CHAINED_INVOKE', Action: 'CANCEL' }], ctxAt(T + 1));
    expect(stopped.effects).toEqual([{ kind: 'chained-stop', operationId: 'i' }]);
    expect(rec.operations.i.Status).toBe('STOPPED');
  });

  test('children of a closed context are left out of the replay state unless it asked for ReplayChildren', () => {
    const rec = newRecord(T);
    const child = (ctx: string, id: string): OperationUpdate[] => [
      { Id: ctx, Type: 'CONTEXT', Action: 'START' }, { Id: id, ParentId: ctx, Type: 'STEP', Action: 'SUCCEED', Payload: '1' },
    ];
    applyCheckpoint(rec, [...child('a', 'a1'), ...child('b', 'b1')], ctxAt(T));
    applyCheckpoint(rec, [{ Id: 'a', Type: 'CONTEXT', Action: 'SUCCEED', Payload: '1' }, { Id: 'b', Type: 'CONTEXT', Action: 'SUCCEED', ContextOptions: { ReplayChildren: true } }], ctxAt(T + 1));
    expect(replayState(rec).map((o) => o.Id)).toEqual(['e1', 'a', 'b', 'b1']);
  });

  test('EXECUTION SUCCEED or FAIL closes the execution (an effect, applied last)', () => {
    const rec = newRecord(T);
    expect(applyCheckpoint(rec, [{ Id: 'x', Type: 'EXECUTION', Action: 'SUCCEED', Payload: '"big"' }], ctxAt(T)).effects)
      .toEqual([{ kind: 'close', status: 'SUCCEEDED', result: '"big"' }]);
    expect(applyCheckpoint(newRecord(T), [{ Id: 'x', Type: 'EXECUTION', Action: 'FAIL', Error: { ErrorType: 'E' } }], ctxAt(T)).effects)
      .toEqual([{ kind: 'close', status: 'FAILED', error: { ErrorType: 'E' } }]);
  });
});

describe('the checkpoint answer and the sequence', () => {
  test('answers with the operations the handler has not seen, and advances the sequence once per call', () => {
    const rec = newRecord(T);
    rec.seen = rec.changes;
    const first = applyCheckpoint(rec, [{ Id: 'a', Type: 'STEP', Action: 'START' }, { Id: 'b', Type: 'WAIT', Action: 'START', WaitOptions: { WaitSeconds: 1 } }], ctxAt(T));
    expect(first.operations.map((o) => o.Id)).toEqual(['a', 'b']);
    expect(rec.sequence).toBe(1);
    expect(applyCheckpoint(rec, [], ctxAt(T)).operations).toEqual([]);
    expect(rec.sequence).toBe(2);
    rec.operations.b = { ...rec.operations.b, Status: 'SUCCEEDED' };
    rec.meta.b.touched = ++rec.changes;
    expect(applyCheckpoint(rec, [], ctxAt(T)).operations.map((o) => o.Id)).toEqual(['b']);
  });

  test('an invalid batch changes nothing', () => {
    const rec = newRecord(T);
    const before = JSON.stringify(rec);
    expect(() => applyCheckpoint(rec, [{ Id: 'a', Type: 'STEP', Action: 'START' }, { Id: 'a', Type: 'STEP', Action: 'START' }], ctxAt(T))).toThrow(CheckpointRejected);
    expect(JSON.stringify(rec)).toBe(before);
  });
});

describe('token chaining', () => {
  const running = () => {
    const rec = newRecord(T);
    rec.invocations.push({ number: 2, requestId: 'r', startedAt: T, updatedOperationIds: [] });
    rec.sequence = 5;
    return rec;
  };
  const cases: Array<[string, (rec: ReturnType<typeof newRecord>) => string, string | undefined]> = [
    ['the current token', () => checkpointToken({ executionId: 'e1', invocation: 2, sequence: 5 }), undefined],
    ['a used token (an earlier sequence)', () => checkpointToken({ executionId: 'e1', invocation: 2, sequence: 4 }), 'the token has been used; pass the one the last checkpoint returned.'],
    ['a token of an earlier invocation', () => checkpointToken({ executionId: 'e1', invocation: 1, sequence: 5 }), 'the invocation this token was given to has ended.'],
    ['another execution\'s token', () => checkpointToken({ executionId: 'e2', invocation: 2, sequence: 5 }), 'the token does not belong to this execution.'],
    ['not a token', () => 'garbage', 'the token does not belong to this execution.'],
    ['a token after the invocation answered', (rec) => {
      rec.invocations[0].endedAt = T + 1;
      return checkpointToken({ executionId: 'e1', invocation: 2, sequence: 5 });
    }, 'the invocation this token was given to has ended.'],
    ['a token after the execution ended', (rec) => {
      rec.status = 'STOPPED';
      return checkpointToken({ executionId: 'e1', invocation: 2, sequence: 5 });
    }, 'the execution has ended (STOPPED).'],
  ];
  test.each(cases)('%s', (_name, token, expected) => {
    const rec = running();
    expect(tokenProblem(rec, token(rec))).toBe(expected);
  });
});
