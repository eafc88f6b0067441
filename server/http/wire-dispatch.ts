// The other AWS wire protocols on the main port: JSON protocols chosen by X-Amz-Target prefix
// (AmazonSQS., Kinesis_20131202., DynamoDBStreams_20120810., AmazonSimpleNotificationService.) and
// form-encoded query requests (`Action=...`: SQS's and SNS's query protocols) on `/` and
// `/<account>/<queue>`, told apart by the service in the SigV4 credential scope (what the aws CLI,
// boto3 and the SDKs sign with), else by the action's name. Handlers are framework-free. Each protocol
// answers a request over the body limit in its own shape, never with Lambda's 413.
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

/** Which query-protocol requests a service takes when their signature does not say. */
export interface QueryRoute {
  /** The SigV4 signing name (`sqs`, `sns`). */
  service: string;
  /** Unsigned requests: true when the action (and its parameters) are this service's. */
  claims?: (action: string, params: URLSearchParams) => boolean;
}

/** The service of a SigV4 credential scope (`AKID/20250101/us-east-1/sns/aws4_request`), header or presigned URL. */
export function signingService(headers: IncomingHttpHeaders, url = ''): string | undefined {
  const auth = headers.authorization;
  const fromHeader = typeof auth === 'string' ? /Credential=[^/,\s]*\/\d{8}\/[^/,\s]*\/([^/,\s]+)\/aws4_request/.exec(auth)?.[1] : undefined;
  if (fromHeader) return fromHeader;
  const q = url.indexOf('?');
  const credential = q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get('X-Amz-Credential');
  return credential?.split('/')[3] || undefined;
}

export class WireDispatcher {
  private readonly targets: (Protocol & { prefix: string })[] = [];
  /** Query protocols; the first is the default for requests neither signed for a service nor claimed. */
  private readonly queries: (Protocol & QueryRoute)[] = [];

  /** Requests whose X-Amz-Target starts with `prefix` (e.g. `AmazonSQS.`). */
  byTarget(prefix: string, handler: WireHandler, tooLarge: TooLarge = CORAL_TOO_LARGE): void {
    this.targets.push({ prefix, handler, tooLarge });
  }

  /** Query-protocol requests of one service: an `Action` parameter in the form body or the query string. */
  onQuery(route: QueryRoute, handler: WireHandler, tooLarge: TooLarge = CORAL_TOO_LARGE): void {
    this.queries.push({ ...route, handler, tooLarge });
  }

  /** The protocol of a request from its headers alone (a body too large to read was never parsed). */
  private protocolOf(headers: IncomingHttpHeaders, url: string): Protocol | undefined {
    const target = headers['x-amz-target'];
    if (typeof target === 'string') return this.targets.find((t) => target.startsWith(t.prefix));
    if (!(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
    const service = signingService(headers, url);
    return this.queries.find((p) => p.service === service) ?? this.queries[0];
  }

  /** The handler for a request, or undefined (the caller answers 404 UnknownOperationException). */
  find(req: WireRequest): WireHandler | undefined {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') return this.targets.find((t) => target.startsWith(t.prefix))?.handler;
    const params = queryParams(req);
    const action = params?.get('Action');
    if (!params || action === null || action === undefined || this.queries.length === 0) return undefined;
    const service = signingService(req.headers, req.url);
    const chosen = this.queries.find((p) => p.service === service)
      ?? this.queries.find((p) => p.claims?.(action, params))
      ?? this.queries[0];
    return chosen.handler;
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
      const protocol = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? this.protocolOf(request.headers, request.url) : undefined;
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

/** The parameters of a query-protocol request (query string, then a form body); undefined when it has no Action. */
function queryParams(req: WireRequest): URLSearchParams | undefined {
  const q = req.url.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? req.url.slice(q + 1) : '');
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.append(k, v);
  }
  return params.has('Action') ? params : undefined;
}
