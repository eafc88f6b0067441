// FIFO queue deduplication: the deduplication id of a send (explicit, or SHA-256 of the body with
// ContentBasedDeduplication), its key under the queue's DeduplicationScope, and the 5-minute window.
import { createHash } from 'node:crypto';
import type { SendInput } from './queue.ts';
import { invalidParameter, missingParameter } from './sqs-error.ts';
import { checkDedupId } from './sqs-message.ts';

export const DEDUP_WINDOW_MS = 5 * 60_000;

export const NO_DEDUP_ID = 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly';

/**
 * SendMessageBatch to a FIFO queue: an entry without a MessageGroupId, or without a deduplication id
 * the queue cannot make, fails the whole request (InvalidParameterValue, nothing sent), where a bad
 * id only fails its entry (LocalStack's AWS-recorded test_send_batch_missing_*_for_fifo_queue, 2025-08).
 */
export function checkFifoBatch(entries: ReadonlyArray<{ messageGroupId?: string; messageDeduplicationId?: string }>, attributes: Record<string, string>): void {
  for (const e of entries) {
    if (!e.messageGroupId) throw invalidParameter('The request must contain the parameter MessageGroupId.');
    if (e.messageDeduplicationId === undefined && attributes.ContentBasedDeduplication !== 'true') throw invalidParameter(NO_DEDUP_ID);
  }
}

export interface DedupEntry { expiresAt: number; messageId: string; sequenceNumber?: string }

/** Checks a FIFO send's group and deduplication ids; returns the dedup id and its key. */
export function fifoIds(input: SendInput, attributes: Record<string, string>): { groupId: string; dedupId: string; key: string } {
  if (!input.messageGroupId) throw missingParameter('MessageGroupId');
  checkDedupId('MessageGroupId', input.messageGroupId);
  let dedupId = input.messageDeduplicationId;
  if (dedupId !== undefined) checkDedupId('MessageDeduplicationId', dedupId);
  else if (attributes.ContentBasedDeduplication === 'true') dedupId = createHash('sha256').update(input.body, 'utf8').digest('hex');
  else throw invalidParameter(NO_DEDUP_ID);
  const key = attributes.DeduplicationScope === 'messageGroup' ? `${input.messageGroupId}\u0000${dedupId}` : dedupId;
  return { groupId: input.messageGroupId, dedupId, key };
}

/** Deduplication ids seen in the last 5 minutes (insertion order is expiry order). */
export class DedupWindow {
  readonly entries = new Map<string, DedupEntry>();

  /** The earlier send with this key, if still inside the window. */
  find(key: string, now: number): DedupEntry | undefined {
    for (const [k, e] of this.entries) {
      if (e.expiresAt > now) break;
      this.entries.delete(k);
    }
    return this.entries.get(key);
  }

  add(key: string, entry: DedupEntry): void {
    this.entries.set(key, entry);
  }
}
