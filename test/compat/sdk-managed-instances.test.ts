// Lambda Managed Instances through @aws-sdk/client-lambda: CreateFunction with CapacityProviderConfig
// (what AWS refuses, with its error types), GetFunctionConfiguration echoing it, concurrent invokes in one
// environment, and provisioned concurrency refused for such a function.
import {
  CreateFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, PublishVersionCommand, PutProvisionedConcurrencyConfigCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../helpers/emulator.ts';
import { zipOf } from '../helpers/zip.ts';
import { startCompatEmulator, stopAndCheckOrphans } from './helpers.ts';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const PROVIDER = 'arn:aws:lambda:us-east-1:000000000000:capacity-provider:local';
const CODE = zipOf({ 'index.mjs': 'export const handler = async () => { await new Promise((r) => setTimeout(r, 200)); return { pid: process.pid }; };' });

describe('Lambda Managed Instances with @aws-sdk/client-lambda', () => {
  let em: TestEmulator;
  let client: LambdaClient;
  const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected an error'); }, (e: unknown) => e as Error & { $metadata: { httpStatusCode: number } });
  const create = (name: string, extra: Record<string, unknown> = {}, config: Record<string, unknown> = { CapacityProviderArn: PROVIDER }) => client.send(new CreateFunctionCommand({
    FunctionName: name, Role: ROLE, Runtime: 'nodejs24.x', Handler: 'index.handler', MemorySize: 2048, Code: { ZipFile: CODE },
    CapacityProviderConfig: { LambdaManagedInstancesCapacityProviderConfig: config as never }, ...extra,
  }));

  beforeAll(async () => {
    em = await startCompatEmulator();
    client = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await stopAndCheckOrphans(em);
  });

  it('refuses what AWS refuses, with its error types', async () => {
    const oldRuntime = await fail(create('mi-bad-runtime', { Runtime: 'nodejs20.x' }));
    expect([oldRuntime.name, oldRuntime.$metadata.httpStatusCode]).toEqual(['InvalidParameterValueException', 400]);
    expect(oldRuntime.message).toMatch(/^Runtime nodejs20.x is not supported for Lambda Managed Instances/);
    const small = await fail(create('mi-small', { MemorySize: 1024 }));
    expect(small.name).toBe('InvalidParameterValueException');
    const arn = await fail(create('mi-bad-arn', {}, { CapacityProviderArn: 'my-provider' }));
    expect(arn.name).toBe('ValidationException');
    expect(arn.message).toContain("at 'capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig.capacityProviderArn' failed to satisfy constraint");
    const zero = await fail(create('mi-zero', {}, { CapacityProviderArn: PROVIDER, PerExecutionEnvironmentMaxConcurrency: 0 }));
    expect(zero.message).toBe("1 validation error detected: Value '0' at 'capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig.perExecutionEnvironmentMaxConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 1");
  });

  it('creates one, echoes its configuration and serves concurrent invokes in one environment', async () => {
    await create('mi-fn', {}, { CapacityProviderArn: PROVIDER, PerExecutionEnvironmentMaxConcurrency: 4 });
    const cfg = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'mi-fn' }));
    expect(cfg.CapacityProviderConfig).toEqual({ LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: PROVIDER, PerExecutionEnvironmentMaxConcurrency: 4 } });
    const answers = await Promise.all(Array.from({ length: 4 }, () => client.send(new InvokeCommand({ FunctionName: 'mi-fn', Payload: Buffer.from('{}') }))));
    const pids = answers.map((a) => (JSON.parse(Buffer.from(a.Payload!).toString()) as { pid: number }).pid);
    expect(new Set(pids).size).toBe(1);
  });

  it('keeps the compute type chosen at creation, and refuses provisioned concurrency for it', async () => {
    await client.send(new CreateFunctionCommand({ FunctionName: 'mi-classic', Role: ROLE, Runtime: 'nodejs24.x', Handler: 'index.handler', MemorySize: 2048, Code: { ZipFile: CODE } }));
    const add = await fail(client.send(new UpdateFunctionConfigurationCommand({
      FunctionName: 'mi-classic', CapacityProviderConfig: { LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: PROVIDER } },
    })));
    expect([add.name, add.message]).toEqual(['InvalidParameterValueException', 'CapacityProviderConfig can only be set when the function is created.']);
    const shrink = await fail(client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'mi-fn', MemorySize: 512 })));
    expect(shrink.name).toBe('InvalidParameterValueException');
    const { Version } = await client.send(new PublishVersionCommand({ FunctionName: 'mi-fn' }));
    const pc = await fail(client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'mi-fn', Qualifier: Version, ProvisionedConcurrentExecutions: 1 })));
    expect(pc.name).toBe('InvalidParameterValueException');
  });
});
