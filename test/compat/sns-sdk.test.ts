// The AWS SDK for JavaScript v3's SNS client (@aws-sdk/client-sns, the version npm installs) against the
// embedded SNS: what it sends (the query protocol, signed for `sns`), every served operation, its
// typed exceptions, pagination, and deliveries read back with the SQS client.
import {
  CreateTopicCommand, DeleteTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand, InvalidParameterException,
  InvalidParameterValueException, ListSubscriptionsByTopicCommand, ListSubscriptionsCommand, ListTagsForResourceCommand, ListTopicsCommand,
  NotFoundException, PublishBatchCommand, PublishCommand, ResourceNotFoundException, SetSubscriptionAttributesCommand, SetTopicAttributesCommand,
  SNSClient, SubscribeCommand, TagResourceCommand, TooManyEntriesInBatchRequestException, UnsubscribeCommand, UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

let em: TestEmulator;
let sns: SNSClient;
let sqs: SQSClient;
const sent: Array<{ contentType: string; authorization: string; body: string }> = [];

beforeAll(async () => {
  em = await startEmulator(fixture('templates/sqs-queues.yaml'));
  const config = { endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 };
  sns = new SNSClient(config);
  sqs = new SQSClient(config);
  sns.middlewareStack.add((next) => async (args) => {
    const req = args.request as { headers: Record<string, string>; body?: unknown };
    sent.push({ contentType: req.headers['content-type'] ?? '', authorization: req.headers.authorization ?? '', body: String(req.body ?? '') });
    return next(args);
  }, { step: 'finalizeRequest', name: 'recordSns' });
});
afterAll(async () => {
  sns?.destroy();
  sqs?.destroy();
  if (em) await em.stop(); // no functions in this template: no worker processes
});

async function receive(queue: string) {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${em.url}/000000000000/${queue}`, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }));
  return Messages;
}

describe('@aws-sdk/client-sns', () => {
  it('speaks the query protocol, signed for sns', async () => {
    await sns.send(new ListTopicsCommand({}));
    expect(sent.at(-1)!.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(sent.at(-1)!.authorization).toMatch(/Credential=x\/\d{8}\/us-east-1\/sns\/aws4_request/);
    expect(sent.at(-1)!.body).toMatch(/^Action=ListTopics&Version=2010-03-31/);
  });

  it('topics: create, attributes, tags, list, delete', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'sdk-topic', Attributes: { DisplayName: 'SDK' }, Tags: [{ Key: 'team', Value: 'a' }] }));
    expect(TopicArn).toBe('arn:aws:sns:us-east-1:000000000000:sdk-topic');
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' }));
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
    expect(Attributes).toMatchObject({ DisplayName: 'SDK', SignatureVersion: '2', TopicArn, Owner: '000000000000', SubscriptionsConfirmed: '0' });
    await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: 'env', Value: 'dev' }] }));
    await sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ['team'] }));
    expect((await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags).toEqual([{ Key: 'env', Value: 'dev' }]);
    expect((await sns.send(new ListTopicsCommand({}))).Topics).toContainEqual({ TopicArn });
    await sns.send(new DeleteTopicCommand({ TopicArn }));
    await expect(sns.send(new GetTopicAttributesCommand({ TopicArn }))).rejects.toThrow(NotFoundException);
  });

  it('ListTopics pages by 100 with NextToken', async () => {
    for (let i = 0; i < 101; i++) await sns.send(new CreateTopicCommand({ Name: `page-${String(i).padStart(3, '0')}` }));
    const first = await sns.send(new ListTopicsCommand({}));
    expect(first.Topics).toHaveLength(100);
    const second = await sns.send(new ListTopicsCommand({ NextToken: first.NextToken }));
    expect(second.NextToken).toBeUndefined();
    const all = [...first.Topics!, ...second.Topics!].map((t) => t.TopicArn!).filter((a) => a.includes(':page-'));
    expect(new Set(all).size).toBe(101);
    for (const TopicArn of all) await sns.send(new DeleteTopicCommand({ TopicArn }));
  });

  it('subscriptions and publishing: filter policy, raw delivery, binary attributes, a batch', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'sdk-fanout' }));
    await sqs.send(new CreateQueueCommand({ QueueName: 'sdk-envelope' }));
    await sqs.send(new CreateQueueCommand({ QueueName: 'sdk-raw' }));
    const env = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:sdk-envelope', ReturnSubscriptionArn: true }));
    const raw = await sns.send(new SubscribeCommand({
      TopicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:sdk-raw',
      Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ size: [{ numeric: ['>=', 10] }] }) },
    }));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: env.SubscriptionArn, AttributeName: 'FilterPolicyScope', AttributeValue: 'MessageBody' }));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: env.SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: '{"size": [{"numeric": ["<", 10]}]}' }));
    expect((await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: raw.SubscriptionArn }))).Attributes).toMatchObject({
      RawMessageDelivery: 'true', FilterPolicyScope: 'MessageAttributes', Protocol: 'sqs', PendingConfirmation: 'false',
    });
    await sns.send(new PublishCommand({
      TopicArn, Message: '{"size": 3}',
      MessageAttributes: { size: { DataType: 'Number', StringValue: '12' }, blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 255]) } },
    }));
    const batch = await sns.send(new PublishBatchCommand({
      TopicArn, PublishBatchRequestEntries: [{ Id: 'a', Message: '{"size": 30}', MessageAttributes: { size: { DataType: 'Number', StringValue: '1' } } }],
    }));
    expect(batch.Successful!.map((s) => s.Id)).toEqual(['a']);
    await em.eph.internals.snsDeliveries.idle();
    const [rawMessage] = await receive('sdk-raw');
    expect(rawMessage.Body).toBe('{"size": 3}');
    expect([...rawMessage.MessageAttributes!.blob.BinaryValue!]).toEqual([0, 1, 255]);
    expect((await receive('sdk-envelope')).map((m) => JSON.parse(m.Body!).Message)).toEqual(['{"size": 3}']);
    const byTopic = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    expect(byTopic.Subscriptions!.map((s) => s.Endpoint).sort()).toEqual(['arn:aws:sqs:us-east-1:000000000000:sdk-envelope', 'arn:aws:sqs:us-east-1:000000000000:sdk-raw']);
    expect((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions!.length).toBeGreaterThanOrEqual(2);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: raw.SubscriptionArn }));
    await expect(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: raw.SubscriptionArn }))).rejects.toThrow(NotFoundException);
  });

  it('typed exceptions with AWS\'s messages', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'sdk-errors' }));
    const empty = sns.send(new PublishCommand({ TopicArn, Message: '' }));
    await expect(empty).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(empty).rejects.toMatchObject({ message: 'Invalid parameter: Empty message', $metadata: { httpStatusCode: 400 } });
    const badAttr = sns.send(new PublishCommand({ TopicArn, Message: 'm', MessageAttributes: { 'a^': { DataType: 'String', StringValue: 'v' } } }));
    await expect(badAttr).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(sns.send(new PublishCommand({ TopicArn: `${TopicArn}-missing`, Message: 'm' }))).rejects.toThrow(NotFoundException);
    await expect(sns.send(new ListTagsForResourceCommand({ ResourceArn: `${TopicArn}-missing` }))).rejects.toThrow(ResourceNotFoundException);
    const tooMany = sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: Array.from({ length: 11 }, (_, i) => ({ Id: `${i}`, Message: 'm' })) }));
    await expect(tooMany).rejects.toBeInstanceOf(TooManyEntriesInBatchRequestException);
    const filter = sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:q', Attributes: { FilterPolicy: '{"a": [{"wildcard": "*"}]}' } }));
    await expect(filter).rejects.toThrow('Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized match type wildcard');
  });
});
