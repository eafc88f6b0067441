// One embedded SQS queue (standard or FIFO): messages with receive counts, visibility, delays and
// retention; long polling woken by sends; redrive to the DLQ on receive; FIFO group locking, order and
// 5-minute deduplication; every change reported to the host's journal. Times are the host's clock (not scaled).
import type { Clock } from '../../lib/clock.ts';
import type { Queue, ReceiveOptions, ReceivedMessage, SendInput, SendResult } from './queue.ts';
import { type RedrivePolicy, parseRedrivePolicy } from './sqs-attributes.ts';
import { DEDUP_WINDOW_MS, DedupWindow, fifoIds } from './fifo-dedup.ts';
import { SqsError, invalidValue } from './sqs-error.ts';
import type { JournalRecord } from './sqs-journal.ts';
import { NOT_FOR_THIS_QUEUE_TYPE, type StoredMessage, checkDedupId, newMessage, newReceiptHandle, parseReceiptHandle, toReceived } from './sqs-message.ts';

/** What a queue needs from the set it belongs to. */
export interface QueueHost {
  /** Visibility, delays, retention, deduplication and long polls run on it. */
  clock: Clock;
  /** An embedded queue by ARN (the DLQ). */
  queueByArn(arn: string): EmbeddedQueue | undefined;
  /** Records a change; `sync` ones are on disk before the call returns (when persistence is on). */
  journal(record: JournalRecord, sync: boolean): void;
}


export class EmbeddedQueue implements Queue {
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly accountId: string;
  /** Settable attributes (defaults filled in), as strings. */
  attributes: Record<string, string>;
  tags: Record<string, string> = {};
  createdAt: number;
  modifiedAt: number;
  lastPurgeAt = -Infinity;
  readonly messages = new Map<string, StoredMessage>();
  readonly dedup = new DedupWindow();
  private lastSequence = 0n;
  private redrive?: RedrivePolicy;
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private readonly host: QueueHost;

  constructor(host: QueueHost, init: { name: string; arn: string; accountId: string; fifo: boolean; attributes: Record<string, string>; createdAt: number }) {
    this.host = host;
    this.name = init.name;
    this.arn = init.arn;
    this.accountId = init.accountId;
    this.fifo = init.fifo;
    this.attributes = init.attributes;
    this.createdAt = init.createdAt;
    this.modifiedAt = init.createdAt;
    this.attributesChanged();
  }

  /** Call after `attributes` changed. */
  attributesChanged(): void {
    const rp = this.attributes.RedrivePolicy;
    this.redrive = rp ? parseRedrivePolicy(rp, this.fifo) : undefined;
  }

  private num(name: string): number {
    return Number(this.attributes[name]);
  }

  async visibilityTimeoutSeconds(): Promise<number> {
    return this.num('VisibilityTimeout');
  }

  async send(input: SendInput): Promise<SendResult> {
    return this.sendNow(input);
  }

  /** Validates and stores a message (synchronously, journaled with fsync). */
  sendNow(input: SendInput): SendResult {
    const now = this.host.clock.now();
    const m = newMessage(input, { fifo: this.fifo, now, senderId: this.accountId, delaySeconds: this.num('DelaySeconds'), maxSize: this.num('MaximumMessageSize') });
    const md5 = m.md5OfBody;
    const md5Attrs = m.md5OfMessageAttributes;
    // A standard queue takes a MessageGroupId (fair queues), held to the FIFO id's rules.
    if (!this.fifo && input.messageGroupId !== undefined) checkDedupId('MessageGroupId', input.messageGroupId);
    if (input.messageGroupId !== undefined) m.groupId = input.messageGroupId;
    if (this.fifo) {
      const ids = fifoIds(input, this.attributes);
      m.dedupId = ids.dedupId;
      const dup = this.dedup.find(ids.key, now);
      if (dup) return { messageId: dup.messageId, md5OfMessageBody: md5, md5OfMessageAttributes: md5Attrs, sequenceNumber: dup.sequenceNumber };
      m.sequenceNumber = this.nextSequence(now);
      const entry = { expiresAt: now + DEDUP_WINDOW_MS, messageId: m.id, sequenceNumber: m.sequenceNumber };
      this.dedup.add(ids.key, entry);
      this.host.journal({ op: 'dedup', q: this.name, key: ids.key, ...entry }, false);
    } else if (input.messageDeduplicationId !== undefined) {
      throw invalidValue('MessageDeduplicationId', input.messageDeduplicationId, NOT_FOR_THIS_QUEUE_TYPE);
    }
    this.store(m, true);
    return { messageId: m.id, md5OfMessageBody: md5, md5OfMessageAttributes: md5Attrs, sequenceNumber: m.sequenceNumber };
  }

  /** Adds a message (a send, a dead letter, or a replayed one) and wakes long polls. */
  store(m: StoredMessage, journal: boolean): void {
    this.messages.set(m.id, m);
    if (m.sequenceNumber) this.lastSequence = BigInt(m.sequenceNumber) > this.lastSequence ? BigInt(m.sequenceNumber) : this.lastSequence;
    if (journal) this.host.journal({ op: 'send', q: this.name, m }, true);
    this.wake();
  }

  private nextSequence(now: number): string {
    const floor = BigInt(now) * 10_000_000n;
    this.lastSequence = this.lastSequence >= floor ? this.lastSequence + 1n : floor;
    return this.lastSequence.toString();
  }

