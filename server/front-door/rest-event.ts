// Payload format 1.0 events (pure): what a REST API's Lambda proxy integration sends, and the same
// shape with `version: "1.0"` for HTTP API routes configured for 1.0 (header names lower-cased there).
import { restIsBinary, httpIsBinary } from './body-encoding.ts';
import { forwardedHeaders } from './forwarded-headers.ts';
import { gatewayTime } from './gateway-ids.ts';
import { lastAndAll, queryPairs, type RequestView } from './request-view.ts';

export interface V1Context {
  kind: 'REST' | 'HTTP';
  accountId: string;
  apiId: string;
  stage: string;
  stageVariables: Record<string, string>;
  binaryMediaTypes: readonly string[];
  /** The route's resource template (`/pets/{id}`), or the request path for `$default`. */
  resource: string;
  /** REST: the resource's id (6 characters). */
  resourceId: string | null;
  deploymentId: string;
  /** The path without the stage (`event.path`). */
  path: string;
  /** The path as the client sent it, with the stage (`requestContext.path`). */
  requestPath: string;
  pathParameters: Record<string, string>;
  requestId: string;
  extendedRequestId: string;
  /** The Host the client addressed. */
  domainName: string;
  traceId: string;
  /** Port and protocol the client used (X-Forwarded-Port / -Proto). */
  port: string;
  /** `requestContext.authorizer` (absent without an authorizer on REST). */
  authorizer?: Record<string, unknown>;
  /** IAM caller identity fields (AWS_IAM routes). */
  identity?: Record<string, unknown>;
}

/** Headers API Gateway does not pass to a REST integration (hop-by-hop and its own). */
const REST_DROPPED = new Set([
  'connection', 'content-length', 'content-md5', 'expect', 'max-forwards', 'proxy-authenticate', 'server', 'te',
  'transfer-encoding', 'trailer', 'upgrade', 'www-authenticate', 'keep-alive', 'proxy-connection',
]);
const REST_RECASED: Record<string, string> = { authorization: 'Authorization', 'user-agent': 'User-Agent' };

/** The header pairs a 1.0 integration sees: REST keeps the client's casing (but two), HTTP APIs lower-case. */
export function v1Headers(view: RequestView, ctx: Pick<V1Context, 'kind' | 'traceId' | 'port'>): Array<[string, string]> {
  return forwardedHeaders(view, {
    dropped: REST_DROPPED, traceId: ctx.traceId, port: ctx.port,
    name: ctx.kind === 'HTTP' ? (_k, lower) => lower : (k, lower) => REST_RECASED[lower] ?? k,
  });
}

const NULL_IDENTITY = {
  accessKey: null, accountId: null, caller: null, cognitoAuthenticationProvider: null, cognitoAuthenticationType: null,
  cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null,
};

export function buildV1Event(view: RequestView, ctx: V1Context): Record<string, unknown> {
  const headers = lastAndAll(v1Headers(view, ctx));
  const query = queryPairs(view.rawQuery);
  const q = lastAndAll(query);
  const contentType = headers.last[ctx.kind === 'HTTP' ? 'content-type' : findKey(headers.last, 'content-type')];
  const binary = ctx.kind === 'REST' ? restIsBinary(contentType, ctx.binaryMediaTypes) : httpIsBinary(contentType);
  const hasBody = view.body.length > 0;
  const userAgent = headers.last[findKey(headers.last, 'user-agent')] ?? null;
  const requestContext: Record<string, unknown> = {
    accountId: ctx.accountId,
    apiId: ctx.apiId,
    ...(ctx.authorizer ? { authorizer: ctx.authorizer } : ctx.kind === 'HTTP' ? { authorizer: { claims: null, scopes: null } } : {}),
    ...(ctx.kind === 'REST' ? { deploymentId: ctx.deploymentId } : {}),
    domainName: ctx.domainName,
    domainPrefix: ctx.apiId,
    extendedRequestId: ctx.extendedRequestId,
    httpMethod: view.method,
    identity: { ...NULL_IDENTITY, sourceIp: view.sourceIp, user: null, userAgent, userArn: null, ...ctx.identity },
    path: ctx.requestPath,
    protocol: 'HTTP/1.1',
    requestId: ctx.requestId,
    requestTime: gatewayTime(view.receivedAt),
    requestTimeEpoch: view.receivedAt,
    resourceId: ctx.resourceId,
    resourcePath: ctx.resource,
    stage: ctx.stage,
  };
  const event: Record<string, unknown> = ctx.kind === 'HTTP' ? { version: '1.0' } : {};
  event.resource = ctx.resource;
  event.path = ctx.path;
  event.httpMethod = view.method;
  event.headers = headers.last;
  event.multiValueHeaders = headers.all;
  event.queryStringParameters = query.length ? q.last : null;
  event.multiValueQueryStringParameters = query.length ? q.all : null;
  event.pathParameters = Object.keys(ctx.pathParameters).length ? ctx.pathParameters : null;
  event.stageVariables = Object.keys(ctx.stageVariables).length ? ctx.stageVariables : null;
  event.requestContext = requestContext;
  event.body = hasBody ? (binary ? view.body.toString('base64') : view.body.toString('utf8')) : null;
  event.isBase64Encoded = hasBody && binary;
  return event;
}

function findKey(record: Record<string, unknown>, lower: string): string {
  for (const k of Object.keys(record)) if (k.toLowerCase() === lower) return k;
  return lower;
}
