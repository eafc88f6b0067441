// boto3 (Debian's, run by /usr/bin/python3; botocore speaks SNS's query protocol) against the embedded
// SNS of a real emulator: one Python scenario covering topics, subscriptions with a body filter policy,
// MessageStructure json, binary attributes on raw delivery, a FIFO topic, pagination and modelled errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { boto3Missing, runBoto3Scenario } from './helpers.ts';

const skip = boto3Missing('boto3 SNS tests');

// Runs the scenario and prints one JSON object of observations. Deliveries to embedded queues are made
// before Publish answers, so the queues are read right after publishing.
const SCRIPT = `
import json, sys
import boto3, botocore.config, botocore.exceptions
url = sys.argv[1]
kw = dict(endpoint_url=url, region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y',
          config=botocore.config.Config(retries={'max_attempts': 0}))
sns = boto3.client('sns', **kw)
sqs = boto3.client('sqs', **kw)
out = {}
def err(fn):
    try:
        fn()
        return None
    except botocore.exceptions.ClientError as e:
        return [e.response['Error']['Code'], e.response['Error'].get('Message'), e.response['ResponseMetadata']['HTTPStatusCode']]
def drain(name):
    q = sqs.get_queue_url(QueueName=name)['QueueUrl']
    return sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10, MessageAttributeNames=['All'], AttributeNames=['All']).get('Messages', [])
topic = sns.create_topic(Name='py-topic', Attributes={'DisplayName': 'Py'})['TopicArn']
out['topic'] = topic
out['same'] = sns.create_topic(Name='py-topic', Attributes={'DisplayName': 'Py'})['TopicArn']
for q in ['py-body', 'py-raw']:
    sqs.create_queue(QueueName=q)
body_sub = sns.subscribe(TopicArn=topic, Protocol='sqs', Endpoint='arn:aws:sqs:us-east-1:000000000000:py-body', ReturnSubscriptionArn=True,
    Attributes={'FilterPolicyScope': 'MessageBody', 'FilterPolicy': json.dumps({'order': {'total': [{'numeric': ['>', 100]}]}})})['SubscriptionArn']
sns.subscribe(TopicArn=topic, Protocol='sqs', Endpoint='arn:aws:sqs:us-east-1:000000000000:py-raw', Attributes={'RawMessageDelivery': 'true'})
out['attrs'] = sns.get_subscription_attributes(SubscriptionArn=body_sub)['Attributes']
sns.publish(TopicArn=topic, Message=json.dumps({'order': {'total': 150}}), MessageAttributes={'bin': {'DataType': 'Binary', 'BinaryValue': b'\\x00\\x01\\xff'}})
sns.publish(TopicArn=topic, Message=json.dumps({'order': {'total': 50}}))
sns.publish(TopicArn=topic, MessageStructure='json', Message=json.dumps({'default': 'for everyone', 'sqs': json.dumps({'order': {'total': 500}})}))
out['body'] = [json.loads(json.loads(m['Body'])['Message'])['order']['total'] for m in drain('py-body')]
raw = drain('py-raw')
out['raw'] = [m['Body'] for m in raw]
out['bin'] = list(raw[0]['MessageAttributes']['bin']['BinaryValue'])
out['rawMd5'] = raw[0]['MD5OfMessageAttributes']
fifo = sns.create_topic(Name='py.fifo', Attributes={'FifoTopic': 'true'})['TopicArn']
sqs.create_queue(QueueName='py-q.fifo', Attributes={'FifoQueue': 'true'})
sns.subscribe(TopicArn=fifo, Protocol='sqs', Endpoint='arn:aws:sqs:us-east-1:000000000000:py-q.fifo')
b = sns.publish_batch(TopicArn=fifo, PublishBatchRequestEntries=[
    {'Id': 'a', 'Message': 'first', 'MessageGroupId': 'g', 'MessageDeduplicationId': 'd1'},
    {'Id': 'b', 'Message': 'second', 'MessageGroupId': 'g', 'MessageDeduplicationId': 'd2'}])
out['batch'] = [[s['Id'], len(s['SequenceNumber'])] for s in b['Successful']]
out['fifo'] = [[json.loads(m['Body'])['Message'], m['Attributes']['MessageDeduplicationId']] for m in drain('py-q.fifo')]
pages = sns.get_paginator('list_topics').paginate()
out['topics'] = sorted(t['TopicArn'] for p in pages for t in p['Topics'])
try:
    sns.get_topic_attributes(TopicArn=topic + '-missing')
except sns.exceptions.NotFoundException as e:
    out['modelled'] = e.response['Error']['Code']
out['errors'] = {
    'differentAttrs': err(lambda: sns.create_topic(Name='py-topic', Attributes={'DisplayName': 'Other'})),
    'fifoNoDedup': err(lambda: sns.publish(TopicArn=fifo, Message='x', MessageGroupId='g')),
    'badFilter': err(lambda: sns.set_subscription_attributes(SubscriptionArn=body_sub, AttributeName='FilterPolicy', AttributeValue=json.dumps({'k': [{'numeric': ['>', 3, '<', 1]}]}))),
    'noDefault': err(lambda: sns.publish(TopicArn=topic, MessageStructure='json', Message='{"sqs": "x"}')),
    'sameIds': err(lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{'Id': '1', 'Message': 'a'}, {'Id': '1', 'Message': 'b'}])),
    'subject': err(lambda: sns.publish(TopicArn=topic, Message='m', Subject='')),
}
sns.delete_topic(TopicArn=topic)
out['afterDelete'] = err(lambda: sns.get_topic_attributes(TopicArn=topic))
print(json.dumps(out))
`;

