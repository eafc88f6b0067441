// The execution's deadlines (server/durable/timers.ts): which it has, the earliest, and firing them.
import { describe, expect, test } from 'vitest';
import { applyCheckpoint } from '../../server/durable/checkpoint.ts';
import { fireTimers, nextDeadline, timersOf } from '../../server/durable/timers.ts';
import { ctxAt, newRecord } from '../helpers/durable-record.ts';

const T = 1_000_000;

function waiting() {
  const rec = newRecord(T);
  applyCheckpoint(rec, [
    { Id: 'w', Type: 'WAIT', Action: 'START', WaitOptions: { WaitSeconds: 10 } },
    { Id: 's', Type: 'STEP', Action: 'RETRY', StepOptions: { NextAttemptDelaySeconds: 5 } },
    { Id: 'c', Type: 'CALLBACK', Action: 'START', CallbackOptions: { TimeoutSeconds: 60, HeartbeatTimeoutSeconds: 20 } },
  ], ctxAt(T));
  return rec;
}

describe('timers', () => {
  test('every deadline of a running execution, the earliest first to fire', () => {
    const rec = waiting();
    expect(timersOf(rec).map((t) => [t.kind, t.operationId, t.at - T])).toEqual([
      ['execution-timeout', undefined, 3_600_000], ['wait', 'w', 10_000], ['retry', 's', 5_000],
      ['callback-timeout', 'c', 60_000], ['callback-heartbeat', 'c', 20_000],
    ]);
    expect(nextDeadline(rec)).toBe(T + 5_000);
  });

  const cases: Array<[string, number, Record<string, string>, string[]]> = [
    ['nothing due yet', T + 4_999, { w: 'STARTED', s: 'PENDING', c: 'STARTED' }, []],
    ['the retry becomes READY', T + 5_000, { w: 'STARTED', s: 'READY', c: 'STARTED' }, ['s']],
    ['the wait succeeds too', T + 10_000, { w: 'SUCCEEDED', s: 'READY', c: 'STARTED' }, ['s', 'w']],
    ['a missed heartbeat times the callback out', T + 20_000, { w: 'SUCCEEDED', s: 'READY', c: 'TIMED_OUT' }, ['s', 'w', 'c']],
  ];
  test.each(cases)('at +%s: %s', (_name, now, statuses, updated) => {
    const rec = waiting();
    const fired = fireTimers(rec, now);
    expect(Object.fromEntries(['w', 's', 'c'].map((id) => [id, rec.operations[id].Status]))).toEqual(statuses);
    expect([...rec.updatedSinceInvocation].sort()).toEqual([...updated].sort());
    expect(fired.timedOut).toBe(false);
  });

  test('fired operations write their history; a forced timer fires before its time', () => {
    const rec = waiting();
    fireTimers(rec, T, (t) => t.kind === 'wait');
    expect(rec.operations.w).toMatchObject({ Status: 'SUCCEEDED', EndTimestamp: T });
    expect(rec.events.at(-1)).toMatchObject({ EventType: 'WaitSucceeded', Details: { Duration: 10 } });
    fireTimers(rec, T, (t) => t.kind === 'callback-timeout');
    expect(rec.operations.c.CallbackDetails?.Error).toEqual({ ErrorMessage: 'Callback timed out' });
    expect(rec.events.at(-1)?.EventType).toBe('CallbackTimedOut');
  });

  test('the execution timeout and the retention are reported, not applied', () => {
    const rec = waiting();
    expect(fireTimers(rec, T + 3_600_000).timedOut).toBe(true);
    rec.status = 'SUCCEEDED';
    rec.expiresAt = T + 10;
    expect(timersOf(rec)).toEqual([{ kind: 'retention', at: T + 10 }]);
    expect(fireTimers(rec, T + 10).expired).toBe(true);
  });
});
