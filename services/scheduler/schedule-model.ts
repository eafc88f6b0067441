// An EventBridge Scheduler schedule in CreateSchedule's shape (what templates and the API give), and its
// ARN. Scheduler invokes one target per schedule.
import type { RetryPolicy } from '../eventbridge/event-bus-model.ts';

export const DEFAULT_GROUP = 'default';

export interface ScheduleTarget {
  Arn: string;
  RoleArn?: string;
  /** Text or JSON; `<aws.scheduler.*>` context attributes are filled in when it is sent. */
  Input?: string;
  RetryPolicy?: RetryPolicy;
  DeadLetterConfig?: { Arn?: string };
  SqsParameters?: { MessageGroupId?: string };
  EventBridgeParameters?: { DetailType?: string; Source?: string };
}

export interface ScheduleInput {
  Name: string;
  GroupName?: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  State?: 'ENABLED' | 'DISABLED';
  /** ISO 8601 (templates) or epoch seconds (the API). */
  StartDate?: string | number;
  EndDate?: string | number;
  Description?: string;
  FlexibleTimeWindow?: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  ActionAfterCompletion?: 'NONE' | 'DELETE';
  Target: ScheduleTarget;
}

export const scheduleArn = (ctx: { region: string; accountId: string }, group: string, name: string): string =>
  `arn:aws:scheduler:${ctx.region}:${ctx.accountId}:schedule/${group}/${name}`;
