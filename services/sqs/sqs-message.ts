// A message as the embedded queue stores it, the checks AWS makes on a message before accepting it
// (body characters, attributes, size), and receipt handles.
import { randomBytes, randomUUID } from 'node:crypto';
import type { MessageAttributeValue, ReceivedMessage, SendInput } from './queue.ts';
import { SqsError, invalidParameter, invalidValue, messageTooLong, missingParameter } from './sqs-error.ts';
import { md5OfAttributes, md5OfBody } from './sqs-md5.ts';

export interface StoredMessage {
  id: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  md5OfMessageAttributes?: string;
  traceHeader?: string;
  senderId: string;
  /** Epoch ms. */
  sentAt: number;
  /** Epoch ms before which the message is not visible (delay, or in flight after a receive). */
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** The current receipt handle (the latest receive); void after a restart. */
  receipt?: string;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  deadLetterSourceArn?: string;
}

// Anything outside #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF (lone surrogates included).
const BAD_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
// AWS's wording, as SDKs report it (e.g. aws/aws-sdk-go issues, NServiceBus.AmazonSQS#2630 in 2024).
const ALLOWED = 'the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].';
const ATTRIBUTE_NAME = /^(?!aws\.|amazon\.)(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_\-.]{1,256}$/i;

export function checkBody(body: string): void {
  const bad = BAD_CHAR.exec(body);
  if (bad) {
    const hex = (bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase();
    throw new SqsError('InvalidMessageContents', `Invalid binary character '#x${hex}' was found in the message body, ${ALLOWED}`);
  }
}

/** Validates message attributes; returns their size in bytes (names, types and values count toward the limit). */
export function checkMessageAttributes(attrs: Record<string, MessageAttributeValue> | undefined): number {
  if (!attrs) return 0;
  const names = Object.keys(attrs);
  if (names.length > 10) throw invalidParameter(`Number of message attributes [${names.length}] exceeds the allowed maximum [10].`);
  let size = 0;
  for (const name of names) {
    const a = attrs[name];
    if (!ATTRIBUTE_NAME.test(name)) throw invalidParameter(`Message (user) attribute name '${name}' is invalid.`);
    if (!a || typeof a.DataType !== 'string' || a.DataType === '') {
      throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute type.`);
    }
    const base = a.DataType.split('.')[0];
    if (!['String', 'Number', 'Binary'].includes(base)) {
      throw invalidParameter(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    if (base === 'Binary') {
      if (!a.BinaryValue || a.BinaryValue.length === 0) {
        throw invalidParameter(`Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`);
      }
      size += a.BinaryValue.length;
    } else {
      if (a.StringValue === undefined || a.StringValue === '') {
        throw invalidParameter(`Message (user) attribute '${name}' must contain a non-empty value of type 'String'.`);
      }
      if (base === 'Number' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(a.StringValue)) {
        throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      if (BAD_CHAR.test(a.StringValue)) throw new SqsError('InvalidMessageContents', `Invalid binary character was found in the message attribute '${name}', ${ALLOWED}`);
      size += Buffer.byteLength(a.StringValue, 'utf8');
    }
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(a.DataType, 'utf8');
  }
  return size;
}

/** Body + attribute size against the queue's MaximumMessageSize. */
export function checkSize(input: SendInput, maximum: number): void {
  const size = Buffer.byteLength(input.body, 'utf8') + checkMessageAttributes(input.messageAttributes);
  if (size > maximum) throw messageTooLong(maximum);
}

/** AWS's reason for a parameter the queue's type does not take (recorded with its final period, 2025-08). */
export const NOT_FOR_THIS_QUEUE_TYPE = 'The request include parameter that is not valid for this queue type.';

/** Validates a send (body, attributes, size, DelaySeconds) and builds the message; FIFO fields are the caller's. */
export function newMessage(
  input: SendInput, q: { fifo: boolean; now: number; senderId: string; delaySeconds: number; maxSize: number },
): StoredMessage {
  if (typeof input.body !== 'string' || input.body === '') throw missingParameter('MessageBody');
  checkBody(input.body);
  checkSize(input, q.maxSize);
  if (input.delaySeconds !== undefined) {
    if (q.fifo) throw invalidValue('DelaySeconds', input.delaySeconds, NOT_FOR_THIS_QUEUE_TYPE);
    if (!Number.isInteger(input.delaySeconds) || input.delaySeconds < 0 || input.delaySeconds > 900) {
      throw invalidValue('DelaySeconds', input.delaySeconds, 'DelaySeconds must be >= 0 and <= 900.');
    }
  }
  return {
    id: randomUUID(), body: input.body, md5OfBody: md5OfBody(input.body), messageAttributes: { ...input.messageAttributes },
    md5OfMessageAttributes: md5OfAttributes(input.messageAttributes), traceHeader: input.systemAttributes?.AWSTraceHeader,
    senderId: q.senderId, sentAt: q.now, visibleAt: q.now + 1000 * (input.delaySeconds ?? q.delaySeconds), receiveCount: 0,
  };
}

/** What a receive returns for a stored (just received) message. */
export function toReceived(m: StoredMessage): ReceivedMessage {
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt), SenderId: m.senderId,
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
  };
  if (m.sequenceNumber !== undefined) attributes.SequenceNumber = m.sequenceNumber;
  if (m.groupId !== undefined) attributes.MessageGroupId = m.groupId;
  if (m.dedupId !== undefined) attributes.MessageDeduplicationId = m.dedupId;
  if (m.traceHeader !== undefined) attributes.AWSTraceHeader = m.traceHeader;
  if (m.deadLetterSourceArn !== undefined) attributes.DeadLetterQueueSourceArn = m.deadLetterSourceArn;
  return {
    messageId: m.id, receiptHandle: m.receipt!, body: m.body, md5OfBody: m.md5OfBody,
    md5OfMessageAttributes: m.md5OfMessageAttributes, attributes, messageAttributes: { ...m.messageAttributes },
  };
}

const DEDUP_ID = /^[\x21-\x7e]{1,128}$/;

export function checkDedupId(param: string, value: string): void {
  if (!DEDUP_ID.test(value)) {
    throw invalidValue(param, value, `${param} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
}

/** A new opaque receipt handle naming the queue and message (unique per receive). */
export function newReceiptHandle(queueName: string, messageId: string): string {
  return Buffer.from(`${queueName} ${messageId} ${randomBytes(24).toString('base64url')}`, 'utf8').toString('base64');
}

/** The message id inside a receipt handle, or undefined when the handle is not one of ours. */
export function parseReceiptHandle(handle: string): { queueName: string; messageId: string } | undefined {
  if (typeof handle !== 'string' || handle.length < 16 || !/^[A-Za-z0-9+/]+=*$/.test(handle)) return undefined;
  const parts = Buffer.from(handle, 'base64').toString('utf8').split(' ');
  if (parts.length !== 3 || parts[2].length !== 32) return undefined;
  return { queueName: parts[0], messageId: parts[1] };
}
