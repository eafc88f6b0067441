// The embedded SNS topics of one account and region, and their subscriptions: create/delete with
// SNS's idempotency rules, attributes, tags, subscribe/unsubscribe (lambda and sqs subscriptions are
// confirmed at once; other protocols stay pending: nothing is delivered to them). Every change is
// handed to the store (--data-dir) as a snapshot.
import { randomUUID } from 'node:crypto';
import { DedupWindow } from '../sqs/fifo-dedup.ts';
import { compileFilterPolicy, type MessageFilter } from './filter-policy.ts';
import type { FilterPolicyScope } from './filter-policy-validate.ts';
import { checkArn, invalidParameter, notFound, topicNotFound } from './sns-error.ts';
import { type SnsSnapshot, type SnsStore, NO_STORE } from './sns-store.ts';
import { checkSubscriptionAttributes } from './subscription-attributes.ts';
import { checkTopicAttribute, checkTopicName, defaultTopicAttributes, EFFECTIVE_DELIVERY_POLICY } from './topic-attributes.ts';

export interface Topic {
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  readonly subscriptions: Set<string>;
  /** FIFO: deduplication ids seen in the last 5 minutes. */
  readonly dedup: DedupWindow;
  lastSequence: bigint;
  deleted: number;
}

export interface Subscription {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  attributes: Record<string, string>;
  /** Lambda and SQS subscriptions in the same account are confirmed at once. */
  readonly confirmed: boolean;
  filter?: MessageFilter;
}

/** Protocols SNS knows; ephemera delivers to `lambda` and `sqs`. */
export const PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);
export const DELIVERED = new Set(['lambda', 'sqs']);

export class SnsTopics {
  readonly region: string;
  readonly accountId: string;
  private readonly topics = new Map<string, Topic>();
  private readonly subs = new Map<string, Subscription>();
  private readonly store: SnsStore;

  constructor(opts: { region: string; accountId: string; store?: SnsStore }) {
    this.region = opts.region;
    this.accountId = opts.accountId;
    this.store = opts.store ?? NO_STORE;
    const saved = this.store.load();
    if (saved) this.restore(saved);
  }

  arnOf(name: string): string {
    return `arn:aws:sns:${this.region}:${this.accountId}:${name}`;
  }

  /** A topic by ARN; throws InvalidParameter for a malformed ARN and NotFound for an unknown topic. */
  topic(arn: string | undefined, param = 'TopicArn'): Topic {
    const t = this.topics.get(checkArn(arn, param));
    if (!t) throw topicNotFound();
    return t;
  }

  byArn(arn: string): Topic | undefined {
    return this.topics.get(arn);
  }

  list(): Topic[] {
    return [...this.topics.values()];
  }

  /** CreateTopic: returns the existing topic when the attributes and tags given match it. */
  createTopic(name: string, attributes: Record<string, string> = {}, tags: Record<string, string> = {}): Topic {
    const { FifoTopic: fifoFlag, ...rest } = attributes;
    const fifo = fifoFlag?.toLowerCase() === 'true';
    checkTopicName(name, fifo);
    const given: Record<string, string> = {};
    for (const [k, v] of Object.entries(rest)) given[k] = checkTopicAttribute(k, v, fifo, true);
    const arn = this.arnOf(name);
    const existing = this.topics.get(arn);
    if (existing) {
      if (Object.entries(given).some(([k, v]) => existing.attributes[k] !== v)) {
        throw invalidParameter('Invalid parameter: Attributes Reason: Topic already exists with different attributes');
      }
      if (Object.entries(tags).some(([k, v]) => existing.tags[k] !== v)) {
        throw invalidParameter('Invalid parameter: Tags Reason: Topic already exists with different tags');
      }
      return existing;
    }
    const topic: Topic = {
      name, arn, fifo, attributes: { ...defaultTopicAttributes(arn, this.accountId, fifo), ...given }, tags: { ...tags },
      subscriptions: new Set(), dedup: new DedupWindow(), lastSequence: 0n, deleted: 0,
    };
    this.topics.set(arn, topic);
    this.save();
    return topic;
  }

