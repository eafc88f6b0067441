// Debian's aws CLI (/usr/bin/aws, always by absolute path: an `aws` earlier on PATH may be a
// different CLI) against a real emulator: `aws lambda invoke` success, --log-type Tail, a function
// error and a missing function.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../helpers/emulator.ts';
import { arn, type AwsCliSession, awsCliEnv, awsCliSession, type CliRun, expectTailLog, notFound, runAwsCli, startCompatEmulator, stopAndCheckOrphans } from './helpers.ts';

const AWS = '/usr/bin/aws';
const missing = !existsSync(AWS);
if (missing) console.warn(`aws CLI compat tests skipped: ${AWS} is not installed (apt-get install awscli)`);

describe.skipIf(missing)('aws CLI (/usr/bin/aws) lambda invoke', () => {
  let em: TestEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let binaryFormat: string[] = [];
  let session: AwsCliSession;

  const aws = (args: string[]): Promise<CliRun> => runAwsCli(args, { env, cwd: dir });
  // The Tail and function error tests run their command in one Python process with the other CLI files'
  // (test/helpers/aws-cli-session.ts); the others run the /usr/bin/aws executable.
  const inSession = (args: string[]): Promise<CliRun> => session.run(args, { env, cwd: dir });
  let n = 0;
  /** `aws lambda invoke` of `fn`; returns the CLI's JSON output and the payload file's text. */
  const invoke = async (fn: string, payload: string, extra: string[] = [], via = aws) => {
    const out = join(dir, `out-${n++}.json`);
    const run = await via(['lambda', 'invoke', '--endpoint-url', em.url, '--function-name', fn,
      '--payload', payload, ...binaryFormat, ...extra, '--output', 'json', out]);
    return { ...run, out: run.code === 0 ? JSON.parse(run.stdout) as Record<string, unknown> : undefined, payload: existsSync(out) ? readFileSync(out, 'utf8') : undefined };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ephemera-awscli-'));
    // A clean environment: dummy credentials, no user config, no pager, no IMDS lookups.
    env = awsCliEnv(dir);
    session = awsCliSession();
    const version = await aws(['--version']);
    const major = Number(/aws-cli\/(\d+)\./.exec(version.stdout + version.stderr)?.[1]);
    console.info(`aws CLI: ${(version.stdout + version.stderr).trim()}`);
    expect(major).toBeGreaterThanOrEqual(1);
    // v2 treats blob arguments as base64 unless told otherwise; v1 has no such option (raw already).
    binaryFormat = major >= 2 ? ['--cli-binary-format', 'raw-in-base64-out'] : [];
    em = await startCompatEmulator();
  });
  afterAll(async () => {
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (em) await stopAndCheckOrphans(em);
  });

  it('invokes echo: StatusCode 200, $LATEST, the payload file holds the result', async () => {
    const r = await invoke('echo', '{"a":1,"b":"two"}');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toEqual({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    const body = JSON.parse(r.payload!) as { event: unknown; functionName: string; invokedFunctionArn: string };
    expect(body.event).toEqual({ a: 1, b: 'two' });
    expect(body.functionName).toBe('echo');
    expect(body.invokedFunctionArn).toBe(arn('echo'));
  });

  it('--log-type Tail: LogResult is the base64 START…END…REPORT log', async () => {
    const r = await invoke('echo', '{}', ['--log-type', 'Tail'], inSession);
    expect(r.code).toBe(0);
    const rid = (JSON.parse(r.payload!) as { requestId: string }).requestId;
    expectTailLog(r.out!.LogResult as string, rid);
  });

  it('a function error: exit 0, FunctionError Unhandled, the error JSON in the payload file', async () => {
    const r = await invoke('throws', '{"why":"cli"}', [], inSession);
    expect(r.code).toBe(0);
    expect(r.out).toEqual({ StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' });
    const body = JSON.parse(r.payload!) as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('MyError');
    expect(body.errorMessage).toBe('boom: cli');
  });

  it('a missing function: non-zero exit, ResourceNotFoundException on stderr', async () => {
    const r = await invoke('nope', '{}');
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('An error occurred (ResourceNotFoundException) when calling the Invoke operation');
    expect(r.stderr).toContain(notFound('nope'));
  });
});
