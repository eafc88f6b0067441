// The durable functions "Done when" workflow with the official SDK in real environments: a step, a
// one-hour wait (scaled by --time-scale), a callback completed from outside with the AWS SDK's
// SendDurableExecutionCallbackSuccess, a chained invoke of another durable function; the history read
// with GetDurableExecutionHistory, and a replay that ran in another environment than the first invocation.
import {
  GetDurableExecutionCommand, GetDurableExecutionHistoryCommand, InvokeCommand, LambdaClient, ListDurableExecutionsByFunctionCommand,
  SendDurableExecutionCallbackSuccessCommand, type Event,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { executionDetail, linkNodeModules } from '../helpers/durable.ts';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

let em: TestEmulator;
let lambda: LambdaClient;

beforeAll(async () => {
  linkNodeModules(fixture('functions', 'durable'));
  // One hour of execution time is 1.8 s here (the wait), a day 43 s (the callback's timeout).
  em = await startEmulator(fixture('templates', 'durable.yaml'), { timeScale: 0.0005 });
  lambda = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
}, 30_000);

afterAll(async () => {
  lambda?.destroy();
  if (em) expect(await em.stopChecked()).toEqual([]);
});

const history = async (arn: string): Promise<Event[]> => (await lambda.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn, MaxItems: 1000 }))).Events ?? [];

