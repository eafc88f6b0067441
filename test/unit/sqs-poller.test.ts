// The SQS poller against an in-memory queue and a recording invoker: event shape, batching (size,
// window, 6 MB cap), deletes per outcome, filters, FIFO blocking, throttle retry, scaling and stop().
// Where time matters (windows, visibility, back-off) the queue and the poller share a ManualClock.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { EsmConfig, Poller, PollerDeps } from '../../pollers/esm/mapping.ts';
import { InvokeFailure, type InvokeOutcome, type Invoker } from '../../pollers/invoker.ts';
import { gatherBatch } from '../../pollers/sqs-batch.ts';
import { createSqsPollerFactory } from '../../pollers/sqs-poller.ts';
import { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';
import { type Clock, systemClock } from '../../lib/clock.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { MemoryQueue } from '../helpers/memory-queue.ts';
import { waitFor } from '../helpers/emulator.ts';

const sqsPollerFactory = createSqsPollerFactory();

type Rec = { messageId: string; body: string; attributes: Record<string, string> };
type Respond = (records: Rec[], call: number) => Partial<InvokeOutcome> | Promise<Partial<InvokeOutcome>> | 'throttle';

class RecordingInvoker implements Invoker {
  readonly calls: Rec[][] = [];
  concurrent = 0;
  maxConcurrent = 0;
  private readonly respond: Respond;
  constructor(respond: Respond = () => ({})) {
    this.respond = respond;
  }
  async invoke(_fn: string, payload: Buffer): Promise<InvokeOutcome> {
    const records = (JSON.parse(payload.toString()) as { Records: Rec[] }).Records;
    this.calls.push(records);
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    try {
      const r = await this.respond(records, this.calls.length);
      if (r === 'throttle') throw new InvokeFailure('throttled', 'Rate Exceeded.');
      return { requestId: 'r', executedVersion: '$LATEST', payload: Buffer.from('null'), ...r };
    } finally {
      this.concurrent--;
    }
  }
  get delivered(): Rec[] {
    return this.calls.flat();
  }
}

const pollers: Poller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});

function start(queue: MemoryQueue, invoker: Invoker, cfg: Partial<EsmConfig> = {}, factory = sqsPollerFactory, clock: Clock = systemClock): Poller {
  const config: EsmConfig = {
    uuid: 'u-1', kind: 'sqs', eventSourceArn: queue.arn, functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    enabled: true, batchSize: 10, maximumBatchingWindowInSeconds: 0, functionResponseTypes: [], parallelizationFactor: 1,
    maximumRecordAgeInSeconds: -1, maximumRetryAttempts: -1, bisectBatchOnFunctionError: false, tumblingWindowInSeconds: 0, ...cfg,
  };
  const deps: PollerDeps = {
    invoker, queues: { byArn: (arn) => (arn === queue.arn ? queue : undefined) }, clock, timeScale: clock === systemClock ? 0.01 : 1,
    logger: pino({ level: 'silent' }), region: 'us-east-1', accountId: '000000000000',
  };
  const p = factory(config, deps);
  pollers.push(p);
  return p;
}

const partial = (pred: (r: Rec) => boolean) => (records: Rec[]) => ({
  payload: Buffer.from(JSON.stringify({ batchItemFailures: records.filter(pred).map((r) => ({ itemIdentifier: r.messageId })) })),
});

