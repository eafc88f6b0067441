// The timers behind schedules (services/scheduling/timetable.ts) and EventBridge Scheduler's schedules
// (services/scheduler/): jobs fire at their next firing on a clock the test moves, a scaled clock runs
// them faster, timed firing off keeps the next firing for listings and firing by hand, a one-time
// schedule with ActionAfterCompletion DELETE goes once it ran; Scheduler's checks and payloads.
import { describe, expect, it } from 'vitest';
import { scaledClock } from '../../lib/clock.ts';
import type { DeliveryJob } from '../../services/eventbridge/target-delivery.ts';
import type { ScheduleInput } from '../../services/scheduler/schedule-model.ts';
import { schedulerEvent, schedulerInput } from '../../services/scheduler/scheduler-payload.ts';
import { Schedules } from '../../services/scheduler/schedules.ts';
import { Timetable } from '../../services/scheduling/timetable.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const T0 = Date.parse('2026-03-04T10:17:30Z');
const FN = 'arn:aws:lambda:us-east-1:000000000000:function:f';

function scheduler(opts: { timed?: boolean; scale?: number } = {}) {
  const clock = new ManualClock({ start: T0 });
  const time = scaledClock(clock, opts.scale ?? 1);
  const timetable = new Timetable(time, { timed: opts.timed ?? true });
  const jobs: Array<{ at: string; job: DeliveryJob }> = [];
  const schedules = new Schedules({
    region: 'us-east-1', accountId: '000000000000', now: () => time.now(),
    deliver: (job) => jobs.push({ at: new Date(time.now()).toISOString(), job }),
    onChange: (job, removed) => (removed ? timetable.remove(job.key) : timetable.set(job)),
  });
  return { clock, time, timetable, schedules, jobs };
}

const input = (s: Partial<ScheduleInput>): ScheduleInput => ({ Name: 's', ScheduleExpression: 'rate(5 minutes)', Target: { Arn: FN }, ...s });

describe('timetable', () => {
  it('fires a rate schedule every period and a cron schedule at its minute in its zone', async () => {
    const { clock, schedules, jobs } = scheduler();
    schedules.put(input({ Name: 'rate' }), { replace: false });
    schedules.put(input({ Name: 'cron', ScheduleExpression: 'cron(0 12 * * ? *)', ScheduleExpressionTimezone: 'Asia/Tokyo' }), { replace: false });
    await clock.advance(16 * 60_000);
    expect(jobs.map((j) => `${j.job.what} ${j.at}`)).toEqual([
      'schedule default/rate 2026-03-04T10:22:30.000Z', 'schedule default/rate 2026-03-04T10:27:30.000Z', 'schedule default/rate 2026-03-04T10:32:30.000Z',
    ]);
    jobs.length = 0;
    schedules.delete('rate');
    await clock.advance(24 * 3_600_000);
    // Noon in Tokyo is 03:00 UTC.
    expect(jobs.map((j) => `${j.job.what} ${j.at}`)).toEqual(['schedule default/cron 2026-03-05T03:00:00.000Z']);
  });

  it('runs schedules 1/scale as fast on a scaled clock (--time-scale)', async () => {
    const { clock, schedules, jobs } = scheduler({ scale: 0.01 });
    schedules.put(input({ ScheduleExpression: 'rate(1 hour)' }), { replace: false });
    await clock.advance(36_000);
    expect(jobs).toHaveLength(1);
    expect(clock.now() - T0).toBe(36_000);
  });

  it('with timed firing off keeps the next firing for listings, and fires only by hand', async () => {
    const { clock, timetable, schedules, jobs } = scheduler({ timed: false });
    schedules.put(input({}), { replace: false });
    await clock.advance(3_600_000);
    expect(jobs).toEqual([]);
    expect(timetable.nextAt('schedule/default/s')).toBe(T0 + 5 * 60_000);
    expect(timetable.fireNow('schedule/default/s')).toBe(true);
    expect(timetable.fireNow('schedule/default/none')).toBe(false);
    expect(jobs).toHaveLength(1);
  });

  it('fires a one-time at() schedule once in its zone, and deletes it after when asked to', async () => {
    const { clock, timetable, schedules, jobs } = scheduler();
    schedules.put(input({ Name: 'once', ScheduleExpression: 'at(2026-03-04T12:00:00)', ScheduleExpressionTimezone: 'Europe/Berlin', ActionAfterCompletion: 'DELETE' }), { replace: false });
    schedules.put(input({ Name: 'keep', ScheduleExpression: 'at(2026-03-04T12:00:00)' }), { replace: false });
    expect(timetable.nextAt('schedule/default/once')).toBe(Date.parse('2026-03-04T11:00:00Z'));
    await clock.advance(86_400_000);
    expect(jobs.map((j) => `${j.job.what} ${j.at}`)).toEqual(['schedule default/once 2026-03-04T11:00:00.000Z', 'schedule default/keep 2026-03-04T12:00:00.000Z']);
    expect(schedules.list().map((s) => s.name)).toEqual(['keep']);
    expect(timetable.nextAt('schedule/default/keep')).toBeUndefined();
    expect(clock.pending).toBe(0);
  });

  it('does not fire a disabled schedule, nor one before its StartDate or after its EndDate', async () => {
    const { clock, schedules, jobs } = scheduler();
    schedules.put(input({ Name: 'off', State: 'DISABLED' }), { replace: false });
    schedules.put(input({ Name: 'window', StartDate: '2026-03-04T11:00:00Z', EndDate: '2026-03-04T11:12:00Z' }), { replace: false });
    await clock.advance(3 * 3_600_000);
    expect(jobs.map((j) => `${j.job.what} ${j.at}`)).toEqual([
      'schedule default/window 2026-03-04T11:00:00.000Z', 'schedule default/window 2026-03-04T11:05:00.000Z', 'schedule default/window 2026-03-04T11:10:00.000Z',
    ]);
  });

  it('close cancels every timer', () => {
    const { clock, timetable, schedules } = scheduler();
    schedules.put(input({}), { replace: false });
    expect(clock.pending).toBe(1);
    timetable.close();
    expect(clock.pending).toBe(0);
  });
});

