// The delivery policy SNS applies to AWS-managed endpoints (SQS queues, Lambda functions) after a
// server-side error: 3 immediate retries, 2 one second apart, 10 with exponential back-off from 1 to
// 20 s, then 100,000 twenty seconds apart (100,015 retries over about 23 days). Client-side errors
// (the endpoint is gone, the request is refused) are not retried. A pure schedule; the caller waits.

const IMMEDIATE = 3;
const PRE_BACKOFF = 2;
const BACKOFF = 10;
const POST_BACKOFF = 100_000;
const MIN_DELAY_S = 1;
const MAX_DELAY_S = 20;

export const MANAGED_RETRIES = IMMEDIATE + PRE_BACKOFF + BACKOFF + POST_BACKOFF;

/** Seconds to wait before retry number `retry` (1-based); undefined once the policy is exhausted. */
export function managedRetryDelay(retry: number): number | undefined {
  if (!Number.isInteger(retry) || retry < 1 || retry > MANAGED_RETRIES) return undefined;
  if (retry <= IMMEDIATE) return 0;
  if (retry <= IMMEDIATE + PRE_BACKOFF) return MIN_DELAY_S;
  const step = retry - IMMEDIATE - PRE_BACKOFF;
  if (step <= BACKOFF) return MIN_DELAY_S * (MAX_DELAY_S / MIN_DELAY_S) ** ((step - 1) / (BACKOFF - 1));
  return MAX_DELAY_S;
}

/** Why a delivery failed: `client` ends it now (dead-letter queue), `server` is retried. */
export type FailureKind = 'client' | 'server';

export class DeliveryError extends Error {
  readonly kind: FailureKind;

  constructor(kind: FailureKind, message: string) {
    super(message);
    this.name = 'DeliveryError';
    this.kind = kind;
  }
}

/**
 * The kind of an endpoint's error: an AWS-shaped error with a 4xx status other than 429 (SqsError's
 * `status`, the SDK's `$metadata.httpStatusCode`) is the client's; throttling, 5xx and anything else
 * (a connection refused by an --sqs-endpoint) are server-side.
 */
export function failureKind(err: unknown): FailureKind {
  if (err instanceof DeliveryError) return err.kind;
  const e = err as { status?: unknown; statusCode?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  const status = e?.status ?? e?.statusCode ?? e?.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 429 ? 'client' : 'server';
}
