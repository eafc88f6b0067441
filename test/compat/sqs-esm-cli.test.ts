// The SQS mapping's "Done when" scenarios with Debian's aws CLI (/usr/bin/aws 2.9.x speaks SQS's
// query protocol) sending: `aws sqs send-message` and `send-message-batch` against the main port. The
// first command runs the /usr/bin/aws executable, the rest the same CLI in one Python process (the CLI
// session, test/helpers/aws-cli-session.ts, checked against the executable in sqs-aws-cli.test.ts).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsCliSession, awsCliSession } from '../helpers/aws-cli-session.ts';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { sqsClient } from '../helpers/sqs-esm.ts';
import { fifoOrderAcrossFailures, partialFailureToDlq, type Sender } from '../helpers/sqs-scenarios.ts';

const AWS = '/usr/bin/aws';
const missing = !existsSync(AWS);
if (missing) console.warn(`aws CLI SQS mapping tests skipped: ${AWS} is not installed (apt-get install awscli)`);

describe.skipIf(missing)('SQS event source mapping (aws CLI sending)', () => {
  let em: TestEmulator;
  let sqs: SQSClient;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let n = 0;

  let session: AwsCliSession | undefined;
  let executableRan = false;
  const aws = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const argv = [...args, '--endpoint-url', em.url, '--output', 'json'];
    if (executableRan) return (session ??= awsCliSession()).run(argv, { env, cwd: dir });
    executableRan = true;
    return new Promise((resolve) => {
      execFile(AWS, argv, { env, cwd: dir, timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      });
    });
  };

  const cli: Sender = {
    async send(url, messages) {
      if (messages.length === 1) {
        const [m] = messages;
        const r = await aws(['sqs', 'send-message', '--queue-url', url, '--message-body', m.body, ...(m.group ? ['--message-group-id', m.group] : [])]);
        expect(r.stderr).toBe('');
        expect(JSON.parse(r.stdout)).toHaveProperty('MessageId');
        return;
      }
      for (let i = 0; i < messages.length; i += 10) {
        const file = join(dir, `entries-${n++}.json`);
        writeFileSync(file, JSON.stringify(messages.slice(i, i + 10).map((m, j) => ({ Id: `e${j}`, MessageBody: m.body, ...(m.group ? { MessageGroupId: m.group } : {}) }))));
        const r = await aws(['sqs', 'send-message-batch', '--queue-url', url, '--entries', `file://${file}`]);
        expect(r.stderr).toBe('');
        const out = JSON.parse(r.stdout) as { Successful: unknown[]; Failed?: unknown[] };
        expect(out.Failed ?? []).toEqual([]);
        expect(out.Successful.length).toBe(Math.min(10, messages.length - i));
      }
    },
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ephemera-sqs-cli-'));
    env = {
      PATH: '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8',
      AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true', AWS_MAX_ATTEMPTS: '1',
    };
    em = await startEmulator(fixture('templates/sqs.yaml'), { timeScale: 0.05 });
    sqs = sqsClient(em.url);
  });

  afterAll(async () => {
    await session?.close();
    sqs?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (em) expect(await em.stopChecked()).toEqual([]);
  });

  it('batches reach the function; a reported failure alone comes back, count rising, until the DLQ', async () => {
    await partialFailureToDlq(em, sqs, cli, 'cli');
  }, 60_000);

  it('a FIFO group keeps its order across failures', async () => {
    await fifoOrderAcrossFailures(em, sqs, cli, 'cli');
  }, 60_000);
});
