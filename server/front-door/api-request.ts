// One request to an API Gateway API, start to end: CORS preflight, route selection, authorization,
// the payload 1.0 / 2.0 event, the invoke (through InvokeBridge), the response mapping and AWS's own
// answers when something fails. Returns the reply and what the request ran, for the request log.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { ApiDefinition, RouteDefinition } from '../template/api-model.ts';
import type { Authorizer } from './auth/authorize.ts';
import { isPreflight, preflightReply, restMockOptions, withCorsHeaders } from './cors.ts';
import { newTraceId, restRequestId, shortRequestId } from './gateway-ids.ts';
import { failureReply, type GatewayReply } from './gateway-reply.ts';
import { buildV2Event } from './http-event.ts';
import type { InvokeBridge, InvokeOutcome } from './invoke-bridge.ts';
import { mapV1Response, mapV2Response } from './response-mapping.ts';
import { buildV1Event } from './rest-event.ts';
import { headerValue, type RequestView } from './request-view.ts';
import { RouteTable } from './route-match.ts';

export interface ServedApi {
  def: ApiDefinition;
  table: RouteTable<RouteDefinition>;
  deploymentId: string;
  /** REST resource ids by resource path (6 characters, stable). */
  resourceIds: Map<string, string>;
}

export interface RequestOutcome {
  reply: GatewayReply;
  /** `GET /pets/{id}` (or `$default`), when a route matched. */
  route?: string;
  /** The integration's invocation, when one ran. */
  invocationId?: string;
  /** Why the gateway answered itself. */
  detail?: string;
}

export interface ApiRequestDeps {
  bridge: InvokeBridge;
  authorizer: Authorizer;
  accountId: string;
  region: string;
  logger: Logger;
}

const shortId = (seed: string): string => createHash('sha256').update(seed).digest('hex').slice(0, 6);

export function serveApi(def: ApiDefinition): ServedApi {
  const resourceIds = new Map(def.routes.map((r) => [r.path, shortId(`${def.id}:${r.path}`)]));
  return { def, table: new RouteTable(def.routes), deploymentId: shortId(`deployment:${def.id}`), resourceIds };
}

/**
 * `path` is the request path without the stage; `domainName` the Host the client used; `port` the
 * local port (X-Forwarded-Port).
 */
export async function handleApiRequest(deps: ApiRequestDeps, api: ServedApi, view: RequestView, path: string, domainName: string, port: string): Promise<RequestOutcome> {
  const { def } = api;
  const door = def.kind;
  const cors = def.cors;
  const withCors = (o: RequestOutcome): RequestOutcome => (door === 'HTTP' && cors ? { ...o, reply: withCorsHeaders(cors, view, o.reply) } : o);
  if (door === 'HTTP' && cors && isPreflight(view)) return { reply: preflightReply(cors, view, 204), detail: 'CORS preflight' };

  // SAM's REST Cors adds a mock OPTIONS method to every resource without one (it beats ANY).
  if (door === 'REST' && cors && view.method === 'OPTIONS') {
    const methods = api.table.methodsAt(path);
    if (methods.length && !methods.includes('OPTIONS')) return { reply: restMockOptions(cors, methods), detail: 'CORS mock OPTIONS' };
  }
  const selected = api.table.select(view.method, path);
  if (selected.kind === 'none') {
    return withCors({ reply: failureReply(door, 'no-route'), detail: 'no route' });
  }
  const route = selected.route;
  const routeKey = route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
  const stagePrefix = def.stage === '$default' ? '' : `/${def.stage}`;
  const traceId = headerValue(view, 'x-amzn-trace-id') ?? newTraceId(view.receivedAt);
  const requestId = door === 'REST' ? restRequestId() : shortRequestId();
  const extendedRequestId = door === 'REST' ? shortRequestId() : requestId;
  const resource = route.path === '$default' ? path : route.path;

  let authorizer: Record<string, unknown> | undefined;
  let identity: Record<string, unknown> | undefined;
  const makeEvent = (): Record<string, unknown> => (route.payloadFormat === '2.0'
    ? buildV2Event(view, {
      accountId: deps.accountId, apiId: def.id, routeKey, stage: def.stage, stageVariables: def.stageVariables,
      rawPath: stagePrefix + path, pathParameters: selected.pathParameters, requestId, domainName, traceId, port, authorizer,
    })
    : buildV1Event(view, {
      kind: door, accountId: deps.accountId, apiId: def.id, stage: def.stage, stageVariables: def.stageVariables,
      binaryMediaTypes: def.binaryMediaTypes, resource, resourceId: door === 'REST' ? (api.resourceIds.get(route.path) ?? null) : null,
      deploymentId: api.deploymentId, path: door === 'HTTP' ? stagePrefix + path : path, requestPath: stagePrefix + path,
      pathParameters: selected.pathParameters, requestId, extendedRequestId, domainName, traceId, port, authorizer, identity,
    }));

  if (route.authorizer) {
    const methodArn = `arn:aws:execute-api:${deps.region}:${deps.accountId}:${def.id}/${def.stage}/${view.method}${path.startsWith('/') ? path : `/${path}`}`;
    const auth = await deps.authorizer.authorize({
      api: def, route, view, methodArn, traceId, requestEvent: makeEvent,
      scope: { stageVariables: def.stageVariables, context: { routeKey, stage: def.stage, httpMethod: view.method, requestId, path: stagePrefix + path } },
    });
    if (!auth.ok) return withCors({ reply: auth.reply, route: routeKey, detail: auth.detail });
    authorizer = auth.authorizer;
    identity = auth.identity;
  }

  const outcome = await deps.bridge.invoke(route.target, makeEvent(), { traceId, timeoutMs: route.timeoutMs });
  const reply = replyFor(deps, def, route, view, outcome);
  const ids: Array<[string, string]> = door === 'REST'
    ? [['x-amzn-RequestId', requestId], ['x-amz-apigw-id', extendedRequestId], ['X-Amzn-Trace-Id', traceId]]
    : [['apigw-requestid', requestId]];
  reply.reply.headers.push(...ids);
  return withCors({ reply: reply.reply, route: routeKey, invocationId: outcome.requestId, detail: reply.detail });
}

function replyFor(deps: ApiRequestDeps, def: ApiDefinition, route: RouteDefinition, view: RequestView, outcome: InvokeOutcome): { reply: GatewayReply; detail?: string } {
  const door = def.kind;
  const where = `${def.logicalId} ${view.method} ${view.rawPath}`;
  if (outcome.kind === 'failure') {
    deps.logger.warn(`${where}: ${outcome.detail}`);
    return { reply: failureReply(door, outcome.failure), detail: outcome.detail };
  }
  if (outcome.functionError) return { reply: failureReply(door, 'function-error'), detail: `function error (${outcome.errorType ?? 'Unhandled'})` };
  const mapped = route.payloadFormat === '2.0'
    ? mapV2Response(outcome.payload)
    : mapV1Response(outcome.payload, { kind: door, binaryMediaTypes: def.binaryMediaTypes, accept: headerValue(view, 'accept') });
  if (!mapped.ok) {
    deps.logger.warn(`${where}: malformed Lambda proxy response (${mapped.reason})`);
    return { reply: failureReply(door, 'function-error'), detail: `malformed Lambda proxy response: ${mapped.reason}` };
  }
  return { reply: mapped.reply };
}
