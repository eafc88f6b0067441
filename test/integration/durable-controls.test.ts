// Durable executions driven step by step (time not scaled; timers fired through /_ephemera/durable):
// replay bugs that only real environments show (state in a module variable, a non-deterministic
// handler), stop, the execution timeout, callbacks failed, heartbeats and timed out, AWS's errors for a
// stale checkpoint token and an unknown callback, and executions surviving a restart with --data-dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateFunctionCommand, GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, GetDurableExecutionCommand, GetDurableExecutionHistoryCommand, InvokeCommand, LambdaClient, SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand, SendDurableExecutionCallbackSuccessCommand, StopDurableExecutionCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { executionDetail, fireTimers, linkNodeModules } from '../helpers/durable.ts';
import { taggedHandler } from '../helpers/zip.ts';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'ephemera-durable-'));
let em: TestEmulator;
let lambda: LambdaClient;
const pids: number[] = [];

const client = (url: string): LambdaClient => new LambdaClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });

beforeAll(async () => {
  linkNodeModules(fixture('functions', 'durable'));
  em = await startEmulator(fixture('templates', 'durable.yaml'), { dataDir });
  lambda = client(em.url);
}, 30_000);

afterAll(async () => {
  lambda?.destroy();
  if (em) {
    pids.push(...em.pids());
    expect(await em.stopChecked()).toEqual([]);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(fn: string, payload: unknown = {}): Promise<string> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: JSON.stringify(payload) }));
  return out.DurableExecutionArn!;
}

/** Until the execution's invocations have all answered and it waits (the first answer was PENDING). */
const suspended = (arn: string, url = em.url) => waitFor(async () => {
  const d = await executionDetail(url, arn);
  return d.invocations.length > 0 && d.invocations.every((i) => i.outcome === 'PENDING') && d;
}, 20_000, 50);

const closed = (arn: string) => waitFor(async () => {
  const e = await lambda.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
  return e.Status !== 'RUNNING' && e;
}, 20_000, 50);

const callbackOf = async (arn: string): Promise<string> => (await suspended(arn)).operations.find((o) => o.type === 'CALLBACK')!.callbackId!;

describe('replay bugs show up as on Lambda', () => {
  test('state kept in a module variable survives a warm replay and is lost in a new environment', async () => {
    const warm = await start('module-state:$LATEST');
    await suspended(warm);
    await fireTimers(em.url, { execution: warm });
    expect(JSON.parse((await closed(warm)).Result!)).toEqual({ visits: 2 });

    const cold = await start('module-state:$LATEST');
    await suspended(cold);
    await fetch(`${em.url}/_ephemera/functions/module-state/recycle`, { method: 'POST' });
    expect(await fireTimers(em.url, { execution: cold })).toEqual([expect.objectContaining({ kind: 'wait' })]);
    expect(JSON.parse((await closed(cold)).Result!)).toEqual({ visits: 1 });
    const envs = (await executionDetail(em.url, cold)).invocations.map((i) => i.environment);
    expect(envs).toHaveLength(2);
    expect(envs[0]).not.toBe(envs[1]);
  }, 60_000);

  test('a handler whose replay diverges from its checkpoints fails with the SDK\'s NonDeterministicExecutionError', async () => {
    const arn = await start('nondeterministic:$LATEST');
    await suspended(arn);
    await fireTimers(em.url, { execution: arn });
    const done = await closed(arn);
    expect(done.Status).toBe('FAILED');
    expect(done.Error?.ErrorType).toBe('NonDeterministicExecutionError');
    const events = (await lambda.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn }))).Events!;
    expect(events.at(-1)?.EventType).toBe('ExecutionFailed');
  }, 60_000);
});

describe('stop, timeouts and callbacks', () => {
  test('StopDurableExecution stops a waiting execution; its callback can no longer be completed', async () => {
    const arn = await start('waiter:$LATEST');
    const callbackId = await callbackOf(arn);
    const stopped = await lambda.send(new StopDurableExecutionCommand({ DurableExecutionArn: arn, Error: { ErrorType: 'Cancelled', ErrorMessage: 'by the test' } }));
    const done = await closed(arn);
    expect(done.Status).toBe('STOPPED');
    expect(done.Error).toMatchObject({ ErrorType: 'Cancelled', ErrorMessage: 'by the test' });
    expect(done.EndTimestamp!.getTime()).toBe(stopped.StopTimestamp!.getTime());
    await expect(lambda.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: Buffer.from('"late"') })))
      .rejects.toMatchObject({ name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } });
    const again = await lambda.send(new StopDurableExecutionCommand({ DurableExecutionArn: arn }));
    expect(again.StopTimestamp!.getTime()).toBe(stopped.StopTimestamp!.getTime());
  }, 60_000);

  test('the execution timeout ends the execution, and the synchronous caller gets the error', async () => {
    const caller = lambda.send(new InvokeCommand({ FunctionName: 'short-lived', Qualifier: '$LATEST', Payload: '{}' }));
    const arn = await waitFor(async () => {
      const { executions } = await (await fetch(`${em.url}/_ephemera/durable/executions?function=short-lived`)).json() as { executions: Array<{ arn: string }> };
      return executions[0]?.arn;
    }, 20_000);
    await callbackOf(arn);
    expect(await fireTimers(em.url, { execution: arn, kind: 'execution-timeout' })).toEqual([expect.objectContaining({ kind: 'execution-timeout' })]);
    const answer = await caller;
    expect(answer.FunctionError).toBe('Unhandled');
    expect(answer.DurableExecutionArn).toBe(arn);
    expect(JSON.parse(Buffer.from(answer.Payload!).toString())).toMatchObject({ errorMessage: 'Execution timed out after 60 seconds.' });
    expect((await closed(arn)).Status).toBe('TIMED_OUT');
  }, 60_000);

  test('a callback failed from outside fails the step that waited for it', async () => {
    const arn = await start('waiter:$LATEST');
    const callbackId = await callbackOf(arn);
    await lambda.send(new SendDurableExecutionCallbackFailureCommand({ CallbackId: callbackId, Error: { ErrorType: 'Rejected', ErrorMessage: 'not approved' } }));
    const done = await closed(arn);
    expect(done.Status).toBe('FAILED');
    expect(done.Error?.ErrorMessage).toContain('not approved');
    const types = (await lambda.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn }))).Events!.map((e) => e.EventType);
    expect(types).toContain('CallbackFailed');
  }, 60_000);

  test('heartbeats are accepted while the callback waits; a missed heartbeat times it out (CallbackTimeoutException after)', async () => {
    const arn = await start('waiter:$LATEST');
    const callbackId = await callbackOf(arn);
    await lambda.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: callbackId }));
    const timers = (await executionDetail(em.url, arn)).timers.map((t) => t.kind).sort();
    expect(timers).toEqual(['callback-heartbeat', 'callback-timeout', 'execution-timeout']);
    await fireTimers(em.url, { execution: arn, kind: 'callback-heartbeat' });
    const done = await closed(arn);
    expect(done.Status).toBe('FAILED');
    await expect(lambda.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: Buffer.from('1') })))
      .rejects.toMatchObject({ name: 'CallbackTimeoutException', $metadata: { httpStatusCode: 400 } });
  }, 60_000);
});