describe('Scheduler', () => {
  it.each<[string, Partial<ScheduleInput>, string, RegExp]>([
    ['a bad expression', { ScheduleExpression: 'rate(0 minutes)' }, 'ValidationException', /^Invalid Schedule Expression rate\(0 minutes\)\.$/],
    ['a bad zone', { ScheduleExpressionTimezone: 'Mars/Olympus' }, 'ValidationException', /Invalid time zone Mars\/Olympus/],
  ])('refuses %s', (_name, s, type, message) => {
    const { schedules } = scheduler();
    expect(() => schedules.put(input(s), { replace: false })).toThrow(message);
    try {
      schedules.put(input(s), { replace: false });
    } catch (err) {
      expect((err as { type: string }).type).toBe(type);
    }
  });

  it('answers ConflictException for a second create and ResourceNotFoundException for a missing one', () => {
    const { schedules } = scheduler();
    schedules.put(input({}), { replace: false });
    expect(() => schedules.put(input({}), { replace: false })).toThrow('Schedule s already exists.');
    expect(() => schedules.put(input({ Name: 'x' }), { replace: true })).toThrow('Schedule x does not exist.');
    expect(() => schedules.get('x')).toThrow('Schedule x does not exist.');
    expect(() => schedules.delete('x', 'other')).toThrow('Schedule x does not exist.');
  });

  it('fills the context attributes into Input, and wraps it in an event for a bus target', () => {
    const firing = { scheduleArn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/s', scheduledAt: T0 + 250, executionId: '0123456789abcdef' };
    const target = { Arn: FN, Input: '{"arn":"<aws.scheduler.schedule-arn>","at":"<aws.scheduler.scheduled-time>","id":"<aws.scheduler.execution-id>","n":<aws.scheduler.attempt-number>,"x":"<aws.other>"}' };
    expect(JSON.parse(schedulerInput(target, firing))).toEqual({ arn: firing.scheduleArn, at: '2026-03-04T10:17:30Z', id: '0123456789abcdef', n: 1, x: '<aws.other>' });
    expect(schedulerInput({ Arn: FN }, firing)).toBe('{}');
    const bus = { Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/default', EventBridgeParameters: { DetailType: 'Tick', Source: 'my.app' } };
    expect(schedulerEvent(bus, '{"a":1}', firing, { region: 'us-east-1', accountId: '000000000000' })).toMatchObject({
      'detail-type': 'Tick', source: 'my.app', time: '2026-03-04T10:17:30Z', resources: [firing.scheduleArn], detail: { a: 1 },
    });
  });
});
