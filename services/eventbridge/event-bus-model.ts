// What an event bus holds: rules (an event pattern or a schedule, a state) and their targets, as the
// EventBridge API describes them. Targets keep the API's own shape; the rest is compiled once.
import type { EventMatcher } from '../../lib/event-pattern/event-pattern.ts';
import type { ScheduleExpression } from '../scheduling/schedule-expression.ts';

export const DEFAULT_BUS = 'default';

export interface RetryPolicy {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
}

export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

/** A rule's target, in PutTargets' shape (what ListTargetsByRule gives back). */
export interface Target {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformer;
  RetryPolicy?: RetryPolicy;
  DeadLetterConfig?: { Arn?: string };
  SqsParameters?: { MessageGroupId?: string };
  [other: string]: unknown;
}

export interface Rule {
  name: string;
  arn: string;
  busName: string;
  state: 'ENABLED' | 'DISABLED';
  /** The pattern as given (DescribeRule returns it as written). */
  eventPattern?: string;
  matcher?: EventMatcher;
  scheduleExpression?: string;
  schedule?: ScheduleExpression;
  description?: string;
  roleArn?: string;
  /** When the rule was created (a rate schedule counts its periods from here). */
  createdAt: number;
  /** Targets by Id, in the order they were put. */
  targets: Map<string, Target>;
  /** Who made it: `template` (the SAM template) or `api`. */
  origin: 'template' | 'api';
}

export interface EventBus {
  name: string;
  arn: string;
  description?: string;
  createdAt: number;
  modifiedAt: number;
  rules: Map<string, Rule>;
}

/** An event as EventBridge delivers it, keys in AWS's order. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** AWS writes event times to the second: 2016-12-30T18:44:49Z. */
export const eventTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
