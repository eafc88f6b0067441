// A mapping on an external queue (--sqs-endpoint): a second, real emulator plays the external SQS
// endpoint; the first reads it through @aws-sdk/client-sqs over HTTP (GetQueueUrl by the ARN's name
// and account, ReceiveMessage, DeleteMessageBatch), with partial failures and a clean stop.
import { CreateQueueCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';
import { countsOf, depth, queueUrl, seen, sqsClient } from '../helpers/sqs-esm.ts';

let external: TestEmulator;
let em: TestEmulator;
let sqs: SQSClient;
const ARN = 'arn:aws:sqs:us-east-1:000000000000:ext-work';

beforeAll(async () => {
  external = await startEmulator(fixture('templates/core.yaml'));
  sqs = sqsClient(external.url);
  await sqs.send(new CreateQueueCommand({ QueueName: 'ext-work', Attributes: { VisibilityTimeout: '2' } }));
  em = await startEmulator(fixture('templates/sqs.yaml'), { timeScale: 0.05, sqsEndpoint: external.url });
});

afterAll(async () => {
  sqs?.destroy();
  if (em) expect(await em.stopChecked()).toEqual([]);
  await external?.stop();
});

describe('external SQS endpoint', () => {
  it('a mapping on a queue the emulator does not hold reads the external endpoint', async () => {
    const created = await em.eph.internals.esm.create({ FunctionName: 'sqs-partial', EventSourceArn: ARN, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    const url = await queueUrl(sqs, 'ext-work');
    const bodies = ['ext-1', 'ext-2', 'ext-3', 'ext-4'].map((id) => JSON.stringify(id === 'ext-3' ? { id, failUntil: 2 } : { id }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: bodies.map((b, i) => ({ Id: String(i), MessageBody: b })) }));
    await waitFor(async () => countsOf(seen(em, 'ext-'), 'ext-3').includes(2) && (await depth(sqs, url)) === 0, 20_000, 100);
    const all = seen(em, 'ext-');
    for (const id of ['ext-1', 'ext-2', 'ext-4']) expect(countsOf(all, id)).toEqual([1]);
    expect(countsOf(all, 'ext-3')).toEqual([1, 2]);
    const record = em.eph.internals.esm.get(created.config.uuid);
    expect(em.eph.internals.esm.status(record)?.counters?.deleted).toBe(4);
  });

  it('a queue missing on the external endpoint too is refused as AWS does', async () => {
    await expect(em.eph.internals.esm.create({ FunctionName: 'sqs-partial', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:ext-missing' }))
      .rejects.toThrow('Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.');
  });
});
