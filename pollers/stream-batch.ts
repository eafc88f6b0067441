// One stream batch from first invoke to done: the shard (lane) stays blocked while it retries; function
// errors bisect (BisectBatchOnFunctionError, not counted as retries) or count towards
// MaximumRetryAttempts; ReportBatchItemFailures checkpoints before the lowest failed record; records
// past MaximumRecordAgeInSeconds or retention, and exhausted batches, go to OnFailure; then it moves on.
import { randomUUID } from 'node:crypto';
import type { EsmConfig, PollerDeps } from './esm/mapping.ts';
import { InvokeFailure, type InvokeOutcome } from './invoker.ts';
import type { StreamKind, StreamRecord } from '../services/streams/stream.ts';
import { type EventRecord, type FailureCondition, failureRecord, readResponse } from './stream-events.ts';
import type { WindowEnvelope } from './tumbling-window.ts';

export interface Item {
  record: StreamRecord;
  event: EventRecord;
  /** JSON bytes of `event` plus a separator. */
  size: number;
}

export interface BatchContext {
  config: EsmConfig;
  deps: PollerDeps;
  kind: StreamKind;
  streamArn: string;
  retentionMs: number;
  shardId: string;
  counters: Record<string, number>;
  setResult(result: string): void;
  stopped(): boolean;
  /** Resolves early when the poller stops. */
  sleep(ms: number): Promise<void>;
}

interface Work {
  items: Item[];
  retries: number;
  invokes: number;
}

/** Back-off between retries of a failed batch (AWS's own wait: scaled by timeScale). */
const retryDelayMs = (retries: number): number => Math.min(1000 * 2 ** Math.max(0, retries - 1), 30_000);

/**
 * Process `items` (a prefix of the lane) until every record is delivered or discarded. Returns how
 * many leading items are resolved (fewer than all only when the poller stopped) and the window state.
 */
export async function runBatch(
  ctx: BatchContext, items: Item[], window?: { envelope: (state: Record<string, unknown>) => WindowEnvelope; state: Record<string, unknown> },
): Promise<{ resolved: number; state?: Record<string, unknown> }> {
  const { config, deps, counters } = ctx;
  const queue: Work[] = [{ items, retries: 0, invokes: 0 }];
  let resolved = 0;
  let state = window?.state;
  let lastRequestId: string | undefined;
  while (queue.length > 0) {
    if (ctx.stopped()) return { resolved, state };
    const work = queue[0];
    const expired = tooOld(ctx, work.items);
    if (expired > 0) {
      await sendToOnFailure(ctx, work.items.slice(0, expired), 'RecordAgeExceeded', work.invokes, lastRequestId);
      counters.recordAgeExceeded = (counters.recordAgeExceeded ?? 0) + expired;
      resolved += expired;
      work.items = work.items.slice(expired);
      if (work.items.length === 0) queue.shift();
      continue;
    }
    const payload = Buffer.from(`{"Records":[${work.items.map((i) => JSON.stringify(i.event)).join(',')}]${window ? `,${JSON.stringify(window.envelope(state!)).slice(1, -1)}` : ''}}`);
    let outcome: InvokeOutcome;
    counters.invocations = (counters.invocations ?? 0) + 1;
    counters.iteratorAgeMs = Math.max(0, deps.clock.now() - work.items.at(-1)!.record.arrival);
    counters.maxIteratorAgeMs = Math.max(counters.maxIteratorAgeMs ?? 0, counters.iteratorAgeMs);
    try {
      outcome = await deps.invoker.invoke(config.functionArn, payload);
    } catch (err) {
      // The function did not run (throttled, gone, service error): not a retry attempt; wait and try again.
      const kind = err instanceof InvokeFailure ? err.kind : 'service';
      counters.invokeFailures = (counters.invokeFailures ?? 0) + 1;
      ctx.setResult('PROBLEM: Function call failed');
      deps.logger.warn(`stream mapping ${config.uuid} ${ctx.shardId}: invoke did not run (${kind}): ${(err as Error).message}`);
      await ctx.sleep(1000 * deps.timeScale);
      continue;
    }
    work.invokes += 1;
    lastRequestId = outcome.requestId;
    const seqs = work.items.map((i) => i.record.sequenceNumber);
    const verdict = outcome.functionError
      ? ({ ok: false, partial: false, reason: `function error ${outcome.errorType ?? ''}` } as const)
      : readResponse(outcome.payload, seqs, { partial: config.functionResponseTypes.includes('ReportBatchItemFailures'), tumbling: window !== undefined });
    if (verdict.ok) {
      counters.batches = (counters.batches ?? 0) + 1;
      counters.records = (counters.records ?? 0) + work.items.length;
      ctx.setResult('OK');
      if (verdict.state) state = verdict.state;
      resolved += work.items.length;
      queue.shift();
      continue;
    }
    counters.failedInvocations = (counters.failedInvocations ?? 0) + 1;
    ctx.setResult('PROBLEM: Function call failed');
    if (verdict.partial) {
      // Checkpoint before the lowest failed record; the rest is retried (with bisect: split there).
      const at = work.items.findIndex((i) => i.record.sequenceNumber === verdict.failedFrom);
      counters.records = (counters.records ?? 0) + at;
      resolved += at;
      if (verdict.state) state = verdict.state;
      work.items = work.items.slice(at);
    } else if (config.bisectBatchOnFunctionError && work.items.length > 1) {
      const half = Math.ceil(work.items.length / 2);
      counters.bisections = (counters.bisections ?? 0) + 1;
      queue.splice(0, 1, { items: work.items.slice(0, half), retries: work.retries, invokes: 0 }, { items: work.items.slice(half), retries: work.retries, invokes: 0 });
      continue;
    }
    work.retries += 1;
    if (config.maximumRetryAttempts !== -1 && work.retries > config.maximumRetryAttempts) {
      await sendToOnFailure(ctx, work.items, 'RetryAttemptsExhausted', work.invokes, lastRequestId, {
        executedVersion: outcome.executedVersion, functionError: verdict.partial ? null : (outcome.functionError ?? null),
      });
      counters.discarded = (counters.discarded ?? 0) + work.items.length;
      resolved += work.items.length;
      queue.shift();
      continue;
    }
    counters.retries = (counters.retries ?? 0) + 1;
    await ctx.sleep(retryDelayMs(work.retries) * deps.timeScale);
  }
  return { resolved, state };
}

