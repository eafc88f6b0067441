// Embedded SNS with real worker processes, driven by the AWS SDK v3 (fixtures/templates/sns.yaml):
// a template topic fanning out to a function (the Lambda event) and to queues (envelope, raw, filtered
// on attributes and on the body), a FIFO topic to a FIFO queue in order, a failing function's async
// retries ending in its DLQ and its OnFailure topic, a subscription DLQ, SAM's SqsSubscription, a function publishing with its
// own SDK client, and unsubscribing through the envelope's UnsubscribeURL.
import { ListSubscriptionsByTopicCommand, PublishBatchCommand, PublishCommand, SNSClient, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, loggedEvents, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000';
let em: TestEmulator;
let sns: SNSClient;
let sqs: SQSClient;

beforeAll(async () => {
  em = await startEmulator(fixture('templates/sns.yaml'), { isolation: 'process', timeScale: 0.001 });
  const client = { endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };
  sns = new SNSClient(client);
  sqs = new SQSClient(client);
});
afterAll(async () => {
  sns?.destroy();
  sqs?.destroy();
  expect(await em.stopChecked()).toEqual([]);
});

/** Every delivery done and every asynchronous event finished: what is not in a queue now never will be. */
async function settled(): Promise<void> {
  await em.eph.internals.snsDeliveries.idle();
  await waitFor(() => em.eph.internals.asyncInvoker.pending === 0, 10_000);
}

async function drain(queue: string) {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
    QueueUrl: `${em.url}/000000000000/${queue}`, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'],
  }));
  return Messages;
}

/** The events a function logged (the log-event fixture writes `EVENT <json>`). */
const events = (fn: string): any[] => loggedEvents(em, fn);

describe('a topic fanning out', () => {
  it('to a function (the Lambda event), a queue (the envelope), a raw queue and a body-filtered queue', async () => {
    const { MessageId } = await sns.send(new PublishCommand({
      TopicArn: `${TOPIC}:orders`, Subject: 'New order', Message: JSON.stringify({ order: { id: 1, status: 'shipping' } }),
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' }, amount: { DataType: 'Number', StringValue: '250' } },
    }));
    await settled();
    const [record] = events('sns-logger').find((e) => e.Records[0].Sns.MessageId === MessageId).Records;
    expect(record).toMatchObject({ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: expect.stringMatching(new RegExp(`^${TOPIC}:orders:[0-9a-f-]{36}$`)) });
    expect(record.Sns).toMatchObject({
      Type: 'Notification', TopicArn: `${TOPIC}:orders`, Subject: 'New order', Message: '{"order":{"id":1,"status":"shipping"}}', SignatureVersion: '1',
      MessageAttributes: { kind: { Type: 'String', Value: 'order' }, amount: { Type: 'Number', Value: '250' } },
      UnsubscribeUrl: `${em.url}/?Action=Unsubscribe&SubscriptionArn=${record.EventSubscriptionArn}`,
    });
    const [enveloped] = await drain('sns-orders');
    expect(JSON.parse(enveloped.Body!)).toMatchObject({ Type: 'Notification', MessageId, Subject: 'New order', MessageAttributes: { amount: { Type: 'Number', Value: '250' } } });
    expect(enveloped.MessageAttributes).toBeUndefined();
    const [raw] = await drain('sns-raw');
    expect(raw.Body).toBe('{"order":{"id":1,"status":"shipping"}}');
    expect(raw.MessageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'order' }, amount: { DataType: 'Number', StringValue: '250' } });
    expect((await drain('sns-body-filtered')).map((m) => JSON.parse(m.Body!).MessageId)).toEqual([MessageId]);
  });

  it('filter policies keep what does not match from the subscriptions that filter', async () => {
    const small = await sns.send(new PublishCommand({
      TopicArn: `${TOPIC}:orders`, Message: JSON.stringify({ order: { status: 'packing' } }),
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' }, amount: { DataType: 'Number', StringValue: '99' } },
    }));
    const refund = await sns.send(new PublishCommand({
      TopicArn: `${TOPIC}:orders`, Message: 'not JSON',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'refund' }, amount: { DataType: 'Number', StringValue: '101' } },
    }));
    await settled();
    expect((await drain('sns-orders')).map((m) => JSON.parse(m.Body!).MessageId).sort()).toEqual([small.MessageId, refund.MessageId].sort());
    expect((await drain('sns-raw')).map((m) => m.Body)).toEqual(['not JSON']);
    expect(await drain('sns-body-filtered')).toEqual([]);
    const seen = events('sns-logger').map((e) => e.Records[0].Sns.MessageId);
    expect(seen).toContain(small.MessageId);
    expect(seen).not.toContain(refund.MessageId);
  });

  it('a function publishes with its own SDK client: AWS_ENDPOINT_URL_SNS and the template\'s topic ARN', async () => {
    const res = await em.invoke('sns-publisher', { order: { id: 9, status: 'shipped' }, kind: 'order', amount: 300 });
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    const out = JSON.parse(res.body);
    expect(out).toMatchObject({ endpoint: em.url, topicArn: `${TOPIC}:orders` });
    await settled();
    expect((await drain('sns-raw')).map((m) => m.Body)).toEqual(['{"id":9,"status":"shipped"}']);
    expect(events('sns-logger').some((e) => e.Records[0].Sns.MessageId === out.messageId && e.Records[0].Sns.Subject === 'order placed')).toBe(true);
    await drain('sns-orders');
    await drain('sns-body-filtered');
  });
});