describe('a durable workflow end to end', () => {
  test('step, one-hour wait, callback from outside, chained invoke; history; a replay in another environment', async () => {
    const started = await lambda.send(new InvokeCommand({ FunctionName: 'workflow', Qualifier: 'live', InvocationType: 'Event', Payload: JSON.stringify({ orderId: 'o-1' }) }));
    expect(started.StatusCode).toBe(202);
    const arn = started.DurableExecutionArn!;
    expect(arn).toMatch(/^arn:aws:lambda:us-east-1:000000000000:function:workflow:live\/durable-execution\/[^/]+\/[^/]+$/);

    // The wait passes by itself (scaled); the function then asks for approval and suspends.
    const callbackId = await waitFor(async () => (await history(arn)).find((e) => e.EventType === 'CallbackStarted')?.CallbackStartedDetails?.CallbackId, 20_000, 100);
    const events = await history(arn);
    expect(events.map((e) => e.EventType)).toEqual(expect.arrayContaining(['ExecutionStarted', 'StepStarted', 'StepSucceeded', 'WaitStarted', 'WaitSucceeded', 'InvocationCompleted']));
    const wait = events.find((e) => e.EventType === 'WaitStarted')!;
    expect(wait.Name).toBe('cool-off');
    expect(wait.WaitStartedDetails?.Duration).toBe(3600);

    // The environment that ran so far goes away (as Lambda reclaims idle ones): the replay starts cold elsewhere.
    await waitFor(async () => (await executionDetail(em.url, arn)).invocations.every((i) => i.outcome !== 'RUNNING'), 10_000);
    await fetch(`${em.url}/_ephemera/functions/workflow/recycle`, { method: 'POST' });

    await lambda.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: Buffer.from(JSON.stringify({ approved: true })) }));

    const done = await waitFor(async () => {
      const e = await lambda.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
      return e.Status !== 'RUNNING' && e;
    }, 30_000, 100);
    expect(done.Status).toBe('SUCCEEDED');
    const result = JSON.parse(done.Result!);
    expect(result).toMatchObject({ orderId: 'o-1', approval: { approved: true }, label: 'label-for-o-1' });
    expect(done.FunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:workflow:live');
    expect(done.Version).toBe('1');
    expect(done.DurableConfig).toEqual({ ExecutionTimeout: 86400, RetentionPeriodInDays: 7 });
    expect(done.EndTimestamp!.getTime()).toBeGreaterThanOrEqual(done.StartTimestamp!.getTime());

    const all = await history(arn);
    const types = all.map((e) => e.EventType);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types).toEqual(expect.arrayContaining(['CallbackStarted', 'CallbackSucceeded', 'ChainedInvokeStarted', 'ChainedInvokeSucceeded']));
    expect(all.find((e) => e.EventType === 'CallbackSucceeded')?.CallbackSucceededDetails?.Result?.Payload).toBe('{"approved":true}');
    expect(all.map((e) => e.EventId)).toEqual(all.map((_, i) => i + 1));
    const chained = all.find((e) => e.EventType === 'ChainedInvokeStarted')!.ChainedInvokeStartedDetails!;
    expect(chained.FunctionName).toBe('child:live');
    expect(chained.DurableExecutionArn).toMatch(/function:child:live\/durable-execution\//);

    // Which invocation ran where: the first one and a later replay in different environments.
    const detail = await executionDetail(em.url, arn);
    const envs = detail.invocations.map((i) => i.environment);
    expect(detail.invocations.length).toBeGreaterThanOrEqual(3);
    expect(envs[0]).toBeDefined();
    expect(envs.slice(1).some((e) => e !== undefined && e !== envs[0])).toBe(true);
    expect(detail.invocations.at(-1)!.outcome).toBe('SUCCEEDED');
    expect(detail.operations.map((o) => `${o.type}:${o.name}:${o.status}`)).toEqual(expect.arrayContaining([
      'STEP:reserve:SUCCEEDED', 'WAIT:cool-off:SUCCEEDED', 'CHAINED_INVOKE:ship:SUCCEEDED', 'STEP:done:SUCCEEDED',
    ]));
    // Every invocation ran through the normal invoke path: its START/REPORT lines are in the function's log.
    for (const i of detail.invocations) expect(await em.report(i.requestId)).toContain(i.requestId);

    // The chained child is a durable execution of its own, listed under its function.
    const children = await lambda.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: 'child' }));
    expect(children.DurableExecutions?.[0]).toMatchObject({ Status: 'SUCCEEDED', DurableExecutionArn: chained.DurableExecutionArn });
    const listed = await lambda.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: 'workflow', Statuses: ['SUCCEEDED'] }));
    expect(listed.DurableExecutions?.map((e) => e.DurableExecutionArn)).toContain(arn);
  }, 90_000);

  test('child contexts (parallel branches with waits, a map) and a chained invoke of a plain function, through their replays', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'branches', Qualifier: '$LATEST', Payload: '{}' }));
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({ parallel: ['A', 'B'], mapped: [2, 4, 6], echoed: { echoed: { n: 7 } } });
    const detail = await executionDetail(em.url, out.DurableExecutionArn!);
    const ops = detail.operations.map((o) => `${o.type}:${o.name}:${o.status}`);
    expect(ops).toEqual(expect.arrayContaining(['CONTEXT:fan-out:SUCCEEDED', 'WAIT:a-wait:SUCCEEDED', 'WAIT:b-wait:SUCCEEDED', 'CONTEXT:double:SUCCEEDED',
      'STEP:x2:SUCCEEDED', 'CHAINED_INVOKE:plain:SUCCEEDED']));
    expect(detail.invocations.length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  test('a state longer than the invocation event: the SDK pages the rest with GetDurableExecutionState', async () => {
    const count = 1005;
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'many-steps', Qualifier: '$LATEST', Payload: JSON.stringify({ count }) }));
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({ sum: (count * (count - 1)) / 2 });
    const detail = await executionDetail(em.url, out.DurableExecutionArn!);
    expect(detail.operations).toHaveLength(count + 2);
    expect(detail.invocations.map((i) => i.outcome)).toEqual(['PENDING', 'SUCCEEDED']);
  }, 90_000);

  test('an invocation killed by its timeout is invoked again; the SDK retries the interrupted at-most-once step', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'interrupted', Qualifier: '$LATEST', Payload: '{}' }));
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({ attempt: 2 });
    const detail = await executionDetail(em.url, out.DurableExecutionArn!);
    expect(detail.invocations[0]).toMatchObject({ outcome: 'ERROR', error: { ErrorType: 'Sandbox.Timedout' } });
    expect(detail.invocations.at(-1)?.outcome).toBe('SUCCEEDED');
    expect(detail.operations.find((o) => o.name === 'charge')).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  }, 60_000);
});
