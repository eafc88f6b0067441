// Deliveries from topics to their subscriptions: a function gets the Lambda event through an
// asynchronous invoke (Lambda's own retries, DLQ and destinations take over from there), a queue the
// JSON envelope or, with RawMessageDelivery, the message and its attributes. A server-side failure is
// retried on SNS's delivery policy (scaled by --time-scale, on the injected clock); a client-side one,
// or the policy exhausted, sends the message to the subscription's dead-letter queue (RedrivePolicy).
// FIFO topics deliver one message after the other per subscription and message group.
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { type Clock, sleep } from '../../lib/clock.ts';
import type { QueueDirectory, SendInput } from '../sqs/queue.ts';
import { DeliveryError, failureKind, managedRetryDelay } from './delivery-policy.ts';
import { type EnvelopeTarget, lambdaEvent, notificationEnvelope, sqsAttributes } from './sns-envelope.ts';
import { bodyFor, type SnsMessage } from './sns-message.ts';
import type { Subscription } from './sns-topics.ts';
import { deadLetterTarget } from './subscription-attributes.ts';

export interface DeliveryPorts {
  /** Lambda's Invoke with InvocationType Event: throws when Lambda refuses the event (no such function: 404). */
  invokeAsync(functionArn: string, payload: Buffer): void | Promise<void>;
  /** Subscribed queues and dead-letter queues (embedded, then --sqs-endpoint). */
  queues: QueueDirectory;
}

/** The logger calls deliveries make (pino's shape). */
export interface DeliveryLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface Job {
  sub: Subscription;
  message: SnsMessage;
  target: EnvelopeTarget;
}

export class Deliveries {
  private readonly ports: DeliveryPorts;
  private readonly clock: Clock;
  private readonly timeScale: number;
  private readonly log: DeliveryLog;
  /** FIFO: the last delivery of each subscription and message group, which the next one waits for. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Aborted by close(): the retry waits end at once (lib/clock's sleep leaves no timer behind). */
  private readonly stopping = new AbortController();
  private waiting = 0;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(deps: { ports: DeliveryPorts; clock: Clock; timeScale: number; log: DeliveryLog }) {
    this.ports = deps.ports;
    this.clock = deps.clock;
    this.timeScale = deps.timeScale;
    this.log = deps.log;
    // One listener per delivery waiting for a retry: many may wait at once.
    setMaxListeners(0, this.stopping.signal);
  }

  /** Hand a message to a subscription; never throws (failures end in the dead-letter queue or the log). */
  deliver(sub: Subscription, message: SnsMessage, target: EnvelopeTarget): void {
    if (this.closed) return;
    this.inFlight++;
    const job: Job = { sub, message, target };
    if (!target.fifo) {
      void this.run(job).finally(() => this.settled());
      return;
    }
    const key = `${sub.arn}\u0000${message.groupId ?? ''}`;
    const next = (this.chains.get(key) ?? Promise.resolve()).then(() => this.run(job)).finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
      this.settled();
    });
    this.chains.set(key, next);
  }

  /** Settles once no delivery is in flight or waiting for a retry (tests, /_ephemera). */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get pending(): number {
    return this.inFlight;
  }

  /** Deliveries waiting for a retry are dropped (logged): the emulator is going away. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.waiting > 0) this.log.warn({ deliveries: this.waiting }, 'emulator stopping: SNS deliveries waiting for a retry dropped');
    this.stopping.abort();
  }

  private settled(): void {
    if (--this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async run(job: Job): Promise<void> {
    for (let retry = 1; ; retry++) {
      try {
        await this.send(job);
        return;
      } catch (err) {
        const delay = failureKind(err) === 'server' ? managedRetryDelay(retry) : undefined;
        if (delay === undefined || this.closed) return this.deadLetter(job, err);
        if (!(await this.wait(delay * 1000 * this.timeScale))) return;
      }
    }
  }

  /** Resolves true after `ms` on the clock, false when the deliveries closed first. */
  private async wait(ms: number): Promise<boolean> {
    this.waiting++;
    try {
      await sleep(this.clock, ms, this.stopping.signal);
    } finally {
      this.waiting--;
    }
    return !this.closed;
  }

  private async send({ sub, message, target }: Job): Promise<void> {
    if (sub.protocol === 'lambda') {
      await this.ports.invokeAsync(sub.endpoint, Buffer.from(JSON.stringify(lambdaEvent(message, target))));
      return;
    }
    const queue = this.ports.queues.byArn(sub.endpoint);
    if (!queue) throw new DeliveryError('client', `queue ${sub.endpoint} does not exist`);
    await queue.send(this.sqsMessage(sub, message, target, queue.fifo));
  }

  /** The SQS message of a delivery (or of its dead-lettering): envelope or raw, FIFO ids for a FIFO queue. */
  private sqsMessage(sub: Subscription, message: SnsMessage, target: EnvelopeTarget, fifoQueue: boolean): SendInput {
    const raw = sub.protocol === 'sqs' && sub.attributes.RawMessageDelivery === 'true';
    const input: SendInput = raw
      ? { body: bodyFor(message, 'sqs'), messageAttributes: sqsAttributes(message.attributes) }
      : { body: notificationEnvelope(message, target) };
    if (fifoQueue && message.groupId !== undefined) {
      input.messageGroupId = message.groupId;
      input.messageDeduplicationId = message.dedupId ?? createHash('sha256').update(input.body).digest('hex');
    } else if (!target.fifo && message.groupId !== undefined) {
      input.messageGroupId = message.groupId;
    }
    return input;
  }

  private async deadLetter(job: Job, err: unknown): Promise<void> {
    const { sub, message, target } = job;
    const why = (err as Error)?.message ?? String(err);
    const dlq = deadLetterTarget(sub.attributes);
    const where = { subscription: sub.arn, endpoint: sub.endpoint, messageId: message.messageId, error: why };
    if (!dlq) {
      this.log.warn(where, 'SNS delivery failed; the message is dropped (the subscription has no RedrivePolicy)');
      return;
    }
    const queue = this.ports.queues.byArn(dlq);
    if (!queue) {
      this.log.error({ ...where, deadLetterQueue: dlq }, 'SNS delivery failed and the dead-letter queue does not exist; the message is dropped');
      return;
    }
    try {
      await queue.send(this.sqsMessage(sub, message, target, queue.fifo));
    } catch (dlqErr) {
      this.log.error({ ...where, deadLetterQueue: dlq, dlqError: (dlqErr as Error).message }, 'SNS dead-letter delivery failed; the message is dropped');
    }
  }
}
