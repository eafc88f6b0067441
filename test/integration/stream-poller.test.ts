// Stream event source mappings end to end: embedded Kinesis / DynamoDB streams, the stream poller and
// real worker processes (fixtures/functions/stream-poison). Poison records with and without bisect,
// OnFailure records, record age, partial batch failures and checkpoints, order under
// parallelization, tumbling windows, filters and DynamoDB events. --time-scale keeps retries fast.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

const ACCOUNT = '000000000000';
const FAILURES = `arn:aws:sqs:us-east-1:${ACCOUNT}:stream-failures`;
const streamArn = (name: string) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

type Ev = { Records: Record<string, any>[]; [k: string]: any };
let em: TestEmulator;
/** OnFailure records read back from the embedded queue so far. */
let failures: () => Promise<Record<string, any>[]>;

function events(fn: string, arn?: string): Ev[] {
  return em.lines.filter((l) => l.fn === fn && l.text.includes('\tEVENT '))
    .map((l) => JSON.parse(l.text.slice(l.text.indexOf('\tEVENT ') + 7)) as Ev)
    .filter((e) => arn === undefined || e.eventSourceARN === arn || e.Records[0]?.eventSourceARN === arn);
}
const text = (r: Record<string, any>) => Buffer.from(r.kinesis.data, 'base64').toString();
const put = (stream: string, key: string, data: string, arrival?: number) =>
  em.eph.internals.streams.kinesisByName(stream)!.put(key, Buffer.from(data), undefined, arrival);
async function mapping(input: Record<string, unknown>): Promise<string> {
  const r = await em.eph.internals.esm.create({ StartingPosition: 'TRIM_HORIZON', ...input });
  return r.config.uuid;
}
const failuresFor = async (arn: string) => (await failures()).filter((f) => (f.KinesisBatchInfo ?? f.DDBStreamBatchInfo).streamArn === arn);

beforeAll(async () => {
  em = await startEmulator(fixture('templates/streams.yaml'), { timeScale: 0.01 });
  // The OnFailure destination is the template's embedded SQS queue: records are read back from it.
  const queue = em.eph.internals.queues.byArn(FAILURES);
  if (!queue) throw new Error(`the template's queue ${FAILURES} is not there`);
  const seen: Record<string, any>[] = [];
  failures = async () => {
    for (const m of await queue.receive({ maxMessages: 10, waitTimeSeconds: 0 })) {
      seen.push(JSON.parse(m.body));
      await queue.delete([m.receiptHandle]);
    }
    return seen;
  };
});
afterAll(async () => {
  expect(await em.stopChecked()).toEqual([]);
});

