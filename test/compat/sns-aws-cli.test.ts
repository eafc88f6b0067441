// Debian's aws CLI 2.9 (/usr/bin/aws: SNS over the query protocol, XML answers) against the embedded
// SNS of a real emulator: topics, subscriptions (filter policy, raw delivery), publish and
// publish-batch read back with `aws sqs`, a FIFO topic, tags, and AWS's error codes.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { type AwsCliSession, awsCliEnv, awsCliSession, type CliRun, runAwsCli } from './helpers.ts';

const AWS = '/usr/bin/aws';
const missing = !existsSync(AWS);
if (missing) console.warn(`aws CLI SNS tests skipped: ${AWS} is not installed (apt-get install awscli)`);

const TOPIC = 'arn:aws:sns:us-east-1:000000000000';

describe.skipIf(missing)('aws sns (query protocol)', { timeout: 120_000 }, () => {
  let em: TestEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let session: AwsCliSession;
  // Most commands run in one Python process (the CLI's start-up is most of a command's cost); the error
  // codes test runs the /usr/bin/aws executable itself.
  const run = (service: string, args: string[]): Promise<CliRun> => session.run([service, ...args, '--endpoint-url', em.url, '--output', 'json'], { env, cwd: dir });
  const sns = (...args: string[]) => run('sns', args);
  const ok = async (...args: string[]) => {
    const r = await sns(...args);
    expect(r.code, r.stderr).toBe(0);
    return r.json();
  };
  const receive = async (queue: string) => {
    await em.eph.internals.snsDeliveries.idle();
    const r = await run('sqs', ['receive-message', '--queue-url', `${em.url}/000000000000/${queue}`, '--max-number-of-messages', '10', '--message-attribute-names', 'All', '--attribute-names', 'All']);
    expect(r.code, r.stderr).toBe(0);
    return (r.json().Messages ?? []) as Array<Record<string, any>>;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ephemera-sns-cli-'));
    env = awsCliEnv(dir);
    session = awsCliSession();
    em = await startEmulator(fixture('templates/sqs-queues.yaml'));
  });
  afterAll(async () => {
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (em) await em.stop(); // no functions in this template: no worker processes
  });

  it('manages topics: create, attributes, tags, list, delete', async () => {
    expect((await ok('create-topic', '--name', 'cli-topic', '--attributes', 'DisplayName=CLI', '--tags', 'Key=team,Value=a')).TopicArn).toBe(`${TOPIC}:cli-topic`);
    await ok('set-topic-attributes', '--topic-arn', `${TOPIC}:cli-topic`, '--attribute-name', 'TracingConfig', '--attribute-value', 'Active');
    const attrs = (await ok('get-topic-attributes', '--topic-arn', `${TOPIC}:cli-topic`)).Attributes;
    expect(attrs).toMatchObject({ DisplayName: 'CLI', TracingConfig: 'Active', TopicArn: `${TOPIC}:cli-topic`, SubscriptionsPending: '0' });
    expect(JSON.parse(attrs.Policy).Statement[0].Resource).toBe(`${TOPIC}:cli-topic`);
    expect((await ok('list-tags-for-resource', '--resource-arn', `${TOPIC}:cli-topic`)).Tags).toEqual([{ Key: 'team', Value: 'a' }]);
    expect((await ok('list-topics')).Topics).toContainEqual({ TopicArn: `${TOPIC}:cli-topic` });
    await ok('delete-topic', '--topic-arn', `${TOPIC}:cli-topic`);
    const gone = await sns('get-topic-attributes', '--topic-arn', `${TOPIC}:cli-topic`);
    expect(gone.code).toBe(254);
    expect(gone.stderr).toContain('An error occurred (NotFound) when calling the GetTopicAttributes operation');
    expect(gone.stderr).toContain('Topic does not exist');
  });

  it('subscribes queues and publishes: envelope, raw with attributes, filter policy, a batch', async () => {
    const topic = (await ok('create-topic', '--name', 'cli-fanout')).TopicArn;
    for (const q of ['cli-env', 'cli-raw']) expect((await run('sqs', ['create-queue', '--queue-name', q])).code).toBe(0);
    const env = (await ok('subscribe', '--topic-arn', topic, '--protocol', 'sqs', '--notification-endpoint', 'arn:aws:sqs:us-east-1:000000000000:cli-env')).SubscriptionArn;
    expect(env).toMatch(new RegExp(`^${topic}:[0-9a-f-]{36}$`));
    await ok('subscribe', '--topic-arn', topic, '--protocol', 'sqs', '--notification-endpoint', 'arn:aws:sqs:us-east-1:000000000000:cli-raw',
      '--attributes', JSON.stringify({ RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ colour: ['red', { prefix: 'bl' }] }) }), '--return-subscription-arn');
    const subs = (await ok('list-subscriptions-by-topic', '--topic-arn', topic)).Subscriptions;
    expect(subs.map((s: Record<string, string>) => s.Endpoint).sort()).toEqual(['arn:aws:sqs:us-east-1:000000000000:cli-env', 'arn:aws:sqs:us-east-1:000000000000:cli-raw']);
    const published = await ok('publish', '--topic-arn', topic, '--message', 'blue one', '--subject', 'Colours',
      '--message-attributes', JSON.stringify({ colour: { DataType: 'String', StringValue: 'blue' }, n: { DataType: 'Number', StringValue: '7' } }));
    expect(published.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const batch = await ok('publish-batch', '--topic-arn', topic, '--publish-batch-request-entries', JSON.stringify([
      { Id: 'g', Message: 'green', MessageAttributes: { colour: { DataType: 'String', StringValue: 'green' } } },
      { Id: 'r', Message: 'red', MessageAttributes: { colour: { DataType: 'String', StringValue: 'red' } } },
    ]));
    expect(batch.Successful.map((s: Record<string, string>) => s.Id)).toEqual(['g', 'r']);
    expect(batch.Failed).toEqual([]);
    const enveloped = await receive('cli-env');
    expect(enveloped.map((m) => JSON.parse(m.Body).Message)).toEqual(['blue one', 'green', 'red']);
    expect(JSON.parse(enveloped[0].Body)).toMatchObject({ Subject: 'Colours', MessageAttributes: { n: { Type: 'Number', Value: '7' } } });
    const raw = await receive('cli-raw');
    expect(raw.map((m) => m.Body)).toEqual(['blue one', 'red']);
    expect(raw[0].MessageAttributes).toEqual({ colour: { StringValue: 'blue', DataType: 'String' }, n: { StringValue: '7', DataType: 'Number' } });
    await ok('unsubscribe', '--subscription-arn', env);
    expect((await ok('list-subscriptions-by-topic', '--topic-arn', topic)).Subscriptions.map((s: Record<string, string>) => s.SubscriptionArn)).not.toContain(env);
  });

  it('a FIFO topic: sequence numbers, in order to a FIFO queue, duplicates dropped', async () => {
    const topic = (await ok('create-topic', '--name', 'cli.fifo', '--attributes', 'FifoTopic=true,ContentBasedDeduplication=true')).TopicArn;
    expect((await run('sqs', ['create-queue', '--queue-name', 'cli-q.fifo', '--attributes', 'FifoQueue=true'])).code).toBe(0);
    await ok('subscribe', '--topic-arn', topic, '--protocol', 'sqs', '--notification-endpoint', 'arn:aws:sqs:us-east-1:000000000000:cli-q.fifo', '--attributes', 'RawMessageDelivery=true');
    const seq: string[] = [];
    for (const m of ['one', 'two', 'one']) seq.push((await ok('publish', '--topic-arn', topic, '--message', m, '--message-group-id', 'g')).SequenceNumber);
    expect(seq[2]).toBe(seq[0]);
    expect(BigInt(seq[1])).toBe(BigInt(seq[0]) + 1n);
    const got = await receive('cli-q.fifo');
    expect(got.map((m) => [m.Body, m.Attributes.MessageGroupId])).toEqual([['one', 'g'], ['two', 'g']]);
    const noGroup = await sns('publish', '--topic-arn', topic, '--message', 'x');
    expect(noGroup.code).toBe(254);
    expect(noGroup.stderr).toContain('An error occurred (InvalidParameter) when calling the Publish operation');
    expect(noGroup.stderr).toContain('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
  });

  it('answers AWS\'s error codes (the executable)', async () => {
    const topic = (await ok('create-topic', '--name', 'cli-errors')).TopicArn;
    const cases: Array<[string[], string, string]> = [
      [['publish', '--topic-arn', 'nope', '--message', 'm'], 'InvalidParameter', 'Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1'],
      [['publish', '--topic-arn', topic, '--message', 'm', '--message-attributes', '{"a":{"DataType":"Int","StringValue":"1"}}'], 'ParameterValueInvalid',
        "The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."],
      [['list-tags-for-resource', '--resource-arn', `${topic}-gone`], 'ResourceNotFound', 'Resource does not exist'],
    ];
    for (const [args, code, message] of cases) {
      const r = await runAwsCli(['sns', ...args, '--endpoint-url', em.url, '--output', 'json'], { env, cwd: dir });
      expect(r.code, args.join(' ')).toBe(254);
      expect(r.stderr).toContain(`An error occurred (${code})`);
      expect(r.stderr).toContain(message);
    }
  });
});
