// The event source mapping API with real clients: Debian's aws CLI (create, get, list, delete and
// AWS's errors) and the AWS SDK v3 Lambda client (update), on a queue created with the SDK's SQS
// client; the mapping really polls (the function runs) and really stops when disabled.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAliasCommand, CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand, GetEventSourceMappingCommand, LambdaClient,
  PublishVersionCommand, UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type TestEmulator } from '../helpers/emulator.ts';
import { type AwsCliSession, awsCliEnv, awsCliSession, type CliRun, runAwsCli, startCompatEmulator, stopAndCheckOrphans } from './helpers.ts';

const AWS = '/usr/bin/aws';
const missing = !existsSync(AWS);
if (missing) console.warn(`event source mapping CLI tests skipped: ${AWS} is not installed (apt-get install awscli)`);
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:esm-api-q';
const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };

describe.skipIf(missing)('event source mapping API (aws CLI and SDK)', () => {
  let em: TestEmulator;
  let dir: string;
  let lambda: LambdaClient;
  let sqs: SQSClient;
  let queueUrl: string;
  let uuid: string;
  let session: AwsCliSession;

  // create-event-source-mapping runs the /usr/bin/aws executable; the other commands run in one Python
  // process (test/helpers/aws-cli-session.ts: the CLI's start-up is most of a command's cost).
  const aws = (args: string[]): Promise<CliRun> => runAwsCli(['lambda', ...args, '--endpoint-url', em.url, '--output', 'json'], { env: awsCliEnv(dir), cwd: dir });
  const inSession = (args: string[]): Promise<CliRun> => session.run(['lambda', ...args, '--endpoint-url', em.url, '--output', 'json'], { env: awsCliEnv(dir), cwd: dir });
  const runs = () => em.lines.filter((l) => l.fn === 'echo' && l.text.startsWith('START RequestId:')).length;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ephemera-esm-cli-'));
    session = awsCliSession();
    em = await startCompatEmulator();
    lambda = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials });
    sqs = new SQSClient({ endpoint: em.url, region: 'us-east-1', credentials });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'esm-api-q' }))).QueueUrl!;
  });
  afterAll(async () => {
    lambda?.destroy();
    sqs?.destroy();
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (em) await stopAndCheckOrphans(em);
  });

  it('creates a mapping (202 Creating) that then polls the queue', async () => {
    const r = await aws(['create-event-source-mapping', '--function-name', 'echo', '--event-source-arn', QUEUE_ARN, '--batch-size', '5']);
    expect(r.stderr).toBe('');
    const created = JSON.parse(r.stdout);
    expect(created).toMatchObject({ State: 'Creating', BatchSize: 5, EventSourceArn: QUEUE_ARN, FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:echo' });
    uuid = created.UUID;
    const before = runs();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"via":"esm"}' }));
    await waitFor(() => runs() > before, 15_000);
    const got = JSON.parse((await inSession(['get-event-source-mapping', '--uuid', uuid])).stdout);
    expect(got).toMatchObject({ UUID: uuid, State: 'Enabled', StateTransitionReason: 'USER_INITIATED' });
    const listed = JSON.parse((await inSession(['list-event-source-mappings', '--function-name', 'echo'])).stdout);
    expect(listed.EventSourceMappings.map((m: { UUID: string }) => m.UUID)).toEqual([uuid]);
  });

  it("answers AWS's errors: unknown function, duplicate, missing queue", async () => {
    const nofn = await inSession(['create-event-source-mapping', '--function-name', 'nope', '--event-source-arn', QUEUE_ARN]);
    expect(nofn.code).not.toBe(0);
    expect(nofn.stderr).toMatch(/\(InvalidParameterValueException\) when calling the CreateEventSourceMapping operation( \(reached max retries: 0\))?: Function does not exist/);
    const dup = await inSession(['create-event-source-mapping', '--function-name', 'echo', '--event-source-arn', QUEUE_ARN]);
    expect(dup.stderr).toContain('(ResourceConflictException)');
    expect(dup.stderr).toContain(`Please update or delete the existing mapping with UUID ${uuid}`);
    const noq = await inSession(['create-event-source-mapping', '--function-name', 'echo', '--event-source-arn', `${QUEUE_ARN}-missing`]);
    expect(noq.stderr).toContain('AWS.SimpleQueueService.NonExistentQueue');
  });

  it('disables with UpdateEventSourceMapping (SDK): messages then stay in the queue', async () => {
    const updated = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    expect(updated.State).toBe('Disabling');
    await waitFor(async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === 'Disabled', 5000);
    const before = runs();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"via":"disabled"}' }));
    await new Promise((r) => setTimeout(r, 1500));
    expect(runs()).toBe(before);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe('1');
  });

  it('maps a queue to an alias: the version behind it runs', async () => {
    const aliasQueue = (await sqs.send(new CreateQueueCommand({ QueueName: 'esm-alias-q' }))).QueueUrl!;
    const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName: 'echo' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'echo', Name: 'prod', FunctionVersion: Version }));
    const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'echo:prod', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:esm-alias-q' }));
    expect(created.FunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:echo:prod');
    await sqs.send(new SendMessageCommand({ QueueUrl: aliasQueue, MessageBody: '{"via":"alias"}' }));
    await waitFor(() => em.lines.some((l) => l.fn === 'echo' && l.text.startsWith('START RequestId:') && l.text.endsWith(`Version: ${Version}`)), 15_000);
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
  });

  it('deletes (202 Deleting); the mapping is then gone', async () => {
    const del = await inSession(['delete-event-source-mapping', '--uuid', uuid]);
    expect(JSON.parse(del.stdout)).toMatchObject({ UUID: uuid, State: 'Deleting' });
    const gone = await inSession(['get-event-source-mapping', '--uuid', uuid]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/\(ResourceNotFoundException\) when calling the GetEventSourceMapping operation( \(reached max retries: 0\))?: The resource you requested does not exist\./);
  });
});
