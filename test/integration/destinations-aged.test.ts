// An event that outlives MaximumEventAgeInSeconds (60 s, the minimum AWS allows) ends with
// EventAgeExceeded. The retry back-off (60 s before the 2nd attempt) runs at --time-scale 1.02, so the
// second attempt comes due at ~61 s, after the event has expired: this file takes about a minute.
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

let em: TestEmulator;
let sqs: SQSClient;

beforeAll(async () => {
  em = await startEmulator(fixture('templates/destinations.yaml'), { isolation: 'process', timeScale: 1.02, keepAlive: 2 });
  sqs = new SQSClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(async () => {
  sqs?.destroy();
  expect(await em.stopChecked()).toEqual([]);
});

it('ends an expired event with EventAgeExceeded after one attempt', async () => {
  const res = await em.invoke('dest-aged', { why: 'old' }, { headers: { 'X-Amz-Invocation-Type': 'Event' } });
  const rid = res.headers.get('x-amzn-requestid')!;
  const QueueUrl = `${em.url}/000000000000/dest-fail`;
  let record: any;
  const until = Date.now() + 75_000;
  while (!record && Date.now() < until) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 10 }));
    record = Messages.map((m) => JSON.parse(m.Body!)).find((b) => b.requestContext?.requestId === rid);
  }
  expect(record).toMatchObject({
    requestContext: { requestId: rid, condition: 'EventAgeExceeded', approximateInvokeCount: 1 },
    requestPayload: { why: 'old' },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'MyError', errorMessage: 'boom: old' },
  });
  expect(em.lines.filter((l) => l.fn === 'dest-aged' && l.text.startsWith(`START RequestId: ${rid}`))).toHaveLength(1);
}, 90_000);
