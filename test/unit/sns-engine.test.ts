// The embedded SNS engine without HTTP: topics and subscriptions with SNS's idempotency rules and
// errors (AWS-recorded messages), Publish/PublishBatch checks, FIFO numbering and the 5-minute
// deduplication on an injected clock, and fan-out through filter policies to real embedded queues.
import { beforeEach, describe, expect, it } from 'vitest';
import { Deliveries } from '../../services/sns/sns-delivery.ts';
import { SnsError } from '../../services/sns/sns-error.ts';
import { Publisher, type PublishInput } from '../../services/sns/sns-publish.ts';
import { SnsTopics } from '../../services/sns/sns-topics.ts';
import { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const ARN = 'arn:aws:sns:us-east-1:000000000000';
const QARN = 'arn:aws:sqs:us-east-1:000000000000';
const silent = { warn: () => {}, error: () => {} };

let clock: ManualClock;
let topics: SnsTopics;
let queues: EmbeddedQueues;
let deliveries: Deliveries;
let publisher: Publisher;
let invoked: Array<{ arn: string; event: any }>;

beforeEach(() => {
  clock = new ManualClock();
  topics = new SnsTopics({ region: 'us-east-1', accountId: '000000000000' });
  queues = new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000', clock });
  invoked = [];
  deliveries = new Deliveries({
    clock, timeScale: 1, log: silent,
    ports: { queues, invokeAsync: (arn, payload) => void invoked.push({ arn, event: JSON.parse(payload.toString()) }) },
  });
  publisher = new Publisher({ topics, deliveries, clock, endpoint: () => 'http://127.0.0.1:3001' });
});

function error(fn: () => unknown): { code: string; message: string; status: number } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SnsError);
    const e = err as SnsError;
    return { code: e.code, message: e.message, status: e.status };
  }
  throw new Error('no error thrown');
}

async function bodies(queue: string): Promise<string[]> {
  await deliveries.idle();
  const q = queues.byName(queue)!;
  const got = await q.receive({ maxMessages: 10, waitTimeSeconds: 0 });
  return got.map((m) => m.body);
}

describe('topics', () => {
  it('CreateTopic is idempotent for the same attributes and tags, and refuses different ones', () => {
    const t = topics.createTopic('orders', { DisplayName: 'Orders' }, { team: 'a' });
    expect(topics.createTopic('orders', { DisplayName: 'Orders' })).toBe(t);
    expect(error(() => topics.createTopic('orders', { DisplayName: 'Other' }))).toEqual({
      code: 'InvalidParameter', status: 400, message: 'Invalid parameter: Attributes Reason: Topic already exists with different attributes',
    });
    expect(error(() => topics.createTopic('orders', {}, { team: 'b' })).message).toBe('Invalid parameter: Tags Reason: Topic already exists with different tags');
  });

  it('names: FIFO topics end in .fifo, standard ones may not; FifoTopic cannot be set later', () => {
    expect(error(() => topics.createTopic('a.fifo')).message).toBe('Invalid parameter: Topic Name');
    expect(error(() => topics.createTopic('plain', { FifoTopic: 'true' })).message).toBe('Invalid parameter: Topic Name');
    expect(error(() => topics.createTopic('sp ace')).message).toBe('Invalid parameter: Topic Name');
    const t = topics.createTopic('ok');
    expect(error(() => topics.setTopicAttribute(t, 'FifoTopic', 'false')).message).toBe('Invalid parameter: AttributeName');
    expect(topics.createTopic('ledger.fifo', { FifoTopic: 'true', ContentBasedDeduplication: 'true' }).fifo).toBe(true);
  });

  it('GetTopicAttributes: the attributes AWS returns, counts included', () => {
    const t = topics.createTopic('orders');
    topics.subscribe(t.arn, 'sqs', `${QARN}:q`);
    topics.subscribe(t.arn, 'email', 'someone@example.com');
    const attrs = topics.topicAttributes(t);
    expect(Object.keys(attrs).sort()).toEqual(['DisplayName', 'EffectiveDeliveryPolicy', 'Owner', 'Policy', 'SubscriptionsConfirmed', 'SubscriptionsDeleted', 'SubscriptionsPending', 'TopicArn']);
    expect(attrs).toMatchObject({ Owner: '000000000000', TopicArn: `${ARN}:orders`, SubscriptionsConfirmed: '1', SubscriptionsPending: '1', SubscriptionsDeleted: '0' });
    expect(JSON.parse(attrs.Policy).Statement[0].Condition).toEqual({ StringEquals: { 'AWS:SourceOwner': '000000000000' } });
    expect(JSON.parse(attrs.EffectiveDeliveryPolicy).http.defaultHealthyRetryPolicy.numRetries).toBe(3);
    const fifo = topics.topicAttributes(topics.createTopic('l.fifo', { FifoTopic: 'true' }));
    expect(fifo).toMatchObject({ FifoTopic: 'true', ContentBasedDeduplication: 'false' });
  });

  it('a malformed or unknown topic ARN', () => {
    expect(error(() => topics.topic('nope')).message).toBe('Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1');
    expect(error(() => topics.topic(`${ARN}:missing`))).toEqual({ code: 'NotFound', status: 404, message: 'Topic does not exist' });
  });
});

