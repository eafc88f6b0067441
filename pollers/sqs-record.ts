// A received SQS message → the record of Lambda's SQS event (reference §8.2), field for field and in
// AWS's order, and the size it adds to the invoke payload.
import type { MessageAttributeValue, ReceivedMessage } from '../services/sqs/queue.ts';

export interface SqsRecordAttribute {
  stringValue?: string;
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, SqsRecordAttribute>;
  md5OfMessageAttributes: string | null;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

/** System attributes in the order Lambda's events list them; any others follow in the queue's order. */
const ATTRIBUTE_ORDER = [
  'ApproximateReceiveCount', 'AWSTraceHeader', 'SentTimestamp', 'SequenceNumber', 'MessageGroupId', 'SenderId',
  'MessageDeduplicationId', 'ApproximateFirstReceiveTimestamp', 'DeadLetterQueueSourceArn',
];

/** The region of an SQS ARN (`arn:aws:sqs:<region>:<account>:<name>`). */
export function arnRegion(arn: string, fallback: string): string {
  return arn.split(':')[3] || fallback;
}

export function toSqsRecord(m: ReceivedMessage, eventSourceARN: string, awsRegion: string): SqsRecord {
  const attributes: Record<string, string> = {};
  for (const k of ATTRIBUTE_ORDER) if (m.attributes[k] !== undefined) attributes[k] = m.attributes[k];
  for (const [k, v] of Object.entries(m.attributes)) if (!(k in attributes)) attributes[k] = v;
  const messageAttributes: Record<string, SqsRecordAttribute> = {};
  for (const [name, a] of Object.entries(m.messageAttributes)) messageAttributes[name] = toRecordAttribute(a);
  const hasAttributes = Object.keys(m.messageAttributes).length > 0;
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle,
    body: m.body,
    attributes,
    messageAttributes,
    md5OfMessageAttributes: hasAttributes ? (m.md5OfMessageAttributes ?? null) : null,
    md5OfBody: m.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
}

function toRecordAttribute(a: MessageAttributeValue): SqsRecordAttribute {
  const out: SqsRecordAttribute = { stringListValues: [], binaryListValues: [], dataType: a.DataType };
  // Key order as AWS writes it: the value first, then the (always empty) lists, then the type.
  if (a.BinaryValue !== undefined) {
    return { binaryValue: Buffer.from(a.BinaryValue).toString('base64'), ...out };
  }
  return { stringValue: a.StringValue ?? '', ...out };
}

/** `{"Records":[` + `]}`: the event's bytes around its records. */
export const EVENT_OVERHEAD = Buffer.byteLength('{"Records":[]}');

/** Bytes a record adds to the event (with its separating comma). */
export function recordBytes(r: SqsRecord): number {
  return Buffer.byteLength(JSON.stringify(r)) + 1;
}

/** The invoke payload for these records. */
export function sqsEvent(records: SqsRecord[]): Buffer {
  return Buffer.from(JSON.stringify({ Records: records }));
}
