// The SQS event source mapping's poller: concurrent workers that gather a batch, drop filter misses,
// invoke the function and delete what succeeded; scaling with queue depth up to MaximumConcurrency,
// backing off on errors and throttles (AWS's waits, time-scaled), and a prompt, clean stop().
import type { Logger } from 'pino';
import { sleep } from '../lib/clock.ts';
import type { EsmConfig, Poller, PollerDeps, PollerFactory, PollerStatus } from './esm/mapping.ts';
import { compileFilters, type RecordFilter } from './filter-criteria.ts';
import { InvokeFailure, type InvokeOutcome } from './invoker.ts';
import type { Queue } from '../services/sqs/queue.ts';
import { type Batch, gatherBatch, releaseMessages } from './sqs-batch.ts';
import { decideBatch } from './sqs-outcome.ts';
import { arnRegion, sqsEvent } from './sqs-record.ts';
import { SqsScaling } from './sqs-scaling.ts';

export interface SqsPollerOptions {
  /** The function's Timeout in seconds (for the effective visibility rule); undefined when unknown. */
  functionTimeoutSeconds?: (functionArn: string) => number | undefined;
}

/** A factory whose pollers know the function's timeout (server/app.ts supplies the lookup). */
export function createSqsPollerFactory(options: SqsPollerOptions = {}): PollerFactory {
  return (config, deps) => new SqsPoller(config, deps, options);
}

/** AWS's own back-off after a source error or throttle: 1 s doubling to 30 s (before time scaling). */
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
/** How long a queue's VisibilityTimeout is trusted before it is read again. */
const VISIBILITY_CACHE_MS = 10_000;

type Counter =
  | 'receives' | 'emptyReceives' | 'batches' | 'records' | 'deleted' | 'filtered' | 'kept' | 'partialBatches'
  | 'functionErrors' | 'badResponses' | 'throttles' | 'invokeErrors' | 'sourceErrors' | 'deleteErrors' | 'returned';

export class SqsPoller implements Poller {
  private readonly config: EsmConfig;
  private readonly deps: PollerDeps;
  private readonly options: SqsPollerOptions;
  private readonly log: Logger;
  private readonly filter: RecordFilter | undefined;
  private readonly abort = new AbortController();
  private readonly workers = new Set<Promise<void>>();
  private readonly scaling: SqsScaling;
  private readonly counters: Record<Counter, number> = {
    receives: 0, emptyReceives: 0, batches: 0, records: 0, deleted: 0, filtered: 0, kept: 0, partialBatches: 0,
    functionErrors: 0, badResponses: 0, throttles: 0, invokeErrors: 0, sourceErrors: 0, deleteErrors: 0, returned: 0,
  };
  private inFlight = 0;
  private stopped = false;
  private visibility: { seconds: number; at: number } | undefined;
  private lastProblem = '';

  constructor(config: EsmConfig, deps: PollerDeps, options: SqsPollerOptions = {}) {
    this.config = config;
    this.deps = deps;
    this.options = options;
    this.log = deps.logger.child({ esm: config.uuid });
    this.filter = compileFilters(config.filterCriteria, 'sqs');
    this.scaling = new SqsScaling(config.scalingConfig?.MaximumConcurrency, deps.timeScale, deps.clock);
    if (config.enabled) for (let i = 0; i < this.scaling.initial; i++) this.spawn();
  }

  status(): PollerStatus {
    return { counters: { ...this.counters, pollers: this.scaling.active, targetPollers: this.scaling.target, maxPollers: this.scaling.highWater, inFlight: this.inFlight } };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    while (this.workers.size > 0) await Promise.all([...this.workers]);
  }

  private spawn(): void {
    this.scaling.active++;
    const p: Promise<void> = this.work()
      .catch((err: unknown) => this.log.error({ err }, 'sqs poller: worker failed'))
      .finally(() => {
        this.scaling.active--;
        this.workers.delete(p);
      });
    this.workers.add(p);
  }

  private async work(): Promise<void> {
    let failures = 0;
    while (!this.stopped && !this.scaling.shouldExit()) {
      const queue = this.deps.queues.byArn(this.config.eventSourceArn);
      if (!queue) {
        this.problem(`queue ${this.config.eventSourceArn} does not exist`);
        this.counters.sourceErrors++;
        await this.sleep(this.backoff(++failures));
        continue;
      }
      let batch: Batch;
      let visibility: number | undefined;
      let receivedAt: number;
      try {
        visibility = await this.effectiveVisibility(queue);
        batch = await gatherBatch(queue, {
          batchSize: this.config.batchSize, windowSeconds: queue.fifo ? 0 : this.config.maximumBatchingWindowInSeconds,
          visibilityTimeout: visibility, eventSourceArn: this.config.eventSourceArn,
          region: arnRegion(this.config.eventSourceArn, this.deps.region), signal: this.abort.signal, clock: this.deps.clock,
        });
        receivedAt = batch.firstReceivedAt ?? this.deps.clock.now();
      } catch (err) {
        if (this.stopped) break;
        this.counters.sourceErrors++;
        this.problem(`receiving from ${this.config.eventSourceArn} failed: ${(err as Error).message}`);
        await this.sleep(this.backoff(++failures));
        continue;
      }
      failures = 0;
      this.lastProblem = '';
      this.counters.receives += batch.receives;
      this.counters.returned += batch.returned;
      if (batch.messages.length === 0) {
        this.counters.emptyReceives++;
        this.scaling.onEmpty();
        continue;
      }
      if (this.stopped) {
        await releaseMessages(queue, batch.messages);
        break;
      }
      const full = batch.messages.length >= this.config.batchSize;
      const visibleAgainAt = receivedAt + (visibility ?? this.visibility?.seconds ?? 30) * 1000;
      const ok = await this.process(queue, batch, visibleAgainAt);
      if (ok && this.scaling.onBatchDone(full)) this.spawn();
    }
  }

