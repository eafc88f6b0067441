// Queue attributes: AWS's defaults and ranges, validation of CreateQueue/SetQueueAttributes input
// (errors as AWS words them), the parsed RedrivePolicy, and which names GetQueueAttributes knows.
import { SqsError, invalidAttributeValue, invalidValue, unknownAttribute } from './sqs-error.ts';

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

const RANGES: Readonly<Record<string, [number, number]>> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1048576],
  MessageRetentionPeriod: [60, 1209600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43200],
  KmsDataKeyReusePeriodSeconds: [60, 86400],
};

export const STANDARD_DEFAULTS: Readonly<Record<string, string>> = {
  VisibilityTimeout: '30',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  DelaySeconds: '0',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
};

export const FIFO_DEFAULTS: Readonly<Record<string, string>> = {
  ...STANDARD_DEFAULTS,
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

const STORED = new Set(['RedrivePolicy', 'RedriveAllowPolicy', 'Policy', 'KmsMasterKeyId', 'SqsManagedSseEnabled', ...Object.keys(RANGES)]);
const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
/** FIFO-only attributes a standard queue refuses by name ("You can specify the X only when FifoQueue is set to true."). */
const FIFO_SETTINGS = new Set(['DeduplicationScope', 'FifoThroughputLimit']);
/** Computed attributes GetQueueAttributes answers (never settable). */
export const READ_ONLY = [
  'QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp', 'LastModifiedTimestamp',
];

export function knownAttribute(name: string, fifo: boolean): boolean {
  return STORED.has(name) || READ_ONLY.includes(name) || (fifo && FIFO_ONLY.has(name));
}

/**
 * Validates attributes for a queue (`creating` allows FifoQueue) and returns them normalised
 * (RedrivePolicy re-serialised with a numeric maxReceiveCount). `dlqType` says whether a DLQ ARN
 * names an existing queue and whether it is FIFO.
 */
export function validateAttributes(
  attrs: Record<string, unknown>, fifo: boolean, creating: boolean, dlqType: (arn: string) => 'fifo' | 'standard' | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(attrs)) {
    if (typeof raw !== 'string') throw invalidAttributeValue(name);
    const value = raw;
    if (name === 'FifoQueue') {
      // A standard queue knows no FifoQueue attribute, not even `false` (AWS-recorded, 2025-08); a FIFO
      // queue cannot become standard.
      if (!fifo) throw unknownAttribute(name);
      if (creating || value === 'true') {
        out[name] = 'true';
        continue;
      }
      throw invalidAttributeValue('FifoQueue', 'Modifying queue type is not supported.');
    }
    if (!fifo && FIFO_SETTINGS.has(name)) throw new SqsError('InvalidAttributeName', `You can specify the ${name} only when FifoQueue is set to true.`);
    if (!STORED.has(name) && !(fifo && FIFO_ONLY.has(name))) throw unknownAttribute(name);
    const range = RANGES[name];
    if (range) {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < range[0] || n > range[1]) throw invalidAttributeValue(name);
      out[name] = String(n);
    } else if (name === 'ContentBasedDeduplication' || name === 'SqsManagedSseEnabled') {
      if (value !== 'true' && value !== 'false') throw invalidAttributeValue(name);
      out[name] = value;
    } else if (name === 'DeduplicationScope') {
      if (value !== 'queue' && value !== 'messageGroup') throw invalidAttributeValue(name);
      out[name] = value;
    } else if (name === 'FifoThroughputLimit') {
      if (value !== 'perQueue' && value !== 'perMessageGroupId') throw invalidAttributeValue(name);
      out[name] = value;
    } else if (name === 'RedrivePolicy') {
      out[name] = value === '' ? '' : JSON.stringify(parseRedrivePolicy(value, fifo, dlqType));
    } else if (name === 'RedriveAllowPolicy') {
      out[name] = value === '' ? '' : checkRedriveAllowPolicy(value);
    } else {
      out[name] = value;
    }
  }
  if (out.FifoThroughputLimit === 'perMessageGroupId' && (out.DeduplicationScope ?? 'queue') === 'queue' && attrs.DeduplicationScope !== undefined) {
    throw invalidValue('FifoThroughputLimit', 'perMessageGroupId', 'The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup');
  }
  return out;
}

