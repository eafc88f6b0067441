// The SNS operations ephemera serves, protocol-free: an action name and its input in the JSON shape
// (the query protocol's flattened names already turned into it) → the result in the same shape.
import { SnsError, missingMember } from '../sns-error.ts';
import type { Publisher, PublishInput } from '../sns-publish.ts';
import type { SnsAttribute } from '../sns-message.ts';
import type { Subscription, SnsTopics, Topic } from '../sns-topics.ts';
import { listPage } from './sns-pages.ts';
import { listTags, tagResource, untagResource } from './sns-tags.ts';

export type Input = Record<string, unknown>;

export interface SnsContext {
  topics: SnsTopics;
  publisher: Publisher;
}

/** Every action served, for the docs and the query dispatcher (an action of SNS's, not SQS's). */
export const SNS_ACTIONS: ReadonlySet<string> = new Set([
  'CreateTopic', 'DeleteTopic', 'ListTopics', 'GetTopicAttributes', 'SetTopicAttributes', 'Subscribe', 'Unsubscribe',
  'ListSubscriptions', 'ListSubscriptionsByTopic', 'GetSubscriptionAttributes', 'SetSubscriptionAttributes', 'ConfirmSubscription', 'Publish',
  'PublishBatch', 'TagResource', 'UntagResource', 'ListTagsForResource',
]);

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

function required(input: Input, member: string): string {
  const v = str(input[member]);
  if (v === undefined) throw missingMember(member.charAt(0).toLowerCase() + member.slice(1));
  return v;
}

/** A string map (Attributes): values as strings. */
function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) out[k] = String(x ?? '');
  return out;
}

/** MessageAttributes with BinaryValue decoded from base64 (both protocols carry blobs that way). */
function messageAttributes(v: unknown): Record<string, Partial<SnsAttribute>> | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const out: Record<string, Partial<SnsAttribute>> = {};
  for (const [name, raw] of Object.entries(v as Record<string, Record<string, unknown>>)) {
    const a = raw ?? {};
    out[name] = {
      DataType: str(a.DataType),
      StringValue: str(a.StringValue),
      BinaryValue: a.BinaryValue === undefined || a.BinaryValue === null ? undefined : Buffer.from(String(a.BinaryValue), 'base64'),
    };
  }
  return out;
}

function publishInput(input: Input): PublishInput {
  return {
    message: str(input.Message), subject: str(input.Subject), messageStructure: str(input.MessageStructure),
    attributes: messageAttributes(input.MessageAttributes), groupId: str(input.MessageGroupId), dedupId: str(input.MessageDeduplicationId),
  };
}

const topicEntry = (t: Topic) => ({ TopicArn: t.arn });
const subscriptionEntry = (s: Subscription) => ({
  SubscriptionArn: s.confirmed ? s.arn : 'PendingConfirmation', Owner: s.arn.split(':')[4], Protocol: s.protocol, Endpoint: s.endpoint, TopicArn: s.topicArn,
});

export async function runAction(ctx: SnsContext, action: string, input: Input): Promise<Record<string, unknown>> {
  const { topics, publisher } = ctx;
  switch (action) {
    case 'CreateTopic': {
      const tags = (input.Tags ?? []) as { Key?: unknown; Value?: unknown }[];
      const topic = topics.createTopic(required(input, 'Name'), stringMap(input.Attributes), Object.fromEntries(tags.map((t) => [String(t.Key), String(t.Value ?? '')])));
      return { TopicArn: topic.arn };
    }
    case 'DeleteTopic':
      topics.deleteTopic(str(input.TopicArn));
      return {};
    case 'ListTopics': {
      const { page, next } = listPage(topics.list(), str(input.NextToken));
      return { Topics: page.map(topicEntry), ...(next ? { NextToken: next } : {}) };
    }
    case 'GetTopicAttributes':
      return { Attributes: topics.topicAttributes(topics.topic(str(input.TopicArn))) };
    case 'SetTopicAttributes': {
      const topic = topics.topic(str(input.TopicArn));
      topics.setTopicAttribute(topic, required(input, 'AttributeName'), str(input.AttributeValue) ?? '');
      return {};
    }
    case 'Subscribe': {
      const sub = topics.subscribe(str(input.TopicArn), required(input, 'Protocol'), str(input.Endpoint) ?? '', stringMap(input.Attributes));
      const returnArn = input.ReturnSubscriptionArn === true || str(input.ReturnSubscriptionArn) === 'true';
      return { SubscriptionArn: sub.confirmed || returnArn ? sub.arn : 'pending confirmation' };
    }
    case 'ConfirmSubscription':
      return topics.confirmSubscription(str(input.TopicArn), required(input, 'Token'));
    case 'Unsubscribe':
      topics.unsubscribe(str(input.SubscriptionArn));
      return {};
    case 'ListSubscriptions': {
      const { page, next } = listPage(topics.subscriptions(), str(input.NextToken));
      return { Subscriptions: page.map(subscriptionEntry), ...(next ? { NextToken: next } : {}) };
    }
    case 'ListSubscriptionsByTopic': {
      const { page, next } = listPage(topics.subscriptions(topics.topic(str(input.TopicArn))), str(input.NextToken));
      return { Subscriptions: page.map(subscriptionEntry), ...(next ? { NextToken: next } : {}) };
    }
    case 'GetSubscriptionAttributes':
      return { Attributes: topics.subscriptionAttributes(topics.subscription(str(input.SubscriptionArn))) };
    case 'SetSubscriptionAttributes': {
      const sub = topics.subscription(str(input.SubscriptionArn));
      topics.setSubscriptionAttributes(sub, { [required(input, 'AttributeName')]: str(input.AttributeValue) ?? '' });
      return {};
    }
    case 'Publish': {
      if (input.PhoneNumber !== undefined) throw new SnsError('InvalidParameter', 'Invalid parameter: PhoneNumber Reason: SMS is not delivered by ephemera');
      const r = publisher.publish(str(input.TopicArn ?? input.TargetArn), publishInput(input));
      return r.sequenceNumber === undefined ? { MessageId: r.messageId } : { MessageId: r.messageId, SequenceNumber: r.sequenceNumber };
    }
    case 'PublishBatch': {
      const entries = input.PublishBatchRequestEntries as Input[] | undefined;
      const r = publisher.publishBatch(str(input.TopicArn), entries?.map((e) => ({ id: str(e.Id), ...publishInput(e) })));
      return {
        Successful: r.successful.map((s) => ({ Id: s.id, MessageId: s.messageId, ...(s.sequenceNumber ? { SequenceNumber: s.sequenceNumber } : {}) })),
        Failed: r.failed.map((f) => ({ Id: f.id, Code: f.code, Message: f.message, SenderFault: f.senderFault })),
      };
    }
    case 'TagResource':
      tagResource(topics, str(input.ResourceArn), (input.Tags ?? []) as Input[]);
      return {};
    case 'UntagResource':
      untagResource(topics, str(input.ResourceArn), ((input.TagKeys ?? []) as unknown[]).map(String));
      return {};
    case 'ListTagsForResource':
      return { Tags: listTags(topics, str(input.ResourceArn)) };
    default:
      throw new SnsError('InvalidAction', `The action ${action} is not valid for this web service.`);
  }
}