describe('the event', () => {
  it('has every record field of AWS SQS events, in order', async () => {
    const queue = new MemoryQueue('shape', 'eu-west-2', '123456789012');
    await queue.send({ body: 'plain' });
    await queue.send({ body: 'with attrs', messageAttributes: { Author: { DataType: 'String', StringValue: 'John' }, Blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2]) } } });
    const inv = new RecordingInvoker();
    start(queue, inv);
    await waitFor(() => inv.delivered.length === 2);
    const [plain, attrs] = inv.delivered as unknown as Record<string, unknown>[];
    expect(Object.keys(plain)).toEqual(['messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfMessageAttributes', 'md5OfBody', 'eventSource', 'eventSourceARN', 'awsRegion']);
    expect(plain).toMatchObject({ body: 'plain', messageAttributes: {}, md5OfMessageAttributes: null, eventSource: 'aws:sqs', eventSourceARN: queue.arn, awsRegion: 'eu-west-2' });
    expect(Object.keys(plain.attributes as object)).toEqual(['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
    expect(attrs.messageAttributes).toEqual({
      Author: { stringValue: 'John', stringListValues: [], binaryListValues: [], dataType: 'String' },
      Blob: { binaryValue: 'AQI=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    expect(attrs.md5OfMessageAttributes).toBe('attrs-md5');
  });
});

describe('batching', () => {
  it('delivers in batches of at most BatchSize and deletes what succeeded', async () => {
    const queue = new MemoryQueue('batches');
    for (let i = 0; i < 25; i++) await queue.send({ body: `m${i}` });
    const inv = new RecordingInvoker();
    start(queue, inv, { batchSize: 10 });
    await waitFor(() => queue.depth === 0);
    expect(inv.delivered.map((r) => r.body).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`).sort());
    expect(inv.calls.every((c) => c.length <= 10)).toBe(true);
  });
  it('gathers more than 10 within the batching window, counted from the first message', async () => {
    const clock = new ManualClock();
    const queue = new MemoryQueue('window', undefined, undefined, clock);
    await queue.send({ body: 'first' });
    let batch: Awaited<ReturnType<typeof gatherBatch>> | undefined;
    void gatherBatch(queue, { batchSize: 30, windowSeconds: 1, eventSourceArn: queue.arn, region: 'us-east-1', signal: new AbortController().signal, clock })
      .then((b) => (batch = b));
    await clock.advance(500);
    for (let i = 0; i < 20; i++) await queue.send({ body: `m${i}` });
    await clock.advance(499);
    expect(batch).toBeUndefined();
    await clock.advance(1);
    expect(batch?.messages).toHaveLength(21);
    expect(batch?.receives).toBeGreaterThan(2);
  });
  it('the poller delivers nothing before the window closes, then everything', async () => {
    const clock = new ManualClock();
    const queue = new MemoryQueue('window', undefined, undefined, clock);
    const inv = new RecordingInvoker();
    start(queue, inv, { batchSize: 30, maximumBatchingWindowInSeconds: 1 }, undefined, clock);
    for (let i = 0; i < 30; i++) await queue.send({ body: `m${i}` });
    await clock.advance(999);
    expect(inv.delivered).toEqual([]);
    await clock.advanceUntil(() => inv.delivered.length === 30, { step: 10, within: 100 });
    expect(Math.max(...inv.calls.map((c) => c.length))).toBeGreaterThan(1);
  });
  it('stops a batch at the payload cap and makes the rest visible again', async () => {
    const queue = new MemoryQueue('cap');
    for (let i = 0; i < 5; i++) await queue.send({ body: 'x'.repeat(1000) });
    const spec = { windowSeconds: 0, eventSourceArn: queue.arn, region: 'us-east-1', signal: new AbortController().signal, clock: systemClock };
    const batch = await gatherBatch(queue, { ...spec, batchSize: 10, payloadCap: 3500 });
    expect(batch.messages.length).toBe(2);
    expect(batch.returned).toBe(3);
    const again = await gatherBatch(queue, { ...spec, batchSize: 10 });
    expect(again.messages.length).toBe(3);
  });
  it('a queue deleted during the batching window ends the batch (no busy loop of empty receives)', async () => {
    const clock = new ManualClock();
    const queues = new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000', clock });
    const q = queues.create('deleted-mid-window');
    await q.send({ body: 'a' });
    const gathering = gatherBatch(q, { batchSize: 20, windowSeconds: 3, eventSourceArn: q.arn, region: 'us-east-1', signal: new AbortController().signal, clock });
    await clock.advance(100);
    queues.delete(q);
    const batch = await gathering;
    expect(batch.messages.map((m) => m.body)).toEqual(['a']);
    expect(batch.receives).toBeLessThan(5);
    queues.close();
  });
  it('uses window + timeout + 30 s as visibility when they exceed the queue\'s', async () => {
    const clock = new ManualClock();
    const queue = new MemoryQueue('visibility', undefined, undefined, clock);
    const seen: Array<number | undefined> = [];
    const receive = queue.receive.bind(queue);
    queue.receive = (opts) => {
      seen.push(opts.visibilityTimeout);
      return receive(opts);
    };
    await queue.send({ body: 'a' });
    const inv = new RecordingInvoker();
    start(queue, inv, { maximumBatchingWindowInSeconds: 1 }, createSqsPollerFactory({ functionTimeoutSeconds: () => 30 }), clock);
    await clock.advanceUntil(() => inv.delivered.length === 1, { within: 2000 });
    expect(seen[0]).toBe(61);
  });
});

describe('outcomes', () => {
  it('ReportBatchItemFailures: only the failed message stays, and comes back with a higher receive count', async () => {
    const clock = new ManualClock();
    const queue = new MemoryQueue('partial', undefined, undefined, clock);
    for (const b of ['ok1', 'fail', 'ok2']) await queue.send({ body: b });
    const inv = new RecordingInvoker((records, call) => partial((r) => r.body === 'fail' && call < 3)(records));
    start(queue, inv, { functionResponseTypes: ['ReportBatchItemFailures'] }, undefined, clock);
    // Back on the queue after its 30 s visibility timeout, twice.
    const took = await clock.advanceUntil(() => queue.depth === 0, { step: 1000 });
    expect(took).toBeGreaterThanOrEqual(60_000);
    const fails = inv.delivered.filter((r) => r.body === 'fail').map((r) => r.attributes.ApproximateReceiveCount);
    expect(fails).toEqual(['1', '2', '3']);
    expect(inv.delivered.filter((r) => r.body !== 'fail').length).toBe(2);
  });
  it('without ReportBatchItemFailures a response listing failures deletes the whole batch', async () => {
    const queue = new MemoryQueue('no-report');
    await queue.send({ body: 'a' });
    const inv = new RecordingInvoker(partial(() => true));
    start(queue, inv);
    await waitFor(() => queue.depth === 0);
    expect(inv.calls.length).toBe(1);
  });
  it('a function error leaves the whole batch; an unknown itemIdentifier too', async () => {
    const queue = new MemoryQueue('errors');
    queue.visibility = 60;
    await queue.send({ body: 'a' });
    await queue.send({ body: 'b' });
    const inv = new RecordingInvoker(() => ({ functionError: 'Unhandled', payload: Buffer.from('{"errorType":"Error"}') }));
    const p = start(queue, inv);
    await waitFor(() => inv.calls.length === 1);
    await waitFor(() => (p.status().counters?.functionErrors ?? 0) === 1);
    expect(queue.depth).toBe(2);
    const q2 = new MemoryQueue('unknown-id');
    await q2.send({ body: 'a' });
    const inv2 = new RecordingInvoker(() => ({ payload: Buffer.from('{"batchItemFailures":[{"itemIdentifier":"nope"}]}') }));
    const p2 = start(q2, inv2, { functionResponseTypes: ['ReportBatchItemFailures'] });
    await waitFor(() => (p2.status().counters?.badResponses ?? 0) === 1);
    expect(q2.depth).toBe(1);
  });
  it('filter misses are deleted without invoking', async () => {
    const queue = new MemoryQueue('filtered');
    for (const b of ['{"keep":true}', '{"keep":false}', 'plain']) await queue.send({ body: b });
    const inv = new RecordingInvoker();
    const p = start(queue, inv, { filterCriteria: { Filters: [{ Pattern: '{"body":{"keep":[true]}}' }] } });
    await waitFor(() => queue.depth === 0);
    expect(inv.delivered.map((r) => r.body)).toEqual(['{"keep":true}']);
    expect(p.status().counters?.filtered).toBe(2);
  });
  it('throttle retries end when the first message gathered in the window is visible again', async () => {
    // Window 1 s, VisibilityTimeout 10 s: the first message's visibility ends 10 s after its receive,
    // not 10 s after the window closed (back-off 1, 2, 4 s: the invoke at 8 s is the last one that fits).
    // No invoke may carry a message that is visible or received again.
    const clock = new ManualClock();
    const queue = new MemoryQueue('throttled-window', undefined, undefined, clock);
    queue.visibility = 10;
    const stale: string[] = [];
    const inv = new RecordingInvoker((records) => {
      for (const r of records as Array<Rec & { receiptHandle: string }>) {
        const m = queue.messages.find((x) => x.id === r.messageId);
        if (!m || m.handle !== r.receiptHandle || m.visibleAt <= clock.now()) stale.push(r.messageId);
      }
      return 'throttle';
    });
    start(queue, inv, { batchSize: 20, maximumBatchingWindowInSeconds: 1 }, createSqsPollerFactory({ functionTimeoutSeconds: () => 0.5 }), clock);
    await queue.send({ body: 'a' });
    await clock.advanceUntil(() => (queue.messages[0]?.receives ?? 0) >= 3, { within: 60_000 });
    expect(inv.calls.length).toBe(8);
    expect(stale).toEqual([]);
  });
  it('a throttled batch is retried while its messages are still invisible', async () => {
    const queue = new MemoryQueue('throttled');
    await queue.send({ body: 'a' });
    const inv = new RecordingInvoker((_r, call) => (call === 1 ? 'throttle' : {}));
    const p = start(queue, inv);
    await waitFor(() => queue.depth === 0);
    expect(inv.calls.length).toBe(2);
    expect(inv.calls[1][0].attributes.ApproximateReceiveCount).toBe('1');
    expect(p.status().counters?.throttles).toBe(1);
  });
});

describe('FIFO', () => {
  it('a failure keeps the rest of its group in that batch, and the group order holds across retries', async () => {
    const clock = new ManualClock();
    const queue = new MemoryQueue('order.fifo', undefined, undefined, clock);
    for (let i = 1; i <= 4; i++) await queue.send({ body: `a${i}`, messageGroupId: 'A' });
    for (let i = 1; i <= 2; i++) await queue.send({ body: `b${i}`, messageGroupId: 'B' });
    let failedOnce = false;
    const inv = new RecordingInvoker(partial((r) => {
      if (r.body === 'a2' && !failedOnce) {
        failedOnce = true;
        return true;
      }
      return false;
    }));
    start(queue, inv, { functionResponseTypes: ['ReportBatchItemFailures'] }, undefined, clock);
    await clock.advanceUntil(() => queue.depth === 0, { step: 1000 });
    // Each group's successful processing order: a message is done the last time it is delivered.
    const lastIndex = (b: string) => inv.delivered.map((r) => r.body).lastIndexOf(b);
    expect(['a1', 'a2', 'a3', 'a4'].map(lastIndex)).toEqual([...['a1', 'a2', 'a3', 'a4'].map(lastIndex)].sort((x, y) => x - y));
    expect(inv.delivered.filter((r) => r.body === 'a3').length).toBe(2);
    expect(inv.delivered.filter((r) => r.body.startsWith('b')).length).toBe(2);
  });
});

describe('concurrency and lifecycle', () => {
  it('grows beyond the initial pollers while batches come back full, never above MaximumConcurrency', async () => {
    const queue = new MemoryQueue('busy');
    for (let i = 0; i < 400; i++) await queue.send({ body: `m${i}` });
    const slow = () => new Promise<Partial<InvokeOutcome>>((r) => setTimeout(() => r({}), 30));
    const inv = new RecordingInvoker(slow);
    const p = start(queue, inv);
    await waitFor(() => queue.depth === 0, 20_000);
    expect(p.status().counters?.maxPollers).toBeGreaterThan(5);
    const q2 = new MemoryQueue('capped');
    for (let i = 0; i < 100; i++) await q2.send({ body: `m${i}` });
    const inv2 = new RecordingInvoker(slow);
    start(q2, inv2, { scalingConfig: { MaximumConcurrency: 2 } });
    await waitFor(() => q2.depth === 0, 20_000);
    expect(inv2.maxConcurrent).toBeLessThanOrEqual(2);
  });
  it('Enabled false does not poll', async () => {
    const queue = new MemoryQueue('disabled');
    await queue.send({ body: 'a' });
    const p = start(queue, new RecordingInvoker(), { enabled: false });
    await p.stop();
    expect(queue.receiveCalls).toBe(0);
  });
  it('stop() ends long polls at once and waits for the batch in flight, which is then deleted', async () => {
    const queue = new MemoryQueue('stop');
    let release!: () => void;
    const inv = new RecordingInvoker(() => new Promise((r) => {
      release = () => r({});
    }));
    const p = start(queue, inv);
    await queue.send({ body: 'a' });
    await waitFor(() => inv.calls.length === 1);
    let stopped = false;
    const stopping = p.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    await Promise.race([stopping, new Promise((_, rej) => setTimeout(() => rej(new Error('stop() hung')), 5000))]);
    expect(queue.depth).toBe(0);
  });
  it('keeps polling when the queue does not exist yet, then reads it', async () => {
    const queue = new MemoryQueue('later');
    let exists = false;
    const inv = new RecordingInvoker();
    const config = { uuid: 'u-2', kind: 'sqs', eventSourceArn: queue.arn, functionArn: 'f', enabled: true, batchSize: 10, maximumBatchingWindowInSeconds: 0, functionResponseTypes: [], parallelizationFactor: 1, maximumRecordAgeInSeconds: -1, maximumRetryAttempts: -1, bisectBatchOnFunctionError: false, tumblingWindowInSeconds: 0 } as EsmConfig;
    const p = sqsPollerFactory(config, { invoker: inv, queues: { byArn: () => (exists ? queue : undefined) }, clock: systemClock, timeScale: 0.01, logger: pino({ level: 'silent' }), region: 'us-east-1', accountId: '000000000000' });
    pollers.push(p);
    await waitFor(() => (p.status().counters?.sourceErrors ?? 0) > 0);
    exists = true;
    await queue.send({ body: 'a' });
    await waitFor(() => inv.delivered.length === 1);
  });
});
