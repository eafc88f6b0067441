// The template's SNS plan (sns-resources.ts) made real at start-up: topics (the template wins over a
// topic kept in --data-dir: its attributes and tags are set again), topic policies, the queues SAM
// generates for SqsSubscription, and the subscriptions. What SNS refuses is a warning, never fatal.
import { SnsError } from '../../services/sns/sns-error.ts';
import { DELIVERED, type SnsTopics } from '../../services/sns/sns-topics.ts';
import type { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';
import { SqsError } from '../../services/sqs/sqs-error.ts';
import type { TemplateWarning } from '../model.ts';
import type { SnsTemplatePlan } from './sns-resources.ts';

export function createTemplateTopics(plan: SnsTemplatePlan, topics: SnsTopics, queues: EmbeddedQueues): TemplateWarning[] {
  const warnings: TemplateWarning[] = [...plan.warnings];
  const attempt = (resource: string, what: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof SnsError) && !(err instanceof SqsError)) throw err;
      warnings.push({ resource, message: `${what}: ${err.message}` });
    }
  };
  for (const t of plan.topics) {
    attempt(t.id, `topic ${t.name} not created`, () => {
      const kept = topics.byArn(topics.arnOf(t.name));
      const fifo = t.attributes.FifoTopic === 'true';
      if (kept && kept.fifo !== fifo) {
        topics.deleteTopic(kept.arn);
        warnings.push({ resource: t.id, message: `topic ${t.name} kept in --data-dir had another type; recreated without its subscriptions` });
      }
      const existing = topics.byArn(topics.arnOf(t.name));
      if (!existing) {
        topics.createTopic(t.name, t.attributes, t.tags);
        return;
      }
      const { FifoTopic: _fifo, ...settable } = t.attributes;
      for (const [k, v] of Object.entries(settable)) if (existing.attributes[k] !== v) topics.setTopicAttribute(existing, k, v);
      topics.setTags(existing, t.tags);
    });
  }
  for (const q of plan.queues) {
    attempt(q.id, `queue ${q.name} not created`, () => {
      if (!queues.byName(q.name)) queues.create(q.name);
    });
  }
  for (const p of plan.policies) {
    attempt(p.id, `policy of topic ${p.topicArn} not set`, () => topics.setTopicAttribute(topics.topic(p.topicArn, 'Topics'), 'Policy', p.policy));
  }
  for (const s of plan.subscriptions) {
    if (!DELIVERED.has(s.protocol)) {
      warnings.push({ resource: s.origin.split('.')[0], message: `subscription ${s.origin}: protocol ${s.protocol} is not delivered locally (only lambda and sqs are)` });
    }
    attempt(s.origin.split('.')[0], `subscription ${s.origin} not created`, () => {
      const kept = topics.byArn(s.topicArn)
        && topics.subscriptions(topics.byArn(s.topicArn)).find((x) => x.protocol === s.protocol && x.endpoint === s.endpoint);
      if (!kept) {
        topics.subscribe(s.topicArn, s.protocol, s.endpoint, s.attributes);
        return;
      }
      const changed = Object.entries(s.attributes).filter(([k, v]) => (kept.attributes[k] ?? '') !== v);
      if (changed.length > 0) topics.setSubscriptionAttributes(kept, Object.fromEntries(changed));
    });
  }
  return warnings;
}
