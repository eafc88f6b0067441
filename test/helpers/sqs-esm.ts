// Shared pieces of the SQS event-source-mapping tests: an SDK SQS client for an emulator, what the
// sqs-partial fixture saw (its SEEN lines), and reading a queue (e.g. a DLQ) to the end.
import { GetQueueAttributesCommand, GetQueueUrlCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type TestEmulator, waitFor } from './emulator.ts';

export function sqsClient(url: string): SQSClient {
  return new SQSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

export async function queueUrl(sqs: SQSClient, name: string): Promise<string> {
  return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
}

export interface Seen {
  id: string;
  messageId: string;
  count: number;
  group: string | null;
  /** Records in the invocation that saw it. */
  size: number;
}

/** Every record the sqs-partial fixture was given, in order. */
export function seen(em: TestEmulator, prefix = ''): Seen[] {
  const out: Seen[] = [];
  for (const l of em.lines) {
    const i = l.text.indexOf('SEEN {');
    if (i < 0) continue;
    const s = JSON.parse(l.text.slice(i + 5)) as Seen;
    if (typeof s.id === 'string' && s.id.startsWith(prefix)) out.push(s);
  }
  return out;
}

/** The receive counts a message id (the body's `id`) was delivered with. */
export const countsOf = (all: Seen[], id: string): number[] => all.filter((s) => s.id === id).map((s) => s.count);

/** Receive what is visible on a queue now (short polls until one comes back empty). */
export async function drain(sqs: SQSClient, url: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'], VisibilityTimeout: 30 }));
    if (!r.Messages?.length) return out;
    out.push(...r.Messages);
  }
}

/** Long-polls `queue` (by name) until at least `count` messages came back, with their attributes. */
export async function receiveAtLeast(sqs: SQSClient, em: TestEmulator, queue: string, count: number, timeoutMs = 15_000): Promise<Message[]> {
  const got: Message[] = [];
  await waitFor(async () => {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: `${em.url}/000000000000/${queue}`, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], WaitTimeSeconds: 1,
    }));
    got.push(...Messages);
    return got.length >= count;
  }, timeoutMs);
  return got;
}

/** Visible + in flight + delayed messages of a queue. */
export async function depth(sqs: SQSClient, url: string): Promise<number> {
  const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }));
  const a = r.Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
}
