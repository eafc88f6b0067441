// AsyncInvoker against a recording invocation service, the real registry and an in-memory queue
// directory: retries run what the function is at the time of the retry (updated code, reserved
// concurrency 0, deleted function), and a function destination becomes that function's own async event.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AsyncInvoker } from '../../server/async/async-invoker.ts';
import type { InvocationService, InvokeRequest } from '../../server/invoke/invocation-service.ts';
import type { FunctionConfig } from '../../server/model.ts';
import { Registry } from '../../server/registry/registry.ts';
import type { Queue, QueueDirectory, SendInput } from '../../services/sqs/queue.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const ctx = { region: 'us-east-1', accountId: '000000000000' };
const FAILURES = 'arn:aws:sqs:us-east-1:000000000000:failures';
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:dlq';
const config: FunctionConfig = {
  name: 'fn', logicalId: 'Fn', codeDir: '/old', handler: 'index.handler', runtime: 'nodejs24.x', memorySize: 128, timeout: 3,
  environment: {}, ephemeralStorage: 512, description: '', architecture: 'x86_64', logFormat: 'Text',
  eventInvokeConfig: { onFailure: FAILURES }, deadLetterTargetArn: DLQ,
};
const other: FunctionConfig = { ...config, name: 'other', logicalId: 'Other', eventInvokeConfig: undefined, deadLetterTargetArn: undefined };

interface Finished {
  condition: string;
  approximateInvokeCount: number;
  /** The dead-letter message's ErrorCode attribute. */
  errorCode: number;
}

function harness() {
  const registry = new Registry([{ ...config }, { ...other }], ctx);
  const calls: InvokeRequest[] = [];
  /** Clock time of each call. */
  const at: number[] = [];
  let onCall: (n: number) => void = () => {};
  // `fn` always fails (so it is retried and ends on failure); `other` succeeds.
  const service = {
    invoke: async (req: InvokeRequest) => {
      calls.push(req);
      at.push(clock.now());
      onCall(calls.length);
      const failed = req.fn.config.name === 'fn';
      return { requestId: req.requestId!, executedVersion: req.fn.version, functionError: failed ? 'Unhandled' : undefined, payload: Buffer.from(failed ? '{"errorMessage":"no"}' : 'null') };
    },
  } as unknown as InvocationService;
  const sent: Array<{ arn: string; input: SendInput }> = [];
  const queues: QueueDirectory = {
    byArn: (arn) => ({ arn, send: async (input: SendInput) => { sent.push({ arn, input }); return { messageId: 'm', md5OfMessageBody: '' }; } }) as unknown as Queue,
  };
  // Lambda's own waits, unscaled: the test moves the clock through them.
  const clock = new ManualClock();
  const invoker = new AsyncInvoker(service, { clock, timeScale: 1, logger: pino({ level: 'silent' }), functions: registry, queues, topics: { publish: () => { throw new Error('no topics in this test'); } } });
  const settled = async () => {
    for (let i = 0; i < 100 && invoker.pending > 0; i++) await clock.next();
    expect(invoker.pending).toBe(0);
  };
  /** Each failed event: its OnFailure record next to its dead-letter message. */
  const finished = (): Finished[] => {
    const records = sent.filter((s) => s.arn === FAILURES).map((s) => JSON.parse(s.input.body).requestContext);
    const dead = sent.filter((s) => s.arn === DLQ).map((s) => Number(s.input.messageAttributes!.ErrorCode.StringValue));
    return records.map((r, i) => ({ condition: r.condition, approximateInvokeCount: r.approximateInvokeCount, errorCode: dead[i] }));
  };
  return { registry, calls, at, clock, finished, invoker, settled, setOnCall: (f: (n: number) => void) => { onCall = f; } };
}

