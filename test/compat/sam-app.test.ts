// One SAM application end to end (fixtures/templates/sam-app.yaml), driven by the AWS SDK v3 and
// Debian's aws CLI, on real worker processes: a schedule fires as the clock moves; a function puts an
// event with its own SDK client; the EventBridge rule it matches publishes to an SNS topic, which fans
// out to a function, to a queue another function consumes (an event source mapping), to a function that
// fails (Lambda's retry a minute later on the clock, then its OnFailure queue) and to a function that is
// not deployed (the subscription's dead-letter queue).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type Message, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, loggedEvents, startEmulator, waitFor, type TestEmulator } from '../helpers/emulator.ts';
import { receiveAtLeast } from '../helpers/sqs-esm.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { awsCliEnv, runAwsCli } from './helpers.ts';

const clock = new ManualClock({ realTime: true });
const cliHome = mkdtempSync(join(tmpdir(), 'ephemera-sam-app-cli-'));
let em: TestEmulator;
let lambda: LambdaClient;
let sqs: SQSClient;

beforeAll(async () => {
  em = await startEmulator(fixture('templates/sam-app.yaml'), { isolation: 'process' }, { clock });
  const config = { endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  lambda = new LambdaClient(config);
  sqs = new SQSClient(config);
});
afterAll(async () => {
  lambda?.destroy();
  sqs?.destroy();
  expect(await em.stopChecked()).toEqual([]);
  clock.stop();
  rmSync(cliHome, { recursive: true, force: true });
});

const logged = (fn: string): any[] => loggedEvents(em, fn);
/** The SNS messages a subscribed function was handed, parsed. */
const snsMessages = (fn: string): unknown[] => logged(fn).flatMap((e) => e.Records.map((r: any) => JSON.parse(r.Sns.Message)));
const starts = (fn: string): number => em.lines.filter((l) => l.fn === fn && l.text.startsWith('START RequestId:')).length;

const receive = (queue: string, count: number): Promise<Message[]> => receiveAtLeast(sqs, em, queue, count);

describe('a SAM application with a schedule, EventBridge and SNS', () => {
  it('fires the schedule when the clock moves five minutes on', async () => {
    expect(logged('app-heartbeat')).toEqual([]);
    await clock.advance(5 * 60_000);
    await waitFor(() => logged('app-heartbeat').length === 1, 15_000);
    expect(logged('app-heartbeat')).toEqual([{ beat: true }]);
  });

  it('carries an event a function puts through the rule and the topic to every subscriber, with retries and dead letters', async () => {
    const put = await lambda.send(new InvokeCommand({
      FunctionName: 'app-checkout',
      Payload: JSON.stringify({ source: 'app.shop', detailType: 'OrderPlaced', detail: { order: 1, total: 42 } }),
    }));
    expect(put.FunctionError).toBeUndefined();
    expect(JSON.parse(new TextDecoder().decode(put.Payload))).toMatchObject({ failed: 0 });

    // The topic's function subscriber gets SNS's event, the rule's InputPath ($.detail) as the message.
    await waitFor(() => snsMessages('app-notify').length === 1, 15_000);
    expect(snsMessages('app-notify')).toEqual([{ order: 1, total: 42 }]);
    expect(logged('app-notify')[0].Records[0]).toMatchObject({ EventSource: 'aws:sns', Sns: { Type: 'Notification', TopicArn: 'arn:aws:sns:us-east-1:000000000000:app-orders' } });

    // The queue subscriber (raw delivery) is drained by its event source mapping into another function.
    await waitFor(() => logged('app-shipper').length >= 1, 15_000);
    const record = logged('app-shipper')[0].Records[0];
    expect(record).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:app-shipping' });
    expect(JSON.parse(record.body)).toEqual({ order: 1, total: 42 });

    // The failing subscriber: Lambda retries it a minute later (on the clock), then its OnFailure queue.
    await waitFor(() => starts('app-flaky') === 1, 15_000);
    await waitFor(async () => starts('app-flaky') === 2 || (await clock.advance(60_000), false), 20_000, 500);
    const [failure] = await receive('app-failed-notices', 1);
    expect(JSON.parse(failure.Body!)).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 2 },
      responsePayload: { errorType: 'MyError' },
    });

    // The subscription to a function that is not deployed: SNS's client error, the subscription's DLQ.
    const [undelivered] = await receive('app-undelivered', 1);
    expect(JSON.parse(undelivered.Body!)).toMatchObject({ Type: 'Notification', Message: JSON.stringify({ order: 1, total: 42 }) });
  });

  it('takes events and messages from the aws CLI: put-events matches the rule, publish reaches the subscribers', async () => {
    const env = awsCliEnv(cliHome);
    const base = ['--endpoint-url', em.url, '--output', 'json'];
    const entries = JSON.stringify([{ Source: 'app.shop', DetailType: 'OrderPlaced', Detail: JSON.stringify({ order: 2 }) }]);
    const put = await runAwsCli(['events', 'put-events', '--entries', entries, ...base], { env, cwd: cliHome });
    expect(put.stderr).toBe('');
    expect(put.json()).toMatchObject({ FailedEntryCount: 0 });
    const published = await runAwsCli(['sns', 'publish', '--topic-arn', 'arn:aws:sns:us-east-1:000000000000:app-orders', '--message', '{"order":3}', ...base], { env, cwd: cliHome });
    expect(published.stderr).toBe('');
    expect(published.json().MessageId).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => snsMessages('app-notify').length === 3, 15_000);
    expect(snsMessages('app-notify').slice(1)).toEqual(expect.arrayContaining([{ order: 2 }, { order: 3 }]));
    // The queue's subscriber got all three (the first test's one and these two), whatever the batching.
    const shipped = (): unknown[] => logged('app-shipper').flatMap((e) => e.Records.map((r: any) => JSON.parse(r.body)));
    await waitFor(() => shipped().length >= 3, 20_000).catch(() => undefined);
    expect(shipped()).toEqual(expect.arrayContaining([{ order: 1, total: 42 }, { order: 2 }, { order: 3 }]));
    expect(shipped()).toHaveLength(3);
  });
});
