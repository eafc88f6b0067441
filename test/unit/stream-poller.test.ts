// The stream poller against embedded streams and a recording invoker (no processes): what it keeps
// while it runs (no per-poll leftovers, a bounded read-ahead while the function is busy) and stop().
// Tests that need time to pass move a ManualClock through the poller's own waits (unscaled).
import { getEventListeners } from 'node:events';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { EsmConfig, Poller, PollerDeps } from '../../pollers/esm/mapping.ts';
import type { InvokeOutcome, Invoker } from '../../pollers/invoker.ts';
import { EmbeddedDynamoDbStream } from '../../services/dynamodb-streams/embedded-dynamodb-stream.ts';
import { EmbeddedKinesisStream } from '../../services/kinesis/embedded-kinesis.ts';
import { StreamRegistry } from '../../services/streams/stream-registry.ts';
import type { RecordsPage, ShardInfo, Stream, StreamRecord } from '../../services/streams/stream.ts';
import { dynamodbPollerFactory, kinesisPollerFactory } from '../../pollers/stream-poller.ts';
import { type Clock, systemClock } from '../../lib/clock.ts';
import { waitFor } from '../helpers/emulator.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

class RecordingInvoker implements Invoker {
  readonly batches: number[] = [];
  /** Resolves the invoke in progress (set while one is running and `hold` is on). */
  release?: () => void;
  hold = false;
  async invoke(_fn: string, payload: Buffer): Promise<InvokeOutcome> {
    this.batches.push((JSON.parse(payload.toString()) as { Records: unknown[] }).Records.length);
    if (this.hold) await new Promise<void>((r) => { this.release = r; });
    return { requestId: 'r', executedVersion: '$LATEST', payload: Buffer.from('null') };
  }
}

/** A stream that counts what the poller read from it. */
function counting(inner: Stream): Stream & { read: { records: number; bytes: number } } {
  const read = { records: 0, bytes: 0 };
  return {
    arn: inner.arn, name: inner.name, kind: inner.kind, retentionMs: inner.retentionMs, read,
    shards: () => inner.shards(),
    iterator: (shardId, req) => inner.iterator(shardId, req),
    async getRecords(iterator, limit): Promise<RecordsPage> {
      const page = await inner.getRecords(iterator, limit);
      read.records += page.records.length;
      for (const r of page.records) read.bytes += r.data.length;
      return page;
    },
  };
}

const pollers: Poller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});

/** A poller on `clock` (AWS's waits unscaled on a ManualClock, × 0.01 on the system clock). */
function start(stream: Stream, invoker: Invoker, cfg: Partial<EsmConfig> = {}, opts: { clock?: Clock; registry?: StreamRegistry } = {}): Poller {
  const { clock = systemClock, registry } = opts;
  const config: EsmConfig = {
    uuid: `u-${Math.random()}`, kind: stream.kind, eventSourceArn: stream.arn, functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    enabled: true, batchSize: 100, maximumBatchingWindowInSeconds: 0, functionResponseTypes: [], startingPosition: 'TRIM_HORIZON',
    parallelizationFactor: 1, maximumRecordAgeInSeconds: -1, maximumRetryAttempts: -1, bisectBatchOnFunctionError: false, tumblingWindowInSeconds: 0, ...cfg,
  };
  const deps: PollerDeps = {
    invoker, queues: { byArn: () => undefined }, streams: registry ?? { byArn: (arn) => (arn === stream.arn ? stream : undefined) },
    clock, timeScale: clock === systemClock ? 0.01 : 1,
    logger: pino({ level: 'silent' }), region: 'us-east-1', accountId: '000000000000',
  };
  const p = (stream.kind === 'kinesis' ? kinesisPollerFactory : dynamodbPollerFactory)(config, deps);
  pollers.push(p);
  return p;
}