  /** DeleteTopic: the topic and its subscriptions go; deleting a topic that is not there succeeds. */
  deleteTopic(arn: string | undefined): void {
    const t = this.topics.get(checkArn(arn, 'TopicArn'));
    if (!t) return;
    for (const s of t.subscriptions) this.subs.delete(s);
    this.topics.delete(t.arn);
    this.save();
  }

  /** GetTopicAttributes: the stored ones and the computed ones. */
  topicAttributes(t: Topic): Record<string, string> {
    const subs = [...t.subscriptions].map((s) => this.subs.get(s)!);
    return {
      ...t.attributes,
      TopicArn: t.arn,
      Owner: this.accountId,
      EffectiveDeliveryPolicy: t.attributes.DeliveryPolicy ?? EFFECTIVE_DELIVERY_POLICY,
      SubscriptionsConfirmed: String(subs.filter((s) => s.confirmed).length),
      SubscriptionsPending: String(subs.filter((s) => !s.confirmed).length),
      SubscriptionsDeleted: String(t.deleted),
    };
  }

  setTopicAttribute(t: Topic, name: string, value: string): void {
    if (name === 'FifoTopic') throw invalidParameter('Invalid parameter: AttributeName');
    t.attributes = { ...t.attributes, [name]: checkTopicAttribute(name, value, t.fifo, false) };
    this.save();
  }

  setTags(t: Topic, tags: Record<string, string>): void {
    t.tags = tags;
    this.save();
  }