describe('a poison record', () => {
  it('without bisect: the whole batch is retried MaximumRetryAttempts times, sent to OnFailure, and the shard moves on', async () => {
    const seqs = Array.from({ length: 10 }, (_, i) => put('no-bisect', 'k', i === 3 ? 'poison' : `r${i}`).sequenceNumber);
    await mapping({ FunctionName: 'stream-consumer', EventSourceArn: streamArn('no-bisect'), BatchSize: 10, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: FAILURES } } });
    const [f] = await waitFor(async () => { const l = await failuresFor(streamArn('no-bisect')); return l.length > 0 && l; }, 20_000);
    const sizes = events('stream-consumer', streamArn('no-bisect')).map((e) => e.Records.length);
    console.log(`no bisect, MaximumRetryAttempts 2: ${sizes.length} invocations, batch sizes ${sizes.join(',')}`);
    expect(sizes).toEqual([10, 10, 10]); // the first attempt and two retries, whole batch each time
    expect(f).toMatchObject({
      requestContext: { functionArn: fnArn('stream-consumer'), condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      KinesisBatchInfo: { shardId: 'shardId-000000000000', startSequenceNumber: seqs[0], endSequenceNumber: seqs[9], batchSize: 10, streamArn: streamArn('no-bisect') },
    });
    put('no-bisect', 'k', 'after');
    await waitFor(() => events('stream-consumer', streamArn('no-bisect')).some((e) => e.Records.some((r) => text(r) === 'after')), 10_000);
  });

  it('with bisect: halves until the poison record is alone, only it goes to OnFailure', async () => {
    const seqs = Array.from({ length: 10 }, (_, i) => put('bisect', 'k', i === 3 ? 'poison' : `r${i}`).sequenceNumber);
    await mapping({ FunctionName: 'stream-consumer', EventSourceArn: streamArn('bisect'), BatchSize: 10, MaximumRetryAttempts: 0, BisectBatchOnFunctionError: true, DestinationConfig: { OnFailure: { Destination: FAILURES } } });
    // Done when the second half (r5…r9) has been invoked on its own.
    await waitFor(() => events('stream-consumer', streamArn('bisect')).some((e) => text(e.Records[0]) === 'r5'), 20_000);
    const batches = events('stream-consumer', streamArn('bisect')).map((e) => e.Records.map(text));
    console.log(`bisect, MaximumRetryAttempts 0: ${batches.length} invocations, batch sizes ${batches.map((b) => b.length).join(',')}`);
    expect(batches.map((b) => b.length)).toEqual([10, 5, 3, 2, 1, 1, 5]);
    // Every good record is delivered successfully exactly once, in order.
    const delivered = [batches[2], batches[5], batches[6]].flat();
    expect(delivered).toEqual(['r0', 'r1', 'r2', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
    const [f] = await waitFor(async () => { const l = await failuresFor(streamArn('bisect')); return l.length > 0 && l; }, 5000);
    expect(f.KinesisBatchInfo).toMatchObject({ startSequenceNumber: seqs[3], endSequenceNumber: seqs[3], batchSize: 1 });
    expect(f.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 });
  });
});

it('records older than MaximumRecordAgeInSeconds go to OnFailure as RecordAgeExceeded (no responseContext)', async () => {
  const old = put('aged', 'k', 'poison', Date.now() - 59_000);
  const uuid = await mapping({ FunctionName: 'stream-consumer', EventSourceArn: streamArn('aged'), MaximumRecordAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: FAILURES } } });
  await waitFor(() => events('stream-consumer', streamArn('aged')).length > 0, 10_000);
  put('aged', 'k', 'fresh');
  const [f] = await waitFor(async () => { const l = await failuresFor(streamArn('aged')); return l.length > 0 && l; }, 15_000);
  expect(f.requestContext.condition).toBe('RecordAgeExceeded');
  expect(f).not.toHaveProperty('responseContext');
  expect(f.KinesisBatchInfo).toMatchObject({ startSequenceNumber: old.sequenceNumber, batchSize: 1 });
  await waitFor(() => events('stream-consumer', streamArn('aged')).some((e) => e.Records.some((r) => text(r) === 'fresh')), 10_000);
  const status = em.eph.internals.esm.get(uuid).poller!.status();
  expect(status.counters).toMatchObject({ recordAgeExceeded: 1 });
  expect(status.counters!.maxIteratorAgeMs).toBeGreaterThanOrEqual(59_000);
});

it('ReportBatchItemFailures checkpoints before the lowest failed record; a disabled and re-enabled mapping resumes at its checkpoint', async () => {
  const arn = streamArn('partial');
  for (let i = 0; i < 6; i++) put('partial', 'k', i === 2 ? 'poison' : `r${i}`);
  const uuid = await mapping({ FunctionName: 'stream-partial', EventSourceArn: arn, BatchSize: 10, MaximumRetryAttempts: 1, FunctionResponseTypes: ['ReportBatchItemFailures'], DestinationConfig: { OnFailure: { Destination: FAILURES } } });
  const [f] = await waitFor(async () => { const l = await failuresFor(arn); return l.length > 0 && l; }, 15_000);
  expect(events('stream-partial', arn).map((e) => e.Records.map(text))).toEqual([
    ['r0', 'r1', 'poison', 'r3', 'r4', 'r5'],
    ['poison', 'r3', 'r4', 'r5'],
  ]);
  expect(f.KinesisBatchInfo.batchSize).toBe(4);
  expect(f.responseContext.functionError).toBeNull();
  expect(em.eph.internals.esm.get(uuid).poller!.status().lastProcessingResult).toBe('PROBLEM: Function call failed');

  await em.eph.internals.esm.update(uuid, { Enabled: false });
  await waitFor(() => em.eph.internals.esm.get(uuid).state === 'Disabled' && !em.eph.internals.esm.get(uuid).poller, 5000);
  put('partial', 'k', 'while-disabled');
  await em.eph.internals.esm.update(uuid, { Enabled: true });
  await waitFor(() => events('stream-partial', arn).length === 3, 10_000);
  expect(events('stream-partial', arn)[2].Records.map(text)).toEqual(['while-disabled']);
  expect(em.eph.internals.esm.get(uuid).poller!.status().lastProcessingResult).toBe('OK');
});

