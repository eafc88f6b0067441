// An event that outlives MaximumEventAgeInSeconds (60 s, the minimum AWS allows) ends with
// EventAgeExceeded. Lambda's own retry back-off runs unscaled on a clock the test moves: once the first
// attempt failed and its retry is due in 60 s, the test skips the minute, and the retry finds the event
// expired (no second attempt).
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixture, startEmulator, waitFor, type TestEmulator } from '../helpers/emulator.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

let em: TestEmulator;
let sqs: SQSClient;
const clock = new ManualClock({ realTime: true });

beforeAll(async () => {
  em = await startEmulator(fixture('templates/destinations.yaml'), { isolation: 'process', timeScale: 1 }, { clock });
  sqs = new SQSClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(async () => {
  sqs?.destroy();
  expect(await em.stopChecked()).toEqual([]);
  clock.stop();
});

it('ends an expired event with EventAgeExceeded after one attempt', async () => {
  const res = await em.invoke('dest-aged', { why: 'old' }, { headers: { 'X-Amz-Invocation-Type': 'Event' } });
  const rid = res.headers.get('x-amzn-requestid')!;
  // The first attempt failed: Lambda's first retry is due a minute later.
  await waitFor(() => clock.waits().includes(60_000), 10_000);
  expect(em.lines.filter((l) => l.fn === 'dest-aged' && l.text.startsWith(`START RequestId: ${rid}`))).toHaveLength(1);
  await clock.advance(60_000);
  const QueueUrl = `${em.url}/000000000000/dest-fail`;
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 10 }));
  const record = Messages.map((m) => JSON.parse(m.Body!)).find((b) => b.requestContext?.requestId === rid);
  expect(record).toMatchObject({
    requestContext: { requestId: rid, condition: 'EventAgeExceeded', approximateInvokeCount: 1 },
    requestPayload: { why: 'old' },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'MyError', errorMessage: 'boom: old' },
  });
  expect(em.lines.filter((l) => l.fn === 'dest-aged' && l.text.startsWith(`START RequestId: ${rid}`))).toHaveLength(1);
});
