// SNS on the wire without a server: the query protocol's parameters (as the aws CLI sends them) turned
// into the JSON shapes, the XML answers and errors, the JSON protocol's errors, and how the main
// port tells SNS's query requests from SQS's (the SigV4 credential scope, else the action).
import { describe, expect, it } from 'vitest';
import { signingService, WireDispatcher } from '../../server/http/wire-dispatch.ts';
import { Deliveries } from '../../services/sns/sns-delivery.ts';
import { invalidParameter, topicNotFound } from '../../services/sns/sns-error.ts';
import { Publisher } from '../../services/sns/sns-publish.ts';
import { SnsTopics } from '../../services/sns/sns-topics.ts';
import { SNS_ACTIONS } from '../../services/sns/wire/sns-actions.ts';
import { snsJsonHandler } from '../../services/sns/wire/sns-json.ts';
import { snsQueryHandler, toJsonShape } from '../../services/sns/wire/sns-query.ts';
import { renderError, renderResult } from '../../services/sns/wire/sns-xml.ts';
import { unflatten } from '../../services/sqs/wire/sqs-query.ts';
import type { WireRequest } from '../../services/wire/wire-contract.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const form = (text: string): Array<[string, string]> => [...new URLSearchParams(text)];

describe('query parameters → JSON shapes', () => {
  it('CreateTopic: Attributes.entry.N.key/value and Tags.member.N', () => {
    const params = form('Name=t.fifo&Attributes.entry.1.key=FifoTopic&Attributes.entry.1.value=true&Attributes.entry.2.key=ContentBasedDeduplication&Attributes.entry.2.value=true&Tags.member.1.Key=a&Tags.member.1.Value=b');
    expect(toJsonShape(unflatten(params))).toEqual({
      Name: 't.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' }, Tags: [{ Key: 'a', Value: 'b' }],
    });
  });
  it('Publish: MessageAttributes.entry.N.Name/Value.DataType', () => {
    const params = form('TopicArn=arn&Message=hi&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=x&MessageAttributes.entry.2.Name=b&MessageAttributes.entry.2.Value.DataType=Binary&MessageAttributes.entry.2.Value.BinaryValue=QVFJRA%3D%3D');
    expect(toJsonShape(unflatten(params))).toEqual({
      TopicArn: 'arn', Message: 'hi', MessageAttributes: { a: { DataType: 'String', StringValue: 'x' }, b: { DataType: 'Binary', BinaryValue: 'QVFJRA==' } },
    });
  });
  it('PublishBatch entries and UntagResource keys', () => {
    const batch = form('TopicArn=arn&PublishBatchRequestEntries.member.1.Id=1&PublishBatchRequestEntries.member.1.Message=m&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name=a&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType=Number&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue=1&PublishBatchRequestEntries.member.2.Id=2&PublishBatchRequestEntries.member.2.Message=n');
    expect(toJsonShape(unflatten(batch))).toEqual({
      TopicArn: 'arn',
      PublishBatchRequestEntries: [{ Id: '1', Message: 'm', MessageAttributes: { a: { DataType: 'Number', StringValue: '1' } } }, { Id: '2', Message: 'n' }],
    });
    expect(toJsonShape(unflatten(form('ResourceArn=arn&TagKeys.member.1=a&TagKeys.member.2=b')))).toEqual({ ResourceArn: 'arn', TagKeys: ['a', 'b'] });
  });
});

describe('XML', () => {
  it('lists as <member>, the Attributes map as <entry>, void actions without a Result', () => {
    expect(renderResult('ListTopics', { Topics: [{ TopicArn: 'a' }, { TopicArn: 'b' }], NextToken: 'n' }, 'rid')).toBe(
      '<?xml version="1.0"?><ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTopicsResult><Topics>'
      + '<member><TopicArn>a</TopicArn></member><member><TopicArn>b</TopicArn></member></Topics><NextToken>n</NextToken></ListTopicsResult>'
      + '<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ListTopicsResponse>');
    expect(renderResult('GetTopicAttributes', { Attributes: { Policy: '{"a":"<b>"}' } }, 'rid'))
      .toContain('<Attributes><entry><key>Policy</key><value>{&quot;a&quot;:&quot;&lt;b&gt;&quot;}</value></entry></Attributes>');
    expect(renderResult('DeleteTopic', {}, 'rid')).toBe('<?xml version="1.0"?><DeleteTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></DeleteTopicResponse>');
    expect(renderResult('PublishBatch', { Successful: [{ Id: '1', MessageId: 'm' }], Failed: [] }, 'rid'))
      .toContain('<PublishBatchResult><Successful><member><Id>1</Id><MessageId>m</MessageId></member></Successful><Failed></Failed></PublishBatchResult>');
  });
  it('errors: Type, Code, Message', () => {
    expect(renderError(topicNotFound(), 'rid')).toBe('<?xml version="1.0"?><ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>'
      + '<Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>rid</RequestId></ErrorResponse>');
  });
});

