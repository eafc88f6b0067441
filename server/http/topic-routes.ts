// GET /_ephemera/topics: the embedded SNS topics with their subscriptions, and the deliveries in flight
// or waiting for a retry: what a test or a person looks at to see where a message went.
import type { FastifyInstance } from 'fastify';
import type { Deliveries } from '../../services/sns/sns-delivery.ts';
import type { SnsTopics } from '../../services/sns/sns-topics.ts';

export function registerTopicRoutes(app: FastifyInstance, topics: SnsTopics, deliveries: Deliveries): void {
  app.get('/_ephemera/topics', async () => ({
    topics: topics.list().map((t) => ({
      name: t.name,
      arn: t.arn,
      fifo: t.fifo,
      subscriptions: topics.subscriptions(t).map((s) => ({
        arn: s.arn,
        protocol: s.protocol,
        endpoint: s.endpoint,
        confirmed: s.confirmed,
        raw: s.attributes.RawMessageDelivery === 'true',
        ...(s.attributes.FilterPolicy ? { filterPolicy: JSON.parse(s.attributes.FilterPolicy) as unknown, filterPolicyScope: s.attributes.FilterPolicyScope } : {}),
        ...(s.attributes.RedrivePolicy ? { deadLetterQueue: (JSON.parse(s.attributes.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn } : {}),
      })),
    })),
    deliveries: { pending: deliveries.pending },
  }));
}
