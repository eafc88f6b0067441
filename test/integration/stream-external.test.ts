// External stream sources: a second real emulator is the Kinesis / DynamoDB Streams endpoint
// (--kinesis-endpoint, --dynamodbstreams-endpoint); the consumer's mappings read it through the AWS SDK.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

let source: TestEmulator;
let consumer: TestEmulator;
const KINESIS = 'arn:aws:kinesis:us-east-1:000000000000:stream/ordered';
const DDB = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/1970-01-01T00:00:00.000';

const records = () => consumer.lines.filter((l) => l.fn === 'remote-consumer' && l.text.includes('\tEVENT '))
  .flatMap((l) => (JSON.parse(l.text.slice(l.text.indexOf('\tEVENT ') + 7)) as { Records: Record<string, any>[] }).Records);

beforeAll(async () => {
  source = await startEmulator(fixture('templates/streams.yaml'), { timeScale: 0.05 });
  consumer = await startEmulator(fixture('templates/stream-external.yaml'), { timeScale: 0.05, kinesisEndpoint: source.url, dynamodbstreamsEndpoint: source.url });
});
afterAll(async () => {
  expect(await consumer.stopChecked()).toEqual([]);
  await source.stop();
});

it('a mapping reads a Kinesis stream of another endpoint, in order per shard', async () => {
  expect(consumer.eph.internals.streams.embedded(KINESIS)).toBeUndefined();
  const sent = Array.from({ length: 12 }, (_, i) => source.eph.internals.streams.kinesisByName('ordered')!.put(`k${i % 3}`, Buffer.from(`x${i}`)));
  await consumer.eph.internals.esm.create({ FunctionName: 'remote-consumer', EventSourceArn: KINESIS, StartingPosition: 'TRIM_HORIZON', BatchSize: 5 });
  await waitFor(() => records().filter((r) => r.kinesis).length >= 12, 15_000);
  const got = records().filter((r) => r.kinesis);
  for (const shard of new Set(sent.map((s) => s.shardId))) {
    expect(got.filter((r) => r.eventID.startsWith(`${shard}:`)).map((r) => r.kinesis.sequenceNumber))
      .toEqual(sent.filter((s) => s.shardId === shard).map((s) => s.sequenceNumber));
  }
  expect(got[0]).toMatchObject({ eventSource: 'aws:kinesis', eventSourceARN: KINESIS });
});

it('a mapping reads a DynamoDB stream of another endpoint in AWS shape', async () => {
  await consumer.eph.internals.esm.create({ FunctionName: 'remote-consumer', EventSourceArn: DDB, StartingPosition: 'TRIM_HORIZON' });
  const res = await fetch(`${source.url}/_ephemera/dynamodb/orders/records`, {
    method: 'POST', body: JSON.stringify({ eventName: 'INSERT', Keys: { id: { S: 'r1' } }, NewImage: { id: { S: 'r1' }, blob: { B: 'AAEC' } } }),
  });
  expect(res.status).toBe(200);
  const [r] = await waitFor(() => { const l = records().filter((x) => x.dynamodb); return l.length > 0 && l; }, 15_000);
  expect(r).toMatchObject({
    eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', eventSourceARN: DDB,
    dynamodb: { Keys: { id: { S: 'r1' } }, NewImage: { id: { S: 'r1' }, blob: { B: 'AAEC' } }, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
});
