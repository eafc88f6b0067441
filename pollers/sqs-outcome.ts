// What happens to a batch after the invoke: which messages are deleted and which stay on the queue
// (to reappear after their visibility timeout). FIFO: a failed message keeps its group's later ones.
import { parseBatchItemFailures } from './batch-item-failures.ts';
import type { InvokeOutcome } from './invoker.ts';
import type { ReceivedMessage } from '../services/sqs/queue.ts';

export interface BatchDecision {
  /** Messages to delete (processed). */
  remove: ReceivedMessage[];
  /** Messages left on the queue (failed, or blocked behind a failure in their FIFO group). */
  keep: ReceivedMessage[];
  /** 'success' | 'partial' | 'function-error' | 'bad-response'. */
  result: 'success' | 'partial' | 'function-error' | 'bad-response';
  /** Why a response failed the whole batch. */
  reason?: string;
}

export function decideBatch(
  messages: ReceivedMessage[], outcome: InvokeOutcome, opts: { reportBatchItemFailures: boolean; fifo: boolean },
): BatchDecision {
  if (outcome.functionError) return { remove: [], keep: messages, result: 'function-error', reason: outcome.errorType };
  if (!opts.reportBatchItemFailures) return { remove: messages, keep: [], result: 'success' };
  const parsed = parseBatchItemFailures(outcome.payload, new Set(messages.map((m) => m.messageId)), 'sqs');
  if (parsed.kind === 'success') return { remove: messages, keep: [], result: 'success' };
  if (parsed.kind === 'failure') return { remove: [], keep: messages, result: 'bad-response', reason: parsed.reason };
  const failed = new Set(parsed.failed);
  const blockedGroups = new Set<string>();
  const remove: ReceivedMessage[] = [];
  const keep: ReceivedMessage[] = [];
  for (const m of messages) {
    const group = opts.fifo ? m.attributes.MessageGroupId : undefined;
    if (failed.has(m.messageId) || (group !== undefined && blockedGroups.has(group))) {
      keep.push(m);
      if (group !== undefined) blockedGroups.add(group);
    } else {
      remove.push(m);
    }
  }
  return { remove, keep, result: 'partial' };
}
