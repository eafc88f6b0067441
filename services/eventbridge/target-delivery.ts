// Delivering to a target with a retry policy and a dead-letter queue, on an injected clock: a retriable
// failure is tried again with exponential back-off (× --time-scale) until MaximumRetryAttempts or
// MaximumEventAgeInSeconds runs out; a failure retrying cannot fix (no such function or queue) goes to
// the dead-letter queue at once; with no dead-letter queue the event is dropped (and reported).
import type { Clock } from '../../lib/clock.ts';
import { DeliveryError, type SendOptions, sendToTarget, type TargetSenders } from './target-router.ts';

export interface RetryLimits {
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
}

/** A dead-letter message: the body and String attributes, written by the caller's flavour (rule or schedule). */
export type DeadLetter = (failure: { error: DeliveryError; retries: number; exhausted?: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds' }) => {
  body: string;
  attributes: Record<string, string>;
};

export interface DeliveryJob {
  /** For reports: `rule default/orders → target fn`. */
  what: string;
  targetArn: string;
  payload: string;
  send?: SendOptions;
  retry: RetryLimits;
  deadLetterArn?: string;
  deadLetter: DeadLetter;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; job: DeliveryJob; attempts: number }
  | { kind: 'retrying'; job: DeliveryJob; error: DeliveryError; attempt: number; delayMs: number }
  | { kind: 'dead-lettered'; job: DeliveryJob; error: DeliveryError }
  | { kind: 'dropped'; job: DeliveryJob; error: DeliveryError; why: string };

export interface DeliveryDeps {
  clock: Clock;
  /** Multiplies the back-off (AWS's own wait), not the event age (the user's). */
  timeScale: number;
  senders: TargetSenders;
  report: (outcome: DeliveryOutcome) => void;
}

export class TargetDelivery {
  private readonly deps: DeliveryDeps;
  private readonly timers = new Set<() => void>();
  private inFlight = 0;
  private closed = false;

  constructor(deps: DeliveryDeps) {
    this.deps = deps;
  }

  /** Deliveries not finished yet (sending, waiting to retry, dead-lettering). */
  get pending(): number {
    return this.inFlight;
  }

  deliver(job: DeliveryJob): void {
    this.inFlight++;
    void this.attempt(job, this.deps.clock.now(), 0).finally(() => this.inFlight--);
  }

  close(): void {
    this.closed = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  private async attempt(job: DeliveryJob, startedAt: number, retries: number): Promise<void> {
    try {
      await sendToTarget(this.deps.senders, job.targetArn, job.payload, job.send);
      this.deps.report({ kind: 'delivered', job, attempts: retries + 1 });
      return;
    } catch (err) {
      const error = err instanceof DeliveryError ? err : new DeliveryError('INTERNAL_ERROR', 'InternalException', (err as Error).message, true);
      if (!error.retriable) return this.fail(job, error, retries);
      if (retries >= job.retry.maximumRetryAttempts) return this.fail(job, error, retries, 'MaximumRetryAttempts');
      const delayMs = Math.min(1000 * 2 ** retries, 300_000) * this.deps.timeScale;
      if (this.deps.clock.now() + delayMs - startedAt > job.retry.maximumEventAgeSeconds * 1000) {
        return this.fail(job, error, retries, 'MaximumEventAgeInSeconds');
      }
      if (this.closed) return;
      this.deps.report({ kind: 'retrying', job, error, attempt: retries + 1, delayMs });
      await new Promise<void>((resolve) => {
        // Closing the delivery cancels the wait and settles it (the event is dropped with the emulator).
        const stop = (): void => {
          cancel();
          resolve();
        };
        const cancel = this.deps.clock.setTimeout(() => {
          this.timers.delete(stop);
          resolve(this.attempt(job, startedAt, retries + 1));
        }, delayMs);
        this.timers.add(stop);
      });
    }
  }

  private async fail(job: DeliveryJob, error: DeliveryError, retries: number, exhausted?: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds'): Promise<void> {
    const arn = job.deadLetterArn;
    if (!arn) return this.deps.report({ kind: 'dropped', job, error, why: 'the target has no dead-letter queue' });
    const queue = this.deps.senders.queues.byArn(arn);
    if (!queue) return this.deps.report({ kind: 'dropped', job, error, why: `its dead-letter queue ${arn} does not exist` });
    const { body, attributes } = job.deadLetter({ error, retries, exhausted });
    try {
      await queue.send({
        body,
        messageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
      });
      this.deps.report({ kind: 'dead-lettered', job, error });
    } catch (err) {
      this.deps.report({ kind: 'dropped', job, error, why: `its dead-letter queue refused it: ${(err as Error).message}` });
    }
  }
}
