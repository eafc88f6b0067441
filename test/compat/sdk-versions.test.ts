// The write side of the management API, versions and aliases through @aws-sdk/client-lambda against a
// real emulator: CreateFunction from a zip built here (Pending, then Active for the SDK's waiter),
// UpdateFunctionCode/Configuration changing the next invoke, PublishVersion snapshots, aliases with
// weighted routing observed over many invokes, qualifiers on invoke and Get*, concurrency,
// provisioned concurrency, EventInvokeConfig, account settings, DeleteFunction and AWS's errors.
import {
  CreateAliasCommand, CreateFunctionCommand, DeleteAliasCommand, DeleteFunctionCommand, DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand, DeleteProvisionedConcurrencyConfigCommand, GetAccountSettingsCommand, GetAliasCommand,
  GetFunctionCommand, GetFunctionConcurrencyCommand, GetFunctionConfigurationCommand, GetFunctionEventInvokeConfigCommand,
  GetProvisionedConcurrencyConfigCommand, InvokeCommand, LambdaClient, ListAliasesCommand, ListFunctionEventInvokeConfigsCommand,
  ListFunctionsCommand, ListTagsCommand, TagResourceCommand, UntagResourceCommand, ListVersionsByFunctionCommand, PublishVersionCommand, PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand, PutProvisionedConcurrencyConfigCommand, UpdateAliasCommand, UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand, UpdateFunctionEventInvokeConfigCommand, waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type TestEmulator } from '../helpers/emulator.ts';
import { taggedHandler, zipOf } from '../helpers/zip.ts';
import { arn, startCompatEmulator, stopAndCheckOrphans } from './helpers.ts';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

interface Seen { tag: string; envVersion: string; functionVersion: string; invokedFunctionArn: string; initType: string; greeting: string | null }