describe('subscriptions', () => {
  it('checks protocol and endpoint as SNS does', () => {
    const t = topics.createTopic('orders');
    expect(error(() => topics.subscribe(t.arn, 'test-protocol', 'x')).message).toBe('Invalid parameter: Amazon SNS does not support this protocol string: test-protocol');
    expect(error(() => topics.subscribe(t.arn, 'sqs', 'http://127.0.0.1:3001/000000000000/q')).message).toBe('Invalid parameter: SQS endpoint ARN');
    expect(error(() => topics.subscribe(t.arn, 'sqs', `${QARN}:q.fifo`)).message)
      .toBe('Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
  });

  it('Subscribe is idempotent; different attributes are refused', () => {
    const t = topics.createTopic('orders');
    const s = topics.subscribe(t.arn, 'sqs', `${QARN}:q`, { RawMessageDelivery: 'true' });
    expect(topics.subscribe(t.arn, 'sqs', `${QARN}:q`, { RawMessageDelivery: 'true' })).toBe(s);
    expect(topics.subscribe(t.arn, 'sqs', `${QARN}:q`)).toBe(s);
    expect(error(() => topics.subscribe(t.arn, 'sqs', `${QARN}:q`, { RawMessageDelivery: 'false' })).message)
      .toBe('Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
    expect(topics.subscriptionAttributes(s)).toMatchObject({
      ConfirmationWasAuthenticated: 'true', PendingConfirmation: 'false', Protocol: 'sqs', RawMessageDelivery: 'true', Owner: '000000000000', TopicArn: t.arn,
    });
  });

  it('attribute errors carry Subscribe\'s or SetSubscriptionAttributes\' prefix', () => {
    const t = topics.createTopic('orders');
    expect(error(() => topics.subscribe(t.arn, 'sqs', `${QARN}:q`, { RawMessageDelivery: 'wrongvalue' })).message)
      .toBe('Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [wrongvalue]. Must be true or false.');
    const s = topics.subscribe(t.arn, 'sqs', `${QARN}:q`);
    expect(error(() => topics.setSubscriptionAttributes(s, { RawMessageDelivery: '' })).message)
      .toBe('Invalid parameter: RawMessageDelivery: Invalid value []. Must be true or false.');
    expect(error(() => topics.setSubscriptionAttributes(s, { RedrivePolicy: '{"deadLetterTargetArn": "nope"}' })).message)
      .toBe('Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn');
    expect(error(() => topics.setSubscriptionAttributes(s, { FilterPolicy: '{"a": {"b": ["c"]}}' })).message)
      .toBe('Invalid parameter: FilterPolicy: Filter policy scope MessageAttributes does not support nested filter policy');
    topics.setSubscriptionAttributes(s, { FilterPolicyScope: 'MessageBody' });
    topics.setSubscriptionAttributes(s, { FilterPolicy: '{"a": {"b": ["c"]}}' });
    expect(error(() => topics.setSubscriptionAttributes(s, { FilterPolicyScope: 'MessageAttributes' })).message)
      .toBe('Invalid parameter: FilterPolicy: Filter policy scope MessageAttributes does not support nested filter policy');
    expect(error(() => topics.setSubscriptionAttributes(s, { Nope: 'x' })).message).toBe('Invalid parameter: AttributeName');
    const fn = topics.subscribe(t.arn, 'lambda', 'arn:aws:lambda:us-east-1:000000000000:function:f');
    expect(error(() => topics.setSubscriptionAttributes(fn, { RawMessageDelivery: 'true' })).message)
      .toBe('Invalid parameter: RawMessageDelivery: Invalid value [true]. Delivery protocol [lambda] does not support raw message delivery.');
  });

  it('a FIFO subscription\'s dead-letter queue must be FIFO (worded without Subscribe\'s prefix)', () => {
    const t = topics.createTopic('l.fifo', { FifoTopic: 'true' });
    expect(error(() => topics.subscribe(t.arn, 'sqs', `${QARN}:q.fifo`, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${QARN}:dlq` }) })).message)
      .toBe('Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.');
    topics.subscribe(t.arn, 'sqs', `${QARN}:q.fifo`, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${QARN}:dlq.fifo` }) });
  });

  it('ConfirmSubscription: no token is valid (none is ever sent); AWS\'s two answers', () => {
    const t = topics.createTopic('orders');
    expect(error(() => topics.confirmSubscription(t.arn, 'randomtoken'))).toEqual({ code: 'InvalidParameter', status: 400, message: 'Invalid token' });
    expect(error(() => topics.confirmSubscription(t.arn, 'ab'.repeat(144))).message).toBe('Invalid parameter: Token');
    expect(error(() => topics.confirmSubscription('nope', 'ab'.repeat(144))).message).toBe('Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1');
  });

  it('Unsubscribe: a topic ARN is refused, an unknown subscription is fine', () => {
    const t = topics.createTopic('orders');
    const s = topics.subscribe(t.arn, 'sqs', `${QARN}:q`);
    expect(error(() => topics.unsubscribe(t.arn)).message).toBe('Invalid parameter: SubscriptionId');
    expect(error(() => topics.unsubscribe('arn:aws:sns:us-east-1:000000000000')).message).toBe('Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 5');
    topics.unsubscribe(`${t.arn}:00000000-0000-0000-0000-000000000000`);
    topics.unsubscribe(s.arn);
    expect(topics.topicAttributes(t).SubscriptionsDeleted).toBe('1');
    expect(error(() => topics.subscription(s.arn))).toEqual({ code: 'NotFound', status: 404, message: 'Subscription does not exist' });
  });
});

describe('Publish checks (AWS-recorded messages)', () => {
  const cases: Array<[string, PublishInput, string, string]> = [
    ['an empty subject', { message: 'm', subject: '' }, 'InvalidParameter', 'Invalid parameter: Subject'],
    ['a subject with a line break', { message: 'm', subject: 'a\nb' }, 'InvalidParameter', 'Invalid parameter: Subject'],
    ['an empty message', { message: '' }, 'InvalidParameter', 'Invalid parameter: Empty message'],
    ['no message', {}, 'ValidationError', "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null"],
    ['a message over 256 KiB', { message: 'x'.repeat(262_145) }, 'InvalidParameter', 'Invalid parameter: Message too long'],
    ['attributes count toward 256 KiB', { message: 'x'.repeat(262_140), attributes: { a: { DataType: 'String', StringValue: 'yy' } } }, 'InvalidParameter', 'Invalid parameter: Message too long'],
    ['an attribute name with ^', { message: 'm', attributes: { 'a^b': { DataType: 'String', StringValue: 'v' } } }, 'ParameterValueInvalid',
      "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots."],
    ['an attribute name starting with .', { message: 'm', attributes: { '.a': { DataType: 'String', StringValue: 'v' } } }, 'ParameterValueInvalid', "Invalid message attribute name starting with character '.' was found."],
    ['an attribute name ending with .', { message: 'm', attributes: { 'a.': { DataType: 'String', StringValue: 'v' } } }, 'ParameterValueInvalid', "Invalid message attribute name ending with character '.' was found."],
    ['an attribute name with ..', { message: 'm', attributes: { 'a..b': { DataType: 'String', StringValue: 'v' } } }, 'ParameterValueInvalid', "Message attribute name can not have successive '.' character."],
    ['a long attribute name', { message: 'm', attributes: { ['a'.repeat(257)]: { DataType: 'String', StringValue: 'v' } } }, 'ParameterValueInvalid', 'Length of message attribute name must be less than 256 bytes.'],
    ['an attribute without a type', { message: 'm', attributes: { attr1: { StringValue: 'v' } } }, 'ValidationError',
      "1 validation error detected: Value null at 'messageAttributes.attr1.member.dataType' failed to satisfy constraint: Member must not be null"],
    ['an unknown attribute type', { message: 'm', attributes: { attr1: { DataType: 'Int', StringValue: '1' } } }, 'ParameterValueInvalid',
      "The message attribute 'attr1' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."],
    ['a Binary attribute with a string', { message: 'm', attributes: { attr1: { DataType: 'Binary', StringValue: 'v' } } }, 'ParameterValueInvalid', "The message attribute 'attr1' with type 'Binary' must use field 'Binary'."],
    ['a String attribute with bytes', { message: 'm', attributes: { attr1: { DataType: 'String', BinaryValue: Buffer.from('v') } } }, 'ParameterValueInvalid', "The message attribute 'attr1' with type 'String' must use field 'String'."],
    ['an attribute without a value', { message: 'm', attributes: { attr1: { DataType: 'String' } } }, 'ParameterValueInvalid',
      "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'String'."],
    ['a Number that is not one', { message: 'm', attributes: { attr1: { DataType: 'Number', StringValue: 'ten' } } }, 'ParameterValueInvalid', "Could not cast message attribute 'attr1' value to number."],
    ['MessageStructure json that is not JSON', { message: 'nope', messageStructure: 'json' }, 'InvalidParameter', 'Invalid parameter: Message Structure - JSON message body failed to parse'],
    ['MessageStructure json without default', { message: '{"sqs": "x"}', messageStructure: 'json' }, 'InvalidParameter', 'Invalid parameter: Message Structure - No default entry in JSON message body'],
    ['a deduplication id on a standard topic', { message: 'm', dedupId: 'd' }, 'InvalidParameter',
      'Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type'],
  ];
  it.each(cases)('%s', (_, input, code, message) => {
    const t = topics.createTopic('orders');
    expect(error(() => publisher.publish(t.arn, input))).toMatchObject({ code, message, status: 400 });
  });

  it('FIFO topics need a group id, and a deduplication id unless content-based', () => {
    const t = topics.createTopic('l.fifo', { FifoTopic: 'true' });
    expect(error(() => publisher.publish(t.arn, { message: 'm' })).message).toBe('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
    expect(error(() => publisher.publish(t.arn, { message: 'm', groupId: 'g' })).message)
      .toBe('Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    expect(publisher.publish(t.arn, { message: 'm', groupId: 'g', dedupId: 'd' }).sequenceNumber).toMatch(/^\d{20}$/);
    // AWS checks a batch entry's MessageStructure before its FIFO ids.
    expect(error(() => publisher.publishBatch(t.arn, [{ id: '1', message: '{"sqs": "x"}', messageStructure: 'json' }])).message)
      .toBe('Invalid parameter: Message Structure - No default entry in JSON message body');
  });

  it('PublishBatch: batch errors, and an empty message failing only its entry', () => {
    const t = topics.createTopic('orders');
    expect(error(() => publisher.publishBatch(t.arn, []))).toMatchObject({ code: 'EmptyBatchRequest' });
    expect(error(() => publisher.publishBatch(t.arn, Array.from({ length: 11 }, (_, i) => ({ id: `${i}`, message: 'm' }))))).toMatchObject({
      code: 'TooManyEntriesInBatchRequest', message: 'The batch request contains more entries than permissible.',
    });
    expect(error(() => publisher.publishBatch(t.arn, [{ id: '1', message: 'a' }, { id: '1', message: 'b' }])).message).toBe('Two or more batch entries in the request have the same Id.');
    expect(error(() => publisher.publishBatch(t.arn, [{ id: 'message.id', message: 'a' }])).message)
      .toBe('The Id of a batch entry in the batch request contains an impermissible character: message.id');
    expect(error(() => publisher.publishBatch(t.arn, [{ id: 'a'.repeat(81), message: 'a' }])).message).toBe(`The Id of a batch entry in the batch request is too long: ${'a'.repeat(81)}`);
    expect(error(() => publisher.publishBatch(t.arn, [{ id: '1', message: 'x'.repeat(200_000) }, { id: '2', message: 'x'.repeat(70_000) }]))).toMatchObject({
      code: 'BatchRequestTooLong', message: 'The length of all the messages put together is more than the limit.',
    });
    const r = publisher.publishBatch(t.arn, [{ id: 'ok', message: 'a' }, { id: 'empty', message: '' }]);
    expect(r.successful.map((s) => s.id)).toEqual(['ok']);
    expect(r.failed).toEqual([{ id: 'empty', code: 'InvalidParameter', message: 'Invalid parameter: Empty message', senderFault: true }]);
  });
});

describe('fan-out', () => {
  it('delivers to every confirmed subscription its filter policy accepts', async () => {
    const t = topics.createTopic('orders');
    for (const q of ['all', 'orders-only', 'raw']) queues.create(q);
    topics.subscribe(t.arn, 'sqs', `${QARN}:all`);
    topics.subscribe(t.arn, 'sqs', `${QARN}:orders-only`, { FilterPolicy: '{"kind": ["order"]}' });
    topics.subscribe(t.arn, 'sqs', `${QARN}:raw`, { RawMessageDelivery: 'true' });
    topics.subscribe(t.arn, 'email', 'someone@example.com');
    topics.subscribe(t.arn, 'lambda', 'arn:aws:lambda:us-east-1:000000000000:function:f');
    publisher.publish(t.arn, { message: 'refund 1', attributes: { kind: { DataType: 'String', StringValue: 'refund' } } });
    publisher.publish(t.arn, { message: 'order 2', attributes: { kind: { DataType: 'String', StringValue: 'order' } } });
    expect((await bodies('all')).map((b) => JSON.parse(b).Message)).toEqual(['refund 1', 'order 2']);
    expect((await bodies('orders-only')).map((b) => JSON.parse(b).Message)).toEqual(['order 2']);
    expect(await bodies('raw')).toEqual(['refund 1', 'order 2']);
    expect(invoked.map((i) => i.event.Records[0].Sns.Message)).toEqual(['refund 1', 'order 2']);
  });

  it('MessageStructure json: each protocol gets its own body, the rest the default', async () => {
    const t = topics.createTopic('orders');
    queues.create('q');
    topics.subscribe(t.arn, 'sqs', `${QARN}:q`, { RawMessageDelivery: 'true' });
    topics.subscribe(t.arn, 'lambda', 'arn:aws:lambda:us-east-1:000000000000:function:f');
    publisher.publish(t.arn, { message: JSON.stringify({ default: 'plain', sqs: 'for queues', lambda: 7 }), messageStructure: 'json' });
    expect(await bodies('q')).toEqual(['for queues']);
    expect(invoked[0].event.Records[0].Sns.Message).toBe('plain');
  });

  it('FIFO: sequence numbers, and a duplicate within 5 minutes is accepted but not delivered', async () => {
    const t = topics.createTopic('l.fifo', { FifoTopic: 'true', ContentBasedDeduplication: 'true' });
    queues.create('q.fifo', { FifoQueue: 'true' });
    topics.subscribe(t.arn, 'sqs', `${QARN}:q.fifo`, { RawMessageDelivery: 'true' });
    const first = publisher.publish(t.arn, { message: 'a', groupId: 'g' });
    const second = publisher.publish(t.arn, { message: 'b', groupId: 'g' });
    expect(BigInt(second.sequenceNumber!)).toBe(BigInt(first.sequenceNumber!) + 1n);
    await clock.advance(299_999);
    expect(publisher.publish(t.arn, { message: 'a', groupId: 'g' })).toEqual(first);
    await clock.advance(1);
    const again = publisher.publish(t.arn, { message: 'a', groupId: 'g' });
    expect(again.messageId).not.toBe(first.messageId);
    await deliveries.idle();
    const got = await queues.byName('q.fifo')!.receive({ maxMessages: 10, waitTimeSeconds: 0 });
    expect(got.map((m) => m.body)).toEqual(['a', 'b', 'a']);
    expect(got[0].attributes).toMatchObject({ MessageGroupId: 'g' });
  });
});
