// Payload format 2.0 events (pure): HTTP API routes and function URLs. Header names lower-cased and
// repeated values comma-joined, cookies in their own list, empty parts left out, base64 bodies for
// everything but text types.
import { httpIsBinary } from './body-encoding.ts';
import { forwardedHeaders } from './forwarded-headers.ts';
import { gatewayTime } from './gateway-ids.ts';
import { cookieList, joined, queryPairs, type RequestView } from './request-view.ts';

export interface V2Context {
  accountId: string;
  /** API id, or the function URL's id. */
  apiId: string;
  /** `GET /pets/{id}` or `$default`. */
  routeKey: string;
  stage: string;
  stageVariables: Record<string, string>;
  /** `rawPath`: the path as sent (a named stage included). */
  rawPath: string;
  pathParameters: Record<string, string>;
  requestId: string;
  domainName: string;
  traceId: string;
  port: string;
  /** `requestContext.authorizer` ({jwt}, {lambda}, {iam}). */
  authorizer?: Record<string, unknown>;
}

/** Hop-by-hop headers that never reach the function. */
const DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'cookie']);

/** The header pairs a 2.0 integration sees (lower-cased), API Gateway's forwarding headers added. */
export function v2Headers(view: RequestView, ctx: Pick<V2Context, 'traceId' | 'port'>): Array<[string, string]> {
  return forwardedHeaders(view, { dropped: DROPPED, traceId: ctx.traceId, port: ctx.port, name: (_k, lower) => lower });
}

export function buildV2Event(view: RequestView, ctx: V2Context): Record<string, unknown> {
  const headers = joined(v2Headers(view, ctx));
  const cookies = cookieList(view);
  const query = queryPairs(view.rawQuery);
  const hasBody = view.body.length > 0;
  const binary = httpIsBinary(headers['content-type']);
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: ctx.routeKey,
    rawPath: ctx.rawPath,
    rawQueryString: view.rawQuery,
  };
  if (cookies.length) event.cookies = cookies;
  event.headers = headers;
  if (query.length) event.queryStringParameters = joined(query);
  event.requestContext = {
    accountId: ctx.accountId,
    apiId: ctx.apiId,
    ...(ctx.authorizer ? { authorizer: ctx.authorizer } : {}),
    domainName: ctx.domainName,
    domainPrefix: ctx.apiId,
    http: {
      method: view.method,
      path: ctx.rawPath,
      protocol: 'HTTP/1.1',
      sourceIp: view.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: ctx.requestId,
    routeKey: ctx.routeKey,
    stage: ctx.stage,
    time: gatewayTime(view.receivedAt),
    timeEpoch: view.receivedAt,
  };
  if (hasBody) event.body = binary ? view.body.toString('base64') : view.body.toString('utf8');
  if (Object.keys(ctx.pathParameters).length) event.pathParameters = ctx.pathParameters;
  event.isBase64Encoded = hasBody && binary;
  if (Object.keys(ctx.stageVariables).length) event.stageVariables = ctx.stageVariables;
  return event;
}