/**
 * Server-side encryption after a change: a KMS key turns SQS-managed encryption off (unless the same
 * request says otherwise), and without a key there is no KmsMasterKeyId or KmsDataKeyReusePeriodSeconds
 * to show; SQS-managed encryption stays off (LocalStack's AWS-recorded test_set_queue_attributes_default_values, 2025-08).
 * Throws when the change asks for both kinds.
 */
export function settleEncryption(next: Record<string, string>, given: Record<string, string>): void {
  // Both kinds at once are refused (AWS-recorded test_sse_kms_and_sqs_are_mutually_exclusive, 2024-04).
  if (given.SqsManagedSseEnabled === 'true' && next.KmsMasterKeyId) {
    throw new SqsError('InvalidAttributeName', 'You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.');
  }
  if (given.KmsMasterKeyId) next.SqsManagedSseEnabled = given.SqsManagedSseEnabled ?? 'false';
  if (!next.KmsMasterKeyId) {
    delete next.KmsMasterKeyId;
    delete next.KmsDataKeyReusePeriodSeconds;
  }
}

export function parseRedrivePolicy(value: string, fifo: boolean, dlqType?: (arn: string) => 'fifo' | 'standard' | undefined): RedrivePolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidValue('RedrivePolicy', value, 'Redrive policy is not a valid JSON map.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidValue('RedrivePolicy', value, 'Redrive policy is not a valid JSON map.');
  }
  const p = parsed as Record<string, unknown>;
  const arn = p.deadLetterTargetArn;
  const count = typeof p.maxReceiveCount === 'string' && /^\d+$/.test(p.maxReceiveCount) ? Number(p.maxReceiveCount) : p.maxReceiveCount;
  if (typeof arn !== 'string' || arn === '') throw invalidValue('RedrivePolicy', value, 'Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
  if (count === undefined) throw invalidValue('RedrivePolicy', value, 'Redrive policy does not contain mandatory attribute: maxReceiveCount.');
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidValue('RedrivePolicy', value, 'Invalid value for maxReceiveCount: ' + String(p.maxReceiveCount) + ', valid values are from 1 to 1000 both inclusive.');
  }
  if (dlqType) {
    const type = dlqType(arn);
    if (!type) throw invalidValue('RedrivePolicy', value, 'Dead letter target does not exist.');
    if ((type === 'fifo') !== fifo) throw invalidValue('RedrivePolicy', value, 'Dead-letter queue must be same type of queue as the source.');
  }
  return { deadLetterTargetArn: arn, maxReceiveCount: count };
}

function checkRedriveAllowPolicy(value: string): string {
  let p: unknown;
  try {
    p = JSON.parse(value);
  } catch {
    throw invalidValue('RedriveAllowPolicy', value, 'Redrive allow policy is not a valid JSON map.');
  }
  const perm = (p as { redrivePermission?: unknown } | null)?.redrivePermission;
  if (perm !== 'allowAll' && perm !== 'denyAll' && perm !== 'byQueue') {
    throw invalidValue('RedriveAllowPolicy', value, 'Invalid value for redrivePermission.');
  }
  const arns = (p as { sourceQueueArns?: unknown }).sourceQueueArns;
  if (perm === 'byQueue' && (!Array.isArray(arns) || arns.length === 0 || arns.length > 10)) {
    throw invalidValue('RedriveAllowPolicy', value, 'sourceQueueArns must contain 1 to 10 ARNs when redrivePermission is byQueue.');
  }
  return value;
}
