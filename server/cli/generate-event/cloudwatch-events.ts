// Sample EventBridge (CloudWatch Events) and CloudWatch Logs events: the scheduled event a rule's
// schedule sends, a custom event as PutEvents delivers it, and a logs subscription batch
// (`awslogs.data` = base64 of the gzipped DATA_MESSAGE, as CloudWatch Logs sends it).
import { gzipSync } from 'node:zlib';
import { OptionsError } from '../../options.ts';
import { ACCOUNT_ID, PARTITION, REGION, type SampleContext, type SampleEvent, type Values, digits } from './sample-event.ts';

/** EventBridge's envelope: `time` in whole seconds (2015-10-08T16:53:06Z). */
function envelope(v: Values, ctx: SampleContext, detailType: string, source: string, resources: string[], detail: unknown): Record<string, unknown> {
  return {
    version: '0',
    id: ctx.uuid(),
    'detail-type': detailType,
    source,
    account: v['account-id'],
    time: `${new Date(ctx.now).toISOString().slice(0, 19)}Z`,
    region: v.region,
    resources,
    detail,
  };
}

const scheduledEvent: SampleEvent = {
  help: 'the event an EventBridge (CloudWatch Events) rule\'s schedule sends',
  flags: {
    'account-id': ACCOUNT_ID, partition: PARTITION, region: REGION,
    rule: { default: 'ExampleRule', help: 'the rule\'s name' },
  },
  build: (v, ctx) => envelope(v, ctx, 'Scheduled Event', 'aws.events', [`arn:${v.partition}:events:${v.region}:${v['account-id']}:rule/${v.rule}`], {}),
};

const customEvent: SampleEvent = {
  help: 'an event put on an EventBridge bus (PutEvents), as a rule delivers it to its target',
  flags: {
    'account-id': ACCOUNT_ID, region: REGION,
    source: { default: 'com.example.orders', help: 'the event\'s source' },
    'detail-type': { default: 'Order Placed', help: 'the event\'s detail-type' },
    detail: { default: '{"orderId":"1234","amount":42}', help: 'the detail, a JSON object' },
  },
  build(v, ctx) {
    let detail: unknown;
    try {
      detail = JSON.parse(v.detail);
    } catch {
      detail = undefined;
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) throw new OptionsError(`--detail must be a JSON object, got '${v.detail}'`);
    return envelope(v, ctx, v['detail-type'], v.source, [], detail);
  },
};

const logs: SampleEvent = {
  help: 'a CloudWatch Logs subscription event (awslogs.data: gzipped, base64-encoded log events)',
  flags: {
    'account-id': ACCOUNT_ID,
    'log-group': { default: '/aws/lambda/example-function', help: 'the log group' },
    'log-stream': { default: '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef', help: 'the log stream' },
    'filter-name': { default: 'ExampleSubscriptionFilter', help: 'the subscription filter' },
    message: { default: 'example log message', help: 'the log message (one event per line)' },
  },
  build(v, ctx) {
    const data = {
      messageType: 'DATA_MESSAGE',
      owner: v['account-id'],
      logGroup: v['log-group'],
      logStream: v['log-stream'],
      subscriptionFilters: [v['filter-name']],
      logEvents: v.message.split('\n').map((message, i) => ({ id: digits(ctx, 56), timestamp: ctx.now - 1000 + i, message })),
    };
    return { awslogs: { data: gzipSync(JSON.stringify(data)).toString('base64') } };
  },
};

export const CLOUDWATCH_EVENTS: Readonly<Record<string, SampleEvent>> = { 'scheduled-event': scheduledEvent, logs };
export const EVENTBRIDGE_EVENTS: Readonly<Record<string, SampleEvent>> = { 'scheduled-event': scheduledEvent, event: customEvent };
