// The AWS SDK for JavaScript v3 EventBridge and Scheduler clients against a real emulator: buses,
// rules, targets, PutEvents delivered to an embedded queue, patterns (TestEventPattern), pagination,
// schedules made through the API and fired by hand (--schedules off), and AWS's error types and messages.
import {
  CreateEventBusCommand, DeleteEventBusCommand, DeleteRuleCommand, DescribeEventBusCommand, DescribeRuleCommand, DisableRuleCommand,
  EventBridgeClient, ListRuleNamesByTargetCommand, ListRulesCommand, ListTargetsByRuleCommand, PutEventsCommand, PutRuleCommand,
  PutTargetsCommand, RemoveTargetsCommand, TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient, UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, waitFor, type TestEmulator } from '../helpers/emulator.ts';
import { stopAndCheckOrphans } from './helpers.ts';

let em: TestEmulator;
let events: EventBridgeClient;
let scheduler: SchedulerClient;
let sqs: SQSClient;
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:sdk-target';

beforeAll(async () => {
  em = await startEmulator(fixture('templates/events.yaml'), { schedules: 'off' });
  const config = { endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  events = new EventBridgeClient(config);
  scheduler = new SchedulerClient(config);
  sqs = new SQSClient(config);
  await sqs.send(new CreateQueueCommand({ QueueName: 'sdk-target' }));
});
afterAll(async () => {
  events?.destroy();
  scheduler?.destroy();
  sqs?.destroy();
  await stopAndCheckOrphans(em);
});

/** The error an SDK call rejects with: its name (the AWS type), message and HTTP status. */
async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('the call succeeded');
}

