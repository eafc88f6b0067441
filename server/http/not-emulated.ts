// The answer a function's AWS SDK gets from a service ephemera does not emulate and no endpoint was
// given for (AWS_ENDPOINT_URL points here: see environment/sdk-endpoints.ts): at once, AWS-shaped for
// the service's protocol so the SDK raises it as a service error (JSON for JSON protocols, Query's
// ErrorResponse XML, S3's Error XML), 501 NotImplemented (no SDK retries a 501), naming the service
// and the flag that gives it an endpoint. The request is never forwarded anywhere.
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { NOT_EMULATED_PATH, endpointServiceId } from '../environment/sdk-endpoints.ts';

export interface RequestFacts {
  method: string;
  /** The SigV4 Authorization header, when signed (its credential scope names the service). */
  authorization?: string;
  contentType?: string;
  /** X-Amz-Target (JSON RPC protocols: `DynamoDB_20120810.PutItem`). */
  target?: string;
  /** The form body's or query string's Action (Query protocol). */
  action?: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const REST_XML = new Set(['s3', 's3-object-lambda', 'cloudfront', 'route53']);
const QUERY = new Set(['sts', 'sns', 'iam', 'ec2', 'cloudformation', 'email', 'monitoring', 'rds', 'elasticache', 'redshift', 'autoscaling', 'elasticbeanstalk', 'elasticloadbalancing', 'sqs']);

/** `dynamodb` from `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, ...`. */
export function signingName(authorization: string | undefined): string | undefined {
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '')?.[1];
}

export function notEmulatedReply(req: RequestFacts): Reply {
  const service = signingName(req.authorization);
  const id = service ? endpointServiceId(service) : undefined;
  const call = req.target ?? req.action;
  const what = `${service ?? 'this service'}${call ? ` (${call})` : ''}`;
  const example = id === 'DYNAMODB' ? ' (e.g. DynamoDB Local: --endpoint-url dynamodb=http://localhost:8000)' : id === 'S3' ? ' (e.g. MinIO: --endpoint-url s3=http://localhost:9000)' : '';
  const flag = `--endpoint-url ${service ?? '<service>'}=<url>`;
  const message = `ephemera does not emulate ${what}: give the functions an endpoint for it with ${flag}${example}, ` +
    `or set AWS_ENDPOINT_URL_${id ?? '<SERVICE>'} in the function's Environment`;
  const requestId = randomUUID();
  const code = 'NotImplemented';
  const base = { 'x-amzn-requestid': requestId, 'x-amzn-errortype': code };
  if (service && REST_XML.has(service)) {
    return { status: 501, headers: { ...base, 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message><RequestId>${requestId}</RequestId></Error>` };
  }
  if ((service && QUERY.has(service)) || /x-www-form-urlencoded/.test(req.contentType ?? '')) {
    return {
      status: 501,
      headers: { ...base, 'content-type': 'text/xml', 'x-amzn-query-error': `${code};Sender` },
      body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  return { status: 501, headers: { ...base, 'content-type': 'application/json' }, body: JSON.stringify({ __type: code, message, Message: message }) };
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Every method, every path under NOT_EMULATED_PATH. */
export function registerNotEmulatedRoutes(app: FastifyInstance): void {
  const handler = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply): Promise<void> => {
    const header = (name: string): string | undefined => {
      const v = request.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const body = Buffer.isBuffer(request.body) ? request.body.toString('latin1') : '';
    const action = new URLSearchParams(body.includes('Action=') ? body : (request.url.split('?')[1] ?? '')).get('Action') ?? undefined;
    const r = notEmulatedReply({ method: request.method, authorization: header('authorization'), contentType: header('content-type'), target: header('x-amz-target'), action });
    await reply.code(r.status).headers(r.headers).send(r.body);
  };
  app.all(NOT_EMULATED_PATH, handler);
  app.all(`${NOT_EMULATED_PATH}/*`, handler);
}