describe('FIFO', () => {
  it('a FIFO topic delivers to a FIFO queue in order, once per deduplication id', async () => {
    const topic = `${TOPIC}:ledger.fifo`;
    const batch = await sns.send(new PublishBatchCommand({
      TopicArn: topic,
      PublishBatchRequestEntries: ['e1', 'e2', 'e3'].map((m, i) => ({ Id: `${i}`, Message: m, MessageGroupId: 'acct-1' })),
    }));
    expect(batch.Successful!.map((s) => s.Id)).toEqual(['0', '1', '2']);
    await sns.send(new PublishCommand({ TopicArn: topic, Message: 'e4', MessageGroupId: 'acct-1' }));
    const dup = await sns.send(new PublishCommand({ TopicArn: topic, Message: 'e2', MessageGroupId: 'acct-1' }));
    expect(dup).toMatchObject({ MessageId: batch.Successful![1].MessageId, SequenceNumber: batch.Successful![1].SequenceNumber });
    await settled();
    const got = await drain('sns-ledger.fifo');
    expect(got.map((m) => JSON.parse(m.Body!).Message)).toEqual(['e1', 'e2', 'e3', 'e4']);
    const sequence = got.map((m) => BigInt(JSON.parse(m.Body!).SequenceNumber));
    expect([...sequence].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequence);
    expect(got[0].Attributes).toMatchObject({ MessageGroupId: 'acct-1' });
  });
});

describe('failures', () => {
  it('a failing function: Lambda retries the event, then its DLQ gets the SNS event; the SQS subscriber polls its copy', async () => {
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: `${TOPIC}:alarms`, Message: 'disk full', Subject: 'ALARM' }));
    await settled();
    const [dead] = await drain('sns-function-dlq');
    const event = JSON.parse(dead.Body!);
    expect(event.Records[0].Sns).toMatchObject({ MessageId, Message: 'disk full', Subject: 'ALARM' });
    const rid = dead.MessageAttributes!.RequestID.StringValue!;
    expect(dead.MessageAttributes).toMatchObject({ ErrorCode: { DataType: 'Number', StringValue: '200' }, ErrorMessage: { StringValue: 'boom: no reason' } });
    expect(em.lines.filter((l) => l.fn === 'sns-throws' && l.text.startsWith(`START RequestId: ${rid}`))).toHaveLength(2);
    // Its OnFailure destination is a topic: the invocation record, published, reaches the topic's queue.
    const [failure] = await drain('sns-failures');
    const record = JSON.parse(JSON.parse(failure.Body!).Message);
    expect(record.requestContext).toMatchObject({ requestId: rid, condition: 'RetriesExhausted', approximateInvokeCount: 2 });
    expect(record.requestPayload.Records[0].Sns.MessageId).toBe(MessageId);
    // SAM's SqsSubscription: a queue subscribed to the topic, polled by the function.
    const polled = await waitFor(() => events('sns-poller').find((e) => JSON.parse(e.Records[0].body).MessageId === MessageId), 10_000);
    expect(polled.Records[0]).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:PollerBufferedQueue' });
  });

  it('GET /_ephemera/topics shows the topics, their subscriptions and the deliveries pending', async () => {
    const res = await fetch(`${em.url}/_ephemera/topics`);
    expect(res.status).toBe(200);
    const { topics, deliveries } = await res.json() as { topics: any[]; deliveries: { pending: number } };
    expect(deliveries).toEqual({ pending: 0 });
    const orders = topics.find((t) => t.name === 'orders');
    expect(orders).toMatchObject({ arn: `${TOPIC}:orders`, fifo: false });
    expect(orders.subscriptions.find((s: any) => s.endpoint.endsWith(':sns-raw'))).toMatchObject({
      protocol: 'sqs', confirmed: true, raw: true, filterPolicy: { kind: ['order', 'refund'], amount: [{ numeric: ['>', 100] }] }, filterPolicyScope: 'MessageAttributes',
    });
    const alarms = topics.find((t) => t.name === 'alarms');
    expect(alarms.subscriptions.find((s: any) => s.endpoint.endsWith(':not-deployed')).deadLetterQueue).toBe('arn:aws:sqs:us-east-1:000000000000:sns-subscription-dlq');
    expect(topics.find((t) => t.name === 'ledger.fifo').fifo).toBe(true);
  });

  it('a subscription whose function does not exist sends the envelope to its dead-letter queue', async () => {
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: `${TOPIC}:alarms`, Message: 'cpu hot' }));
    await settled();
    const bodies = (await drain('sns-subscription-dlq')).map((m) => JSON.parse(m.Body!));
    const dead = bodies.find((b) => b.MessageId === MessageId);
    expect(Object.keys(dead)).toEqual(['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL']);
    const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: `${TOPIC}:alarms` }));
    const gone = Subscriptions.find((s) => s.Endpoint === 'arn:aws:lambda:us-east-1:000000000000:function:not-deployed')!;
    expect(dead.UnsubscribeURL).toBe(`${em.url}/?Action=Unsubscribe&SubscriptionArn=${gone.SubscriptionArn}`);
    await drain('sns-function-dlq');
    await drain('sns-failures');
  });
});

describe('unsubscribing', () => {
  it('the envelope\'s UnsubscribeURL ends the subscription, on the emulator', async () => {
    const topic = `${TOPIC}:orders`;
    await sns.send(new PublishCommand({ TopicArn: topic, Message: 'bye', MessageAttributes: { kind: { DataType: 'String', StringValue: 'other' } } }));
    await settled();
    const [m] = await drain('sns-orders');
    const url = JSON.parse(m.Body!).UnsubscribeURL as string;
    expect(url.startsWith(`${em.url}/?Action=Unsubscribe&SubscriptionArn=`)).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<UnsubscribeResponse');
    const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }));
    expect(Subscriptions.map((s) => s.Endpoint)).not.toContain('arn:aws:sqs:us-east-1:000000000000:sns-orders');
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: new URL(url).searchParams.get('SubscriptionArn')! }));
  });
});
