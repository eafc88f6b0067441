// Asynchronous invocation (InvocationType Event, reference §7): accepted events run with the same
// request id on every attempt; function errors (timeouts included) are retried after Lambda's
// back-off (about 1, then 2 minutes, scaled by --time-scale) up to MaximumRetryAttempts; throttles
// and platform errors are requeued with exponential back-off (1 s to 5 min, scaled) until the
// maximum event age (not scaled). Both run on the injected clock. Every event ends in async/destinations.ts (OnSuccess/OnFailure, dead-letter queue).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Cancel, Clock } from '../../lib/clock.ts';
import type { QueueDirectory } from '../../services/sqs/queue.ts';
import { ServiceException, TooManyRequestsException } from '../errors.ts';
import type { SyncInvoker } from '../invoke/invocation-service.ts';
import type { FunctionVersion } from '../model.ts';
import type { Registry } from '../registry/registry.ts';
import { type AsyncCondition, Destinations, type TopicPublisher } from './destinations.ts';

export const ASYNC_PAYLOAD_LIMIT = 1_048_576;
const RETRY_DELAYS_MS = [60_000, 120_000];
const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_AGE_S = 21_600;

export type { AsyncCondition };

interface AsyncEvent {
  requestId: string;
  fn: FunctionVersion;
  invokedArn: string;
  payload: Buffer;
  traceId?: string;
  acceptedAt: number;
  /** Attempts that reached the function. */
  attempts: number;
  throttles: number;
  /** The last attempt that reached the function. */
  last?: { executedVersion: string; functionError?: string; payload: Buffer };
  /** Status of the last failure: 200 (function error) or 429 (throttled) or 500. */
  errorCode: number;
  /** Invoked through an alias: the alias's EventInvokeConfig (taken at acceptance) applies. */
  viaAlias: boolean;
}

/** What the invoker asks of the registry: the function a destination ARN names, a version as it is now. */
export type FunctionLookup = Pick<Registry, 'resolve' | 'current'>;

export interface AsyncInvokerDeps {
  /** Retry waits and event ages run on it. */
  clock: Clock;
  /** Lambda's own waits (retry and throttle back-off) multiply by this; the maximum event age does not. */
  timeScale: number;
  logger: Logger;
  functions: FunctionLookup;
  /** Where OnSuccess/OnFailure records and dead-letter messages go. */
  queues: QueueDirectory;
  topics: TopicPublisher;
}

export class AsyncInvoker {
  private readonly invoker: SyncInvoker;
  private readonly clock: Clock;
  private readonly timeScale: number;
  private readonly logger: Logger;
  private readonly functions: FunctionLookup;
  private readonly destinations: Destinations;
  private readonly timers = new Set<Cancel>();
  private closed = false;
  private unfinished = 0;

  constructor(invoker: SyncInvoker, deps: AsyncInvokerDeps) {
    this.invoker = invoker;
    this.clock = deps.clock;
    this.timeScale = deps.timeScale;
    this.logger = deps.logger;
    this.functions = deps.functions;
    // A function destination receives its record as a new asynchronous event of this invoker: the
    // recursion (event → destination → event) stays inside this object, the wiring around it is one-way.
    this.destinations = new Destinations({
      queues: deps.queues,
      topics: deps.topics,
      logger: deps.logger,
      clock: deps.clock,
      invokeAsync: async (ref, payload) => {
        const { fn, invokedArn } = this.functions.resolve(ref, undefined);
        return this.enqueue(fn, invokedArn, payload);
      },
    });
  }

  /** Events accepted and not yet finished (their destination has the record): for /_ephemera and tests. */
  get pending(): number {
    return this.unfinished;
  }