  async receive(opts: ReceiveOptions): Promise<ReceivedMessage[]> {
    const max = Math.min(10, Math.max(1, opts.maxMessages));
    const deadline = this.host.clock.now() + 1000 * opts.waitTimeSeconds;
    for (;;) {
      // Aborted (the client went away, the poller stopped): take nothing, or it would stay hidden unseen.
      if (opts.signal?.aborted) return [];
      const got = this.receiveNow(max, opts.visibilityTimeout);
      if (got.length > 0 || this.closed || this.host.clock.now() >= deadline) return got;
      await this.waitForChange(deadline, opts.signal);
    }
  }

  /** One pass over the messages: what is visible now, up to `max`, marked in flight. */
  receiveNow(max: number, visibilityTimeout?: number): ReceivedMessage[] {
    const now = this.host.clock.now();
    const retentionMs = 1000 * this.num('MessageRetentionPeriod');
    const vt = visibilityTimeout ?? this.num('VisibilityTimeout');
    const out: ReceivedMessage[] = [];
    const blocked = new Set<string | undefined>();
    for (const m of this.messages.values()) {
      if (out.length >= max) break;
      if (m.sentAt + retentionMs <= now) {
        this.remove(m, false);
        continue;
      }
      if (this.fifo && blocked.has(m.groupId)) continue;
      if (m.visibleAt > now) {
        blocked.add(m.groupId);
        continue;
      }
      if (this.redrive && m.receiveCount + 1 > this.redrive.maxReceiveCount) {
        const dlq = this.host.queueByArn(this.redrive.deadLetterTargetArn);
        if (dlq && dlq !== this) {
          // DLQ first: a crash in between leaves the message in both queues, never in neither.
          dlq.acceptDeadLetter(m, this.arn);
          this.remove(m, true);
          continue;
        }
      }
      m.receiveCount++;
      m.firstReceiveAt ??= now;
      m.receipt = newReceiptHandle(this.name, m.id);
      m.visibleAt = now + 1000 * vt;
      this.host.journal({ op: 'recv', q: this.name, id: m.id, n: m.receiveCount, first: m.firstReceiveAt }, false);
      out.push(toReceived(m));
    }
    return out;
  }

  /** A message moved here by another queue's redrive policy. */
  acceptDeadLetter(m: StoredMessage, sourceArn: string): void {
    const now = this.host.clock.now();
    const moved: StoredMessage = { ...m, receipt: undefined, visibleAt: now, deadLetterSourceArn: sourceArn };
    if (this.fifo) moved.sequenceNumber = this.nextSequence(now);
    this.store(moved, true);
  }

  private remove(m: StoredMessage, sync: boolean): void {
    this.messages.delete(m.id);
    this.host.journal({ op: 'del', q: this.name, id: m.id }, sync);
  }

  /** The message a receipt handle names, if that handle is still its latest one. */
  private byHandle(handle: string): StoredMessage | undefined {
    const parsed = parseReceiptHandle(handle);
    const m = parsed && parsed.queueName === this.name ? this.messages.get(parsed.messageId) : undefined;
    return m && m.receipt === handle ? m : undefined;
  }

  async delete(receiptHandles: string[]): Promise<void> {
    for (const h of receiptHandles) this.deleteNow(h);
  }

  /** Deletes by receipt handle; a stale handle is ignored (as AWS does). */
  deleteNow(handle: string): void {
    const m = this.byHandle(handle);
    if (!m) return;
    this.remove(m, true);
    if (this.fifo && m.groupId !== undefined) this.wake(); // its group may be unlocked now
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    this.changeVisibilityNow(receiptHandle, seconds);
  }

  /** Throws InvalidParameterValue for a stale handle and MessageNotInflight when the message is visible. */
  changeVisibilityNow(handle: string, seconds: number): void {
    const m = this.byHandle(handle);
    if (!m) throw invalidValue('ReceiptHandle', handle, 'The receipt handle has expired.');
    const now = this.host.clock.now();
    if (m.visibleAt <= now) throw new SqsError('MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.');
    m.visibleAt = now + 1000 * seconds;
    this.wake(); // long polls re-plan their timers
  }

  purge(): void {
    const now = this.host.clock.now();
    if (now - this.lastPurgeAt < 60_000) {
      throw new SqsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${this.name} is allowed every 60 seconds.`);
    }
    this.lastPurgeAt = now;
    this.messages.clear();
    this.host.journal({ op: 'purge', q: this.name }, true);
  }

  /** ApproximateNumberOfMessages / ...NotVisible / ...Delayed (expired messages dropped first). */
  counts(): { visible: number; inFlight: number; delayed: number } {
    const now = this.host.clock.now();
    const retentionMs = 1000 * this.num('MessageRetentionPeriod');
    let visible = 0, inFlight = 0, delayed = 0;
    for (const m of this.messages.values()) {
      if (m.sentAt + retentionMs <= now) this.remove(m, false);
      else if (m.visibleAt <= now) visible++;
      else if (m.receipt !== undefined) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed };
  }

  /** Ends long polls (the queue was deleted or the emulator is closing). */
  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private waitForChange(deadline: number, signal?: AbortSignal): Promise<void> {
    const now = this.host.clock.now();
    let next = deadline;
    for (const m of this.messages.values()) if (m.visibleAt > now && m.visibleAt < next) next = m.visibleAt;
    return new Promise((resolve) => {
      const done = (): void => {
        cancel();
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const cancel = this.host.clock.setTimeout(done, Math.max(0, next - now) + 1);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