describe('AWS\'s errors', () => {
  test('an unqualified invoke, an unknown callback, a stale checkpoint token', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'waiter', Payload: '{}' })))
      .rejects.toMatchObject({ name: 'InvalidParameterValueException', message: 'You cannot invoke a durable function using an unqualified ARN.' });
    await expect(lambda.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: 'bm8tc3VjaC1jYWxsYmFjaw', Result: Buffer.from('1') })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    await expect(lambda.send(new GetDurableExecutionCommand({ DurableExecutionArn: 'arn:aws:lambda:us-east-1:000000000000:function:waiter:$LATEST/durable-execution/x/y' })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    // A token from an invocation that has ended: what the SDK ends the invocation on.
    const arn = await start('waiter:$LATEST');
    await suspended(arn);
    const res = await fetch(`${em.url}/2025-12-01/durable-executions/${encodeURIComponent(arn)}/checkpoint`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ CheckpointToken: 'c3RhbGU', Updates: [] }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');
    expect(((await res.json()) as { message: string }).message).toMatch(/^Invalid Checkpoint Token/);
    await lambda.send(new StopDurableExecutionCommand({ DurableExecutionArn: arn }));
  }, 60_000);
});

describe('DurableConfig through the management API', () => {
  test('CreateFunction takes it, the configuration shows it, an update changes it; a plain function cannot become durable', async () => {
    const role = 'arn:aws:iam::000000000000:role/durable';
    const created = await lambda.send(new CreateFunctionCommand({
      FunctionName: 'api-durable', Role: role, Runtime: 'nodejs24.x', Handler: 'index.handler', Code: { ZipFile: taggedHandler('d') },
      DurableConfig: { ExecutionTimeout: 600 },
    }));
    expect(created.DurableConfig).toEqual({ ExecutionTimeout: 600, RetentionPeriodInDays: 14 });
    const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api-durable', DurableConfig: { ExecutionTimeout: 600, RetentionPeriodInDays: 30 } }));
    expect(updated.DurableConfig).toEqual({ ExecutionTimeout: 600, RetentionPeriodInDays: 30 });
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-durable' }))).DurableConfig).toEqual({ ExecutionTimeout: 600, RetentionPeriodInDays: 30 });
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'api-durable', Payload: '{}' }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });

    await lambda.send(new CreateFunctionCommand({ FunctionName: 'api-plain', Role: role, Runtime: 'nodejs24.x', Handler: 'index.handler', Code: { ZipFile: taggedHandler('p') } }));
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-plain' }))).DurableConfig).toBeUndefined();
    await expect(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api-plain', DurableConfig: { ExecutionTimeout: 60 } })))
      .rejects.toMatchObject({ name: 'InvalidParameterValueException', message: 'DurableConfig can only be set when the function is created.' });
    await expect(lambda.send(new CreateFunctionCommand({
      FunctionName: 'api-bad', Role: role, Runtime: 'nodejs24.x', Handler: 'index.handler', Code: { ZipFile: taggedHandler('b') }, DurableConfig: { ExecutionTimeout: 0 },
    }))).rejects.toMatchObject({ name: 'ValidationException' });
  }, 30_000);
});

describe('--data-dir', () => {
  test('a waiting execution survives a restart and completes in the new emulator', async () => {
    const arn = await start('waiter:$LATEST');
    const callbackId = await callbackOf(arn);
    pids.push(...em.pids());
    await em.stop();
    lambda.destroy();
    em = await startEmulator(fixture('templates', 'durable.yaml'), { dataDir });
    lambda = client(em.url);
    expect((await lambda.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }))).Status).toBe('RUNNING');
    await lambda.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: Buffer.from('"after restart"') }));
    const done = await closed(arn);
    expect(done.Status).toBe('SUCCEEDED');
    // waitForCallback hands over the callback's result as sent (a string: the SDK's default passes it through).
    expect(JSON.parse(done.Result!)).toEqual({ answer: '"after restart"' });
  }, 60_000);
});
