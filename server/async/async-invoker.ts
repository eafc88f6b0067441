// Asynchronous invocation (InvocationType Event, reference §7): accepted events run with the same
// request id on every attempt; function errors (timeouts included) are retried after Lambda's
// back-off (about 1, then 2 minutes, scaled by --time-scale) up to MaximumRetryAttempts; throttles
// and platform errors are requeued with exponential back-off (1 s to 5 min, scaled) until the
// maximum event age. Undeliverable events are logged (destinations arrive with their issue).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ServiceException, TooManyRequestsException } from '../errors.ts';
import type { InvocationService } from '../invoke/invocation-service.ts';
import type { FunctionVersion } from '../model.ts';

export const ASYNC_PAYLOAD_LIMIT = 1_048_576;
const RETRY_DELAYS_MS = [60_000, 120_000];
const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_AGE_S = 21_600;

export type AsyncCondition = 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency';

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
}

export class AsyncInvoker {
  private readonly invoker: InvocationService;
  private readonly timeScale: number;
  private readonly logger: Logger;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Events accepted and not yet finished: for /_ephemera and for tests. */
  pending = 0;

  constructor(invoker: InvocationService, opts: { timeScale: number; logger: Logger }) {
    this.invoker = invoker;
    this.timeScale = opts.timeScale;
    this.logger = opts.logger;
  }

  /** Accept an event; returns the request id every attempt will carry. */
  enqueue(fn: FunctionVersion, invokedArn: string, payload: Buffer, traceId?: string): string {
    const ev: AsyncEvent = { requestId: randomUUID(), fn, invokedArn, payload, traceId, acceptedAt: Date.now(), attempts: 0, throttles: 0 };
    this.pending++;
    if (fn.config.reservedConcurrency === 0) {
      queueMicrotask(() => this.done(ev, 'ZeroReservedConcurrency'));
    } else {
      this.later(ev, 0);
    }
    return ev.requestId;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.timers.size > 0) this.logger.warn({ events: this.timers.size }, 'emulator stopping: queued asynchronous events dropped');
    this.timers.clear();
  }

  private later(ev: AsyncEvent, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(ev);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(ev: AsyncEvent): Promise<void> {
    const maxAgeMs = (ev.fn.config.eventInvokeConfig?.maximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000;
    if (Date.now() - ev.acceptedAt > maxAgeMs) return this.done(ev, 'EventAgeExceeded');
    try {
      const result = await this.invoker.invoke({
        fn: ev.fn, invokedArn: ev.invokedArn, payload: ev.payload, tail: false, requestId: ev.requestId, traceId: ev.traceId,
      });
      ev.attempts++;
      if (!result.functionError) return this.done(ev);
      const retries = ev.fn.config.eventInvokeConfig?.maximumRetryAttempts ?? DEFAULT_RETRIES;
      if (ev.attempts > retries) return this.done(ev, 'RetriesExhausted', result.errorType);
      this.later(ev, RETRY_DELAYS_MS[ev.attempts - 1] * this.timeScale);
    } catch (err) {
      if (!(err instanceof TooManyRequestsException || err instanceof ServiceException)) {
        this.logger.error({ err, requestId: ev.requestId }, 'asynchronous event failed in the emulator');
        return this.done(ev, 'RetriesExhausted');
      }
      // Throttled (or the platform failed): not the function's fault, so it does not count as a retry.
      ev.throttles++;
      this.later(ev, Math.min(1000 * 2 ** (ev.throttles - 1), 300_000) * this.timeScale);
    }
  }

  private done(ev: AsyncEvent, condition?: AsyncCondition, errorType?: string): void {
    this.pending--;
    if (!condition) return;
    this.logger.warn({
      function: ev.fn.config.name, requestId: ev.requestId, condition, approximateInvokeCount: ev.attempts, errorType,
    }, `asynchronous event not delivered (${condition}); destinations are not yet supported, so it is dropped`);
  }
}