  /** Subscribe: the existing subscription of this endpoint when the attributes given match it. */
  subscribe(topicArn: string | undefined, protocol: string, endpoint: string, attributes: Record<string, string> = {}): Subscription {
    const t = this.topic(topicArn);
    if (!PROTOCOLS.has(protocol)) throw invalidParameter(`Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`);
    checkEndpoint(protocol, endpoint, t);
    const ctx = { protocol, endpoint, topicFifo: t.fifo, subscribing: true };
    const stored = checkSubscriptionAttributes(attributes, { RawMessageDelivery: 'false' }, ctx);
    for (const arn of t.subscriptions) {
      const s = this.subs.get(arn)!;
      if (s.protocol !== protocol || s.endpoint !== endpoint) continue;
      if (Object.keys(attributes).some((k) => (s.attributes[k] ?? '') !== stored[k] && !(k === 'FilterPolicyScope' && s.attributes.FilterPolicy === undefined))) {
        throw invalidParameter('Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
      }
      return s;
    }
    const sub = this.add({ arn: `${t.arn}:${randomUUID()}`, topicArn: t.arn, protocol, endpoint, attributes: stored });
    this.save();
    return sub;
  }

  /**
   * ConfirmSubscription. Lambda and SQS subscriptions need no confirmation, and ephemera sends no
   * SubscriptionConfirmation to other protocols, so no token is ever valid: a token not of AWS's form
   * (288 hex characters) is "Invalid token", any other "Invalid parameter: Token", as AWS answers.
   */
  confirmSubscription(topicArn: string | undefined, token: string): never {
    checkArn(topicArn, 'TopicArn');
    if (!/^[0-9a-f]{288}$/.test(token)) throw invalidParameter('Invalid token');
    throw invalidParameter('Invalid parameter: Token');
  }

  /** Unsubscribe: idempotent for an unknown subscription; a topic ARN is not a subscription ARN. */
  unsubscribe(arn: string | undefined): void {
    if (arn === undefined) throw invalidParameter('Invalid parameter: SubscriptionArn Reason: no value for required parameter');
    const parts = checkArn(arn, 'SubscriptionArn').split(':');
    if (parts.length === 6) throw invalidParameter('Invalid parameter: SubscriptionId');
    const s = this.subs.get(arn);
    if (!s) return;
    this.subs.delete(arn);
    const t = this.topics.get(s.topicArn);
    if (t) {
      t.subscriptions.delete(arn);
      t.deleted++;
    }
    this.save();
  }

  subscription(arn: string | undefined): Subscription {
    const s = this.subs.get(checkArn(arn, 'SubscriptionArn'));
    if (!s) throw notFound('Subscription does not exist');
    return s;
  }

  subscriptions(t?: Topic): Subscription[] {
    return t ? [...t.subscriptions].map((a) => this.subs.get(a)!) : [...this.subs.values()];
  }

  /** GetSubscriptionAttributes. */
  subscriptionAttributes(s: Subscription): Record<string, string> {
    return {
      ...s.attributes,
      SubscriptionArn: s.arn, TopicArn: s.topicArn, Protocol: s.protocol, Endpoint: s.endpoint, Owner: this.accountId,
      ConfirmationWasAuthenticated: String(s.confirmed), PendingConfirmation: String(!s.confirmed),
      SubscriptionPrincipal: `arn:aws:iam::${this.accountId}:user/ephemera`,
    };
  }

  /** SetSubscriptionAttributes (one attribute), or several checked together (a template's). */
  setSubscriptionAttributes(s: Subscription, given: Record<string, string>): void {
    const t = this.topics.get(s.topicArn);
    s.attributes = checkSubscriptionAttributes(given, s.attributes, { protocol: s.protocol, endpoint: s.endpoint, topicFifo: t?.fifo ?? false, subscribing: false });
    s.filter = filterOf(s.attributes);
    this.save();
  }

  private add(init: { arn: string; topicArn: string; protocol: string; endpoint: string; attributes: Record<string, string> }): Subscription {
    const sub: Subscription = { ...init, confirmed: DELIVERED.has(init.protocol), filter: filterOf(init.attributes) };
    this.subs.set(sub.arn, sub);
    this.topics.get(sub.topicArn)?.subscriptions.add(sub.arn);
    return sub;
  }

  private save(): void {
    this.store.save({
      topics: this.list().map((t) => ({ name: t.name, attributes: t.attributes, tags: t.tags, deleted: t.deleted })),
      subscriptions: this.subscriptions().map(({ arn, topicArn, protocol, endpoint, attributes }) => ({ arn, topicArn, protocol, endpoint, attributes })),
    });
  }

  private restore(saved: SnsSnapshot): void {
    for (const t of saved.topics) {
      const arn = this.arnOf(t.name);
      this.topics.set(arn, {
        name: t.name, arn, fifo: t.attributes.FifoTopic === 'true', attributes: t.attributes, tags: t.tags,
        subscriptions: new Set(), dedup: new DedupWindow(), lastSequence: 0n, deleted: t.deleted,
      });
    }
    for (const s of saved.subscriptions) if (this.topics.has(s.topicArn)) this.add(s);
  }
}

function filterOf(attributes: Record<string, string>): MessageFilter | undefined {
  if (!attributes.FilterPolicy) return undefined;
  const policy = JSON.parse(attributes.FilterPolicy) as Record<string, unknown>;
  if (Object.keys(policy).length === 0) return undefined;
  return compileFilterPolicy(policy, (attributes.FilterPolicyScope ?? 'MessageAttributes') as FilterPolicyScope);
}

function checkEndpoint(protocol: string, endpoint: string, t: Topic): void {
  const arn = /^arn:aws[a-z-]*:([a-z0-9-]+):[^:]*:\d{12}:(.+)$/.exec(endpoint);
  if (protocol === 'sqs' && arn?.[1] !== 'sqs') throw invalidParameter('Invalid parameter: SQS endpoint ARN');
  if (protocol === 'lambda' && (arn?.[1] !== 'lambda' || !arn[2].startsWith('function:'))) throw invalidParameter('Invalid parameter: Lambda endpoint ARN');
  if (protocol === 'sqs' && endpoint.endsWith('.fifo') && !t.fifo) {
    throw invalidParameter('Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics');
  }
  if (t.fifo && protocol !== 'sqs') throw invalidParameter(`Invalid parameter: Endpoint Reason: FIFO topics deliver only to SQS queues, not to protocol ${protocol}`);
}
