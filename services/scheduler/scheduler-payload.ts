// What an EventBridge Scheduler schedule sends when it fires: its Input (an empty JSON object when it has
// none) with the <aws.scheduler.*> context attributes filled in, wrapped in an event for an event-bus
// target; and the dead-letter message Scheduler writes when delivery fails. Pure.
import { randomBytes, randomUUID } from 'node:crypto';
import { type BusEvent, eventTime } from '../eventbridge/event-bus-model.ts';
import type { DeadLetter } from '../eventbridge/target-delivery.ts';
import type { ScheduleTarget } from './schedule-model.ts';

export interface Firing {
  scheduleArn: string;
  /** The time the schedule fired for (ms). */
  scheduledAt: number;
  /** One id per firing (Scheduler's are 16 hex digits). */
  executionId: string;
}

export const newExecutionId = (): string => randomBytes(8).toString('hex');

/** The Input with its context attributes replaced. */
export function schedulerInput(target: ScheduleTarget, firing: Firing, attempt = 1): string {
  const values: Record<string, string> = {
    'aws.scheduler.schedule-arn': firing.scheduleArn,
    'aws.scheduler.scheduled-time': eventTime(firing.scheduledAt),
    'aws.scheduler.execution-id': firing.executionId,
    'aws.scheduler.attempt-number': String(attempt),
  };
  return (target.Input ?? '{}').replace(/<(aws\.scheduler\.[a-z-]+)>/g, (whole, name: string) => values[name] ?? whole);
}

/** An event-bus target gets an event whose detail is the Input (EventBridgeParameters name it). */
export function schedulerEvent(target: ScheduleTarget, input: string, firing: Firing, ctx: { region: string; accountId: string }): BusEvent {
  let detail: unknown;
  try {
    detail = JSON.parse(input);
  } catch {
    detail = undefined;
  }
  return {
    version: '0', id: randomUUID(), 'detail-type': target.EventBridgeParameters?.DetailType ?? 'Scheduled Event',
    source: target.EventBridgeParameters?.Source ?? 'aws.scheduler', account: ctx.accountId, time: eventTime(firing.scheduledAt),
    region: ctx.region, resources: [firing.scheduleArn], detail: (detail !== null && typeof detail === 'object' ? detail : {}) as Record<string, unknown>,
  };
}

/** Scheduler's dead-letter message: the payload, and what failed in its attributes. */
export function schedulerDeadLetter(target: ScheduleTarget, payload: string, firing: Firing): DeadLetter {
  return ({ error }) => ({
    body: payload,
    attributes: {
      ERROR_CODE: error.awsType,
      ERROR_MESSAGE: error.message,
      EXECUTION_ID: firing.executionId,
      SCHEDULE_ARN: firing.scheduleArn,
      SCHEDULED_TIME: eventTime(firing.scheduledAt),
      TARGET_ARN: target.Arn,
    },
  });
}