it('ParallelizationFactor: batches never mix shards, order holds per shard lane and per partition key', async () => {
  const arn = streamArn('ordered');
  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const total = 80;
  for (let i = 0; i < total; i++) put('ordered', keys[i % keys.length], `${keys[i % keys.length]}:${Math.floor(i / keys.length)}`);
  await mapping({ FunctionName: 'stream-consumer', EventSourceArn: arn, BatchSize: 4, ParallelizationFactor: 4 });
  await waitFor(() => events('stream-consumer', arn).reduce((n, e) => n + e.Records.length, 0) >= total, 20_000);
  const evs = events('stream-consumer', arn);
  const perKey = new Map<string, number[]>();
  for (const e of evs) {
    const shards = new Set(e.Records.map((r) => r.eventID.split(':')[0]));
    expect(shards.size).toBe(1);
    const seqs = e.Records.map((r) => BigInt(r.kinesis.sequenceNumber));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i] > seqs[i - 1]).toBe(true);
    for (const r of e.Records) {
      const [k, n] = text(r).split(':');
      perKey.set(k, [...(perKey.get(k) ?? []), Number(n)]);
    }
  }
  expect([...perKey.keys()].sort()).toEqual(keys);
  for (const list of perKey.values()) expect(list).toEqual(Array.from({ length: total / keys.length }, (_, i) => i));
  console.log(`parallelization 4 over 3 shards: ${evs.length} batches for ${total} records`);
});

