// Debian's aws CLI (/usr/bin/aws) driving the write side of the management API, versions and aliases:
// create-function with a zip file built here, `wait function-active-v2`, update-function-code,
// publish-version, create-alias --routing-config, invoke --qualifier, list-functions, get-function,
// list-versions-by-function and delete-function.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../helpers/emulator.ts';
import { taggedHandler } from '../helpers/zip.ts';
import { arn, type AwsCliSession, awsCliEnv, awsCliSession, type CliRun, runAwsCli, startCompatEmulator, stopAndCheckOrphans } from './helpers.ts';

const AWS = '/usr/bin/aws';
const missing = !existsSync(AWS);
if (missing) console.warn(`aws CLI version tests skipped: ${AWS} is not installed (apt-get install awscli)`);

describe.skipIf(missing)('aws CLI (/usr/bin/aws): functions, versions and aliases', () => {
  let em: TestEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let session: AwsCliSession;
  // Most commands run in one Python process (the CLI's start-up is most of a command's cost); the
  // delete-function test runs the /usr/bin/aws executable itself.
  const aws = (args: string[]): Promise<CliRun> => session.run(['lambda', ...args, '--endpoint-url', em.url, '--output', 'json'], { env, cwd: dir });
  const awsExecutable = (args: string[]): Promise<CliRun> => runAwsCli(['lambda', ...args, '--endpoint-url', em.url, '--output', 'json'], { env, cwd: dir });
  const ok = async (args: string[]): Promise<Record<string, unknown>> => {
    const r = await aws(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout) as Record<string, unknown>;
  };
  let n = 0;
  const invoke = async (extra: string[]) => {
    const out = join(dir, `out-${n++}.json`);
    const meta = await ok(['invoke', '--function-name', 'cli-fn', '--cli-binary-format', 'raw-in-base64-out', '--payload', '{"from":"cli"}', ...extra, out]);
    return { meta, body: JSON.parse(readFileSync(out, 'utf8')) as { tag: string; envVersion: string; invokedFunctionArn: string } };
  };
  const zip = (tag: string): string => {
    const file = join(dir, `${tag}.zip`);
    writeFileSync(file, taggedHandler(tag));
    return `fileb://${file}`;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ephemera-awscli-versions-'));
    env = awsCliEnv(dir);
    session = awsCliSession();
    em = await startCompatEmulator();
  });
  afterAll(async () => {
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (em) await stopAndCheckOrphans(em);
  });

  it('create-function --zip-file, wait function-active-v2, invoke', async () => {
    const created = await ok(['create-function', '--function-name', 'cli-fn', '--runtime', 'nodejs24.x', '--handler', 'index.handler',
      '--role', 'arn:aws:iam::000000000000:role/r', '--zip-file', zip('v1')]);
    expect(created).toMatchObject({ FunctionName: 'cli-fn', FunctionArn: arn('cli-fn'), Version: '$LATEST', State: 'Pending' });
    await ok(['wait', 'function-active-v2', '--function-name', 'cli-fn']);
    const { meta, body } = await invoke([]);
    expect(meta).toEqual({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(body.tag).toBe('v1');
  });

  it('update-function-code changes the next invoke; publish-version snapshots; invoke --qualifier runs that version', async () => {
    const updated = await ok(['update-function-code', '--function-name', 'cli-fn', '--zip-file', zip('v2')]);
    expect(updated.LastUpdateStatus).toBe('InProgress');
    await ok(['wait', 'function-updated-v2', '--function-name', 'cli-fn']);
    expect((await invoke([])).body.tag).toBe('v2');
    expect((await ok(['publish-version', '--function-name', 'cli-fn', '--description', 'v2'])).Version).toBe('1');
    await ok(['update-function-code', '--function-name', 'cli-fn', '--zip-file', zip('v3')]);
    expect((await ok(['publish-version', '--function-name', 'cli-fn'])).Version).toBe('2');
    const one = await invoke(['--qualifier', '1']);
    expect(one.meta.ExecutedVersion).toBe('1');
    expect(one.body).toMatchObject({ tag: 'v2', envVersion: '1' });
    const versions = await ok(['list-versions-by-function', '--function-name', 'cli-fn']);
    expect((versions.Versions as Array<{ Version: string }>).map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);
  });

  it('create-alias --routing-config: invokes through the alias run both versions; get-function and list-functions see it all', async () => {
    const alias = await ok(['create-alias', '--function-name', 'cli-fn', '--name', 'live', '--function-version', '1',
      '--routing-config', '{"AdditionalVersionWeights":{"2":0.5}}']);
    expect(alias).toMatchObject({ AliasArn: `${arn('cli-fn')}:live`, FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.5 } } });
    const seen = new Set<string>();
    // 20 invokes at weight 0.5: both versions appear unless a 1-in-500,000 event happens.
    for (let i = 0; i < 20; i++) {
      const { meta, body } = await invoke(['--qualifier', 'live']);
      expect(body.envVersion).toBe(meta.ExecutedVersion);
      expect(body.invokedFunctionArn).toBe(`${arn('cli-fn')}:live`);
      seen.add(meta.ExecutedVersion as string);
    }
    expect([...seen].sort()).toEqual(['1', '2']);
    const got = await ok(['get-function', '--function-name', 'cli-fn', '--qualifier', 'live']);
    expect(got.Configuration).toMatchObject({ FunctionArn: `${arn('cli-fn')}:live`, Version: '1' });
    const list = await ok(['list-functions']);
    expect((list.Functions as Array<{ FunctionName: string }>).map((f) => f.FunctionName)).toEqual(['cli-fn', 'echo', 'throws', 'timeout']);
  });

  it('delete-function: a version an alias uses is refused; the whole function goes (the executable)', async () => {
    const refused = await awsExecutable(['delete-function', '--function-name', 'cli-fn', '--qualifier', '2']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('(ResourceConflictException)');
    expect(refused.stderr).toContain('Unable to delete version because the following aliases reference it: [live]');
    expect(await awsExecutable(['delete-function', '--function-name', 'cli-fn'])).toMatchObject({ code: 0, stderr: '' });
    const gone = await awsExecutable(['get-function', '--function-name', 'cli-fn']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('(ResourceNotFoundException)');
  });
}, 90_000); // the alias test runs 23 CLI commands, and a loaded machine is slow