describe('asynchronous retries', () => {
  it('come 1 and then 2 minutes after a function error; an event older than MaximumEventAgeInSeconds is not run again', async () => {
    const h = harness();
    const { fn, invokedArn } = h.registry.resolve('fn', undefined);
    h.invoker.enqueue(fn, invokedArn, Buffer.from('{}'));
    await h.settled();
    expect(h.at.map((t) => t - h.at[0])).toEqual([0, 60_000, 180_000]);
    expect(h.finished().map((f) => [f.condition, f.approximateInvokeCount])).toEqual([['RetriesExhausted', 3]]);

    const aged = harness();
    aged.registry.setEventInvokeConfig(aged.registry.target('fn', undefined), { maximumEventAgeInSeconds: 60, onFailure: FAILURES });
    const target = aged.registry.resolve('fn', undefined);
    aged.invoker.enqueue(target.fn, target.invokedArn, Buffer.from('{}'));
    await aged.settled();
    // 60 s old is not older than 60 s: the first retry runs; the second (at 180 s) does not.
    expect(aged.at.map((t) => t - aged.at[0])).toEqual([0, 60_000]);
    expect(aged.finished().map((f) => [f.condition, f.approximateInvokeCount])).toEqual([['EventAgeExceeded', 2]]);
  });

  it('run the current $LATEST after an update, not the configuration the event was accepted with', async () => {
    const h = harness();
    const { fn, invokedArn } = h.registry.resolve('fn', undefined);
    h.setOnCall((n) => { if (n === 1) h.registry.updateLatest(h.registry.entry('fn')!, { ...config, codeDir: '/new' }); });
    h.invoker.enqueue(fn, invokedArn, Buffer.from('{}'));
    await h.settled();
    expect(h.calls.map((c) => c.fn.config.codeDir)).toEqual(['/old', '/new', '/new']);
    expect(h.finished().map((f) => [f.condition, f.approximateInvokeCount])).toEqual([['RetriesExhausted', 3]]);
  });

  it('end with ZeroReservedConcurrency once the reserved concurrency is set to 0', async () => {
    const h = harness();
    const { fn, invokedArn } = h.registry.resolve('fn', undefined);
    h.setOnCall(() => h.registry.setReservedConcurrency(h.registry.entry('fn')!, 0));
    h.invoker.enqueue(fn, invokedArn, Buffer.from('{}'));
    await h.settled();
    expect(h.calls).toHaveLength(1);
    expect(h.finished().map((f) => [f.condition, f.errorCode])).toEqual([['ZeroReservedConcurrency', 429]]);
  });

  it('stop when the function is deleted (no environment is started for a deleted function)', async () => {
    const h = harness();
    const { fn, invokedArn } = h.registry.resolve('fn', undefined);
    h.setOnCall((n) => { if (n === 1) void h.registry.deleteFunction(h.registry.entry('fn')!); });
    h.invoker.enqueue(fn, invokedArn, Buffer.from('{}'));
    await h.settled();
    expect(h.calls).toHaveLength(1);
    expect(h.finished()).toEqual([]);
  });
});

describe('a function destination', () => {
  it('receives the invocation record as its own asynchronous event', async () => {
    const h = harness();
    const target = 'arn:aws:lambda:us-east-1:000000000000:function:other';
    h.registry.setEventInvokeConfig(h.registry.target('fn', undefined), { maximumRetryAttempts: 0, onFailure: target });
    const { fn, invokedArn } = h.registry.resolve('fn', undefined);
    const requestId = h.invoker.enqueue(fn, invokedArn, Buffer.from('{"k":1}'));
    await h.settled();
    expect(h.calls.map((c) => c.fn.config.name)).toEqual(['fn', 'other']);
    const delivered = h.calls[1];
    expect(delivered.invokedArn).toBe(target);
    expect(delivered.requestId).not.toBe(requestId);
    expect(JSON.parse(delivered.payload.toString())).toMatchObject({
      requestContext: { requestId, condition: 'RetriesExhausted', approximateInvokeCount: 1 }, requestPayload: { k: 1 },
    });
  });

  it('that does not exist drops the record (logged), and the event still finishes', async () => {
    const h = harness();
    h.registry.setEventInvokeConfig(h.registry.target('fn', undefined), { maximumRetryAttempts: 0, onFailure: 'arn:aws:lambda:us-east-1:000000000000:function:gone' });
    const { fn, invokedArn } = h.registry.resolve('fn', undefined);
    h.invoker.enqueue(fn, invokedArn, Buffer.from('{}'));
    await h.settled();
    expect(h.calls.map((c) => c.fn.config.name)).toEqual(['fn']);
  });
});
