// The read side of the management API through @aws-sdk/client-lambda: ListFunctions (with paging),
// GetFunction and GetFunctionConfiguration, and AWS's not-found error.
import { GetFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../helpers/emulator.ts';
import { arn, startCompatEmulator, stopAndCheckOrphans } from './helpers.ts';

describe('management API (read side) with @aws-sdk/client-lambda', () => {
  let em: TestEmulator;
  let client: LambdaClient;
  beforeAll(async () => {
    em = await startCompatEmulator();
    client = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await stopAndCheckOrphans(em);
  });

  it('lists the functions of the template with their configuration, page by page', async () => {
    const all = await client.send(new ListFunctionsCommand({}));
    const names = (all.Functions ?? []).map((f) => f.FunctionName);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('echo');
    const echo = all.Functions!.find((f) => f.FunctionName === 'echo')!;
    expect(echo).toMatchObject({ FunctionArn: arn('echo'), Runtime: 'nodejs24.x', Handler: 'index.handler', MemorySize: 128, Version: '$LATEST', PackageType: 'Zip' });
    // List items carry no state (AWS's ListFunctions answer).
    expect(echo).not.toHaveProperty('State');
    const first = await client.send(new ListFunctionsCommand({ MaxItems: 1 }));
    expect(first.Functions).toHaveLength(1);
    expect(first.NextMarker).toBeTruthy();
    const second = await client.send(new ListFunctionsCommand({ MaxItems: 1, Marker: first.NextMarker }));
    expect(second.Functions![0].FunctionName).toBe(names[1]);
  });

  it('describes one function: unqualified ARN, or qualified when asked with a qualifier', async () => {
    const conf = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'echo' }));
    expect(conf.FunctionArn).toBe(arn('echo'));
    expect(conf.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(conf.CodeSize).toBeGreaterThan(0);
    expect(conf.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(conf.EphemeralStorage).toEqual({ Size: 512 });
    expect(conf.LoggingConfig).toEqual({ LogFormat: 'Text', LogGroup: '/aws/lambda/echo' });
    const full = await client.send(new GetFunctionCommand({ FunctionName: 'echo', Qualifier: '$LATEST' }));
    expect(full.Configuration?.FunctionArn).toBe(`${arn('echo')}:$LATEST`);
    expect(full.Code?.RepositoryType).toBe('S3');
  });

  it('answers ResourceNotFoundException for an unknown function, and invoking still works alongside', async () => {
    const err = (await client.send(new GetFunctionCommand({ FunctionName: 'nope' })).then(() => new Error('no error'), (e: unknown) => e)) as Error & { $metadata: { httpStatusCode: number } };
    expect(err.name).toBe('ResourceNotFoundException');
    // GetFunction names an unqualified function without `:$LATEST` (Invoke does name it).
    expect(err.message).toBe(`Function not found: ${arn('nope')}`);
    expect(err.$metadata.httpStatusCode).toBe(404);
    const res = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{}') }));
    expect(res.StatusCode).toBe(200);
  });
});