describe.skipIf(skip !== '')('boto3 sns (query protocol)', () => {
  let em: TestEmulator;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/sqs-queues.yaml'));
  });
  afterAll(async () => {
    if (em) await em.stop(); // no functions in this template: no worker processes
  });

  it('runs a whole topic scenario with AWS behaviour and error codes', async () => {
    const out = await runBoto3Scenario(SCRIPT, em.url);
    const arn = 'arn:aws:sns:us-east-1:000000000000';
    expect(out.topic).toBe(`${arn}:py-topic`);
    expect(out.same).toBe(out.topic);
    expect(out.attrs).toMatchObject({ FilterPolicyScope: 'MessageBody', RawMessageDelivery: 'false', PendingConfirmation: 'false', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:py-body' });
    expect(out.body).toEqual([150, 500]);
    expect(out.raw).toEqual(['{"order": {"total": 150}}', '{"order": {"total": 50}}', '{"order": {"total": 500}}']);
    expect(out.bin).toEqual([0, 1, 255]);
    expect(out.rawMd5).toMatch(/^[0-9a-f]{32}$/);
    expect(out.batch).toEqual([['a', 20], ['b', 20]]);
    expect(out.fifo).toEqual([['first', 'd1'], ['second', 'd2']]);
    expect(out.topics).toEqual([`${arn}:py-topic`, `${arn}:py.fifo`]);
    expect(out.modelled).toBe('NotFound');
    expect(out.errors).toEqual({
      differentAttrs: ['InvalidParameter', 'Invalid parameter: Attributes Reason: Topic already exists with different attributes', 400],
      fifoNoDedup: ['InvalidParameter', 'Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly', 400],
      badFilter: ['InvalidParameter', 'Invalid parameter: FilterPolicy: Bottom must be less than top', 400],
      noDefault: ['InvalidParameter', 'Invalid parameter: Message Structure - No default entry in JSON message body', 400],
      sameIds: ['BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.', 400],
      subject: ['InvalidParameter', 'Invalid parameter: Subject', 400],
    });
    expect(out.afterDelete).toEqual(['NotFound', 'Topic does not exist', 404]);
  });
});