describe('the stream poller', () => {
  it('keeps nothing per idle poll: the stop signal has no listeners piling up (each was ~0.5 KB for the life of the mapping)', async () => {
    const clock = new ManualClock();
    const table = new EmbeddedDynamoDbStream({ table: 'T', region: 'us-east-1', accountId: '000000000000', label: 'L', viewType: 'KEYS_ONLY', clock });
    const invoker = new RecordingInvoker();
    const p = start(table, invoker, {}, { clock });
    table.append({ eventName: 'INSERT', Keys: { id: { S: '1' } } });
    await clock.advanceUntil(() => invoker.batches.length === 1, { within: 5000 });
    await clock.advance(100_000); // 400 idle polls, 4 a second
    const signal = (p as unknown as { abort: AbortController }).abort.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(getEventListeners(signal, 'abort').length).toBeLessThanOrEqual(2);
    await p.stop();
    expect(getEventListeners(signal, 'abort').length).toBe(0);
  });

  it('reads at most about 10 MiB per GetRecords and does not read far ahead of a busy function', async () => {
    const clock = new ManualClock();
    const stream = new EmbeddedKinesisStream({ name: 'big', region: 'us-east-1', accountId: '000000000000', shardCount: 1, clock });
    const mb = Buffer.alloc(1024 * 1024 - 64, 1);
    for (let i = 0; i < 100; i++) stream.put('k', mb);
    const page = stream.getRecordsSync(stream.iteratorSync('shardId-000000000000', { type: 'TRIM_HORIZON' }), 10_000);
    expect(page.records.length).toBeGreaterThan(0);
    expect(page.records.reduce((n, r) => n + r.data.length, 0)).toBeLessThanOrEqual(10 * 1024 * 1024);
    expect(page.millisBehindLatest).toBeGreaterThan(0);

    const src = counting(stream);
    const invoker = new RecordingInvoker();
    invoker.hold = true;
    start(src, invoker, { batchSize: 10 }, { clock });
    await clock.advanceUntil(() => invoker.release !== undefined, { within: 5000 });
    await clock.advance(30_000); // 30 polls while the first batch runs
    // A 6 MB batch in flight and a full next one are enough; 100 MB would be read without a bound.
    expect(src.read.bytes).toBeLessThan(64 * 1024 * 1024);
    invoker.hold = false;
    invoker.release!();
    await clock.advanceUntil(() => invoker.batches.reduce((n, b) => n + b, 0) >= 100, { within: 60_000 });
    expect(src.read.records).toBe(100);
  });

  it('follows resharding: a closed parent is read to its end before its child, and shards that appear later are read', async () => {
    // A stream (like a DynamoDB stream on AWS, whose shards roll over every few hours) that gains a child shard.
    const rec = (seq: number, text: string): StreamRecord => ({ sequenceNumber: String(seq), arrival: Date.now(), partitionKey: 'k', data: Buffer.from(text) });
    const logs: Record<string, StreamRecord[]> = { parent: [rec(1, 'p1'), rec(2, 'p2')], child: [] };
    const closed = new Set(['parent']);
    let list: ShardInfo[] = [{ shardId: 'parent', startingSequenceNumber: '1', endingSequenceNumber: '2' }];
    const stream: Stream = {
      arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/resharded', name: 'resharded', kind: 'kinesis', retentionMs: 86_400_000,
      shards: async () => list,
      iterator: async (shardId) => JSON.stringify({ shardId, at: 0 }),
      async getRecords(iterator): Promise<RecordsPage> {
        const { shardId, at } = JSON.parse(iterator) as { shardId: string; at: number };
        const records = logs[shardId].slice(at);
        const end = at + records.length;
        const done = closed.has(shardId) && end === logs[shardId].length;
        return { records, nextIterator: done ? undefined : JSON.stringify({ shardId, at: end }), millisBehindLatest: 0 };
      },
    };
    const invoker = new RecordingInvoker();
    const texts: string[] = [];
    invoker.invoke = async (_fn, payload) => {
      for (const r of (JSON.parse(payload.toString()) as { Records: { kinesis: { data: string } }[] }).Records) texts.push(Buffer.from(r.kinesis.data, 'base64').toString());
      return { requestId: 'r', executedVersion: '$LATEST', payload: Buffer.from('null') };
    };
    list = [...list, { shardId: 'child', parentShardId: 'parent', startingSequenceNumber: '3' }];
    logs.child.push(rec(3, 'c1'));
    start(stream, invoker);
    await waitFor(() => texts.length === 3, 5000);
    expect(texts).toEqual(['p1', 'p2', 'c1']);
    // The child closes too and a grandchild appears after the poller started.
    closed.add('child');
    logs.grandchild = [rec(4, 'g1')];
    list = [...list, { shardId: 'grandchild', parentShardId: 'child', startingSequenceNumber: '4' }];
    await waitFor(() => texts.length === 4, 5000);
    expect(texts).toEqual(['p1', 'p2', 'c1', 'g1']);
  });

  it('a stream deleted and made again under the same ARN is read again (the mapping kept reading the deleted one)', async () => {
    const reg = new StreamRegistry({ region: 'us-east-1', accountId: '000000000000' });
    const first = reg.createKinesis({ name: 'again', shardCount: 1 });
    const invoker = new RecordingInvoker();
    const texts: string[] = [];
    invoker.invoke = async (_fn, payload) => {
      for (const r of (JSON.parse(payload.toString()) as { Records: { kinesis: { data: string } }[] }).Records) texts.push(Buffer.from(r.kinesis.data, 'base64').toString());
      return { requestId: 'r', executedVersion: '$LATEST', payload: Buffer.from('null') };
    };
    start(first, invoker, {}, { registry: reg });
    first.put('k', Buffer.from('one'));
    await waitFor(() => texts.length === 1, 5000);
    reg.deleteKinesis('again');
    const second = reg.createKinesis({ name: 'again', shardCount: 1 });
    second.put('k', Buffer.from('two'));
    await waitFor(() => texts.length === 2, 5000);
    expect(texts).toEqual(['one', 'two']);
  });
});
