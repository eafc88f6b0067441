// The shop's integration tests: real AWS SDK calls against ephemera (AWS_ENDPOINT_URL), observing
// results the way they would be observed on AWS: answers, queues, dead-letter queues and streams.
// Run: AWS_ENDPOINT_URL=http://127.0.0.1:3001 node --test (or npm test)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { awsClients, destroyClients, notify, placeOrder, quote, trackClick } from '../src/shop.mjs';

let aws;
before(async () => {
  aws = awsClients();
  await emulatorReady();
});
after(() => destroyClients(aws));

/**
 * Waits (bounded) until ephemera answers its health check: docker compose starts this service once the
 * image's HEALTHCHECK passes, but podman-compose 1.0 ignores `condition: service_healthy`.
 */
async function emulatorReady(timeoutMs = 60_000) {
  const url = `${process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:3001'}/_ephemera/health`;
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`ephemera did not answer ${url} within ${timeoutMs} ms`);
}

/** Long-poll a queue until a message satisfies `match` (bounded). */
async function receive(queue, match, timeoutMs = 20_000) {
  const { QueueUrl } = await aws.sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const { Messages = [] } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }));
    const found = Messages.map((m) => JSON.parse(m.Body)).find(match);
    if (found) return found;
  }
  throw new Error(`no matching message on ${queue} within ${timeoutMs} ms`);
}

describe('the shop', () => {
  it('prices an order with the quote function', async () => {
    assert.deepEqual(await quote(aws, { items: [{ sku: 'apple', qty: 4 }, { sku: 'coffee', qty: 1 }] }), { total: 9.9, currency: 'EUR' });
    await assert.rejects(quote(aws, { items: [{ sku: 'caviar', qty: 1 }] }), /unknown sku caviar/);
  });

  it('notifies asynchronously; the result arrives on the notifications queue', async () => {
    assert.equal(await notify(aws, 'ada', 'your order shipped'), 202);
    const record = await receive('notifications', (m) => m.responsePayload?.customer === 'ada');
    assert.equal(record.requestContext.condition, 'Success');
    assert.deepEqual(record.requestPayload, { customer: 'ada', text: 'your order shipped' });
  });

  it('fulfils queued orders; an order without items ends up in the dead-letter queue', async () => {
    const id = `o-${Date.now()}`;
    await placeOrder(aws, { id: `${id}-good`, items: [{ sku: 'bread', qty: 1 }] });
    await placeOrder(aws, { id: `${id}-empty`, items: [] });
    const dead = await receive('orders-dlq', (m) => m.id === `${id}-empty`);
    assert.deepEqual(dead.items, []);
    // The good order was consumed: nothing is left on the queue, visible or in flight.
    const { QueueUrl } = await aws.sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
    const left = async () => {
      const { Attributes } = await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
    };
    for (let i = 0; i < 100 && (await left()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await left(), 0);
  });

  it('tracks clicks on the stream; a malformed one goes to the failure queue', async () => {
    const page = `/products/${Date.now()}`;
    const seq = await trackClick(aws, { user: 'ada', page });
    const { Shards } = await aws.kinesis.send(new ListShardsCommand({ StreamName: 'clicks' }));
    const { ShardIterator } = await aws.kinesis.send(new GetShardIteratorCommand({
      StreamName: 'clicks', ShardId: Shards[0].ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: seq,
    }));
    const { Records } = await aws.kinesis.send(new GetRecordsCommand({ ShardIterator }));
    assert.equal(JSON.parse(Buffer.from(Records[0].Data).toString()).page, page);

    await trackClick(aws, 'not json');
    const failure = await receive('click-failures', (m) => m.requestContext?.condition === 'RetryAttemptsExhausted');
    assert.equal(failure.KinesisBatchInfo.batchSize, 1);
    assert.equal(failure.KinesisBatchInfo.streamArn.endsWith(':stream/clicks'), true);
  });
});
