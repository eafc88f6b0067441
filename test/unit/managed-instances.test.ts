// Lambda Managed Instances as rules (configuration, limits, concurrency, which environment an invocation
// joins, the Node client's worker count) and the concurrent Runtime API session over real loopback sockets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  environmentCapacity, managedInstancesEnv, managedInstancesProblem, maxConcurrency, readCapacityProviderConfig, supportsManagedInstances,
} from '../../server/environment/managed-instances.ts';
import { pickShared, type SharedSlot } from '../../server/pool/shared-slots.ts';
import type { RuntimeApiHost } from '../../runtime-api/host.ts';
import { RuntimeApiServer } from '../../runtime-api/server.ts';
import { loadTemplate, TemplateError } from '../../server/template/load-template.ts';
import { waitFor } from '../helpers/emulator.ts';
// @ts-expect-error: the runtime client is plain JavaScript shipped as files
import { availableCpus, workerCount } from '../../runtime-api/bootstrap/nodejs/managed-runtime.mjs';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:capacity-provider:local';

describe('the managed-instances rules', () => {
  it.each([
    ['nodejs24.x', true], ['nodejs22.x', true], ['nodejs20.x', false], ['python3.14', true], ['python3.13', true],
    ['python3.12', false], ['java21', true], ['java17', false], ['dotnet8', true], ['provided.al2023', true], ['provided.al2', false],
  ])('%s supports managed instances: %s', (runtime, ok) => {
    expect(supportsManagedInstances(runtime)).toBe(ok);
  });

  it.each([
    // runtime, memory, configured, ratio, expected
    ['nodejs24.x', 2048, undefined, undefined, 64], ['nodejs24.x', 8192, undefined, undefined, 256], ['nodejs24.x', 8192, undefined, 4, 128],
    ['python3.13', 2048, undefined, undefined, 16], ['java21', 4096, undefined, undefined, 64], ['nodejs24.x', 2048, 10, undefined, 10],
  ] as const)('%s with %i MB (max %s, %s GiB/vCPU) runs %i at once', (runtime, memory, max, ratio, expected) => {
    expect(maxConcurrency(runtime, memory, { capacityProviderArn: ARN, perEnvironmentMaxConcurrency: max, memoryGiBPerVCpu: ratio })).toBe(expected);
  });

  it('a classic function runs one invocation per environment, and gets no managed-instances variables', () => {
    expect(environmentCapacity({ runtime: 'nodejs24.x', memorySize: 2048, managedInstances: undefined })).toBe(1);
    expect(managedInstancesEnv({ runtime: 'python3.13', memorySize: 2048, managedInstances: { capacityProviderArn: ARN } })).toEqual({
      AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances', AWS_LAMBDA_MAX_CONCURRENCY: '16', AWS_LAMBDA_LOG_FORMAT: 'JSON',
    });
  });

  it.each([
    [{ Arn: ARN, PerExecutionEnvironmentMaxConcurrency: 5 }, true, { capacityProviderArn: ARN, perEnvironmentMaxConcurrency: 5 }],
    [{ LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: ARN, ExecutionEnvironmentMemoryGiBPerVCpu: 4 } }, false, { capacityProviderArn: ARN, memoryGiBPerVCpu: 4 }],
    [{ CapacityProviderArn: ARN }, false, 'CapacityProviderConfig must contain LambdaManagedInstancesCapacityProviderConfig'],
    [{ PerExecutionEnvironmentMaxConcurrency: 5 }, true, 'CapacityProviderConfig.Arn is required'],
    [{ Arn: ARN, PerExecutionEnvironmentMaxConcurrency: 1601 }, true, 'PerExecutionEnvironmentMaxConcurrency must be an integer from 1 to 1600; got 1601'],
    [{ Arn: ARN, PerExecutionEnvironmentMaxConcurrency: 0 }, true, 'PerExecutionEnvironmentMaxConcurrency must be an integer from 1 to 1600; got 0'],
    [{ Arn: ARN, ExecutionEnvironmentMemoryGiBPerVCpu: 3 }, true, 'ExecutionEnvironmentMemoryGiBPerVCpu must be 2, 4 or 8; got 3'],
    ['x', true, 'CapacityProviderConfig must be a mapping'],
  ])('reads %j (SAM shape: %s)', (value, sam, expected) => {
    expect(readCapacityProviderConfig(value, sam)).toEqual(expected);
  });

  it.each([
    [{ runtime: 'nodejs24.x', memorySize: 2048 }, {}, undefined],
    [{ runtime: 'nodejs20.x', memorySize: 2048 }, {}, /^Runtime nodejs20.x is not supported for Lambda Managed Instances/],
    [{ runtime: 'nodejs24.x', memorySize: 1024 }, {}, /^MemorySize 1024 MB is below the 2048 MB/],
    [{ runtime: 'nodejs24.x', memorySize: 4096 }, { memoryGiBPerVCpu: 8 }, /less than ExecutionEnvironmentMemoryGiBPerVCpu \(8 GiB\)/],
    [{ runtime: 'nodejs24.x', memorySize: 2048, provisionedConcurrency: 2 }, {}, /^Provisioned concurrency is not supported/],
  ])('%j with %j: %s', (fn, extra, expected) => {
    const problem = managedInstancesProblem(fn, { capacityProviderArn: ARN, ...extra });
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

});

describe('which environment an invocation joins', () => {
  const slot = (leases: number, state: SharedSlot['state'] = 'Invoking', capacity = 3, retiring = false): SharedSlot => ({ leases, state, capacity, retiring });
  it.each([
    ['no environment: add one', [], -1],
    ['every one at its maximum: add one', [slot(3), slot(3)], -1],
    ['the least loaded with room', [slot(2), slot(1), slot(3)], 1],
    ['the earliest of equals', [slot(1), slot(1)], 0],
    ['an idle one counts as empty', [slot(2), slot(0, 'Idle')], 1],
    ['one still initialising has room too', [slot(3), slot(1, 'Initializing')], 1],
    ['never a retiring or failed one', [slot(0, 'Idle', 3, true), slot(0, 'Failed'), slot(0, 'ShuttingDown')], -1],
  ] as const)('%s', (_name, slots, expected) => {
    expect(pickShared(slots)).toBe(expected);
  });
});

describe("the Node client's worker threads (AWS's 4.x rule)", () => {
  it.each([
    ['150000 100000', 2], ['50000 100000', 1], ['400000 100000', 4],
  ])('cpu.max %s: %i CPUs (the quota over the period, rounded up)', (cpuMax, expected) => {
    expect(availableCpus(() => cpuMax)).toBe(expected);
  });
  it('cpu.max "max": every core', () => {
    expect(availableCpus(() => 'max 100000')).toBeGreaterThanOrEqual(1);
  });
  it('takes one CPU when cpu.max cannot be read, 8 workers per CPU, or AWS_LAMBDA_NODEJS_WORKER_COUNT', () => {
    expect(availableCpus(() => { throw new Error('ENOENT'); })).toBe(1);
    expect(workerCount({}, () => 2)).toBe(16);
    expect(workerCount({ AWS_LAMBDA_NODEJS_WORKER_COUNT: '3' }, () => 2)).toBe(3);
  });
});

describe('the concurrent Runtime API session', () => {
  let calls: string[];
  let api: RuntimeApiServer;
  let address: string;
  beforeEach(async () => {
    calls = [];
    const host: RuntimeApiHost = {
      initReady: () => calls.push('init-ready'),
      invocationDone: (id) => calls.push(`done:${id}`),
      invocationResponse: (id, body) => calls.push(`response:${id}:${body.toString()}`),
      invocationError: (id, _p, type) => calls.push(`error:${id}:${type}`),
      initError: (_payload, type) => calls.push(`init-error:${type}`),
    };
    api = new RuntimeApiServer(host, { functionName: 'f', functionVersion: '$LATEST', handler: 'h', accountId: '123456789012', externalNames: [], maxConcurrency: 3 });
    address = await api.listen();
  });
  afterEach(() => api.close());

  const send = (method: string, path: string, body = '', headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> => {
    const [hostname, port] = address.split(':');
    return new Promise((resolve, reject) => {
      const req = request({ hostname, port: Number(port), method, path, agent: false, headers }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  };
  const event = (requestId: string) => ({ requestId, payload: Buffer.from(`{"n":"${requestId}"}`), deadlineMs: Date.now() + 1000, invokedFunctionArn: 'arn' });
  const next = '/2018-06-01/runtime/invocation/next';
  const answer = (id: string, kind = 'response') => `/2018-06-01/runtime/invocation/${id}/${kind}`;

  it('hands one event to each open /next, takes the answers in any order, and ends each invocation at its answer', async () => {
    const polls = [send('GET', next), send('GET', next), send('GET', next)];
    await waitFor(() => calls.includes('init-ready'), 2000);
    for (const id of ['a', 'b', 'c']) api.dispatch(event(id));
    const got = await Promise.all(polls);
    expect(got.map((g) => g.headers['lambda-runtime-aws-request-id']).sort()).toEqual(['a', 'b', 'c']);
    expect((await send('POST', answer('c'), '"C"')).status).toBe(202);
    expect((await send('POST', answer('a', 'error'), '{"errorType":"Boom","errorMessage":"x"}')).status).toBe(202);
    expect((await send('POST', answer('b'), '"B"')).status).toBe(202);
    expect(calls).toEqual(['init-ready', 'response:c:"C"', 'done:c', 'error:a:Boom', 'done:a', 'response:b:"B"', 'done:b']);
  });

  it('queues an event until a /next takes it', async () => {
    const first = send('GET', next);
    await waitFor(() => calls.includes('init-ready'), 2000);
    api.dispatch(event('a'));
    api.dispatch(event('b'));
    expect((await first).headers['lambda-runtime-aws-request-id']).toBe('a');
    expect((await send('GET', next)).headers['lambda-runtime-aws-request-id']).toBe('b');
  });

  it('answers an unknown or already answered request id with InvalidRequestID, an init error after /next with 403', async () => {
    const poll = send('GET', next);
    await waitFor(() => calls.includes('init-ready'), 2000);
    api.dispatch(event('a'));
    await poll;
    expect(await send('POST', answer('zzz'), '{}')).toMatchObject({ status: 400, body: '{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}' });
    expect((await send('POST', answer('a'), '{}')).status).toBe(202);
    expect((await send('POST', answer('a'), '{}')).status).toBe(400);
    expect((await send('POST', '/2018-06-01/runtime/init/error', '{}', { 'Lambda-Runtime-Function-Error-Type': 'X' })).status).toBe(403);
  });

  it('lets extensions subscribe to nothing but SHUTDOWN (external) and to nothing (internal)', async () => {
    const reg = (events: string[]) => send('POST', '/2020-01-01/extension/register', JSON.stringify({ events }), { 'Lambda-Extension-Name': 'internal-ext' });
    expect(await reg(['INVOKE'])).toMatchObject({ status: 403, body: '{"errorMessage":"No events allowed for internal extensions","errorType":"Extension.InvalidEventType"}' });
    expect((await reg([])).status).toBe(200);
  });
});

describe('CapacityProviderConfig in a template', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ephemera-managed-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (type: string, props: string) => {
    const file = join(dir, `t${Math.random().toString(36).slice(2)}.yaml`);
    const code = type === 'AWS::Serverless::Function' ? 'CodeUri: .' : 'Code: .';
    writeFileSync(file, `Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: ${type}\n    Properties:\n      Runtime: nodejs24.x\n      Handler: index.handler\n      ${code}\n${props}`);
    return loadTemplate(file, { region: 'us-east-1', accountId: '123456789012' });
  };
  it('reads the SAM shape and the CloudFormation shape', () => {
    const sam = load('AWS::Serverless::Function', `      MemorySize: 2048\n      CapacityProviderConfig:\n        Arn: ${ARN}\n        PerExecutionEnvironmentMaxConcurrency: 12\n`);
    expect(sam.functions[0].managedInstances).toEqual({ capacityProviderArn: ARN, perEnvironmentMaxConcurrency: 12 });
    const cfn = load('AWS::Lambda::Function', `      MemorySize: 4096\n      CapacityProviderConfig:\n        LambdaManagedInstancesCapacityProviderConfig:\n          CapacityProviderArn: ${ARN}\n          ExecutionEnvironmentMemoryGiBPerVCpu: 4\n`);
    expect(cfn.functions[0].managedInstances).toEqual({ capacityProviderArn: ARN, memoryGiBPerVCpu: 4 });
    expect(sam.warnings.map((w) => w.message).join()).not.toContain('CapacityProviderConfig');
  });
  it('fails to load what AWS refuses, naming the property', () => {
    expect(() => load('AWS::Serverless::Function', `      CapacityProviderConfig:\n        Arn: ${ARN}\n`)).toThrow(/CapacityProviderConfig.*MemorySize 128 MB is below the 2048 MB/s);
    expect(() => load('AWS::Serverless::Function', `      MemorySize: 2048\n      CapacityProviderConfig:\n        LambdaManagedInstancesCapacityProviderConfig:\n          CapacityProviderArn: ${ARN}\n`)).toThrow(TemplateError);
  });
});
