// The aws CLI session (test/helpers/aws-cli-session.ts), which the CLI files run most commands through,
// answers what the /usr/bin/aws executable answers: the same exit code, stdout and stderr for a
// success, a service error, a usage error and --version, and each command's own environment and directory.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { type AwsCliSession, awsCliEnv, awsCliSession, runAwsCli } from './helpers.ts';

const AWS = '/usr/bin/aws';
const missing = !existsSync(AWS);
if (missing) console.warn(`aws CLI session tests skipped: ${AWS} is not installed (apt-get install awscli)`);

describe.skipIf(missing)('the aws CLI session answers as /usr/bin/aws does', { timeout: 120_000 }, () => {
  let em: TestEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let session: AwsCliSession;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ephemera-cli-session-'));
    env = awsCliEnv(dir);
    session = awsCliSession();
    em = await startEmulator(fixture('templates/sqs-queues.yaml'));
  });
  afterAll(async () => {
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (em) await em.stop(); // no functions in this template: no worker processes
  });

  it('the same exit code, stdout and stderr, command by command', async () => {
    const commands = [
      ['sqs', 'list-queues', '--queue-name-prefix', 'tpl-', '--endpoint-url', em.url, '--output', 'json'],
      ['sqs', 'get-queue-url', '--queue-name', 'nope', '--endpoint-url', em.url],
      ['sqs', 'create-queue', '--no-such-option', '--endpoint-url', em.url],
      ['--version'],
    ];
    const real = await Promise.all(commands.map((args) => runAwsCli(args, { env, cwd: dir })));
    for (const [i, args] of commands.entries()) {
      const got = await session.run(args, { env, cwd: dir });
      expect({ code: got.code, stdout: got.stdout, stderr: got.stderr }, args.join(' ')).toEqual({ code: real[i].code, stdout: real[i].stdout, stderr: real[i].stderr });
    }
    expect(real.map((r) => r.code)).toEqual([0, 254, 252, 0]);
  });

  it('each command has its own environment and working directory', async () => {
    writeFileSync(join(dir, 'config-table'), '[default]\noutput = table\n');
    writeFileSync(join(dir, 'body.txt'), 'from a file');
    const table = await session.run(['sqs', 'create-queue', '--queue-name', 'session-q', '--endpoint-url', em.url], { env: { ...env, AWS_CONFIG_FILE: join(dir, 'config-table') }, cwd: dir });
    expect(table.stdout).toMatch(/^-+\n\|\s+CreateQueue\s+\|/);
    const q = `${em.url}/000000000000/session-q`;
    const plain = await session.run(['sqs', 'get-queue-url', '--queue-name', 'session-q', '--endpoint-url', em.url], { env, cwd: dir });
    expect(plain.json()).toEqual({ QueueUrl: q });
    const sent = await session.run(['sqs', 'send-message', '--queue-url', q, '--message-body', 'file://body.txt', '--endpoint-url', em.url], { env, cwd: dir });
    expect(sent.code, sent.stderr).toBe(0);
    const got = await session.run(['sqs', 'receive-message', '--queue-url', q, '--endpoint-url', em.url], { env, cwd: '/' });
    expect(got.json().Messages.map((m: { Body: string }) => m.Body)).toEqual(['from a file']);
  });
});