  /** Accept an event; returns the request id every attempt will carry. */
  enqueue(fn: FunctionVersion, invokedArn: string, payload: Buffer, traceId?: string): string {
    const qualifier = invokedArn.split(':')[7];
    const viaAlias = qualifier !== undefined && qualifier !== '$LATEST' && !/^\d+$/.test(qualifier);
    const ev: AsyncEvent = { requestId: randomUUID(), fn, invokedArn, payload, traceId, acceptedAt: this.clock.now(), attempts: 0, throttles: 0, errorCode: 200, viaAlias };
    this.unfinished++;
    if (fn.config.reservedConcurrency === 0) {
      ev.errorCode = 429;
      queueMicrotask(() => this.done(ev, 'ZeroReservedConcurrency'));
    } else {
      this.later(ev, 0);
    }
    return ev.requestId;
  }

  close(): void {
    this.closed = true;
    for (const cancel of this.timers) cancel();
    if (this.timers.size > 0) this.logger.warn({ events: this.timers.size }, 'emulator stopping: queued asynchronous events dropped');
    this.timers.clear();
  }

  private later(ev: AsyncEvent, delayMs: number): void {
    if (this.closed) return;
    const cancel = this.clock.setTimeout(() => {
      this.timers.delete(cancel);
      void this.attempt(ev);
    }, delayMs);
    this.timers.add(cancel);
  }

  private async attempt(ev: AsyncEvent): Promise<void> {
    // Every attempt runs what the function is now: an updated $LATEST (the accepted FunctionVersion would
    // start environments with the old code), reserved concurrency set to 0, or no function at all.
    const now = this.functions.current(ev.fn);
    if (!now) {
      this.unfinished--;
      this.logger.warn({ function: ev.fn.config.name, version: ev.fn.version, requestId: ev.requestId }, 'asynchronous event dropped: the function or version was deleted');
      return;
    }
    ev.fn = ev.viaAlias ? { ...now, config: { ...now.config, eventInvokeConfig: ev.fn.config.eventInvokeConfig } } : now;
    if (ev.fn.config.reservedConcurrency === 0) {
      ev.errorCode = 429;
      return this.done(ev, 'ZeroReservedConcurrency');
    }
    const maxAgeMs = (ev.fn.config.eventInvokeConfig?.maximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000;
    if (this.clock.now() - ev.acceptedAt > maxAgeMs) return this.done(ev, 'EventAgeExceeded');
    try {
      const result = await this.invoker.invoke({
        fn: ev.fn, invokedArn: ev.invokedArn, payload: ev.payload, tail: false, requestId: ev.requestId, traceId: ev.traceId,
      });
      ev.attempts++;
      ev.last = { executedVersion: result.executedVersion, functionError: result.functionError, payload: result.payload };
      ev.errorCode = 200;
      if (!result.functionError) return this.done(ev, 'Success');
      const retries = ev.fn.config.eventInvokeConfig?.maximumRetryAttempts ?? DEFAULT_RETRIES;
      if (ev.attempts > retries) return this.done(ev, 'RetriesExhausted');
      this.later(ev, RETRY_DELAYS_MS[ev.attempts - 1] * this.timeScale);
    } catch (err) {
      if (!(err instanceof TooManyRequestsException || err instanceof ServiceException)) {
        this.logger.error({ err, requestId: ev.requestId }, 'asynchronous event failed in the emulator');
        ev.errorCode = 500;
        return this.done(ev, 'RetriesExhausted');
      }
      ev.errorCode = err instanceof TooManyRequestsException ? 429 : 500;
      // Throttled (or the platform failed): not the function's fault, so it does not count as a retry.
      ev.throttles++;
      this.later(ev, Math.min(1000 * 2 ** (ev.throttles - 1), 300_000) * this.timeScale);
    }
  }

  private done(ev: AsyncEvent, condition: AsyncCondition): void {
    const finished = {
      requestId: ev.requestId, config: ev.fn.config, payload: ev.payload, condition, approximateInvokeCount: ev.attempts,
      functionArn: ev.invokedArn === ev.fn.arn ? `${ev.fn.arn}:$LATEST` : ev.invokedArn, last: ev.last, errorCode: ev.errorCode,
      traceId: ev.traceId,
    };
    // Pending until the destination has the record: tests and /_ephemera see a settled queue.
    void this.destinations.finish(finished).finally(() => { this.unfinished--; });
  }
}
