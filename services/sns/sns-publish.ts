// Publish and PublishBatch: the checks in SNS's order (subject, message, attributes, size, topic,
// MessageStructure, FIFO ids), FIFO topics' sequence numbers and 5-minute deduplication, and the fan-out
// to every confirmed subscription whose filter policy accepts the message.
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.ts';
import { DEDUP_WINDOW_MS } from '../sqs/fifo-dedup.ts';
import type { Deliveries } from './sns-delivery.ts';
import { checkArn, invalidParameter, missingMember, SnsError } from './sns-error.ts';
import { checkAttributes, MAX_MESSAGE_BYTES, parseStructured, publishSize, type SnsAttribute, type SnsMessage } from './sns-message.ts';
import type { SnsTopics, Topic } from './sns-topics.ts';

export interface PublishInput {
  message?: string;
  subject?: string;
  messageStructure?: string;
  attributes?: Record<string, Partial<SnsAttribute>>;
  groupId?: string;
  dedupId?: string;
}

export interface PublishResult {
  messageId: string;
  sequenceNumber?: string;
}

export interface BatchEntry extends PublishInput {
  id?: string;
}

export interface BatchResult {
  successful: (PublishResult & { id: string })[];
  failed: { id: string; code: string; message: string; senderFault: boolean }[];
}

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const GROUP_ID = /^[\x21-\x7e]{1,128}$/;

export class Publisher {
  private readonly topics: SnsTopics;
  private readonly deliveries: Deliveries;
  private readonly clock: Clock;
  /** Where UnsubscribeURLs point: the emulator's URL once known. */
  private readonly endpoint: () => string;

  constructor(deps: { topics: SnsTopics; deliveries: Deliveries; clock: Clock; endpoint: () => string }) {
    this.topics = deps.topics;
    this.deliveries = deps.deliveries;
    this.clock = deps.clock;
    this.endpoint = deps.endpoint;
  }

  publish(topicArn: string | undefined, input: PublishInput): PublishResult {
    if (input.subject !== undefined) checkSubject(input.subject);
    if (input.message === undefined) throw missingMember('message');
    if (input.message === '') throw invalidParameter('Invalid parameter: Empty message');
    const attributes = (input.attributes ?? {}) as Record<string, SnsAttribute>;
    checkAttributes(attributes, 'messageAttributes');
    if (publishSize(input.message, attributes) > MAX_MESSAGE_BYTES) throw invalidParameter('Invalid parameter: Message too long');
    const topic = this.topics.topic(checkArn(topicArn, 'TopicArn'));
    const perProtocol = input.messageStructure === 'json' ? parseStructured(input.message) : undefined;
    this.checkFifo(topic, input);
    return this.accept(topic, input, attributes, perProtocol);
  }

