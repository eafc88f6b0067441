// A small in-memory Queue for poller unit tests (not the embedded engine): visibility, receive
// counts, long polls that end on a message or an abort, FIFO groups locked while in flight; on the
// clock it is given (the system clock unless a test drives one).
import { createHash, randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../lib/clock.ts';
import type { Queue, ReceiveOptions, ReceivedMessage, SendInput, SendResult } from '../../services/sqs/queue.ts';

interface Stored {
  id: string;
  input: SendInput;
  visibleAt: number;
  receives: number;
  handle?: string;
  sent: number;
}

export class MemoryQueue implements Queue {
  readonly arn: string;
  readonly name: string;
  readonly fifo: boolean;
  visibility = 30;
  readonly messages: Stored[] = [];
  readonly deleted: string[] = [];
  receiveCalls = 0;
  private waiters = new Set<() => void>();
  private readonly clock: Clock;

  constructor(name: string, region = 'us-east-1', account = '000000000000', clock: Clock = systemClock) {
    this.clock = clock;
    this.name = name;
    this.fifo = name.endsWith('.fifo');
    this.arn = `arn:aws:sqs:${region}:${account}:${name}`;
  }

  async visibilityTimeoutSeconds(): Promise<number> {
    return this.visibility;
  }

  async send(input: SendInput): Promise<SendResult> {
    const id = randomUUID();
    this.messages.push({ id, input, visibleAt: 0, receives: 0, sent: this.clock.now() });
    for (const w of this.waiters) w();
    return { messageId: id, md5OfMessageBody: md5(input.body) };
  }

  async receive(opts: ReceiveOptions): Promise<ReceivedMessage[]> {
    this.receiveCalls++;
    const end = this.clock.now() + opts.waitTimeSeconds * 1000;
    for (;;) {
      const got = this.take(opts);
      if (got.length > 0 || this.clock.now() >= end || opts.signal?.aborted) return got;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          cancel();
          this.waiters.delete(done);
          opts.signal?.removeEventListener('abort', done);
          resolve();
        };
        const cancel = this.clock.setTimeout(done, Math.min(50, end - this.clock.now()));
        this.waiters.add(done);
        opts.signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  async delete(handles: string[]): Promise<void> {
    for (const h of handles) {
      const i = this.messages.findIndex((m) => m.handle === h);
      if (i >= 0) {
        this.deleted.push(this.messages[i].id);
        this.messages.splice(i, 1);
      }
    }
  }

  async changeVisibility(handle: string, seconds: number): Promise<void> {
    const m = this.messages.find((x) => x.handle === handle);
    if (m) {
      m.visibleAt = this.clock.now() + seconds * 1000;
      for (const w of this.waiters) w();
    }
  }

  /** Messages still on the queue (visible or not). */
  get depth(): number {
    return this.messages.length;
  }

  private take(opts: ReceiveOptions): ReceivedMessage[] {
    const now = this.clock.now();
    const locked = new Set<string>();
    if (this.fifo) for (const m of this.messages) if (m.visibleAt > now && m.input.messageGroupId) locked.add(m.input.messageGroupId);
    const out: ReceivedMessage[] = [];
    for (const m of this.messages) {
      if (out.length >= opts.maxMessages) break;
      const group = m.input.messageGroupId;
      if (m.visibleAt > now || (group !== undefined && locked.has(group) && !out.some((o) => o.attributes.MessageGroupId === group))) {
        if (group !== undefined) locked.add(group);
        continue;
      }
      m.receives++;
      m.handle = randomUUID();
      m.visibleAt = now + (opts.visibilityTimeout ?? this.visibility) * 1000;
      const attributes: Record<string, string> = {
        ApproximateReceiveCount: String(m.receives), SentTimestamp: String(m.sent), SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: String(m.sent),
      };
      if (group !== undefined) Object.assign(attributes, { SequenceNumber: '1', MessageGroupId: group, MessageDeduplicationId: m.id });
      out.push({ messageId: m.id, receiptHandle: m.handle, body: m.input.body, md5OfBody: md5(m.input.body),
        md5OfMessageAttributes: m.input.messageAttributes ? 'attrs-md5' : undefined, attributes, messageAttributes: m.input.messageAttributes ?? {} });
    }
    return out;
  }
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
