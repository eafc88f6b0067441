// Debian's aws CLI 2.9 (/usr/bin/aws: SQS over the query protocol, XML answers) against the embedded
// queues of a real emulator: the queue and message actions, FIFO, redrive, and AWS's error codes; and
// that the CLI session the CLI files run most commands through answers exactly what /usr/bin/aws does.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { type AwsCliSession, awsCliEnv, awsCliSession, type CliRun, runAwsCli } from './helpers.ts';

const AWS = '/usr/bin/aws';
const missing = !existsSync(AWS);
if (missing) console.warn(`aws CLI SQS tests skipped: ${AWS} is not installed (apt-get install awscli)`);

/** The CLI's error line (it adds "(reached max retries: 0)" with AWS_MAX_ATTEMPTS=1). */
const cliError = (code: string, op: string, message: string): RegExp =>
  new RegExp(`An error occurred \\(${code.replaceAll('.', '\\.')}\\) when calling the ${op} operation( \\(reached max retries: 0\\))?: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

describe.skipIf(missing)('aws sqs (query protocol)', { timeout: 120_000 }, () => {
  let em: TestEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let session: AwsCliSession;
  // Most commands run in one Python process (the CLI's start-up is most of a command's cost); the last test
  // runs the /usr/bin/aws executable itself.
  const aws = (...args: string[]): Promise<CliRun> => session.run(['sqs', ...args, '--endpoint-url', em.url, '--output', 'json'], { env, cwd: dir });
  const awsExecutable = (...args: string[]): Promise<CliRun> => runAwsCli(['sqs', ...args, '--endpoint-url', em.url, '--output', 'json'], { env, cwd: dir });
  const url = (name: string): string => `${em.url}/000000000000/${name}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ephemera-sqs-cli-'));
    env = awsCliEnv(dir);
    session = awsCliSession();
    em = await startEmulator(fixture('templates/sqs-queues.yaml'));
  });
  afterAll(async () => {
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (em) await em.stop(); // no functions in this template: no worker processes
  });

  it('the CLI session (most commands here) answers what the executable does: exit code, stdout, stderr', async () => {
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

  it('in the CLI session each command has its own environment and working directory', async () => {
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
  it('manages queues: create, url, list, attributes, tags, delete', async () => {
    const created = await aws('create-queue', '--queue-name', 'cli-1', '--attributes', 'VisibilityTimeout=7,DelaySeconds=0', '--tags', 'team=a');
    expect(created.code, created.stderr).toBe(0);
    expect(created.json().QueueUrl).toBe(url('cli-1'));
    expect((await aws('get-queue-url', '--queue-name', 'cli-1')).json().QueueUrl).toBe(url('cli-1'));
    expect((await aws('list-queues', '--queue-name-prefix', 'tpl-')).json().QueueUrls).toEqual([url('tpl-dlq'), url('tpl-unused'), url('tpl-work')]);
    const set = await aws('set-queue-attributes', '--queue-url', url('cli-1'), '--attributes', 'MessageRetentionPeriod=120');
    expect(set.code, set.stderr).toBe(0);
    const attrs = (await aws('get-queue-attributes', '--queue-url', url('cli-1'), '--attribute-names', 'All')).json().Attributes;
    expect(attrs).toMatchObject({ VisibilityTimeout: '7', MessageRetentionPeriod: '120', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:cli-1' });
    const redrive = (await aws('get-queue-attributes', '--queue-url', url('tpl-work'), '--attribute-names', 'RedrivePolicy')).json().Attributes;
    expect(JSON.parse(redrive.RedrivePolicy)).toEqual({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:tpl-dlq', maxReceiveCount: 2 });
    expect((await aws('tag-queue', '--queue-url', url('cli-1'), '--tags', 'env=dev')).code).toBe(0);
    expect((await aws('list-queue-tags', '--queue-url', url('cli-1'))).json().Tags).toEqual({ team: 'a', env: 'dev' });
    expect((await aws('delete-queue', '--queue-url', url('cli-1'))).code).toBe(0);
    const gone = await aws('get-queue-url', '--queue-name', 'cli-1');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(cliError('AWS.SimpleQueueService.NonExistentQueue', 'GetQueueUrl', 'The specified queue does not exist for this wsdl version.'));
    const bad = await aws('create-queue', '--queue-name', 'badvt', '--attributes', 'VisibilityTimeout=99999');
    expect(bad.stderr).toMatch(cliError('InvalidAttributeValue', 'CreateQueue', 'Invalid value for the parameter VisibilityTimeout.'));
  });

  it('sends, receives and deletes messages, single and batched, with XML-escaped bodies', async () => {
    const q = (await aws('create-queue', '--queue-name', 'cli-msg')).json().QueueUrl as string;
    const body = 'quote " amp & lt < gt > apos \' done';
    const sent = await aws('send-message', '--queue-url', q, '--message-body', body,
      '--message-attributes', '{"Author":{"DataType":"String","StringValue":"John Grisham"},"Title":{"DataType":"String","StringValue":"The Whistler"},"WeeksOn":{"DataType":"Number","StringValue":"6"}}');
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.json().MD5OfMessageAttributes).toBe('d25a6aea97eb8f585bfa92d314504a92');
    const batch = await aws('send-message-batch', '--queue-url', q, '--entries',
      '[{"Id":"a","MessageBody":"one"},{"Id":"b","MessageBody":"two"},{"Id":"c","MessageBody":"three","DelaySeconds":901}]');
    expect(batch.json().Successful.map((s: { Id: string }) => s.Id)).toEqual(['a', 'b']);
    expect(batch.json().Failed).toEqual([{ Id: 'c', SenderFault: true, Code: 'InvalidParameterValue', Message: 'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.' }]);
    const got = (await aws('receive-message', '--queue-url', q, '--max-number-of-messages', '10', '--attribute-names', 'All', '--message-attribute-names', 'All')).json().Messages;
    expect(got.map((m: { Body: string }) => m.Body)).toEqual([body, 'one', 'two']);
    expect(got[0].MessageAttributes.WeeksOn).toEqual({ DataType: 'Number', StringValue: '6' });
    expect(got[0].Attributes.ApproximateReceiveCount).toBe('1');
    expect((await aws('delete-message', '--queue-url', q, '--receipt-handle', got[0].ReceiptHandle)).code).toBe(0);
    const cv = await aws('change-message-visibility', '--queue-url', q, '--receipt-handle', got[1].ReceiptHandle, '--visibility-timeout', '0');
    expect(cv.code, cv.stderr).toBe(0);
    const del = await aws('delete-message-batch', '--queue-url', q, '--entries', JSON.stringify([{ Id: 'x', ReceiptHandle: got[2].ReceiptHandle }, { Id: 'y', ReceiptHandle: 'garbage' }]));
    expect(del.json().Successful).toEqual([{ Id: 'x' }]);
    expect(del.json().Failed[0]).toMatchObject({ Id: 'y', Code: 'ReceiptHandleIsInvalid' });
    const again = (await aws('receive-message', '--queue-url', q, '--attribute-names', 'ApproximateReceiveCount')).json().Messages;
    expect(again.map((m: { Body: string; Attributes: Record<string, string> }) => [m.Body, m.Attributes.ApproximateReceiveCount])).toEqual([['one', '2']]);
    expect((await aws('purge-queue', '--queue-url', q)).code).toBe(0);
    const purge = await aws('purge-queue', '--queue-url', q);
    expect(purge.stderr).toMatch(cliError('AWS.SimpleQueueService.PurgeQueueInProgress', 'PurgeQueue', 'Only one PurgeQueue operation on cli-msg is allowed every 60 seconds.'));
    const tooMany = await aws('receive-message', '--queue-url', q, '--max-number-of-messages', '11');
    expect(tooMany.stderr).toMatch(cliError('InvalidParameterValue', 'ReceiveMessage', 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.'));
  });

  it('FIFO order, dedup and redrive work from the CLI too', async () => {
    const q = url('Ordered.fifo');
    for (const b of ['c1', 'c2', 'c1']) {
      const r = await aws('send-message', '--queue-url', q, '--message-body', b, '--message-group-id', 'cli');
      expect(r.code, r.stderr).toBe(0);
      expect(r.json().SequenceNumber).toMatch(/^\d{20,}$/);
    }
    const got = (await aws('receive-message', '--queue-url', q, '--max-number-of-messages', '10', '--attribute-names', 'All')).json().Messages;
    expect(got.map((m: { Body: string }) => m.Body)).toEqual(['c1', 'c2']);
    expect(got[0].Attributes.MessageGroupId).toBe('cli');
    const sent = (await aws('send-message', '--queue-url', url('tpl-work'), '--message-body', 'to the dlq')).json();
    for (let i = 0; i < 2; i++) expect((await aws('receive-message', '--queue-url', url('tpl-work'), '--visibility-timeout', '0')).json().Messages).toHaveLength(1);
    expect((await aws('receive-message', '--queue-url', url('tpl-work'))).stdout.trim()).toBe('');
    const dead = (await aws('receive-message', '--queue-url', url('tpl-dlq'), '--attribute-names', 'All')).json().Messages;
    expect(dead[0].MessageId).toBe(sent.MessageId);
    expect(dead[0].Attributes.DeadLetterQueueSourceArn).toBe('arn:aws:sqs:us-east-1:000000000000:tpl-work');
  });

  it('a message body that is not UTF-8 (fileb://) is refused with InvalidMessageContents, not stored altered (the executable)', async () => {
    const q = (await awsExecutable('create-queue', '--queue-name', 'cli-bytes')).json().QueueUrl as string;
    writeFileSync(join(dir, 'latin1.bin'), Buffer.from('caf\xe9', 'latin1'));
    // The CLI checks that MessageBody is text unless told not to; a program sending raw bytes does not.
    writeFileSync(join(dir, 'config-raw'), '[default]\nparameter_validation = false\n');
    const config = env.AWS_CONFIG_FILE;
    env.AWS_CONFIG_FILE = join(dir, 'config-raw');
    const sent = await awsExecutable('send-message', '--queue-url', q, '--message-body', 'fileb://latin1.bin').finally(() => { env.AWS_CONFIG_FILE = config; });
    expect(sent.code).not.toBe(0);
    expect(sent.stderr).toMatch(cliError('InvalidMessageContents', 'SendMessage', "Invalid binary character '#xDCE9' was found in the message body, "
      + 'the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].'));
    expect((await awsExecutable('receive-message', '--queue-url', q)).stdout.trim()).toBe('');
  });
});
