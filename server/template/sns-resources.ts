// SNS in a template, as the embedded topics need it: AWS::SNS::Topic (attributes, inline Subscription,
// Tags), AWS::SNS::Subscription, AWS::SNS::TopicPolicy (each topic's Policy attribute), and SAM's `SNS` events on functions (a lambda subscription, or with
// SqsSubscription a queue subscribed to the topic and polled by the function, as SAM generates them).
// Topic names: TopicName, else the logical id (+ `.fifo` for a FIFO topic), as references.ts gives.
import type { LoadedTemplate, TemplateWarning } from '../model.ts';
import { isRecord } from './node-path.ts';

export interface TemplateTopic {
  id: string;
  name: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

export interface TemplateSubscription {
  /** `Topic.Subscription[0]`, `Sub` (AWS::SNS::Subscription), `Fn.Events.Name`. */
  origin: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
}

export interface SnsTemplatePlan {
  topics: TemplateTopic[];
  /** Queues SAM creates for `SqsSubscription: true` (logical id `<Function><Event>Queue`). */
  queues: { id: string; name: string }[];
  subscriptions: TemplateSubscription[];
  /** AWS::SNS::TopicPolicy: the Policy attribute of each topic named (stored; nothing is authorised locally). */
  policies: { id: string; topicArn: string; policy: string }[];
  /** Event source mappings SAM creates for SqsSubscription: CreateEventSourceMapping inputs. */
  mappings: { origin: string; input: Record<string, unknown> }[];
  warnings: TemplateWarning[];
}

const TOPIC_ATTRIBUTES = ['DisplayName', 'KmsMasterKeyId', 'SignatureVersion', 'FifoThroughputScope'];
const TOPIC_BOOLEANS = ['FifoTopic', 'ContentBasedDeduplication'];
const TOPIC_POLICIES = ['ArchivePolicy', 'DataProtectionPolicy', 'DeliveryPolicy'];
const SUBSCRIPTION_ATTRIBUTES = ['FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'DeliveryPolicy', 'SubscriptionRoleArn'];

/** The topic name the template gives a resource (same rule as Ref/GetAtt in references.ts). */
export function templateTopicName(logicalId: string, props: Record<string, unknown>): string {
  if (typeof props.TopicName === 'string' && props.TopicName !== '') return props.TopicName;
  return String(props.FifoTopic) === 'true' ? `${logicalId}.fifo` : logicalId;
}

/** A property value as SNS stores it: objects (policies) as JSON, the rest as strings. */
const asString = (v: unknown): string => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

export function snsTemplatePlan(template: LoadedTemplate, account: { region: string; accountId: string }): SnsTemplatePlan {
  const plan: SnsTemplatePlan = { topics: [], queues: [], subscriptions: [], policies: [], mappings: [], warnings: [] };
  const warn = (resource: string, message: string): void => {
    plan.warnings.push({ resource, message });
  };
  const resources = template.resources ?? {};
  for (const [id, res] of Object.entries(resources)) {
    const p = res.Properties ?? {};
    if (res.Type === 'AWS::SNS::Topic') {
      const name = templateTopicName(id, p);
      const attributes: Record<string, string> = {};
      let tags: Record<string, string> = {};
      for (const [key, value] of Object.entries(p)) {
        if (TOPIC_ATTRIBUTES.includes(key) || TOPIC_BOOLEANS.includes(key) || TOPIC_POLICIES.includes(key)) attributes[key] = asString(value);
        else if (key === 'TracingConfig') attributes.TracingConfig = asString(value);
        else if (key === 'Tags' && Array.isArray(value)) tags = Object.fromEntries(value.map((t: { Key?: unknown; Value?: unknown }) => [String(t?.Key), String(t?.Value ?? '')]));
        else if (key === 'Subscription' && Array.isArray(value)) {
          value.forEach((s: unknown, i) => {
            if (!isRecord(s)) return;
            plan.subscriptions.push({
              origin: `${id}.Subscription[${i}]`, topicArn: `arn:aws:sns:${account.region}:${account.accountId}:${name}`,
              protocol: String(s.Protocol ?? ''), endpoint: String(s.Endpoint ?? ''), attributes: {},
            });
          });
        } else if (key !== 'TopicName') warn(id, `AWS::SNS::Topic property ${key} is not used locally (ignored)`);
      }
      if (attributes.FifoTopic === 'false') delete attributes.FifoTopic;
      plan.topics.push({ id, name, attributes, tags });
    } else if (res.Type === 'AWS::SNS::Subscription') {
      const attributes: Record<string, string> = {};
      for (const [key, value] of Object.entries(p)) {
        if (SUBSCRIPTION_ATTRIBUTES.includes(key)) attributes[key] = asString(value);
        else if (!['TopicArn', 'Protocol', 'Endpoint', 'Region'].includes(key)) warn(id, `AWS::SNS::Subscription property ${key} is not used locally (ignored)`);
      }
      plan.subscriptions.push({ origin: id, topicArn: String(p.TopicArn ?? ''), protocol: String(p.Protocol ?? ''), endpoint: String(p.Endpoint ?? ''), attributes });
    } else if (res.Type === 'AWS::SNS::TopicPolicy') {
      const topics = Array.isArray(p.Topics) ? p.Topics : [];
      for (const topicArn of topics) plan.policies.push({ id, topicArn: String(topicArn), policy: asString(p.PolicyDocument ?? {}) });
    }
  }
  for (const fn of template.functions) functionEvents(fn, resources[fn.logicalId]?.Properties ?? {}, account, plan);
  return plan;
}

/** SAM `SNS` events of one function. */
function functionEvents(fn: LoadedTemplate['functions'][number], props: Record<string, unknown>, account: { region: string; accountId: string }, plan: SnsTemplatePlan): void {
  if (!isRecord(props.Events)) return;
  // SAM subscribes the alias when the function publishes one.
  const alias = typeof props.AutoPublishAlias === 'string' ? `:${props.AutoPublishAlias}` : '';
  const functionArn = `arn:aws:lambda:${account.region}:${account.accountId}:function:${fn.name}${alias}`;
  for (const [name, ev] of Object.entries(props.Events)) {
    if (!isRecord(ev) || ev.Type !== 'SNS') continue;
    const p = isRecord(ev.Properties) ? ev.Properties : {};
    const origin = `${fn.logicalId}.Events.${name}`;
    const attributes: Record<string, string> = {};
    for (const key of ['FilterPolicy', 'FilterPolicyScope', 'RedrivePolicy']) if (p[key] !== undefined) attributes[key] = asString(p[key]);
    const topicArn = String(p.Topic ?? '');
    const sqs = p.SqsSubscription;
    if (sqs === undefined || sqs === false || sqs === 'false') {
      plan.subscriptions.push({ origin, topicArn, protocol: 'lambda', endpoint: functionArn, attributes });
      continue;
    }
    const given = isRecord(sqs) ? sqs : {};
    let queueArn = typeof given.QueueArn === 'string' ? given.QueueArn : undefined;
    if (!queueArn) {
      const queueId = `${fn.logicalId}${name}Queue`;
      plan.queues.push({ id: queueId, name: queueId });
      queueArn = `arn:aws:sqs:${account.region}:${account.accountId}:${queueId}`;
    }
    plan.subscriptions.push({ origin, topicArn, protocol: 'sqs', endpoint: queueArn, attributes });
    const input: Record<string, unknown> = { FunctionName: `${fn.name}${alias}`, EventSourceArn: queueArn, BatchSize: Number(given.BatchSize ?? 10) };
    if (given.Enabled !== undefined) input.Enabled = given.Enabled === true || given.Enabled === 'true';
    plan.mappings.push({ origin, input });
  }
}