it('tumbling windows carry state between invocations and end with a final invoke', async () => {
  const arn = streamArn('windows');
  // Start just after a 2 s boundary so the records share one window.
  await new Promise((r) => setTimeout(r, 2000 - (Date.now() % 2000) + 20));
  for (let i = 0; i < 5; i++) put('windows', 'k', `w${i}`);
  await mapping({ FunctionName: 'stream-window', EventSourceArn: arn, BatchSize: 2, TumblingWindowInSeconds: 2 });
  await waitFor(() => events('stream-window', arn).some((e) => e.isFinalInvokeForWindow), 15_000);
  const evs = events('stream-window', arn);
  expect(evs.map((e) => e.Records.length)).toEqual([2, 2, 1, 0]);
  expect(evs.map((e) => e.state.count ?? 0)).toEqual([0, 2, 4, 5]);
  expect(evs.at(-1)!.state.data).toBe('w0,w1,w2,w3,w4');
  const w = evs[0].window;
  expect(Date.parse(w.end) - Date.parse(w.start)).toBe(2000);
  expect(w.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  for (const e of evs) {
    expect(e).toMatchObject({ window: w, shardId: 'shardId-000000000000', eventSourceARN: arn, isWindowTerminatedEarly: false });
    expect(e.isFinalInvokeForWindow).toBe(e.Records.length === 0);
  }
});

it('FilterCriteria: records that do not match are skipped', async () => {
  const arn = streamArn('filtered');
  put('filtered', 'k', JSON.stringify({ kind: 'skip', n: 1 }));
  put('filtered', 'k', JSON.stringify({ kind: 'keep', n: 2 }));
  put('filtered', 'k', 'plain text');
  put('filtered', 'k', JSON.stringify({ kind: 'keep', n: 4 }));
  const uuid = await mapping({ FunctionName: 'stream-consumer', EventSourceArn: arn, FilterCriteria: { Filters: [{ Pattern: '{"data":{"kind":["keep"]}}' }] } });
  await waitFor(() => em.eph.internals.esm.get(uuid).poller?.status().counters?.filteredOut === 2, 10_000);
  await waitFor(() => events('stream-consumer', arn).flatMap((e) => e.Records).length === 2, 10_000);
  expect(events('stream-consumer', arn).flatMap((e) => e.Records.map((r) => JSON.parse(text(r)).n))).toEqual([2, 4]);
});

describe('DynamoDB streams', () => {
  it('records posted to /_ephemera/dynamodb/<table>/records reach the template mapping in AWS shape', async () => {
    const post = (body: unknown) => fetch(`${em.url}/_ephemera/dynamodb/orders/records`, { method: 'POST', body: JSON.stringify(body) });
    const res = await post([
      { eventName: 'INSERT', Keys: { id: { S: 'o1' } }, NewImage: { id: { S: 'o1' }, total: { N: '5' } } },
      { eventName: 'MODIFY', Keys: { id: { S: 'o1' } }, OldImage: { id: { S: 'o1' }, total: { N: '5' } }, NewImage: { id: { S: 'o1' }, total: { N: '7' } } },
      { eventName: 'REMOVE', Keys: { id: { S: 'o1' } }, OldImage: { id: { S: 'o1' }, total: { N: '7' } } },
    ]);
    expect(res.status).toBe(200);
    const { streamArn: arn, records } = (await res.json()) as { streamArn: string; records: { sequenceNumber: string; eventID: string }[] };
    expect(arn).toBe(`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders/stream/1970-01-01T00:00:00.000`);
    await waitFor(() => events('stream-templated', arn).flatMap((e) => e.Records).length >= 3, 10_000);
    const got = events('stream-templated', arn).flatMap((e) => e.Records);
    expect(got.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(got[1]).toEqual({
      eventID: records[1].eventID, eventName: 'MODIFY', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number), Keys: { id: { S: 'o1' } },
        NewImage: { id: { S: 'o1' }, total: { N: '7' } }, OldImage: { id: { S: 'o1' }, total: { N: '5' } },
        SequenceNumber: records[1].sequenceNumber, SizeBytes: 24, StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: arn,
    });
    expect((await post({ eventName: 'INSERT', Keys: {} })).status).toBe(400);
    expect((await fetch(`${em.url}/_ephemera/dynamodb/nope/records`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('a KEYS_ONLY table stream sends keys only', async () => {
    const arn = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/KeysOnly/stream/1970-01-01T00:00:00.000`;
    await mapping({ FunctionName: 'stream-consumer', EventSourceArn: arn, StartingPosition: 'LATEST' });
    await new Promise((r) => setTimeout(r, 300));
    await fetch(`${em.url}/_ephemera/dynamodb/KeysOnly/records`, { method: 'POST', body: JSON.stringify({ eventName: 'INSERT', Keys: { pk: { S: 'x' } }, NewImage: { pk: { S: 'x' }, v: { N: '1' } } }) });
    const [e] = await waitFor(() => { const l = events('stream-consumer', arn); return l.length > 0 && l; }, 10_000);
    expect(e.Records[0].dynamodb).toEqual({ ApproximateCreationDateTime: expect.any(Number), Keys: { pk: { S: 'x' } }, SequenceNumber: expect.stringMatching(/^\d+$/), SizeBytes: 3, StreamViewType: 'KEYS_ONLY' });
  });
});

it('GET /_ephemera/streams lists every embedded stream with its shards and records', async () => {
  const body = (await (await fetch(`${em.url}/_ephemera/streams`)).json()) as { streams: { name: string; kind: string; shards: number; records: number }[] };
  expect(body.streams).toEqual(expect.arrayContaining([
    expect.objectContaining({ name: 'clicks', kind: 'kinesis', shards: 2, arn: streamArn('clicks') }),
    expect.objectContaining({ name: 'orders', kind: 'dynamodb', shards: 1 }),
  ]));
  expect(body.streams.find((s) => s.name === 'ordered')!.records).toBe(80);
});
