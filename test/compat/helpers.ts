// Shared pieces of the real-client compatibility tests: one emulator per file on the compat
// template, the afterAll check that every worker PID it ever had is gone, and running Debian's aws CLI
// and boto3 in a clean environment.
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type CliRun, cliRun } from '../helpers/aws-cli-session.ts';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

export { awsCliSession, type AwsCliSession, type CliRun } from '../helpers/aws-cli-session.ts';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const arn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export const notFound = (name: string, qualifier = '$LATEST'): string => `Function not found: ${arn(name)}:${qualifier}`;

export function startCompatEmulator(): Promise<TestEmulator> {
  return startEmulator(fixture('templates/compat.yaml'));
}

/** Stops the emulator and asserts that no process it started (or their children) survives. */
export async function stopAndCheckOrphans(em: TestEmulator): Promise<void> {
  expect(await em.stopChecked()).toEqual([]);
}

/**
 * The START … END … REPORT shape of a decoded X-Amz-Log-Result for request `rid`. A cold start's Tail
 * holds no INIT phase (INIT_START goes to the function's log only), as AWS records it.
 */
export function expectTailLog(b64: string | undefined, rid: string): void {
  expect(b64).toBeTruthy();
  const lines = Buffer.from(b64!, 'base64').toString('utf8').replace(/\n$/, '').split('\n');
  expect(lines[0]).toBe(`START RequestId: ${rid} Version: $LATEST`);
  expect(lines.at(-2)).toBe(`END RequestId: ${rid}`);
  expect(lines.at(-1)).toMatch(new RegExp(`^REPORT RequestId: ${rid}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB`));
}

/** The aws CLI's environment: dummy credentials, no user config (files under `dir`), no pager, no IMDS, no retries. */
export function awsCliEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true', AWS_MAX_ATTEMPTS: '1',
  };
}

/** One run of the `/usr/bin/aws` executable with `args` (its exit code, output, and the output as JSON); never rejects. */
export function runAwsCli(args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string }): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile('/usr/bin/aws', args, { ...opts, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve(cliRun(err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr));
    });
  });
}

const PYTHON = '/usr/bin/python3';

/** Why boto3 tests of `what` are skipped (`import boto3` fails under Debian's python3), or '' when they run. */
export function boto3Missing(what: string): string {
  try {
    execFileSync(PYTHON, ['-c', 'import boto3'], { timeout: 20_000, env: { PATH: '/usr/bin:/bin' }, stdio: 'ignore' });
    return '';
  } catch (err) {
    const why = `${what} skipped: \`import boto3\` fails under ${PYTHON} (${(err as Error).message.split('\n')[0]})`;
    console.warn(why);
    return why;
  }
}

/** Runs a Python scenario with the emulator's URL as its argument; resolves with the JSON it prints. */
export function runBoto3Scenario(script: string, url: string): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-c', script, url], { timeout: 60_000, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' } },
      (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(out))));
  });
}