describe('versions, aliases and the management API (write side) with @aws-sdk/client-lambda', () => {
  let em: TestEmulator;
  let client: LambdaClient;
  const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected an error'); }, (e: unknown) => e as Error & { $metadata: { httpStatusCode: number } });
  const invoke = async (FunctionName: string, Qualifier?: string) => {
    const r = await client.send(new InvokeCommand({ FunctionName, Qualifier, Payload: Buffer.from('{"n":1}') }));
    expect(r.FunctionError).toBeUndefined();
    return { executed: r.ExecutedVersion, body: JSON.parse(Buffer.from(r.Payload!).toString()) as Seen };
  };

  beforeAll(async () => {
    em = await startCompatEmulator();
    client = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await stopAndCheckOrphans(em);
  });

  it('CreateFunction from a zip: Pending at first, Active for the waiter, then invocable', async () => {
    const created = await client.send(new CreateFunctionCommand({
      FunctionName: 'api-fn', Role: ROLE, Runtime: 'nodejs24.x', Handler: 'index.handler', Code: { ZipFile: taggedHandler('v1') },
      Environment: { Variables: { GREETING: 'hello' } }, Description: 'made by the SDK', Tags: { team: 'a' },
    }));
    expect(created).toMatchObject({
      FunctionName: 'api-fn', FunctionArn: arn('api-fn'), Version: '$LATEST', State: 'Pending', StateReasonCode: 'Creating',
      Runtime: 'nodejs24.x', Timeout: 3, MemorySize: 128, Role: ROLE, Description: 'made by the SDK', PackageType: 'Zip',
    });
    expect(created.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const waited = await waitUntilFunctionActiveV2({ client, maxWaitTime: 20 }, { FunctionName: 'api-fn' });
    expect(waited.state).toBe('SUCCESS');
    const { executed, body } = await invoke('api-fn');
    expect(executed).toBe('$LATEST');
    expect(body).toMatchObject({ tag: 'v1', envVersion: '$LATEST', functionVersion: '$LATEST', invokedFunctionArn: arn('api-fn'), greeting: 'hello' });
    const got = await client.send(new GetFunctionCommand({ FunctionName: 'api-fn' }));
    expect(got.Configuration?.State).toBe('Active');
    expect(got.Tags).toEqual({ team: 'a' });
    await client.send(new TagResourceCommand({ Resource: arn('api-fn'), Tags: { env: 'dev', owner: 'me' } }));
    await client.send(new UntagResourceCommand({ Resource: arn('api-fn'), TagKeys: ['owner'] }));
    expect((await client.send(new ListTagsCommand({ Resource: arn('api-fn') }))).Tags).toEqual({ team: 'a', env: 'dev' });
    const qualifiedTag = await fail(client.send(new ListTagsCommand({ Resource: `${arn('api-fn')}:1` })));
    expect(qualifiedTag.name).toBe('InvalidParameterValueException');
    const dup = await fail(client.send(new CreateFunctionCommand({ FunctionName: 'api-fn', Role: ROLE, Runtime: 'nodejs24.x', Handler: 'index.handler', Code: { ZipFile: taggedHandler('x') } })));
    expect(dup.name).toBe('ResourceConflictException');
    expect(dup.message).toBe('Function already exist: api-fn');
  });

  it('rejects bad input as AWS does: a bad zip, no runtime, a reserved variable, a bad role', async () => {
    const base = { FunctionName: 'bad-fn', Role: ROLE, Runtime: 'nodejs24.x' as const, Handler: 'index.handler' };
    const zip = await fail(client.send(new CreateFunctionCommand({ ...base, Code: { ZipFile: Buffer.from('not a zip') } })));
    expect([zip.name, zip.message]).toEqual(['InvalidParameterValueException', 'Could not unzip uploaded file. Please check your file, then try to upload again.']);
    const runtime = await fail(client.send(new CreateFunctionCommand({ ...base, Runtime: undefined, Code: { ZipFile: taggedHandler('x') } })));
    expect(runtime.message).toBe('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
    const reserved = await fail(client.send(new CreateFunctionCommand({ ...base, Environment: { Variables: { AWS_REGION: 'x' } }, Code: { ZipFile: taggedHandler('x') } })));
    expect(reserved.message).toMatch(/reserved keys .* Reserved keys used in this request: AWS_REGION$/);
    const role = await fail(client.send(new CreateFunctionCommand({ ...base, Role: 'nope', Code: { ZipFile: taggedHandler('x') } })));
    expect(role.name).toBe('ValidationException');
    const dlq = await fail(client.send(new CreateFunctionCommand({ ...base, DeadLetterConfig: { TargetArn: 'not-an-arn' }, Code: { ZipFile: taggedHandler('x') } })));
    expect([dlq.name, dlq.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
    expect(dlq.message).toContain("at 'deadLetterConfig.targetArn' failed to satisfy constraint: Member must satisfy regular expression pattern");
    expect((await client.send(new ListFunctionsCommand({}))).Functions!.map((f) => f.FunctionName)).not.toContain('bad-fn');
  });

  it('UpdateFunctionCode and UpdateFunctionConfiguration change the next invoke (old environments retire)', async () => {
    const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-fn' }));
    const updated = await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'api-fn', ZipFile: taggedHandler('v2') }));
    expect(updated.LastUpdateStatus).toBe('InProgress');
    expect(updated.CodeSha256).not.toBe(before.CodeSha256);
    expect(updated.RevisionId).not.toBe(before.RevisionId);
    expect((await invoke('api-fn')).body.tag).toBe('v2');
    const stale = await fail(client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api-fn', Timeout: 5, RevisionId: before.RevisionId })));
    expect([stale.name, stale.$metadata.httpStatusCode]).toEqual(['PreconditionFailedException', 412]);
    const conf = await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api-fn', Environment: { Variables: { GREETING: 'bonjour' } }, Timeout: 5 }));
    expect(conf).toMatchObject({ Timeout: 5, LastUpdateStatus: 'InProgress', Environment: { Variables: { GREETING: 'bonjour' } } });
    expect((await invoke('api-fn')).body).toMatchObject({ tag: 'v2', greeting: 'bonjour' });
    expect((await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-fn' }))).LastUpdateStatus).toBe('Successful');
  });

  it('PublishVersion snapshots code and configuration; later changes to $LATEST do not reach it', async () => {
    const latest = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-fn' }));
    const wrongSha = await fail(client.send(new PublishVersionCommand({ FunctionName: 'api-fn', CodeSha256: 'x' })));
    expect(wrongSha.message).toBe(`CodeSHA256 (x) is different from current CodeSHA256 in $LATEST (${latest.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`);
    const v1 = await client.send(new PublishVersionCommand({ FunctionName: 'api-fn', CodeSha256: latest.CodeSha256, Description: 'first' }));
    expect(v1).toMatchObject({ Version: '1', FunctionArn: `${arn('api-fn')}:1`, Description: 'first', CodeSha256: latest.CodeSha256 });
    const again = await client.send(new PublishVersionCommand({ FunctionName: 'api-fn' }));
    expect(again.Version).toBe('1');
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'api-fn', ZipFile: taggedHandler('v3') }));
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api-fn', Environment: { Variables: { GREETING: 'hola' } } }));
    const v2 = await client.send(new PublishVersionCommand({ FunctionName: 'api-fn' }));
    expect(v2.Version).toBe('2');
    const one = await invoke('api-fn', '1');
    expect(one.executed).toBe('1');
    expect(one.body).toMatchObject({ tag: 'v2', greeting: 'bonjour', envVersion: '1', functionVersion: '1', invokedFunctionArn: `${arn('api-fn')}:1` });
    expect((await invoke(`${arn('api-fn')}:2`)).body).toMatchObject({ tag: 'v3', greeting: 'hola', envVersion: '2' });
    expect((await invoke('api-fn')).body).toMatchObject({ tag: 'v3', envVersion: '$LATEST' });
    const versions = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'api-fn' }));
    expect(versions.Versions!.map((v) => [v.Version, v.FunctionArn])).toEqual([
      ['$LATEST', `${arn('api-fn')}:$LATEST`], ['1', `${arn('api-fn')}:1`], ['2', `${arn('api-fn')}:2`],
    ]);
    const all = await client.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
    expect(all.Functions!.filter((f) => f.FunctionName === 'api-fn').map((f) => f.Version)).toEqual(['$LATEST', '1', '2']);
    // Each version has environments of its own.
    const envs = (await (await fetch(`${em.url}/_ephemera/environments?function=api-fn`)).json()) as { environments: Array<{ version: string }> };
    expect(new Set(envs.environments.map((e) => e.version))).toEqual(new Set(['$LATEST', '1', '2']));
  });

  it('an alias with RoutingConfig sends about its weight of 400 invokes to the additional version', async () => {
    const alias = await client.send(new CreateAliasCommand({
      FunctionName: 'api-fn', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.3 } },
    }));
    expect(alias).toMatchObject({ AliasArn: `${arn('api-fn')}:live`, Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.3 } } });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 400; i++) {
      const { executed, body } = await invoke('api-fn', 'live');
      counts[executed!] = (counts[executed!] ?? 0) + 1;
      expect(body.envVersion).toBe(executed);
      expect(body.invokedFunctionArn).toBe(`${arn('api-fn')}:live`);
    }
    // Binomial(400, 0.3): mean 120, standard deviation 9.2; the bound is about six of them.
    expect(Object.keys(counts).sort()).toEqual(['1', '2']);
    expect(counts['2']).toBeGreaterThan(65);
    expect(counts['2']).toBeLessThan(175);
    const got = await client.send(new GetFunctionCommand({ FunctionName: 'api-fn', Qualifier: 'live' }));
    expect(got.Configuration).toMatchObject({ FunctionArn: `${arn('api-fn')}:live`, Version: '1' });
  });

  it('alias errors and updates: duplicates, $LATEST with weights, RevisionId, a version an alias uses', async () => {
    const dup = await fail(client.send(new CreateAliasCommand({ FunctionName: 'api-fn', Name: 'live', FunctionVersion: '2' })));
    expect([dup.name, dup.message]).toEqual(['ResourceConflictException', `Alias already exists: ${arn('api-fn')}:live`]);
    const latestWeights = await fail(client.send(new CreateAliasCommand({ FunctionName: 'api-fn', Name: 'x', FunctionVersion: '$LATEST', RoutingConfig: { AdditionalVersionWeights: { 1: 0.5 } } })));
    expect(latestWeights.message).toBe('$LATEST is not supported for an alias pointing to more than 1 version');
    const two = await fail(client.send(new CreateAliasCommand({ FunctionName: 'api-fn', Name: 'x', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.1, 3: 0.1 } } })));
    expect(two.message).toBe('Number of items in AdditionalVersionWeights cannot be greater than 1');
    const missing = await fail(client.send(new GetAliasCommand({ FunctionName: 'api-fn', Name: 'nope' })));
    expect([missing.name, missing.message]).toEqual(['ResourceNotFoundException', `Cannot find alias arn: ${arn('api-fn')}:nope`]);
    const inUse = await fail(client.send(new DeleteFunctionCommand({ FunctionName: 'api-fn', Qualifier: '2' })));
    expect([inUse.name, inUse.message]).toEqual(['ResourceConflictException', 'Unable to delete version because the following aliases reference it: [live]']);
    const current = await client.send(new GetAliasCommand({ FunctionName: 'api-fn', Name: 'live' }));
    const stale = await fail(client.send(new UpdateAliasCommand({ FunctionName: 'api-fn', Name: 'live', FunctionVersion: '2', RevisionId: 'stale' })));
    expect(stale.name).toBe('PreconditionFailedException');
    const moved = await client.send(new UpdateAliasCommand({ FunctionName: 'api-fn', Name: 'live', FunctionVersion: '2', RoutingConfig: {}, RevisionId: current.RevisionId }));
    expect(moved.FunctionVersion).toBe('2');
    expect(moved.RoutingConfig).toBeUndefined();
    expect((await invoke('api-fn', 'live')).executed).toBe('2');
    const list = await client.send(new ListAliasesCommand({ FunctionName: 'api-fn' }));
    expect(list.Aliases!.map((a) => a.Name)).toEqual(['live']);
    const latestLatest = await fail(client.send(new DeleteFunctionCommand({ FunctionName: 'api-fn', Qualifier: '$LATEST' })));
    expect(latestLatest.message).toBe('$LATEST version cannot be deleted without deleting the function.');
  });

  it('reserved concurrency, provisioned concurrency on an alias (really initialised), account settings', async () => {
    const qualified = await fail(client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-fn:live', ReservedConcurrentExecutions: 5 })));
    expect(qualified.message).toMatch(/^This operation is permitted on Lambda functions only\./);
    expect(await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-fn' }))).not.toHaveProperty('ReservedConcurrentExecutions');
    expect((await client.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api-fn', ReservedConcurrentExecutions: 5 }))).ReservedConcurrentExecutions).toBe(5);
    expect((await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-fn' }))).ReservedConcurrentExecutions).toBe(5);
    const latest = await fail(client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'api-fn', Qualifier: '$LATEST', ProvisionedConcurrentExecutions: 1 })));
    expect(latest.message).toBe('Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    const tooMany = await fail(client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'api-fn', Qualifier: 'live', ProvisionedConcurrentExecutions: 6 })));
    expect(tooMany.message).toBe('Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function');
    const put = await client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'api-fn', Qualifier: 'live', ProvisionedConcurrentExecutions: 2 }));
    expect(put).toMatchObject({ RequestedProvisionedConcurrentExecutions: 2, AllocatedProvisionedConcurrentExecutions: 0, Status: 'IN_PROGRESS' });
    const ready = await waitFor(async () => {
      const pc = await client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'api-fn', Qualifier: 'live' }));
      return pc.Status === 'READY' && pc;
    }, 20_000, 100);
    expect(ready.AllocatedProvisionedConcurrentExecutions).toBe(2);
    const envs = (await (await fetch(`${em.url}/_ephemera/environments?function=api-fn`)).json()) as { environments: Array<{ version: string; provisioned: boolean }> };
    expect(envs.environments.filter((e) => e.provisioned).map((e) => e.version)).toEqual(['2', '2']);
    expect((await invoke('api-fn', 'live')).body.initType).toBe('provisioned-concurrency');
    const settings = await client.send(new GetAccountSettingsCommand({}));
    expect(settings.AccountLimit?.UnreservedConcurrentExecutions).toBe(settings.AccountLimit!.ConcurrentExecutions! - 5);
    expect(settings.AccountUsage?.FunctionCount).toBeGreaterThanOrEqual(4);
    await client.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'api-fn', Qualifier: 'live' }));
    const gone = await fail(client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'api-fn', Qualifier: 'live' })));
    expect(gone.name).toBe('ProvisionedConcurrencyConfigNotFoundException');
    await waitFor(async () => {
      const now = (await (await fetch(`${em.url}/_ephemera/environments?function=api-fn`)).json()) as { environments: Array<{ provisioned: boolean }> };
      return now.environments.every((e) => !e.provisioned);
    });
    await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'api-fn' }));
    expect(await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'api-fn' }))).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  it('EventInvokeConfig per qualifier: put, update, get, list, delete and the destination rules', async () => {
    const self = await fail(client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'api-fn', DestinationConfig: { OnFailure: { Destination: arn('api-fn') } } })));
    expect(self.message).toBe("You can't specify the function as a destination for itself.");
    const empty = await fail(client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'api-fn' })));
    expect(empty.message).toBe('You must specify at least one of error handling or destination setting.');
    const put = await client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'api-fn', Qualifier: 'live', MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: arn('echo') } } }));
    expect(put).toMatchObject({ FunctionArn: `${arn('api-fn')}:live`, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: arn('echo') } } });
    expect(put.LastModified).toBeInstanceOf(Date);
    const updated = await client.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'api-fn', Qualifier: 'live', MaximumEventAgeInSeconds: 120 }));
    expect(updated).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 120, DestinationConfig: { OnFailure: { Destination: arn('echo') } } });
    const missing = await fail(client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'api-fn' })));
    expect(missing.message).toBe(`The function ${arn('api-fn')}:$LATEST doesn't have an EventInvokeConfig`);
    const list = await client.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'api-fn' }));
    expect(list.FunctionEventInvokeConfigs!.map((c) => c.FunctionArn)).toEqual([`${arn('api-fn')}:live`]);
    await client.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'api-fn', Qualifier: 'live' }));
    expect((await client.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'api-fn' }))).FunctionEventInvokeConfigs).toEqual([]);
  });

  it('a provided.al2023 function from a zip keeps its executable bootstrap', async () => {
    const bootstrap = `#!/bin/sh
set -eu
while true; do
  headers=$(mktemp)
  event=$(curl -sS -D "$headers" "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next")
  id=$(grep -i '^lambda-runtime-aws-request-id:' "$headers" | tr -d '\\r' | cut -d' ' -f2)
  curl -sS -X POST "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/$id/response" -d "{\\"shell\\":true,\\"event\\":$event}" >/dev/null
done
`;
    await client.send(new CreateFunctionCommand({
      FunctionName: 'api-shell', Role: ROLE, Runtime: 'provided.al2023', Handler: 'unused', Code: { ZipFile: zipOf({ bootstrap: { content: bootstrap, mode: 0o755 } }) },
    }));
    const r = await client.send(new InvokeCommand({ FunctionName: 'api-shell', Payload: Buffer.from('{"x":2}') }));
    expect(r.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(r.Payload!).toString())).toEqual({ shell: true, event: { x: 2 } });
    await client.send(new DeleteFunctionCommand({ FunctionName: 'api-shell' }));
  });

  it('DeleteFunction with a version qualifier deletes that version; without, the whole function', async () => {
    await client.send(new DeleteAliasCommand({ FunctionName: 'api-fn', Name: 'live' }));
    await client.send(new DeleteFunctionCommand({ FunctionName: 'api-fn', Qualifier: '1' }));
    const v1 = await fail(invoke('api-fn', '1'));
    expect([v1.name, v1.message]).toEqual(['ResourceNotFoundException', `Function not found: ${arn('api-fn')}:1`]);
    // Nothing changed since version 2: publishing returns it; after a change, 3 (numbers are never reused).
    expect((await client.send(new PublishVersionCommand({ FunctionName: 'api-fn' }))).Version).toBe('2');
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api-fn', Description: 'changed' }));
    expect((await client.send(new PublishVersionCommand({ FunctionName: 'api-fn' }))).Version).toBe('3');
    expect((await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'api-fn' }))).Versions!.map((v) => v.Version)).toEqual(['$LATEST', '2', '3']);
    await client.send(new DeleteFunctionCommand({ FunctionName: 'api-fn' }));
    const gone = await fail(client.send(new GetFunctionCommand({ FunctionName: 'api-fn' })));
    expect(gone.name).toBe('ResourceNotFoundException');
    await waitFor(async () => {
      const left = (await (await fetch(`${em.url}/_ephemera/environments?function=api-fn`)).json()) as { environments: unknown[] };
      return left.environments.length === 0;
    }, 10_000);
  });
});
