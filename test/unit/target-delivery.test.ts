// Delivery to a target on a clock the test moves (services/eventbridge/target-delivery.ts): retriable
// failures back off 1 s, 2 s, 4 s ... (× --time-scale) until MaximumRetryAttempts or the event age runs
// out, then the dead-letter queue (with EXHAUSTED_RETRY_CONDITION); a failure retrying cannot fix goes
// there at once; no dead-letter queue drops it. The senders are a stand-in (the unit is the policy).
import { describe, expect, it } from 'vitest';
import { type DeliveryJob, type DeliveryOutcome, TargetDelivery } from '../../services/eventbridge/target-delivery.ts';
import { DeliveryError, type TargetSenders } from '../../services/eventbridge/target-router.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { MemoryQueue } from '../helpers/memory-queue.ts';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:f';

function setup(failures: DeliveryError[], timeScale = 1) {
  const clock = new ManualClock({ start: 0 });
  const dlq = new MemoryQueue('dlq', 'us-east-1', '000000000000', clock);
  const attempts: number[] = [];
  const senders: TargetSenders = {
    queues: { byArn: (arn) => (arn === dlq.arn ? dlq : undefined) },
    invokeFunction: async () => {
      attempts.push(clock.now());
      const failure = failures.shift();
      if (failure) throw failure;
    },
  };
  const outcomes: DeliveryOutcome['kind'][] = [];
  const delivery = new TargetDelivery({ clock, timeScale, senders, report: (o) => outcomes.push(o.kind) });
  const job = (retry: DeliveryJob['retry'], deadLetterArn?: string): DeliveryJob => ({
    what: 'test', targetArn: FN, payload: '{}', retry, deadLetterArn,
    deadLetter: ({ error, retries, exhausted }) => ({ body: 'dead', attributes: { ERROR_CODE: error.errorCode, RETRY_ATTEMPTS: String(retries), ...(exhausted ? { EXHAUSTED_RETRY_CONDITION: exhausted } : {}) } }),
  });
  return { clock, dlq, attempts, outcomes, delivery, job };
}

const throttled = (): DeliveryError => new DeliveryError('THROTTLING', 'TooManyRequestsException', 'slow down', true);
const attrs = (q: MemoryQueue): Record<string, string | undefined> => Object.fromEntries(Object.entries(q.messages[0]?.input.messageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));

describe('target delivery', () => {
  it('retries a retriable failure with exponential back-off until it succeeds', async () => {
    const { clock, attempts, outcomes, delivery, job } = setup([throttled(), throttled(), throttled()]);
    delivery.deliver(job({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 }));
    await clock.advance(60_000);
    expect(attempts).toEqual([0, 1000, 3000, 7000]);
    expect(outcomes).toEqual(['retrying', 'retrying', 'retrying', 'delivered']);
    expect(delivery.pending).toBe(0);
  });

  it('scales the back-off by --time-scale', async () => {
    const { clock, attempts, delivery, job } = setup([throttled(), throttled()], 0.1);
    delivery.deliver(job({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 }));
    await clock.advance(1_000);
    expect(attempts).toEqual([0, 100, 300]);
  });

  it('dead-letters once MaximumRetryAttempts is spent', async () => {
    const { clock, dlq, attempts, outcomes, delivery, job } = setup([throttled(), throttled(), throttled()]);
    delivery.deliver(job({ maximumRetryAttempts: 2, maximumEventAgeSeconds: 86_400 }, 'arn:aws:sqs:us-east-1:000000000000:dlq'));
    await clock.advance(60_000);
    expect(attempts).toHaveLength(3);
    expect(outcomes.at(-1)).toBe('dead-lettered');
    expect(dlq.messages.map((m) => m.input.body)).toEqual(['dead']);
    expect(attrs(dlq)).toEqual({ ERROR_CODE: 'THROTTLING', RETRY_ATTEMPTS: '2', EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts' });
  });

  it('dead-letters when the next retry would come after MaximumEventAgeInSeconds', async () => {
    const { clock, dlq, attempts, delivery, job } = setup(Array.from({ length: 20 }, throttled));
    delivery.deliver(job({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 60 }, 'arn:aws:sqs:us-east-1:000000000000:dlq'));
    await clock.advance(120_000);
    // 0, 1, 3, 7, 15, 31 s; the next (63 s) is past the minute.
    expect(attempts).toEqual([0, 1000, 3000, 7000, 15_000, 31_000]);
    expect(attrs(dlq)).toMatchObject({ EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds', RETRY_ATTEMPTS: '5' });
  });

  it('dead-letters a failure retrying cannot fix at once, and drops it with no dead-letter queue', async () => {
    const gone = (): DeliveryError => new DeliveryError('NO_RESOURCE', 'ResourceNotFoundException', 'Function not found', false);
    const a = setup([gone()]);
    a.delivery.deliver(a.job({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 }, 'arn:aws:sqs:us-east-1:000000000000:dlq'));
    await a.clock.advance(10);
    expect(a.attempts).toEqual([0]);
    expect(attrs(a.dlq)).toEqual({ ERROR_CODE: 'NO_RESOURCE', RETRY_ATTEMPTS: '0' });
    const b = setup([gone()]);
    b.delivery.deliver(b.job({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 }));
    await b.clock.advance(10);
    expect(b.outcomes).toEqual(['dropped']);
    const c = setup([gone()]);
    c.delivery.deliver(c.job({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 }, 'arn:aws:sqs:us-east-1:000000000000:missing'));
    await c.clock.advance(10);
    expect(c.outcomes).toEqual(['dropped']);
  });

  it('close cancels the retries waiting and settles them', async () => {
    const { clock, attempts, delivery, job } = setup([throttled(), throttled()]);
    delivery.deliver(job({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 }));
    await clock.advance(10);
    expect(clock.pending).toBe(1);
    delivery.close();
    expect(clock.pending).toBe(0);
    await clock.advance(10_000);
    expect(attempts).toEqual([0]);
    expect(delivery.pending).toBe(0);
  });
});
