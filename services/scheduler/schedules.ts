// The embedded EventBridge Scheduler: schedules by group and name, each a timetable job that fires its
// one target through the shared target delivery (Scheduler's retry policy — 185 retries, 24 hours by
// default — and dead-letter queue). Checks and errors are Scheduler's (ValidationException,
// ConflictException, ResourceNotFoundException).
import type { DeliveryJob } from '../eventbridge/target-delivery.ts';
import { EventsError } from '../eventbridge/events-error.ts';
import { CronError, parseScheduleExpression, type ScheduleExpression } from '../scheduling/schedule-expression.ts';
import { nextFiring } from '../scheduling/next-firing.ts';
import type { TimetableJob } from '../scheduling/timetable.ts';
import { isTimeZone } from '../scheduling/zoned-time.ts';
import { DEFAULT_GROUP, type ScheduleInput, scheduleArn } from './schedule-model.ts';
import { type Firing, newExecutionId, schedulerDeadLetter, schedulerEvent, schedulerInput } from './scheduler-payload.ts';

export const SCHEDULER_RETRY_DEFAULTS = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 };

export interface Schedule {
  name: string;
  group: string;
  arn: string;
  input: ScheduleInput;
  expression: ScheduleExpression;
  zone: string;
  createdAt: number;
  modifiedAt: number;
  origin: 'template' | 'api';
}

export interface SchedulesDeps {
  region: string;
  accountId: string;
  now: () => number;
  deliver: (job: DeliveryJob) => void;
  /** A schedule was created, changed or (removed) deleted: the timetable follows. */
  onChange: (job: TimetableJob, removed: boolean) => void;
}

const date = (v: string | number | undefined): number | undefined =>
  v === undefined ? undefined : typeof v === 'number' ? v * 1000 : Date.parse(v);

export class Schedules {
  private readonly deps: SchedulesDeps;
  private readonly schedules = new Map<string, Schedule>();

  constructor(deps: SchedulesDeps) {
    this.deps = deps;
  }

  static key(group: string, name: string): string {
    return `schedule/${group}/${name}`;
  }

  get(name: string, group = DEFAULT_GROUP): Schedule {
    const s = this.schedules.get(Schedules.key(group, name));
    if (!s) throw new EventsError('ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return s;
  }

  list(): Schedule[] {
    return [...this.schedules.values()].sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  }

  /** CreateSchedule (`replace` false) or UpdateSchedule (true). */
  put(input: ScheduleInput, opts: { replace: boolean; origin?: Schedule['origin'] }): Schedule {
    const group = input.GroupName ?? DEFAULT_GROUP;
    const key = Schedules.key(group, input.Name);
    const existing = this.schedules.get(key);
    if (!opts.replace && existing) throw new EventsError('ConflictException', `Schedule ${input.Name} already exists.`);
    if (opts.replace && !existing) throw new EventsError('ResourceNotFoundException', `Schedule ${input.Name} does not exist.`);
    let expression: ScheduleExpression;
    try {
      expression = parseScheduleExpression(input.ScheduleExpression, { allowAt: true, strictUnits: false });
    } catch (err) {
      if (err instanceof CronError) throw new EventsError('ValidationException', `Invalid Schedule Expression ${input.ScheduleExpression}.`);
      throw err;
    }
    const zone = input.ScheduleExpressionTimezone ?? 'UTC';
    if (!isTimeZone(zone)) throw new EventsError('ValidationException', `Invalid time zone ${zone}.`);
    const now = this.deps.now();
    const schedule: Schedule = {
      name: input.Name, group, arn: scheduleArn(this.deps, group, input.Name), input, expression, zone,
      createdAt: existing?.createdAt ?? now, modifiedAt: now, origin: existing?.origin ?? opts.origin ?? 'api',
    };
    this.schedules.set(key, schedule);
    this.deps.onChange(this.job(schedule), false);
    return schedule;
  }

  delete(name: string, group = DEFAULT_GROUP): void {
    const s = this.get(name, group);
    this.schedules.delete(Schedules.key(group, name));
    this.deps.onChange(this.job(s), true);
  }

  /** When a schedule fires next, for listings. */
  nextAt(s: Schedule, after: number): number | undefined {
    if (s.input.State === 'DISABLED') return undefined;
    const start = date(s.input.StartDate);
    return nextFiring(s.expression, after, {
      zone: s.zone, anchor: start ?? s.createdAt, fireAtAnchor: true, start, end: s.expression.kind === 'at' ? undefined : date(s.input.EndDate),
    });
  }

  /** Send the schedule's target its payload for a firing at `at` (by the timetable, or by hand). */
  fire(s: Schedule, at: number): void {
    const target = s.input.Target;
    const firing: Firing = { scheduleArn: s.arn, scheduledAt: at, executionId: newExecutionId() };
    const input = schedulerInput(target, firing);
    const payload = /^arn:aws[\w-]*:events:/.test(target.Arn) ? JSON.stringify(schedulerEvent(target, input, firing, this.deps)) : input;
    this.deps.deliver({
      what: `schedule ${s.group}/${s.name}`,
      targetArn: target.Arn,
      payload,
      send: { messageGroupId: target.SqsParameters?.MessageGroupId, deduplicationId: firing.executionId },
      retry: {
        maximumRetryAttempts: target.RetryPolicy?.MaximumRetryAttempts ?? SCHEDULER_RETRY_DEFAULTS.maximumRetryAttempts,
        maximumEventAgeSeconds: target.RetryPolicy?.MaximumEventAgeInSeconds ?? SCHEDULER_RETRY_DEFAULTS.maximumEventAgeSeconds,
      },
      deadLetterArn: target.DeadLetterConfig?.Arn,
      deadLetter: schedulerDeadLetter(target, payload, firing),
    });
    // A one-time schedule asked to go once it has run is deleted.
    if (s.expression.kind === 'at' && s.input.ActionAfterCompletion === 'DELETE' && this.schedules.get(Schedules.key(s.group, s.name)) === s) {
      this.delete(s.name, s.group);
    }
  }

  private job(s: Schedule): TimetableJob {
    return { key: Schedules.key(s.group, s.name), next: (after) => this.nextAt(s, after), fire: (at) => this.fire(s, at) };
  }
}
