// The other AWS wire protocols on the main port: JSON protocols chosen by X-Amz-Target prefix
// (AmazonSQS., Kinesis_20131202., DynamoDBStreams_20120810.) and form-encoded query requests
// (`Action=...`, SQS's query protocol) on `/` and `/<account>/<queue>`. Handlers are framework-free.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpAnswer } from './error-handler.ts';

export interface WireRequest {
  method: string;
  /** Path and query string as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Aborted when the client goes away before the answer (a long poll then takes nothing). */
  signal?: AbortSignal;
}

export type WireHandler = (req: WireRequest) => Promise<HttpAnswer> | HttpAnswer;

export class WireDispatcher {
  private readonly targets: { prefix: string; handler: WireHandler }[] = [];
  private queryHandler?: WireHandler;

  /** Requests whose X-Amz-Target starts with `prefix` (e.g. `AmazonSQS.`). */
  byTarget(prefix: string, handler: WireHandler): void {
    this.targets.push({ prefix, handler });
  }

  /** Query-protocol requests: an `Action` parameter in the form body or the query string. */
  onQuery(handler: WireHandler): void {
    this.queryHandler = handler;
  }

  /** The handler for a request, or undefined (the caller answers 404 UnknownOperationException). */
  find(req: WireRequest): WireHandler | undefined {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') return this.targets.find((t) => target.startsWith(t.prefix))?.handler;
    if (this.queryHandler && hasAction(req)) return this.queryHandler;
    return undefined;
  }

  /** Mount on `/` and `/:account/:queue` (GET and POST). Static Lambda routes keep precedence. */
  register(app: FastifyInstance): void {
    const route = async (request: FastifyRequest, reply: FastifyReply) => {
      const gone = new AbortController();
      // The response closes before it finished only when the connection went away.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) gone.abort();
      });
      const req: WireRequest = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        signal: gone.signal,
      };
      const handler = this.find(req);
      if (!handler) return reply.callNotFound();
      const answer = await handler(req);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    };
    for (const url of ['/', '/:account/:queue']) {
      app.post(url, route);
      app.get(url, route);
    }
  }
}

function hasAction(req: WireRequest): boolean {
  const q = req.url.indexOf('?');
  if (q >= 0 && new URLSearchParams(req.url.slice(q + 1)).has('Action')) return true;
  const type = req.headers['content-type'] ?? '';
  return type.startsWith('application/x-www-form-urlencoded') && new URLSearchParams(req.body.toString('utf8')).has('Action');
}
