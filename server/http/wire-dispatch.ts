// The other AWS wire protocols on the main port: JSON protocols chosen by X-Amz-Target prefix
// (AmazonSQS., Kinesis_20131202., DynamoDBStreams_20120810.) and form-encoded query requests
// (`Action=...`, SQS's query protocol) on `/` and `/<account>/<queue>`. Handlers are framework-free.
// Each protocol answers a request over the body limit in its own shape, never with Lambda's 413.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TooLarge, WireHandler, WireRequest } from '../../services/wire/wire-contract.ts';

/**
 * Bodies up to 16 MiB reach the handlers, which apply their service's own limits and errors: a PutRecords
 * of 10 MiB of records is about 13.4 MiB of base64, and an SQS message of 1 MiB percent- or
 * \u-escaped up to 3 times its size. Beyond, Coral's JSON services answer a bare 413 (kinesalite and
 * dynalite, whose tests run against AWS, use the same bound for DynamoDB).
 */
export const WIRE_BODY_LIMIT = 16 * 1024 * 1024;
const CORAL_TOO_LARGE: TooLarge = () => ({ status: 413, headers: {}, body: '' });

interface Protocol {
  handler: WireHandler;
  tooLarge: TooLarge;
}

export class WireDispatcher {
  private readonly targets: (Protocol & { prefix: string })[] = [];
  private query?: Protocol;

  /** Requests whose X-Amz-Target starts with `prefix` (e.g. `AmazonSQS.`). */
  byTarget(prefix: string, handler: WireHandler, tooLarge: TooLarge = CORAL_TOO_LARGE): void {
    this.targets.push({ prefix, handler, tooLarge });
  }

  /** Query-protocol requests: an `Action` parameter in the form body or the query string. */
  onQuery(handler: WireHandler, tooLarge: TooLarge = CORAL_TOO_LARGE): void {
    this.query = { handler, tooLarge };
  }

  /** The protocol of a request from its headers alone (a body too large to read was never parsed). */
  private protocolOf(headers: IncomingHttpHeaders): Protocol | undefined {
    const target = headers['x-amz-target'];
    if (typeof target === 'string') return this.targets.find((t) => target.startsWith(t.prefix));
    return (headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? this.query : undefined;
  }

  /** The handler for a request, or undefined (the caller answers 404 UnknownOperationException). */
  find(req: WireRequest): WireHandler | undefined {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') return this.targets.find((t) => target.startsWith(t.prefix))?.handler;
    if (this.query && hasAction(req)) return this.query.handler;
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
    const errorHandler = (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const protocol = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? this.protocolOf(request.headers) : undefined;
      if (!protocol) throw err; // the app's error handler renders the rest
      const answer = protocol.tooLarge(request.headers);
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    };
    for (const url of ['/', '/:account/:queue']) {
      app.post(url, { bodyLimit: WIRE_BODY_LIMIT, errorHandler }, route);
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
