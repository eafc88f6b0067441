// A client that gives up on a long poll (closes its connection) must not leave a message hidden: the
// abandoned ReceiveMessage ends without taking what arrives afterwards. Real sockets, both protocols.
import { request } from 'node:http';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

let em: TestEmulator;
let sqs: SQSClient;
beforeAll(async () => {
  em = await startEmulator(fixture('templates/sqs-queues.yaml'), { isolation: 'process' });
  sqs = new SQSClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
});
afterAll(async () => {
  sqs?.destroy();
  // No function runs here, so there is no worker process to check for.
  await em.eph.close();
});

/** Start a 20 s long poll with raw HTTP and abandon it after 200 ms. */
async function abandonLongPoll(headers: Record<string, string>, body: string): Promise<void> {
  const req = request(`${em.url}/`, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } });
  req.on('error', () => {});
  req.end(body);
  await new Promise((r) => setTimeout(r, 200));
  req.destroy();
  await new Promise((r) => setTimeout(r, 100));
}

it.each(['json', 'query'])('an abandoned %s long poll takes nothing sent after the client left', async (protocol) => {
  const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `abandoned-${protocol}` }))).QueueUrl!;
  if (protocol === 'json') {
    await abandonLongPoll({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' }, JSON.stringify({ QueueUrl, WaitTimeSeconds: 20 }));
  } else {
    await abandonLongPoll({ 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ Action: 'ReceiveMessage', Version: '2012-11-05', QueueUrl, WaitTimeSeconds: '20' }).toString());
  }
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'after the client left' }));
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
  expect(Messages.map((m) => m.MessageId)).toEqual([sent.MessageId]);
});
