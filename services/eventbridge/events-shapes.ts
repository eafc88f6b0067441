// The input shapes of the EventBridge actions the emulator serves, from the service model (botocore
// events 2015-10-07), members in the model's order (the order AWS lists validation errors in).
import type { Members, Shape } from '../streams/coral-validate.ts';

const NAME = '[\\.\\-_A-Za-z0-9]+';
const ruleName = (required = false): Shape => ({ type: 'string', required, min: 1, max: 64, pattern: NAME });
const BUS_NAME_OR_ARN: Shape = { type: 'string', min: 1, max: 1600, pattern: '(arn:aws[\\w-]*:events:[a-z]{2}-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+' };
const BUS_NAME: Shape = { type: 'string', required: true, min: 1, max: 256, pattern: '[/\\.\\-_A-Za-z0-9]+' };
const NEXT_TOKEN: Shape = { type: 'string', min: 1, max: 2048 };
const LIMIT: Shape = { type: 'integer', min: 1, max: 100 };
const TAGS: Shape = {
  type: 'list',
  member: { type: 'structure', members: { Key: { type: 'string', required: true, min: 1, max: 128 }, Value: { type: 'string', required: true, max: 256 } } },
};
const ARN: Shape = { type: 'string', min: 1, max: 1600 };

const TARGET: Shape = {
  type: 'structure',
  members: {
    Id: { type: 'string', required: true, min: 1, max: 64, pattern: NAME },
    Arn: { ...ARN, required: true },
    RoleArn: ARN,
    Input: { type: 'string', max: 8192 },
    InputPath: { type: 'string', max: 256 },
    InputTransformer: {
      type: 'structure',
      members: {
        InputPathsMap: { type: 'map', max: 100, value: { type: 'string', max: 256 } },
        InputTemplate: { type: 'string', required: true, min: 1, max: 8192 },
      },
    },
    SqsParameters: { type: 'structure', members: { MessageGroupId: { type: 'string' } } },
    DeadLetterConfig: { type: 'structure', members: { Arn: ARN } },
    RetryPolicy: {
      type: 'structure',
      members: {
        MaximumRetryAttempts: { type: 'integer', min: 0, max: 185 },
        MaximumEventAgeInSeconds: { type: 'integer', min: 60, max: 86400 },
      },
    },
  },
};

const ENTRY: Shape = {
  type: 'structure',
  members: {
    Time: { type: 'timestamp' },
    Source: { type: 'string' },
    Resources: { type: 'list', member: { type: 'string' } },
    DetailType: { type: 'string' },
    Detail: { type: 'string' },
    EventBusName: { type: 'string', min: 1, max: 1600, pattern: '(arn:aws[\\w-]*:events:[a-z]+-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[\\.\\-_A-Za-z0-9]+' },
    TraceHeader: { type: 'string', min: 1, max: 500 },
  },
};

export const EVENTS_SHAPES: Readonly<Record<string, Members>> = {
  PutEvents: { Entries: { type: 'list', required: true, min: 1, max: 10, member: ENTRY, memberStr: 'PutEventsRequestEntry' } },
  PutRule: {
    Name: ruleName(true),
    ScheduleExpression: { type: 'string', max: 256 },
    EventPattern: { type: 'string', max: 4096 },
    State: { type: 'string', enum: ['ENABLED', 'DISABLED'] },
    Description: { type: 'string', max: 512 },
    RoleArn: ARN,
    Tags: TAGS,
    EventBusName: BUS_NAME_OR_ARN,
  },
  DescribeRule: { Name: ruleName(true), EventBusName: BUS_NAME_OR_ARN },
  ListRules: { NamePrefix: ruleName(), EventBusName: BUS_NAME_OR_ARN, NextToken: NEXT_TOKEN, Limit: LIMIT },
  DeleteRule: { Name: ruleName(true), EventBusName: BUS_NAME_OR_ARN, Force: { type: 'boolean' } },
  EnableRule: { Name: ruleName(true), EventBusName: BUS_NAME_OR_ARN },
  DisableRule: { Name: ruleName(true), EventBusName: BUS_NAME_OR_ARN },
  PutTargets: { Rule: ruleName(true), EventBusName: BUS_NAME_OR_ARN, Targets: { type: 'list', required: true, min: 1, max: 100, member: TARGET } },
  RemoveTargets: {
    Rule: ruleName(true), EventBusName: BUS_NAME_OR_ARN,
    Ids: { type: 'list', required: true, min: 1, max: 100, member: { type: 'string', min: 1, max: 64, pattern: NAME } },
    Force: { type: 'boolean' },
  },
  ListTargetsByRule: { Rule: ruleName(true), EventBusName: BUS_NAME_OR_ARN, NextToken: NEXT_TOKEN, Limit: LIMIT },
  ListRuleNamesByTarget: { TargetArn: { ...ARN, required: true }, EventBusName: BUS_NAME_OR_ARN, NextToken: NEXT_TOKEN, Limit: LIMIT },
  CreateEventBus: { Name: BUS_NAME, Description: { type: 'string', max: 512 }, Tags: TAGS },
  DeleteEventBus: { Name: BUS_NAME },
  DescribeEventBus: { Name: BUS_NAME_OR_ARN },
  ListEventBuses: { NamePrefix: { type: 'string', min: 1, max: 256, pattern: '[/\\.\\-_A-Za-z0-9]+' }, NextToken: NEXT_TOKEN, Limit: LIMIT },
  TestEventPattern: { EventPattern: { type: 'string', required: true, max: 4096 }, Event: { type: 'string', required: true } },
};