  /** Filter, invoke, delete. True when the function ran without failing the whole batch. */
  private async process(queue: Queue, batch: Batch, visibleAgainAt: number): Promise<boolean> {
    let { messages, records } = batch;
    if (this.filter) {
      const keep = records.map((r) => this.filter!(r as unknown as Record<string, unknown>));
      const misses = messages.filter((_, i) => !keep[i]);
      if (misses.length > 0) {
        this.counters.filtered += misses.length;
        await this.remove(queue, misses.map((m) => m.receiptHandle));
        messages = messages.filter((_, i) => keep[i]);
        records = records.filter((_, i) => keep[i]);
      }
      if (messages.length === 0) return true;
    }
    const outcome = await this.invoke(sqsEvent(records), records.length, messages[0].attributes.AWSTraceHeader, visibleAgainAt);
    if (!outcome) {
      this.counters.kept += messages.length;
      if (this.stopped) await releaseMessages(queue, messages);
      return false;
    }
    const decision = decideBatch(messages, outcome, {
      reportBatchItemFailures: this.config.functionResponseTypes.includes('ReportBatchItemFailures'), fifo: queue.fifo,
    });
    this.counters.kept += decision.keep.length;
    if (decision.remove.length > 0) await this.remove(queue, decision.remove.map((m) => m.receiptHandle));
    if (decision.result === 'partial') this.counters.partialBatches++;
    if (decision.result === 'function-error' || decision.result === 'bad-response') {
      this.counters[decision.result === 'function-error' ? 'functionErrors' : 'badResponses']++;
      this.log.debug({ reason: decision.reason }, 'sqs poller: the batch failed and stays on the queue');
      this.scaling.onError();
      return false;
    }
    return true;
  }

  /** Invoke; a throttled batch is retried with back-off while its messages are still invisible. */
  private async invoke(payload: Buffer, count: number, traceId: string | undefined, visibleAgainAt: number): Promise<InvokeOutcome | undefined> {
    for (let attempt = 1; ; attempt++) {
      this.counters.batches++;
      this.inFlight++;
      try {
        const outcome = await this.deps.invoker.invoke(this.config.functionArn, payload, { traceId });
        this.counters.records += count;
        return outcome;
      } catch (err) {
        const kind = err instanceof InvokeFailure ? err.kind : 'service';
        if (kind !== 'throttled') {
          this.counters.invokeErrors++;
          this.problem(`invoking ${this.config.functionArn} failed: ${(err as Error).message}`);
          await this.sleep(this.backoff(kind === 'not-found' ? 5 : 1));
          return undefined;
        }
        this.counters.throttles++;
        this.scaling.onThrottle();
        const delay = this.backoff(attempt);
        if (this.stopped || this.deps.clock.now() + delay >= visibleAgainAt) return undefined;
        await this.sleep(delay);
        if (this.stopped || this.deps.clock.now() >= visibleAgainAt) return undefined;
      } finally {
        this.inFlight--;
      }
    }
  }

  private async remove(queue: Queue, handles: string[]): Promise<void> {
    try {
      await queue.delete(handles);
      this.counters.deleted += handles.length;
    } catch (err) {
      this.counters.deleteErrors++;
      this.problem(`deleting from ${this.config.eventSourceArn} failed: ${(err as Error).message}`);
    }
  }

  /** window + function timeout + 30 s when window + timeout exceed the queue's VisibilityTimeout. */
  private async effectiveVisibility(queue: Queue): Promise<number | undefined> {
    const now = this.deps.clock.now();
    if (!this.visibility || now - this.visibility.at > VISIBILITY_CACHE_MS) {
      this.visibility = { seconds: await queue.visibilityTimeoutSeconds(), at: now };
    }
    const timeout = this.options.functionTimeoutSeconds?.(this.config.functionArn);
    if (timeout === undefined) return undefined;
    const window = queue.fifo ? 0 : this.config.maximumBatchingWindowInSeconds;
    return window + timeout > this.visibility.seconds ? Math.min(43_200, window + timeout + 30) : undefined;
  }

  private backoff(attempt: number): number {
    return Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS) * this.deps.timeScale;
  }

  private sleep(ms: number): Promise<void> {
    return sleep(this.deps.clock, ms, this.abort.signal);
  }

  /** Log a problem once until it changes or clears. */
  private problem(message: string): void {
    if (message === this.lastProblem) return;
    this.lastProblem = message;
    this.log.warn(`event source mapping ${this.config.uuid}: ${message}`);
  }
}