function context() {
  const clock = new ManualClock();
  const topics = new SnsTopics({ region: 'us-east-1', accountId: '000000000000' });
  const deliveries = new Deliveries({ clock, timeScale: 1, log: { warn: () => {}, error: () => {} }, ports: { queues: { byArn: () => undefined }, invokeAsync: () => {} } });
  return { topics, publisher: new Publisher({ topics, deliveries, clock, endpoint: () => 'http://x' }) };
}

const request = (body: string, headers: Record<string, string> = {}, url = '/'): WireRequest => ({
  method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: Buffer.from(body),
});

describe('handlers', () => {
  it('the query handler answers XML, errors with their status', async () => {
    const handler = snsQueryHandler(context(), (err) => { throw err; });
    const ok = await handler(request('Action=CreateTopic&Version=2010-03-31&Name=orders'));
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<TopicArn>arn:aws:sns:us-east-1:000000000000:orders</TopicArn>');
    const missing = await handler(request('Action=GetTopicAttributes&TopicArn=arn:aws:sns:us-east-1:000000000000:nope'));
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('<Code>NotFound</Code>');
    const unknown = await handler(request('Action=CreatePlatformApplication'));
    expect(unknown.body).toContain('<Code>InvalidAction</Code><Message>The action CreatePlatformApplication is not valid for this web service.</Message>');
  });

  it('the JSON protocol: query-compatible errors', async () => {
    const handler = snsJsonHandler(context(), (err) => { throw err; });
    const json = (target: string, body: unknown) => handler({ method: 'POST', url: '/', headers: { 'x-amz-target': `AmazonSimpleNotificationService.${target}` }, body: Buffer.from(JSON.stringify(body)) });
    const created = await json('CreateTopic', { Name: 'orders', Tags: [{ Key: 'k', Value: 'v' }] });
    expect(JSON.parse(String(created.body))).toEqual({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:orders' });
    const err = await json('Publish', { TopicArn: 'arn:aws:sns:us-east-1:000000000000:orders', Message: '' });
    expect(err.status).toBe(400);
    expect(err.headers['x-amzn-query-error']).toBe('InvalidParameter;Sender');
    expect(JSON.parse(String(err.body))).toEqual({ __type: 'com.amazonaws.sns#InvalidParameterException', message: 'Invalid parameter: Empty message' });
    expect(invalidParameter('x').type).toBe('InvalidParameterException');
  });
});

describe('query routing between SQS and SNS', () => {
  const auth = (service: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260115/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00` });
  it('reads the service of a credential scope, from the header or a presigned URL', () => {
    expect(signingService(auth('sns'))).toBe('sns');
    expect(signingService({}, '/?Action=Publish&X-Amz-Credential=AKID%2F20260115%2Fus-east-1%2Fsqs%2Faws4_request')).toBe('sqs');
    expect(signingService({})).toBeUndefined();
  });

  it('signed requests go to their service; unsigned ones by action; the rest to SQS', () => {
    const wire = new WireDispatcher();
    const sqs = () => ({ status: 200, headers: {}, body: 'sqs' });
    const sns = () => ({ status: 200, headers: {}, body: 'sns' });
    wire.onQuery({ service: 'sqs' }, sqs);
    wire.onQuery({ service: 'sns', claims: (action) => SNS_ACTIONS.has(action) }, sns);
    expect(wire.find(request('Action=ListTopics', auth('sns')))).toBe(sns);
    expect(wire.find(request('Action=ListQueues', auth('sqs')))).toBe(sqs);
    expect(wire.find(request('Action=Publish'))).toBe(sns);
    expect(wire.find(request('Action=SendMessage'))).toBe(sqs);
    expect(wire.find(request('Action=Nonsense'))).toBe(sqs);
    expect(wire.find(request('', {}, '/?Action=ListTopics'))).toBe(sns);
    expect(wire.find(request('Name=x'))).toBeUndefined();
  });
});
