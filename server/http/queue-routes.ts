// GET /_ephemera/queues: the embedded SQS queues with their message counts (read by the web view:
// keep the shape {queues:[{name,arn,url,fifo,visible,inFlight,delayed}]}).
import type { FastifyInstance } from 'fastify';
import type { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';

export function registerQueueRoutes(app: FastifyInstance, queues: EmbeddedQueues): void {
  app.get('/_ephemera/queues', async (request) => {
    const host = request.headers.host ?? 'localhost';
    return {
      queues: queues.list().map((q) => ({ name: q.name, arn: q.arn, url: queues.urlOf(q, host), fifo: q.fifo, ...q.counts() })),
    };
  });
}
