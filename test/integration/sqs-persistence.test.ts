// --data-dir: embedded queues and their messages survive a graceful restart and a SIGKILL of the
// emulator process; deleted messages stay deleted, in-flight ones become visible again (receive
// counts kept), FIFO deduplication ids are remembered.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, fixture, startEmulator, waitFor } from '../helpers/emulator.ts';

const TEMPLATE = fixture('templates/sqs-queues.yaml');
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const client = (endpoint: string): SQSClient =>
  new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
const qurl = (base: string, name: string): string => `${base}/000000000000/${name}`;

async function drain(sqs: SQSClient, url: string): Promise<{ body: string; count: string }[]> {
  const out: { body: string; count: string }[] = [];
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 300, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    if (!got.Messages) return out;
    for (const m of got.Messages) out.push({ body: m.Body!, count: m.Attributes!.ApproximateReceiveCount! });
  }
}

describe('SQS persistence (--data-dir)', () => {
  it('keeps queues and unacknowledged messages across a graceful restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ephemera-sqs-data-'));
    dirs.push(dataDir);
    const first = await startEmulator(TEMPLATE, { dataDir });
    const a = client(first.url);
    const url = (await a.send(new CreateQueueCommand({ QueueName: 'kept', Attributes: { VisibilityTimeout: '600' } }))).QueueUrl!;
    await a.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['m1', 'm2', 'm3', 'm4'].map((b) => ({ Id: b, MessageBody: b })) }));
    const got = (await a.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 2 }))).Messages!;
    expect(got.map((m) => m.Body)).toEqual(['m1', 'm2']);
    await a.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: got[0].ReceiptHandle }));
    const fifo = qurl(first.url, 'Ordered.fifo');
    const original = await a.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: 'once', MessageGroupId: 'g' }));
    a.destroy();
    await first.stop();

    const second = await startEmulator(TEMPLATE, { dataDir });
    const b = client(second.url);
    const attrs = await b.send(new GetQueueAttributesCommand({ QueueUrl: qurl(second.url, 'kept'), AttributeNames: ['VisibilityTimeout', 'ApproximateNumberOfMessages'] }));
    expect(attrs.Attributes).toEqual({ VisibilityTimeout: '600', ApproximateNumberOfMessages: '3' });
    await expect(b.send(new DeleteMessageCommand({ QueueUrl: qurl(second.url, 'kept'), ReceiptHandle: got[1].ReceiptHandle }))).resolves.toBeDefined();
    expect(await drain(b, qurl(second.url, 'kept'))).toEqual([{ body: 'm2', count: '2' }, { body: 'm3', count: '1' }, { body: 'm4', count: '1' }]);
    const dup = await b.send(new SendMessageCommand({ QueueUrl: qurl(second.url, 'Ordered.fifo'), MessageBody: 'once', MessageGroupId: 'g' }));
    expect(dup.MessageId).toBe(original.MessageId);
    expect((await drain(b, qurl(second.url, 'Ordered.fifo'))).map((m) => m.body)).toEqual(['once']);
    b.destroy();
    await second.stop();
  });

  it('loses no acknowledged send and revives no acknowledged delete when the emulator is SIGKILLed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ephemera-sqs-kill-'));
    dirs.push(dataDir);
    const child = spawn(process.execPath, [join(ROOT, 'bin/ephemera.mjs'), 'start', '--template', TEMPLATE, '--port', '0', '--data-dir', dataDir, '--log-level', 'info'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const base = await waitFor(() => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1], 20_000);
    const sqs = client(base);
    const url = qurl(base, 'tpl-unused');
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `k${i}`, DelaySeconds: 0 }));
      sent.push(`k${i}`);
    }
    const deleted: string[] = [];
    const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages!;
    for (const m of got.slice(0, 5)) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
      deleted.push(m.Body!);
    }
    sqs.destroy();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const again = await startEmulator(TEMPLATE, { dataDir });
    const c = client(again.url);
    const left = (await drain(c, qurl(again.url, 'tpl-unused'))).map((m) => m.body).sort();
    expect(left).toEqual(sent.filter((b) => !deleted.includes(b)).sort());
    expect(left).toHaveLength(25);
    c.destroy();
    await again.stop();
  });
});
