// ephemera generate-event's builders: deterministic with an injected clock and randomness; the SQS,
// Kinesis and DynamoDB samples are shaped exactly like what the embedded engines and ephemera's pollers
// deliver; the other samples against the shapes in /work/shared/reference (http-front-door.md §1.2–1.3,
// §2.3, §4.2, §4.4) and AWS's documented examples (SNS, S3 2.1, EventBridge, CloudWatch Logs).
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EmbeddedDynamoDbStream } from '../../services/dynamodb-streams/embedded-dynamodb-stream.ts';
import { EmbeddedKinesisStream } from '../../services/kinesis/embedded-kinesis.ts';
import { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';
import { toSqsRecord } from '../../pollers/sqs-record.ts';
import { eventRecord } from '../../pollers/stream-events.ts';
import { allEvents, SERVICES } from '../../server/cli/generate-event/catalog.ts';
import { generateEvent, resolveValues } from '../../server/cli/generate-event/generate-event-command.ts';
import { pathParameters } from '../../server/cli/generate-event/apigateway-events.ts';
import { s3EventKey } from '../../server/cli/generate-event/notification-events.ts';
import type { SampleContext } from '../../server/cli/generate-event/sample-event.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const NOW = Date.UTC(2026, 0, 15, 10, 30, 45, 123);

/** A clock and a randomness that repeat: the same event twice. */
function fixedContext(): SampleContext {
  let n = 0;
  return {
    now: NOW,
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    random: (bytes) => Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 37 + n++) % 256)),
  };
}

const generate = (args: string[], env: NodeJS.ProcessEnv = {}): Record<string, unknown> => JSON.parse(generateEvent(args, env, '/nonexistent', fixedContext()).text) as Record<string, unknown>;
const record = (event: Record<string, unknown>): Record<string, unknown> => (event.Records as Array<Record<string, unknown>>)[0];

/** Keys (recursively) and value types: two records with the same shape have the same outline. */
function outline(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [outline(v[0])] : [];
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, outline(x)]));
  return v === null ? 'null' : typeof v;
}