/** How many leading items are past MaximumRecordAgeInSeconds or the stream's retention. */
function tooOld(ctx: BatchContext, items: Item[]): number {
  const now = ctx.deps.clock.now();
  const maxAge = ctx.config.maximumRecordAgeInSeconds;
  const limit = Math.min(ctx.retentionMs, maxAge === -1 ? Infinity : maxAge * 1000);
  let n = 0;
  while (n < items.length && now - items[n].record.arrival > limit) n++;
  return n;
}

async function sendToOnFailure(
  ctx: BatchContext, items: Item[], condition: FailureCondition, invokes: number, requestId: string | undefined,
  response?: { executedVersion: string; functionError: string | null },
): Promise<void> {
  const { config, deps } = ctx;
  const dest = config.onFailureDestination;
  const where = `stream mapping ${config.uuid} ${ctx.shardId}: ${items.length} record(s) ${items[0].record.sequenceNumber}…${items.at(-1)!.record.sequenceNumber} discarded (${condition})`;
  if (!dest) {
    deps.logger.warn(`${where}; no OnFailure destination`);
    return;
  }
  const body = JSON.stringify(failureRecord({
    kind: ctx.kind, streamArn: ctx.streamArn, shardId: ctx.shardId, functionArn: config.functionArn,
    requestId: requestId ?? randomUUID(), condition, approximateInvokeCount: invokes, records: items.map((i) => i.record),
    response: condition === 'RetryAttemptsExhausted' ? response : undefined, now: deps.clock.now(),
  }));
  const queue = deps.queues.byArn(dest);
  if (!queue) {
    deps.logger.error(`${where}; OnFailure destination ${dest} is not a queue ephemera can reach`);
    return;
  }
  try {
    await queue.send({ body });
    ctx.counters.onFailureSent = (ctx.counters.onFailureSent ?? 0) + 1;
  } catch (err) {
    deps.logger.error(`${where}; sending to ${dest} failed: ${(err as Error).message}`);
  }
}