  publishBatch(topicArn: string | undefined, entries: BatchEntry[] | undefined): BatchResult {
    if (!entries || entries.length === 0) throw new SnsError('EmptyBatchRequest', "The batch request doesn't contain any entries.");
    if (entries.length > 10) throw new SnsError('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
    const topic = this.topics.topic(checkArn(topicArn, 'TopicArn'));
    const ids = entries.map((e) => e.id ?? '');
    if (new Set(ids).size !== ids.length) throw new SnsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
    for (const id of ids) {
      if (id.length > 80) throw new SnsError('InvalidBatchEntryId', `The Id of a batch entry in the batch request is too long: ${id}`);
      if (!BATCH_ID.test(id)) throw new SnsError('InvalidBatchEntryId', `The Id of a batch entry in the batch request contains an impermissible character: ${id}`);
    }
    // A malformed entry fails the whole request, as on AWS; an empty message fails only its entry.
    let total = 0;
    const prepared = entries.map((e, i) => {
      const attributes = (e.attributes ?? {}) as Record<string, SnsAttribute>;
      checkAttributes(attributes, `publishBatchRequestEntries.${i + 1}.member.messageAttributes`);
      total += publishSize(e.message ?? '', attributes);
      // A batch entry's MessageStructure is checked before its FIFO ids (AWS-recorded order).
      const perProtocol = e.message && e.messageStructure === 'json' ? parseStructured(e.message) : undefined;
      if (e.message) this.checkFifo(topic, e);
      return { e, attributes, perProtocol };
    });
    if (total > MAX_MESSAGE_BYTES) throw new SnsError('BatchRequestTooLong', 'The length of all the messages put together is more than the limit.');
    const out: BatchResult = { successful: [], failed: [] };
    for (const { e, attributes, perProtocol } of prepared) {
      if (!e.message) {
        out.failed.push({ id: e.id!, code: 'InvalidParameter', message: 'Invalid parameter: Empty message', senderFault: true });
        continue;
      }
      if (e.subject !== undefined && !validSubject(e.subject)) {
        out.failed.push({ id: e.id!, code: 'InvalidParameter', message: 'Invalid parameter: Subject', senderFault: true });
        continue;
      }
      out.successful.push({ id: e.id!, ...this.accept(topic, e, attributes, perProtocol) });
    }
    return out;
  }

  private checkFifo(topic: Topic, input: PublishInput): void {
    if (!topic.fifo) {
      if (input.dedupId !== undefined) {
        throw invalidParameter('Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
      }
      if (input.groupId !== undefined) checkGroupId('MessageGroupId', input.groupId);
      return;
    }
    if (input.groupId === undefined) throw invalidParameter('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
    checkGroupId('MessageGroupId', input.groupId);
    if (input.dedupId !== undefined) checkGroupId('MessageDeduplicationId', input.dedupId);
    else if (topic.attributes.ContentBasedDeduplication !== 'true') {
      throw invalidParameter('Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    }
  }

  /** A checked message: numbered and deduplicated (FIFO), then handed to the subscriptions it passes. */
  private accept(topic: Topic, input: PublishInput, attributes: Record<string, SnsAttribute>, perProtocol?: Record<string, string>): PublishResult {
    const now = this.clock.now();
    const message: SnsMessage = {
      messageId: randomUUID(), topicArn: topic.arn, message: perProtocol?.default ?? input.message!, perProtocol,
      subject: input.subject, attributes, timestamp: now,
    };
    if (topic.fifo) {
      message.groupId = input.groupId;
      message.dedupId = input.dedupId ?? createHash('sha256').update(input.message!, 'utf8').digest('hex');
      const key = topic.attributes.FifoThroughputScope === 'MessageGroup' ? `${input.groupId}\u0000${message.dedupId}` : message.dedupId;
      const dup = topic.dedup.find(key, now);
      if (dup) return { messageId: dup.messageId, sequenceNumber: dup.sequenceNumber };
      topic.lastSequence = topic.lastSequence + 1n;
      message.sequenceNumber = (10_000_000_000_000_000_000n + topic.lastSequence).toString();
      topic.dedup.add(key, { expiresAt: now + DEDUP_WINDOW_MS, messageId: message.messageId, sequenceNumber: message.sequenceNumber });
    } else if (input.groupId !== undefined) {
      message.groupId = input.groupId;
    }
    const target = { fifo: topic.fifo, signatureVersion: topic.attributes.SignatureVersion ?? '1', endpoint: this.endpoint(), region: this.topics.region };
    for (const sub of this.topics.subscriptions(topic)) {
      if (!sub.confirmed) continue;
      if (sub.filter && !sub.filter({ body: message.perProtocol?.[sub.protocol] ?? message.message, attributes })) continue;
      this.deliveries.deliver(sub, message, { ...target, subscriptionArn: sub.arn, protocol: sub.protocol });
    }
    return message.sequenceNumber === undefined ? { messageId: message.messageId } : { messageId: message.messageId, sequenceNumber: message.sequenceNumber };
  }
}

/** Subject: ASCII, starting with a letter, digit or punctuation, no line breaks, under 100 characters. */
function validSubject(subject: string): boolean {
  return /^[\x21-\x7e][\x20-\x7e]{0,98}$/.test(subject);
}

function checkSubject(subject: string): void {
  if (!validSubject(subject)) throw invalidParameter('Invalid parameter: Subject');
}

function checkGroupId(param: string, value: string): void {
  if (!GROUP_ID.test(value)) {
    throw invalidParameter(`Invalid parameter: ${param} Reason: ${param} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
}
