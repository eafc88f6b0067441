// A template's versions and aliases with real worker processes: SAM AutoPublishAlias (version 1, the
// alias's provisioned concurrency really initialised, its EventInvokeConfig), AWS::Lambda::Version and
// AWS::Lambda::Alias, and --watch redeploying like `sam sync` (a new version, the alias moves, the
// old version keeps its code).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

const dir = mkdtempSync(join(tmpdir(), 'ephemera-template-versions-'));
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const handler = (tag: string): string => `export const handler = async (event, context) => ({
  tag: '${tag}', envVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION, invokedArn: context.invokedFunctionArn,
  initType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE, pinned: process.env.PINNED ?? null,
});
`;

interface Seen { tag: string; envVersion: string; invokedArn: string; initType: string; pinned: string | null }
interface Env { version: string; provisioned: boolean; state: string }

describe('template versions and aliases (real environments)', () => {
  let em: TestEmulator;
  beforeAll(async () => {
    mkdirSync(join(dir, 'code'));
    writeFileSync(join(dir, 'code', 'index.mjs'), handler('v1'));
    cpSync(join(dir, 'code'), join(dir, 'plain'), { recursive: true });
    writeFileSync(join(dir, 'template.yaml'), [
      'Transform: AWS::Serverless-2016-10-31',
      'Globals:',
      '  Function: { Runtime: nodejs24.x, Handler: index.handler }',
      'Resources:',
      '  Live:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      FunctionName: live-fn',
      '      CodeUri: code',
      '      AutoPublishAlias: live',
      '      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 1 }',
      '      EventInvokeConfig: { MaximumRetryAttempts: 0 }',
      '      Environment: { Variables: { PINNED: !Ref Pinned } }',
      '  Plain:',
      '    Type: AWS::Lambda::Function',
      '    Properties: { FunctionName: plain-fn, Code: plain, Runtime: nodejs24.x, Handler: index.handler, Role: arn:aws:iam::000000000000:role/r }',
      '  PlainVersion:',
      '    Type: AWS::Lambda::Version',
      '    Properties: { FunctionName: !Ref Plain }',
      '  Pinned:',
      '    Type: AWS::Lambda::Alias',
      '    Properties: { FunctionName: !Ref Plain, FunctionVersion: !GetAtt PlainVersion.Version, Name: pinned }',
    ].join('\n'));
    em = await startEmulator(join(dir, 'template.yaml'), { watch: true, isolation: 'process' });
    await em.eph.watcher!.ready;
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (name: string, qualifier?: string): Promise<{ executed: string | null; body: Seen }> => {
    const res = await em.invoke(name, {}, qualifier ? { query: `Qualifier=${qualifier}` } : {});
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    return { executed: res.headers.get('x-amz-executed-version'), body: res.json() as Seen };
  };
  const environments = async (fn: string): Promise<Env[]> =>
    ((await (await fetch(`${em.url}/_ephemera/environments?function=${fn}`)).json()) as { environments: Env[] }).environments;

  it('AutoPublishAlias: the alias runs version 1 on its provisioned environment; $LATEST runs on demand', async () => {
    expect((await environments('live-fn')).map((e) => [e.version, e.provisioned])).toEqual([['1', true]]);
    const viaAlias = await call('live-fn', 'live');
    expect(viaAlias.executed).toBe('1');
    expect(viaAlias.body).toMatchObject({ tag: 'v1', envVersion: '1', invokedArn: `${ARN}:live-fn:live`, initType: 'provisioned-concurrency', pinned: `${ARN}:plain-fn:pinned` });
    const latest = await call('live-fn');
    expect(latest.executed).toBe('$LATEST');
    expect(latest.body).toMatchObject({ envVersion: '$LATEST', invokedArn: `${ARN}:live-fn`, initType: 'on-demand' });
    // SAM attaches EventInvokeConfig to the alias.
    const eic = await fetch(`${em.url}/2019-09-25/functions/live-fn/event-invoke-config?Qualifier=live`);
    expect(await eic.json()).toMatchObject({ FunctionArn: `${ARN}:live-fn:live`, MaximumRetryAttempts: 0 });
    expect((await fetch(`${em.url}/2019-09-25/functions/live-fn/event-invoke-config`)).status).toBe(404);
  });

  it('AWS::Lambda::Version and AWS::Lambda::Alias: the alias runs version 1', async () => {
    const pinned = await call(`${ARN}:plain-fn:pinned`);
    expect(pinned.executed).toBe('1');
    expect(pinned.body).toMatchObject({ envVersion: '1', invokedArn: `${ARN}:plain-fn:pinned` });
  });

  it('--watch publishes a new version for the alias; version 1 keeps the code it was published with', async () => {
    writeFileSync(join(dir, 'code', 'index.mjs'), handler('v2'));
    const moved = await waitFor(async () => {
      const r = await call('live-fn', 'live');
      return r.body.tag === 'v2' && r;
    }, 15_000, 100);
    expect(moved.executed).toBe('2');
    expect(moved.body.envVersion).toBe('2');
    const one = await call('live-fn', '1');
    expect(one.body).toMatchObject({ tag: 'v1', envVersion: '1' });
    expect((await call('live-fn')).body.tag).toBe('v2');
    // The alias's provisioned concurrency moved with it.
    await waitFor(async () => {
      const envs = await environments('live-fn');
      return envs.filter((e) => e.provisioned).map((e) => e.version).join() === '2';
    }, 15_000, 100);
  });
});
