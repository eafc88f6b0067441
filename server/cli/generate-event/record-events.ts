// Sample SQS, Kinesis and DynamoDB Streams events, built by the same code that builds what ephemera's
// own pollers send (pollers/sqs-record.ts, pollers/stream-events.ts; the embedded queue's message and
// receipt handle), so a sample is what the function would get from a mapping (reference lambda-semantics §8.2–8.4).
import { newMessage, newReceiptHandle, toReceived } from '../../../services/sqs/sqs-message.ts';
import type { DynamoDbChange, StreamRecord } from '../../../services/streams/stream.ts';
import { SqsError } from '../../../services/sqs/sqs-error.ts';
import { toSqsRecord } from '../../../pollers/sqs-record.ts';
import { type EventContext, eventRecord } from '../../../pollers/stream-events.ts';
import { OptionsError } from '../../options.ts';
import { ACCOUNT_ID, PARTITION, REGION, type SampleContext, type SampleEvent, type Values, digits, hex } from './sample-event.ts';

/** SQS's MaximumMessageSize default (256 KiB). */
const MAX_MESSAGE = 262_144;

const receiveMessage: SampleEvent = {
  help: 'an SQS event (a batch of one message, as an event source mapping delivers it)',
  flags: {
    partition: PARTITION, region: REGION, 'account-id': ACCOUNT_ID,
    'queue-name': { default: 'MyQueue', help: 'the queue\'s name' },
    body: { default: 'Hello from SQS!', help: 'the message body (md5OfBody follows it)' },
  },
  build(v, ctx) {
    let stored: ReturnType<typeof newMessage>;
    try {
      stored = newMessage({ body: v.body }, { fifo: false, now: ctx.now - 1000, senderId: v['account-id'], delaySeconds: 0, maxSize: MAX_MESSAGE });
    } catch (err) {
      if (err instanceof SqsError) throw new OptionsError(`--body: ${err.message}`);
      throw err;
    }
    const received = toReceived({ ...stored, receiveCount: 1, firstReceiveAt: ctx.now, receipt: newReceiptHandle(v['queue-name'], stored.id) });
    const arn = `arn:${v.partition}:sqs:${v.region}:${v['account-id']}:${v['queue-name']}`;
    return { Records: [toSqsRecord(received, arn, v.region)] };
  },
};

function streamContext(v: Values, kind: 'kinesis' | 'dynamodb', streamArn: string, shardId: string): EventContext {
  return { kind, streamArn, shardId, region: v.region, roleArn: `arn:${v.partition}:iam::${v['account-id']}:role/lambda-role` };
}

const getRecords: SampleEvent = {
  help: 'a Kinesis Data Streams event (one record; data base64-encoded)',
  flags: {
    region: REGION, partition: PARTITION, 'account-id': ACCOUNT_ID,
    stream: { default: 'ExampleStream', help: 'the stream\'s name' },
    sequence: { default: '49545115243490985018280067714973144582180062593244200961', help: 'the record\'s sequence number' },
    data: { default: 'Hello, this is a test 123.', help: 'the record\'s data, as text (the event carries it base64-encoded)' },
    'partition-key': { default: 'partitionKey-03', help: 'the record\'s partition key' },
  },
  build(v, ctx) {
    const record: StreamRecord = { sequenceNumber: v.sequence, arrival: ctx.now, partitionKey: v['partition-key'], data: Buffer.from(v.data) };
    const arn = `arn:${v.partition}:kinesis:${v.region}:${v['account-id']}:stream/${v.stream}`;
    return { Records: [eventRecord(record, streamContext(v, 'kinesis', arn, 'shardId-000000000000'))] };
  },
};

/** The three changes a DynamoDB stream reports for an item put, updated and deleted. */
function changes(ctx: SampleContext): Array<Omit<DynamoDbChange, 'eventID'>> {
  const keys = { Id: { N: '101' } };
  const created = { Id: { N: '101' }, Message: { S: 'New item!' } };
  const changed = { Id: { N: '101' }, Message: { S: 'This item has changed' } };
  const at = Math.floor(ctx.now / 1000);
  const common = { ApproximateCreationDateTime: at, Keys: keys, StreamViewType: 'NEW_AND_OLD_IMAGES' };
  return [
    { ...common, eventName: 'INSERT', NewImage: created, SizeBytes: 26 },
    { ...common, eventName: 'MODIFY', OldImage: created, NewImage: changed, SizeBytes: 59 },
    { ...common, eventName: 'REMOVE', OldImage: changed, SizeBytes: 38 },
  ];
}

const update: SampleEvent = {
  help: 'a DynamoDB Streams event (an item inserted, modified and removed)',
  flags: {
    'account-id': ACCOUNT_ID, partition: PARTITION, region: REGION,
    table: { default: 'ExampleTableWithStream', help: 'the table\'s name' },
  },
  build(v, ctx) {
    // The stream label is the stream's creation time, as DynamoDB names it (2015-06-27T00:48:05.899).
    const label = new Date(ctx.now - 86_400_000).toISOString().slice(0, 23);
    const arn = `arn:${v.partition}:dynamodb:${v.region}:${v['account-id']}:table/${v.table}/stream/${label}`;
    const first = BigInt(digits(ctx, 21));
    const records = changes(ctx).map((c, i): StreamRecord => ({
      sequenceNumber: String(first + BigInt(i)), arrival: ctx.now, partitionKey: JSON.stringify(c.Keys), data: Buffer.alloc(0),
      dynamodb: { ...c, eventID: hex(ctx, 16) },
    }));
    const context = streamContext(v, 'dynamodb', arn, `shardId-${String(ctx.now).padStart(20, '0')}-${hex(ctx, 4)}`);
    return { Records: records.map((r) => eventRecord(r, context)) };
  },
};

export const SQS_EVENTS: Readonly<Record<string, SampleEvent>> = { 'receive-message': receiveMessage };
export const KINESIS_EVENTS: Readonly<Record<string, SampleEvent>> = { 'get-records': getRecords };
export const DYNAMODB_EVENTS: Readonly<Record<string, SampleEvent>> = { update };