describe('generate-event: records shaped as ephemera\'s pollers deliver them', () => {
  it('sqs receive-message is a record of the embedded queue, as the SQS poller builds it', async () => {
    const queues = new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000', clock: new ManualClock({ start: NOW }) });
    const queue = queues.create('MyQueue');
    await queue.send({ body: 'Hello from SQS!' });
    const [received] = await queue.receive({ maxMessages: 1, waitTimeSeconds: 0 });
    const polled = toSqsRecord(received, queue.arn, 'us-east-1');
    const sample = record(generate(['sqs', 'receive-message']));
    expect(outline(sample)).toEqual(outline(polled));
    expect(Object.keys(sample)).toEqual(Object.keys(polled));
    expect(sample).toMatchObject({ body: 'Hello from SQS!', md5OfBody: polled.md5OfBody, eventSourceARN: queue.arn, md5OfMessageAttributes: null });
    expect(Object.keys(sample.attributes as object)).toEqual(Object.keys(polled.attributes));
  });

  it('kinesis get-records is a record of the embedded stream, as the stream poller builds it', async () => {
    const stream = new EmbeddedKinesisStream({ name: 'ExampleStream', region: 'us-east-1', accountId: '000000000000', shardCount: 1, retentionPeriodHours: 24, clock: new ManualClock({ start: NOW }) });
    stream.put('partitionKey-03', Buffer.from('Hello, this is a test 123.'));
    const [shard] = stream.shardInfos();
    const page = stream.getRecordsSync(stream.iteratorSync(shard.shardId, { type: 'TRIM_HORIZON' }), 10);
    const polled = eventRecord(page.records[0], { kind: 'kinesis', streamArn: stream.arn, shardId: shard.shardId, region: 'us-east-1', roleArn: 'arn:aws:iam::000000000000:role/lambda-role' });
    const sample = record(generate(['kinesis', 'get-records']));
    expect(outline(sample)).toEqual(outline(polled));
    expect(Object.keys(sample)).toEqual(Object.keys(polled));
    expect(sample).toMatchObject({ eventSourceARN: stream.arn, invokeIdentityArn: polled.invokeIdentityArn });
    // Data is base64 (reference lambda-semantics §8.3).
    expect((sample.kinesis as { data: string }).data).toBe(Buffer.from('Hello, this is a test 123.').toString('base64'));
  });

  it('dynamodb update is three records of the embedded stream (INSERT, MODIFY, REMOVE), as the stream poller builds them', async () => {
    const table = new EmbeddedDynamoDbStream({ table: 'ExampleTableWithStream', label: '2026-01-14T10:30:45.123', viewType: 'NEW_AND_OLD_IMAGES', region: 'us-east-1', accountId: '000000000000', clock: new ManualClock({ start: NOW }) });
    const item = { Id: { N: '101' }, Message: { S: 'New item!' } };
    table.append({ eventName: 'INSERT', Keys: { Id: { N: '101' } }, NewImage: item });
    table.append({ eventName: 'MODIFY', Keys: { Id: { N: '101' } }, OldImage: item, NewImage: { ...item, Message: { S: 'This item has changed' } } });
    table.append({ eventName: 'REMOVE', Keys: { Id: { N: '101' } }, OldImage: item });
    const page = table.getRecordsSync(table.iteratorSync(table.shardId, { type: 'TRIM_HORIZON' }), 10);
    const polled = page.records.map((r) => eventRecord(r, { kind: 'dynamodb', streamArn: table.arn, shardId: table.shardId, region: 'us-east-1', roleArn: 'x' }));
    const sample = generate(['dynamodb', 'update']).Records as Array<Record<string, unknown>>;
    expect(sample.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(sample.map(outline)).toEqual(polled.map(outline));
    expect(sample[0].eventSourceARN).toMatch(/^arn:aws:dynamodb:us-east-1:000000000000:table\/ExampleTableWithStream\/stream\/2026-01-14T10:30:45\.123$/);
  });
});

describe('generate-event: the other sources in AWS\'s shapes', () => {
  it('apigateway aws-proxy: payload 1.0 of a REST proxy integration (reference §1.2, §1.3)', () => {
    const e = generate(['apigateway', 'aws-proxy', '--path', '/items/42', '--resource', '/items/{id}', '--method', 'PUT', '--querystringparameters', '{"tag": ["a", "b"]}']);
    expect(e).toMatchObject({
      resource: '/items/{id}', path: '/items/42', httpMethod: 'PUT', pathParameters: { id: '42' }, stageVariables: null,
      queryStringParameters: { tag: 'b' }, multiValueQueryStringParameters: { tag: ['a', 'b'] },
      body: '{"test":"body"}', isBase64Encoded: false,
    });
    const c = e.requestContext as Record<string, unknown>;
    expect(c).toMatchObject({ accountId: '000000000000', stage: 'prod', path: '/prod/items/42', resourcePath: '/items/{id}', httpMethod: 'PUT', protocol: 'HTTP/1.1', requestTime: '15/Jan/2026:10:30:45 +0000', requestTimeEpoch: NOW });
    expect(Object.keys(c).sort()).toEqual(['accountId', 'apiId', 'deploymentId', 'domainName', 'domainPrefix', 'extendedRequestId', 'httpMethod', 'identity', 'path', 'protocol', 'requestId', 'requestTime', 'requestTimeEpoch', 'resourceId', 'resourcePath', 'stage']);
    expect((e.headers as Record<string, string>).Host).toBe(c.domainName);
    expect(c.domainName).toBe(`${String(c.apiId)}.execute-api.us-east-1.amazonaws.com`);
    const b64 = generate(['apigateway', 'aws-proxy', '--base64', '--body', 'hi']);
    expect(b64).toMatchObject({ body: 'aGk=', isBase64Encoded: true });
    expect(generate(['apigateway', 'aws-proxy', '--body', ''])).toMatchObject({ body: null, isBase64Encoded: false });
  });

  it('apigateway http-api-proxy: payload 2.0 (reference §2.3): lower-case headers, a named stage in rawPath', () => {
    const e = generate(['apigateway', 'http-api-proxy', '--stage', 'dev', '--method', 'GET', '--querystringparameters', '{"q": ["x", "y"]}']);
    expect(e).toMatchObject({ version: '2.0', routeKey: '$default', rawPath: '/dev/path/to/resource', rawQueryString: 'q=x&q=y', queryStringParameters: { q: 'x,y' }, isBase64Encoded: false });
    expect(Object.keys(e.headers as object).every((h) => h === h.toLowerCase())).toBe(true);
    expect(e.requestContext).toMatchObject({ stage: 'dev', timeEpoch: NOW, http: { method: 'GET', path: '/dev/path/to/resource', protocol: 'HTTP/1.1' } });
    expect(e.cookies).toBeUndefined();
  });

  it('apigateway authorizers: TOKEN, REQUEST (reference §4.2) and HTTP API 2.0 (§4.4)', () => {
    expect(generate(['apigateway', 'authorizer', '--restApiId', 'abc123', '--resource', 'pets/1'])).toEqual({
      type: 'TOKEN', authorizationToken: 'incoming-client-token', methodArn: 'arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/pets/1',
    });
    const request = generate(['apigateway', 'request-authorizer', '--token', 'allow']);
    expect(request).toMatchObject({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:us-east-1:000000000000:a1b2c3d4e5/test/GET/path/to/resource', httpMethod: 'GET', path: '/path/to/resource' });
    expect((request.headers as Record<string, string>).Authorization).toBe('allow');
    expect(request.requestContext).toMatchObject({ apiId: 'a1b2c3d4e5', domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com', stage: 'test' });
    const v2 = generate(['apigateway', 'http-api-authorizer']);
    expect(v2).toMatchObject({ version: '2.0', type: 'REQUEST', routeArn: 'arn:aws:execute-api:us-east-1:000000000000:a1b2c3d4e5/$default/GET/path/to/resource', identitySource: ['incoming-client-token'] });
    expect((v2.headers as Record<string, string>).authorization).toBe('incoming-client-token');
    expect(v2.body).toBeUndefined();
  });

  it('sns notification: the with-sns example\'s fields; Subject null when empty', () => {
    const r = record(generate(['sns', 'notification', '--region', 'eu-west-1', '--topic', 'orders', '--subject', '']));
    const sns = r.Sns as Record<string, unknown>;
    expect(Object.keys(r)).toEqual(['EventSource', 'EventVersion', 'EventSubscriptionArn', 'Sns']);
    expect(Object.keys(sns)).toEqual(['Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertUrl', 'UnsubscribeUrl', 'MessageAttributes']);
    expect(sns).toMatchObject({ TopicArn: 'arn:aws:sns:eu-west-1:000000000000:orders', Subject: null, Timestamp: '2026-01-15T10:30:45.123Z' });
    expect(r.EventSubscriptionArn).toMatch(/^arn:aws:sns:eu-west-1:000000000000:orders:[0-9a-f-]{36}$/);
    expect(sns.SigningCertUrl).toMatch(/^https:\/\/sns\.eu-west-1\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/);
    expect(sns.UnsubscribeUrl).toBe(`https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${String(r.EventSubscriptionArn)}`);
  });

  it('s3 put and delete: event structure 2.1, keys URL-encoded as S3 writes them', () => {
    const put = record(generate(['s3', 'put', '--bucket', 'photos', '--key', 'holiday/red flower+1.jpg']));
    expect(put).toMatchObject({ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: '2026-01-15T10:30:45.123Z' });
    expect((put.s3 as { bucket: unknown; object: Record<string, unknown> }).bucket).toMatchObject({ name: 'photos', arn: 'arn:aws:s3:::photos' });
    expect((put.s3 as { object: Record<string, unknown> }).object).toMatchObject({ key: 'holiday/red+flower%2B1.jpg', size: 1024 });
    const del = record(generate(['s3', 'delete']));
    expect(Object.keys((del.s3 as { object: object }).object)).toEqual(['key', 'sequencer']);
    expect(s3EventKey('a b/c=d')).toBe('a+b/c%3Dd');
  });

  it('cloudwatch scheduled-event and eventbridge: EventBridge\'s envelope (version "0", time in whole seconds)', () => {
    const e = generate(['cloudwatch', 'scheduled-event', '--rule', 'nightly']);
    expect(Object.keys(e)).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    expect(e).toMatchObject({ version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-01-15T10:30:45Z', resources: ['arn:aws:events:us-east-1:000000000000:rule/nightly'], detail: {} });
    expect(generate(['eventbridge', 'scheduled-event'])['detail-type']).toBe('Scheduled Event');
    expect(generate(['eventbridge', 'event', '--detail', '{"a":1}'])).toMatchObject({ source: 'com.example.orders', 'detail-type': 'Order Placed', resources: [], detail: { a: 1 } });
    expect(() => generate(['eventbridge', 'event', '--detail', '[1]'])).toThrow("--detail must be a JSON object, got '[1]'");
  });

  it('cloudwatch logs: awslogs.data is the gzipped, base64 DATA_MESSAGE', () => {
    const e = generate(['cloudwatch', 'logs', '--message', 'one\ntwo', '--log-group', '/aws/lambda/f']);
    const data = JSON.parse(gunzipSync(Buffer.from((e.awslogs as { data: string }).data, 'base64')).toString()) as Record<string, unknown>;
    expect(data).toMatchObject({ messageType: 'DATA_MESSAGE', owner: '000000000000', logGroup: '/aws/lambda/f', subscriptionFilters: ['ExampleSubscriptionFilter'] });
    expect((data.logEvents as Array<{ id: string; message: string }>).map((l) => l.message)).toEqual(['one', 'two']);
    expect((data.logEvents as Array<{ id: string }>)[0].id).toMatch(/^\d{56}$/);
  });
});

describe('generate-event: flags and help', () => {
  it('has SAM CLI\'s services and events (and its flag names) for the required sources', () => {
    const names = allEvents().map((e) => `${e.service} ${e.event}`);
    for (const required of ['apigateway aws-proxy', 'apigateway http-api-proxy', 'apigateway authorizer', 'apigateway request-authorizer', 'apigateway http-api-authorizer',
      'sqs receive-message', 'sns notification', 's3 put', 's3 delete', 'dynamodb update', 'kinesis get-records', 'cloudwatch scheduled-event', 'cloudwatch logs', 'eventbridge scheduled-event']) {
      expect(names).toContain(required);
    }
    expect(Object.keys(SERVICES.apigateway.events['aws-proxy'].flags)).toEqual(expect.arrayContaining(['body', 'stage', 'method', 'resource', 'path', 'querystringparameters', 'account-id', 'dns-suffix']));
    expect(Object.keys(SERVICES.sqs.events['receive-message'].flags)).toEqual(['partition', 'region', 'account-id', 'queue-name', 'body']);
    expect(Object.keys(SERVICES.kinesis.events['get-records'].flags)).toEqual(expect.arrayContaining(['region', 'partition', 'sequence', 'data', 'partition-key']));
  });

  it('fills {flag} defaults from other flags; flags over EPHEMERA_REGION / EPHEMERA_ACCOUNT_ID over defaults', () => {
    const sample = SERVICES.apigateway.events['aws-proxy'];
    expect(resolveValues(sample, { region: 'eu-central-1' })['dns-suffix']).toBe('eu-central-1.amazonaws.com');
    expect(resolveValues(sample, { region: 'eu-central-1', 'dns-suffix': 'example.test' })['dns-suffix']).toBe('example.test');
    expect(record(generate(['sqs', 'receive-message'], { EPHEMERA_REGION: 'ap-south-1', EPHEMERA_ACCOUNT_ID: '111122223333' })).eventSourceARN).toBe('arn:aws:sqs:ap-south-1:111122223333:MyQueue');
    expect(record(generate(['sqs', 'receive-message', '--region=sa-east-1'], { EPHEMERA_REGION: 'ap-south-1' })).awsRegion).toBe('sa-east-1');
  });

  it('is the same event twice with the same clock and randomness', () => {
    // SQS's message id and receipt handle come from the embedded queue's own generators (what the poller delivers).
    for (const { service, event } of allEvents().filter((e) => e.service !== 'sqs')) {
      expect(generateEvent([service, event], {}, '/nonexistent', fixedContext()).text).toBe(generateEvent([service, event], {}, '/nonexistent', fixedContext()).text);
    }
  });

  it.each([
    [['nope'], "generate-event: unknown service 'nope' (known: apigateway, cloudwatch, dynamodb, eventbridge, kinesis, s3, sns, sqs)"],
    [['sqs', 'receive-message', '--queue'], "generate-event sqs receive-message: unknown option --queue (known: --partition, --region, --account-id, --queue-name, --body)"],
    [['sqs', 'receive-message', '--body'], 'generate-event sqs receive-message: --body needs a value'],
    [['sqs', 'receive-message', '--body', ''], '--body: The request must contain the parameter MessageBody.'],
    [['sqs', 'receive-message', 'stray'], "generate-event sqs receive-message: unexpected argument 'stray'"],
    [['apigateway', 'aws-proxy', '--querystringparameters', 'foo=bar'], '--querystringparameters must be a JSON object such as {"foo": "bar"}, got \'foo=bar\''],
    [['apigateway', 'aws-proxy', '--resource', '/items/{id}', '--path', '/other/1/2'], '--resource /items/{id} does not match --path /other/1/2'],
  ])('refuses %j in one line', (args, message) => {
    expect(() => generateEvent(args, {}, '/nonexistent', fixedContext())).toThrow(message);
  });

  it('path parameters as API Gateway fills them (greedy proxy, named segments, none)', () => {
    expect(pathParameters('/{proxy+}', '/a/b/c')).toEqual({ proxy: 'a/b/c' });
    expect(pathParameters('/users/{id}/posts/{post}', '/users/7/posts/9')).toEqual({ id: '7', post: '9' });
    expect(pathParameters('/health', '/health')).toBeNull();
  });

  it('help lists the services, a service\'s events with their flags, an event\'s flags', () => {
    expect(generateEvent([]).text).toMatch(/^ {2}sqs +Amazon SQS: receive-message$/m);
    expect(generateEvent(['s3', '--help']).text).toContain('  put: an S3 event (ObjectCreated:Put)');
    expect(generateEvent(['s3', 'put', '--help']).text).toMatch(/--bucket <value> +the bucket's name \(default 'example-bucket'\)/);
  });
});
