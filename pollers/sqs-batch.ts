// Gathering one batch from a queue: long polls of up to 10 messages until BatchSize, the batching
// window (counted from the first message) or the 6 MB payload cap; messages over the cap go back.
import { type Clock, timeoutSignal } from '../lib/clock.ts';
import type { Queue, ReceivedMessage } from '../services/sqs/queue.ts';
import { EVENT_OVERHEAD, recordBytes, type SqsRecord, toSqsRecord } from './sqs-record.ts';

/** Lambda's synchronous payload limit, which caps an SQS batch. */
export const BATCH_PAYLOAD_CAP = 6 * 1024 * 1024;
/** Long-poll wait of each ReceiveMessage. */
export const LONG_POLL_SECONDS = 20;

export interface BatchSpec {
  batchSize: number;
  windowSeconds: number;
  /** Visibility for the received messages (effective visibility rule), or the queue's own. */
  visibilityTimeout?: number;
  eventSourceArn: string;
  region: string;
  /** Ends long polls (stop). */
  signal: AbortSignal;
  /** The batching window runs on it. */
  clock: Clock;
  /** Bytes one payload may hold (tests lower it). */
  payloadCap?: number;
}

export interface Batch {
  messages: ReceivedMessage[];
  records: SqsRecord[];
  /** How many ReceiveMessage calls it took. */
  receives: number;
  /** Messages received that did not fit the payload cap (already made visible again). */
  returned: number;
  /** Epoch ms of the first receive that returned messages (their visibility timeout runs from then). */
  firstReceivedAt?: number;
}

/** Gather a batch; an empty one when a long poll came back with nothing (or polling was stopped). */
export async function gatherBatch(queue: Queue, spec: BatchSpec): Promise<Batch> {
  const cap = spec.payloadCap ?? BATCH_PAYLOAD_CAP;
  const batch: Batch = { messages: [], records: [], receives: 0, returned: 0 };
  let bytes = EVENT_OVERHEAD;
  let deadline: number | undefined;
  const { clock } = spec;
  while (batch.messages.length < spec.batchSize && !spec.signal.aborted) {
    let wait = LONG_POLL_SECONDS;
    let signal = spec.signal;
    let windowTimer: ReturnType<typeof timeoutSignal> | undefined;
    if (deadline !== undefined) {
      const left = deadline - clock.now();
      if (left <= 0) break;
      wait = Math.min(LONG_POLL_SECONDS, Math.ceil(left / 1000));
      windowTimer = timeoutSignal(clock, left);
      signal = AbortSignal.any([spec.signal, windowTimer.signal]);
    }
    const polledAt = clock.now();
    const got = await receive(queue, {
      maxMessages: Math.min(10, spec.batchSize - batch.messages.length), waitTimeSeconds: wait, visibilityTimeout: spec.visibilityTimeout, signal,
    }).finally(() => windowTimer?.cancel());
    batch.receives++;
    if (got.length > 0) batch.firstReceivedAt ??= clock.now();
    if (got.length === 0) {
      // Empty before its wait was over (window closed, stop, or the queue was deleted): deliver what we have.
      if (batch.messages.length === 0 || clock.now() - polledAt < wait * 1000) return batch;
      continue;
    }
    const over: ReceivedMessage[] = [];
    for (const m of got) {
      const record = toSqsRecord(m, spec.eventSourceArn, spec.region);
      const size = recordBytes(record);
      if (over.length === 0 && (bytes + size <= cap || batch.messages.length === 0)) {
        batch.messages.push(m);
        batch.records.push(record);
        bytes += size;
      } else {
        over.push(m);
      }
    }
    if (over.length > 0) {
      batch.returned += over.length;
      await Promise.all(over.map((m) => queue.changeVisibility(m.receiptHandle, 0).catch(() => undefined)));
      break;
    }
    if (spec.windowSeconds === 0) break;
    deadline ??= clock.now() + spec.windowSeconds * 1000;
  }
  return batch;
}

async function receive(queue: Queue, opts: Parameters<Queue['receive']>[0]): Promise<ReceivedMessage[]> {
  try {
    return await queue.receive(opts);
  } catch (err) {
    // An aborted long poll (stop, or the window closing) is an empty answer, not a source error.
    if (opts.signal?.aborted) return [];
    throw err;
  }
}

/** Release messages that will not be invoked (polling stopped mid-batch): visible again at once. */
export async function releaseMessages(queue: Queue, messages: ReceivedMessage[]): Promise<void> {
  await Promise.all(messages.map((m) => queue.changeVisibility(m.receiptHandle, 0).catch(() => undefined)));
}