/** At least `count` message bodies of the target queue (0: what one second's long poll finds). */
async function bodies(count: number): Promise<unknown[]> {
  const got: unknown[] = [];
  for (let i = 0; i < 10 && (got.length < count || i === 0); i++) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${em.url}/000000000000/sdk-target`, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    got.push(...Messages.map((m) => JSON.parse(m.Body!)));
  }
  return got;
}

describe('EventBridge client', () => {
  it('makes a bus, a rule with a pattern and a queue target, and delivers the events that match', async () => {
    const bus = await events.send(new CreateEventBusCommand({ Name: 'sdk-bus', Description: 'from the SDK' }));
    expect(bus.EventBusArn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/sdk-bus');
    expect(await events.send(new DescribeEventBusCommand({ Name: 'sdk-bus' }))).toMatchObject({ Name: 'sdk-bus', Description: 'from the SDK', CreationTime: expect.any(Date) });
    const pattern = JSON.stringify({ source: ['shop'], detail: { total: [{ numeric: ['>=', 10] }], country: [{ 'equals-ignore-case': 'fr' }] } });
    const rule = await events.send(new PutRuleCommand({ Name: 'big', EventBusName: 'sdk-bus', EventPattern: pattern, Description: 'd' }));
    expect(rule.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/sdk-bus/big');
    const put = await events.send(new PutTargetsCommand({
      Rule: 'big', EventBusName: 'sdk-bus', Targets: [
        { Id: 'q', Arn: QUEUE_ARN, InputPath: '$.detail' },
        { Id: 'fn', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:tick', InputTransformer: { InputPathsMap: { t: '$.detail.total' }, InputTemplate: '{"total": <t>}' } },
      ],
    }));
    expect(put).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    const out = await events.send(new PutEventsCommand({
      Entries: [
        { EventBusName: 'sdk-bus', Source: 'shop', DetailType: 'sale', Detail: JSON.stringify({ total: 12, country: 'FR' }) },
        { EventBusName: 'sdk-bus', Source: 'shop', DetailType: 'sale', Detail: JSON.stringify({ total: 5, country: 'FR' }) },
        { EventBusName: 'sdk-bus', Source: 'shop', DetailType: 'sale' },
      ],
    }));
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[2]).toEqual({ ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' });
    expect(await bodies(1)).toEqual([{ total: 12, country: 'FR' }]);
    await waitFor(() => em.lines.some((l) => l.fn === 'tick' && l.text.endsWith('\tEVENT {"total":12}')), 10_000);
    expect(await events.send(new DescribeRuleCommand({ Name: 'big', EventBusName: 'sdk-bus' }))).toMatchObject({
      Name: 'big', Arn: rule.RuleArn, EventPattern: pattern, State: 'ENABLED', Description: 'd', EventBusName: 'sdk-bus', CreatedBy: '000000000000',
    });
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: 'big', EventBusName: 'sdk-bus' }))).Targets?.[0]).toEqual({ Id: 'q', Arn: QUEUE_ARN, InputPath: '$.detail' });
    expect((await events.send(new ListRuleNamesByTargetCommand({ TargetArn: QUEUE_ARN, EventBusName: 'sdk-bus' }))).RuleNames).toEqual(['big']);
  });

  it('stops delivering for a disabled rule, and refuses to delete a rule with targets until they are removed', async () => {
    await events.send(new DisableRuleCommand({ Name: 'big', EventBusName: 'sdk-bus' }));
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'sdk-bus', Source: 'shop', DetailType: 'sale', Detail: JSON.stringify({ total: 99, country: 'fr' }) }] }));
    expect(await bodies(0)).toEqual([]);
    expect(await failure(events.send(new DeleteRuleCommand({ Name: 'big', EventBusName: 'sdk-bus' })))).toEqual({
      name: 'ValidationException', message: "Rule can't be deleted since it has targets.", status: 400,
    });
    await events.send(new RemoveTargetsCommand({ Rule: 'big', EventBusName: 'sdk-bus', Ids: ['q', 'fn'] }));
    await events.send(new DeleteRuleCommand({ Name: 'big', EventBusName: 'sdk-bus' }));
    await events.send(new DeleteEventBusCommand({ Name: 'sdk-bus' }));
    expect((await failure(events.send(new DescribeEventBusCommand({ Name: 'sdk-bus' })))).message).toBe('Event bus sdk-bus does not exist.');
  });

  it('forwards an event from bus to bus one hop: a loop of two buses delivers once and stops', async () => {
    const bus = (name: string): string => `arn:aws:events:us-east-1:000000000000:event-bus/${name}`;
    for (const name of ['hop-a', 'hop-b']) await events.send(new CreateEventBusCommand({ Name: name }));
    await events.send(new PutRuleCommand({ Name: 'a-to-b', EventBusName: 'hop-a', EventPattern: '{"source":["hop"]}' }));
    await events.send(new PutTargetsCommand({ Rule: 'a-to-b', EventBusName: 'hop-a', Targets: [{ Id: 'b', Arn: bus('hop-b') }] }));
    await events.send(new PutRuleCommand({ Name: 'b-out', EventBusName: 'hop-b', EventPattern: '{"source":["hop"]}' }));
    await events.send(new PutTargetsCommand({ Rule: 'b-out', EventBusName: 'hop-b', Targets: [{ Id: 'a', Arn: bus('hop-a') }, { Id: 'q', Arn: QUEUE_ARN, InputPath: '$.detail' }] }));
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'hop-a', Source: 'hop', DetailType: 'x', Detail: '{"hop":1}' }] }));
    expect(await bodies(1)).toEqual([{ hop: 1 }]);
    expect(await bodies(0)).toEqual([]);
  });

  it('publishes to an embedded SNS topic as a rule target, which fans out to its subscribed queue', async () => {
    const sns = new SNSClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'rule-topic' }));
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: QUEUE_ARN, Attributes: { RawMessageDelivery: 'true' } }));
      await events.send(new PutRuleCommand({ Name: 'to-topic', EventPattern: '{"source":["topic-test"]}' }));
      await events.send(new PutTargetsCommand({ Rule: 'to-topic', Targets: [{ Id: 't', Arn: TopicArn, InputPath: '$.detail' }] }));
      await events.send(new PutEventsCommand({ Entries: [{ Source: 'topic-test', DetailType: 'x', Detail: '{"via":"sns"}' }] }));
      expect(await bodies(1)).toEqual([{ via: 'sns' }]);
      await events.send(new RemoveTargetsCommand({ Rule: 'to-topic', Ids: ['t'] }));
      await events.send(new DeleteRuleCommand({ Name: 'to-topic' }));
    } finally {
      sns.destroy();
    }
  });

  it('pages ListRules with Limit and NextToken, names in order', async () => {
    for (const name of ['p-c', 'p-a', 'p-b']) await events.send(new PutRuleCommand({ Name: name, ScheduleExpression: 'rate(1 day)' }));
    const first = await events.send(new ListRulesCommand({ NamePrefix: 'p-', Limit: 2 }));
    expect(first.Rules?.map((r) => r.Name)).toEqual(['p-a', 'p-b']);
    const second = await events.send(new ListRulesCommand({ NamePrefix: 'p-', Limit: 2, NextToken: first.NextToken }));
    expect([second.Rules?.map((r) => r.Name), second.NextToken]).toEqual([['p-c'], undefined]);
    const listed = await (await fetch(`${em.url}/_ephemera/schedules`)).json() as { timed: boolean; schedules: Array<{ name: string; origin: string; nextFiring: string }> };
    expect(listed.timed).toBe(false);
    expect(listed.schedules.find((s) => s.name === 'p-a')).toMatchObject({ origin: 'api', nextFiring: expect.any(String) });
  });

  it('tests patterns with TestEventPattern', async () => {
    const event = JSON.stringify({ id: '1', source: 'shop', 'detail-type': 'x', account: '1', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: { ip: '10.0.0.7' } });
    const test = async (p: object): Promise<boolean | undefined> => (await events.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(p), Event: event }))).Result;
    expect(await test({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } })).toBe(true);
    expect(await test({ source: [{ 'anything-but': { prefix: 'sh' } }] })).toBe(false);
    expect(await test({ $or: [{ source: ['nope'] }, { detail: { ip: [{ wildcard: '10.*.7' }] } }] })).toBe(true);
  });

  it('answers AWS\'s errors', async () => {
    expect(await failure(events.send(new DescribeRuleCommand({ Name: 'nope' })))).toEqual({
      name: 'ResourceNotFoundException', message: 'Rule nope does not exist on EventBus default.', status: 400,
    });
    const bad = await failure(events.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"shop"}' })));
    expect([bad.name, bad.status]).toEqual(['InvalidEventPatternException', 400]);
    expect(bad.message).toMatch(/^Event pattern is not valid\. Reason: /);
    expect(await failure(events.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'rate(1 minutes)' })))).toEqual({
      name: 'ValidationException', message: 'Parameter ScheduleExpression is not valid.', status: 400,
    });
    const long = await failure(events.send(new PutRuleCommand({ Name: 'x'.repeat(65), ScheduleExpression: 'rate(1 day)' })));
    expect([long.name, long.message]).toEqual(['ValidationException', expect.stringMatching(/Member must have length less than or equal to 64/)]);
  });
});

describe('Scheduler client', () => {
  const target = { Arn: QUEUE_ARN, RoleArn: 'arn:aws:iam::000000000000:role/r', Input: '{"job":"<aws.scheduler.schedule-arn>"}' };

  it('creates, reads, lists, updates and deletes a schedule, and fires it by hand', async () => {
    const made = await scheduler.send(new CreateScheduleCommand({
      Name: 'sdk-job', ScheduleExpression: 'cron(15 9 ? * MON-FRI *)', ScheduleExpressionTimezone: 'America/New_York', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target,
    }));
    const arn = 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/sdk-job';
    expect(made.ScheduleArn).toBe(arn);
    expect(await scheduler.send(new GetScheduleCommand({ Name: 'sdk-job' }))).toMatchObject({
      Arn: arn, Name: 'sdk-job', GroupName: 'default', State: 'ENABLED', ScheduleExpression: 'cron(15 9 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'America/New_York', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target, CreationDate: expect.any(Date),
    });
    const listed = await scheduler.send(new ListSchedulesCommand({ NamePrefix: 'sdk-' }));
    expect(listed.Schedules?.map((s) => [s.Name, s.State, s.Target?.Arn])).toEqual([['sdk-job', 'ENABLED', QUEUE_ARN]]);
    const fired = await fetch(`${em.url}/_ephemera/schedules/sdk-job/fire`, { method: 'POST' });
    expect(fired.status).toBe(200);
    expect(await bodies(1)).toEqual([{ job: arn }]);
    await scheduler.send(new UpdateScheduleCommand({ Name: 'sdk-job', ScheduleExpression: 'rate(2 hours)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target, State: 'DISABLED' }));
    expect(await scheduler.send(new GetScheduleCommand({ Name: 'sdk-job' }))).toMatchObject({ ScheduleExpression: 'rate(2 hours)', State: 'DISABLED' });
    await scheduler.send(new DeleteScheduleCommand({ Name: 'sdk-job' }));
    expect(await failure(scheduler.send(new GetScheduleCommand({ Name: 'sdk-job' })))).toEqual({
      name: 'ResourceNotFoundException', message: 'Schedule sdk-job does not exist.', status: 404,
    });
  });

  it('answers ConflictException and ValidationException', async () => {
    const input = { Name: 'twice', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' as const }, Target: target };
    await scheduler.send(new CreateScheduleCommand(input));
    expect(await failure(scheduler.send(new CreateScheduleCommand(input)))).toEqual({ name: 'ConflictException', message: 'Schedule twice already exists.', status: 409 });
    const bad = await failure(scheduler.send(new CreateScheduleCommand({ ...input, Name: 'bad', ScheduleExpression: 'every hour' })));
    expect([bad.name, bad.status, bad.message]).toEqual(['ValidationException', 400, 'Invalid Schedule Expression every hour.']);
  });
});
