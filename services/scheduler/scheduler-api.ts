// The EventBridge Scheduler API (REST JSON: /schedules/{Name}) over the embedded schedules, framework
// free: CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule, ListSchedules, inputs checked
// against the service model's shapes (botocore scheduler 2021-06-30) with AWS's validation sentences.
import { type Members, type Shape, validateInput } from '../streams/coral-validate.ts';
import { epochSeconds, type Json } from '../streams/json-protocol.ts';
import { EventsError } from '../eventbridge/events-error.ts';
import { DEFAULT_GROUP, type ScheduleInput } from './schedule-model.ts';
import type { Schedule, Schedules } from './schedules.ts';

const NAME: Shape = { type: 'string', min: 1, max: 64, pattern: '[0-9a-zA-Z-_.]+' };
const ARN: Shape = { type: 'string', min: 1, max: 1600 };
const TARGET: Shape = {
  type: 'structure', required: true,
  members: {
    Arn: { ...ARN, required: true },
    DeadLetterConfig: { type: 'structure', members: { Arn: ARN } },
    EventBridgeParameters: {
      type: 'structure',
      members: { DetailType: { type: 'string', required: true, min: 1, max: 128 }, Source: { type: 'string', required: true, min: 1, max: 256 } },
    },
    Input: { type: 'string', min: 1 },
    RetryPolicy: {
      type: 'structure',
      members: { MaximumEventAgeInSeconds: { type: 'integer', min: 60, max: 86400 }, MaximumRetryAttempts: { type: 'integer', min: 0, max: 185 } },
    },
    RoleArn: { ...ARN, required: true },
    SqsParameters: { type: 'structure', members: { MessageGroupId: { type: 'string', min: 1, max: 128 } } },
  },
};
const PUT_SCHEDULE: Members = {
  ActionAfterCompletion: { type: 'string', enum: ['NONE', 'DELETE'] },
  ClientToken: { type: 'string', min: 1, max: 64, pattern: '[a-zA-Z0-9-_]+' },
  Description: { type: 'string', min: 0, max: 512 },
  EndDate: { type: 'timestamp' },
  FlexibleTimeWindow: {
    type: 'structure', required: true,
    members: { MaximumWindowInMinutes: { type: 'integer', min: 1, max: 1440 }, Mode: { type: 'string', required: true, enum: ['OFF', 'FLEXIBLE'] } },
  },
  GroupName: NAME,
  KmsKeyArn: { type: 'string', min: 1, max: 2048 },
  Name: { ...NAME, required: true },
  ScheduleExpression: { type: 'string', required: true, min: 1, max: 256 },
  ScheduleExpressionTimezone: { type: 'string', min: 1, max: 50 },
  StartDate: { type: 'timestamp' },
  State: { type: 'string', enum: ['ENABLED', 'DISABLED'] },
  Target: TARGET,
};
const BY_NAME: Members = { GroupName: NAME, Name: { ...NAME, required: true } };
const LIST: Members = {
  GroupName: NAME, MaxResults: { type: 'integer', min: 1, max: 100 }, NamePrefix: NAME,
  NextToken: { type: 'string', min: 1, max: 2048 }, State: { type: 'string', enum: ['ENABLED', 'DISABLED'] },
};

function checked(input: Json, members: Members): Json {
  try {
    return validateInput(input, members);
  } catch (err) {
    throw new EventsError((err as EventsError).type, (err as Error).message);
  }
}

const view = (s: Schedule): Json => ({
  ActionAfterCompletion: s.input.ActionAfterCompletion ?? 'NONE',
  Arn: s.arn,
  CreationDate: epochSeconds(s.createdAt),
  ...(s.input.Description !== undefined ? { Description: s.input.Description } : {}),
  ...(s.input.EndDate !== undefined ? { EndDate: typeof s.input.EndDate === 'number' ? s.input.EndDate : Date.parse(s.input.EndDate) / 1000 } : {}),
  FlexibleTimeWindow: s.input.FlexibleTimeWindow ?? { Mode: 'OFF' },
  GroupName: s.group,
  LastModificationDate: epochSeconds(s.modifiedAt),
  Name: s.name,
  ScheduleExpression: s.input.ScheduleExpression,
  ScheduleExpressionTimezone: s.zone,
  ...(s.input.StartDate !== undefined ? { StartDate: typeof s.input.StartDate === 'number' ? s.input.StartDate : Date.parse(s.input.StartDate) / 1000 } : {}),
  State: s.input.State ?? 'ENABLED',
  Target: s.input.Target as unknown as Json,
});

export interface SchedulerApi {
  create(name: string, body: Json): Json;
  get(name: string, query: Json): Json;
  update(name: string, body: Json): Json;
  remove(name: string, query: Json): Json;
  list(query: Json): Json;
}

export function schedulerApi(schedules: Schedules): SchedulerApi {
  const put = (name: string, body: Json, replace: boolean): Json => {
    const input = checked({ ...body, Name: name }, PUT_SCHEDULE) as unknown as ScheduleInput;
    return { ScheduleArn: schedules.put(input, { replace, origin: 'api' }).arn };
  };
  return {
    create: (name, body) => put(name, body, false),
    update: (name, body) => put(name, body, true),
    get(name, query) {
      const input = checked({ Name: name, GroupName: query.groupName }, BY_NAME);
      return view(schedules.get(name, (input.GroupName as string | undefined) ?? DEFAULT_GROUP));
    },
    remove(name, query) {
      const input = checked({ Name: name, GroupName: query.groupName }, BY_NAME);
      schedules.delete(name, (input.GroupName as string | undefined) ?? DEFAULT_GROUP);
      return {};
    },
    list(query) {
      const q = checked({
        GroupName: query.ScheduleGroup, MaxResults: query.MaxResults === undefined ? undefined : Number(query.MaxResults),
        NamePrefix: query.NamePrefix, NextToken: query.NextToken, State: query.State,
      }, LIST);
      const all = schedules.list().filter((s) => (q.GroupName === undefined || s.group === q.GroupName)
        && (q.NamePrefix === undefined || s.name.startsWith(q.NamePrefix as string)) && (q.State === undefined || (s.input.State ?? 'ENABLED') === q.State));
      const from = q.NextToken === undefined ? 0 : Number(Buffer.from(q.NextToken as string, 'base64url').toString());
      if (!Number.isInteger(from) || from < 0) throw new EventsError('ValidationException', 'The NextToken provided is invalid.');
      const limit = (q.MaxResults as number | undefined) ?? 100;
      const page = all.slice(from, from + limit);
      return {
        Schedules: page.map((s) => ({
          Arn: s.arn, CreationDate: epochSeconds(s.createdAt), GroupName: s.group, LastModificationDate: epochSeconds(s.modifiedAt),
          Name: s.name, State: s.input.State ?? 'ENABLED', Target: { Arn: s.input.Target.Arn },
        })),
        ...(from + limit < all.length ? { NextToken: Buffer.from(String(from + limit)).toString('base64url') } : {}),
      };
    },
  };
}
