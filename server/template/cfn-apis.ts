// Plain CloudFormation API Gateway resources: AWS::ApiGateway::* (RestApi, Resource, Method, Stage,
// Deployment, Authorizer) and AWS::ApiGatewayV2::* (Api incl. quick create, Route, Integration, Stage,
// Authorizer) with Lambda proxy integrations, resolved into ApiDefinitions.
import type { TemplateResource } from '../model.ts';
import { type ApiDefinition, type AuthorizerDefinition, apiIdOf, rootResourceIdOf, type RouteDefinition } from './api-model.ts';
import { identitySources } from './api-auth.ts';
import { corsConfiguration, functionTarget, INTEGRATION_TIMEOUT_MS, normaliseMethod, toBool, toNumber, toStringList } from './api-values.ts';
import { openApiRoutes } from './openapi-routes.ts';
import { isRecord } from './node-path.ts';

export interface CfnApis {
  apis: ApiDefinition[];
  warnings: Array<{ resource: string; message: string }>;
}

type Resources = Record<string, TemplateResource>;

const ofType = (resources: Resources, type: string): Array<[string, Record<string, unknown>]> =>
  Object.entries(resources).filter(([, r]) => r.Type === type).map(([id, r]) => [id, r.Properties]);

/** Resolved `Ref` of another resource: API ids, or logical ids for resources, integrations and authorizers. */
const belongs = (props: Record<string, unknown>, key: string, apiLogicalId: string): boolean => props[key] === apiIdOf(apiLogicalId);

export function cfnApis(resources: Resources): CfnApis {
  const out: CfnApis = { apis: [], warnings: [] };
  for (const [id, props] of ofType(resources, 'AWS::ApiGateway::RestApi')) out.apis.push(restApi(id, props, resources, out.warnings));
  for (const [id, props] of ofType(resources, 'AWS::ApiGatewayV2::Api')) {
    const protocol = String(props.ProtocolType ?? 'HTTP').toUpperCase();
    if (protocol !== 'HTTP') {
      out.warnings.push({ resource: id, message: `ProtocolType ${protocol} is not served locally (HTTP APIs only)` });
      continue;
    }
    out.apis.push(httpApi(id, props, resources, out.warnings));
  }
  return out;
}

function stageOf(resources: Resources, type: string, key: string, apiId: string, nameKey: string, warn: (m: string) => void): { name?: string; variables: Record<string, string> } {
  const stages = ofType(resources, type).filter(([, p]) => belongs(p, key, apiId));
  if (stages.length > 1) warn(`${stages.length} ${type} resources: served with the first (${String(stages[0][1][nameKey])})`);
  const [, p] = stages[0] ?? [undefined, {}];
  const vars = p.Variables ?? p.StageVariables;
  return {
    name: typeof p[nameKey] === 'string' ? (p[nameKey] as string) : undefined,
    variables: isRecord(vars) ? Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])) : {},
  };
}

function restApi(id: string, props: Record<string, unknown>, resources: Resources, warnings: CfnApis['warnings']): ApiDefinition {
  const warn = (message: string): void => void warnings.push({ resource: id, message });
  const stage = stageOf(resources, 'AWS::ApiGateway::Stage', 'RestApiId', id, 'StageName', warn);
  const deployment = ofType(resources, 'AWS::ApiGateway::Deployment').find(([, p]) => belongs(p, 'RestApiId', id) && typeof p.StageName === 'string');
  const stageName = stage.name ?? (deployment?.[1].StageName as string | undefined);
  if (!stageName) warn('no AWS::ApiGateway::Stage or Deployment StageName: served at stage "Prod"');
  const api: ApiDefinition = {
    logicalId: id, id: apiIdOf(id), kind: 'REST', stage: stageName ?? 'Prod', stageVariables: stage.variables,
    binaryMediaTypes: toStringList(props.BinaryMediaTypes).map((t) => t.replaceAll('~1', '/')), authorizers: {}, routes: [],
  };
  if (props.Body !== undefined) mergeOpenApi(api, props.Body, `${id}.Body`, warn);
  if (props.BodyS3Location !== undefined) warn('BodyS3Location is not read locally (put the definition in Body)');
  for (const [aid, a] of ofType(resources, 'AWS::ApiGateway::Authorizer').filter(([, p]) => belongs(p, 'RestApiId', id))) {
    const type = String(a.Type ?? 'TOKEN').toUpperCase();
    const def: AuthorizerDefinition = {
      name: aid, type: type === 'REQUEST' ? 'REQUEST' : type === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : 'TOKEN',
      target: functionTarget(a.AuthorizerUri), identitySources: identitySources(a.IdentitySource ?? 'method.request.header.Authorization'),
      ttlSeconds: toNumber(a.AuthorizerResultTtlInSeconds) ?? 300, payloadFormat: '1.0', simpleResponses: false, audience: [],
    };
    if (typeof a.IdentityValidationExpression === 'string') def.validationExpression = a.IdentityValidationExpression;
    api.authorizers[aid] = def;
  }
  // The resource tree: ParentId is the root's id (GetAtt RootResourceId) or another Resource's logical id.
  const tree = new Map(ofType(resources, 'AWS::ApiGateway::Resource').filter(([, p]) => belongs(p, 'RestApiId', id)));
  const pathOf = (rid: string, depth = 0): string | undefined => {
    if (rid === rootResourceIdOf(id)) return '';
    const r = tree.get(rid);
    if (!r || depth > 50) return undefined;
    const parent = pathOf(String(r.ParentId), depth + 1);
    return parent === undefined ? undefined : `${parent}/${String(r.PathPart)}`;
  };
  const notProxy: string[] = [];
  for (const [mid, m] of ofType(resources, 'AWS::ApiGateway::Method').filter(([, p]) => belongs(p, 'RestApiId', id))) {
    const path = pathOf(String(m.ResourceId));
    const method = normaliseMethod(m.HttpMethod);
    const integration = isRecord(m.Integration) ? m.Integration : {};
    if (path === undefined || !method) {
      warn(`${mid}: its ResourceId or HttpMethod cannot be resolved; not served`);
      continue;
    }
    const where = `${method} ${path || '/'}`;
    if (String(integration.Type ?? '').toUpperCase() !== 'AWS_PROXY') {
      notProxy.push(`${where} (${String(integration.Type ?? 'no').toLowerCase()} integration)`);
      continue;
    }
    const target = functionTarget(integration.Uri);
    if (!target) {
      warn(`${mid}: integration Uri names no function; not served`);
      continue;
    }
    const auth = String(m.AuthorizationType ?? 'NONE').toUpperCase();
    api.routes.push({
      method, path: path || '/', target, payloadFormat: '1.0', origin: mid,
      timeoutMs: toNumber(integration.TimeoutInMillis) ?? INTEGRATION_TIMEOUT_MS.REST,
      authorizer: auth === 'AWS_IAM' ? 'AWS_IAM' : auth === 'NONE' ? undefined : String(m.AuthorizerId),
      ...(m.AuthorizationScopes ? { authorizationScopes: toStringList(m.AuthorizationScopes) } : {}),
    });
  }
  if (notProxy.length) warn(nonProxyMessage(notProxy));
  return api;
}

function httpApi(id: string, props: Record<string, unknown>, resources: Resources, warnings: CfnApis['warnings']): ApiDefinition {
  const warn = (message: string): void => void warnings.push({ resource: id, message });
  const stage = stageOf(resources, 'AWS::ApiGatewayV2::Stage', 'ApiId', id, 'StageName', warn);
  const api: ApiDefinition = {
    logicalId: id, id: apiIdOf(id), kind: 'HTTP', stage: stage.name ?? '$default', stageVariables: stage.variables,
    binaryMediaTypes: [], authorizers: {}, routes: [],
  };
  const cors = corsConfiguration(props.CorsConfiguration);
  if (cors) api.cors = cors;
  if (props.Body !== undefined) mergeOpenApi(api, props.Body, `${id}.Body`, warn);
  // Quick create: Target (+ RouteKey, default $default) makes the route, its integration and the $default stage.
  const quick = functionTarget(props.Target);
  if (quick) {
    const [method, path] = routeKey(String(props.RouteKey ?? '$default'));
    api.routes.push({ method, path, target: quick, payloadFormat: '2.0', timeoutMs: INTEGRATION_TIMEOUT_MS.HTTP, origin: `${id}.Target` });
  }
  for (const [aid, a] of ofType(resources, 'AWS::ApiGatewayV2::Authorizer').filter(([, p]) => belongs(p, 'ApiId', id))) {
    const jwt = isRecord(a.JwtConfiguration) ? a.JwtConfiguration : undefined;
    const format = String(a.AuthorizerPayloadFormatVersion ?? '2.0') === '1.0' ? '1.0' : '2.0';
    api.authorizers[aid] = {
      name: aid, type: jwt || String(a.AuthorizerType).toUpperCase() === 'JWT' ? 'JWT' : 'REQUEST',
      target: functionTarget(a.AuthorizerUri), identitySources: identitySources(a.IdentitySource),
      ttlSeconds: toNumber(a.AuthorizerResultTtlInSeconds) ?? 0, payloadFormat: format,
      simpleResponses: format === '2.0' && toBool(a.EnableSimpleResponses),
      issuer: jwt && typeof jwt.Issuer === 'string' ? jwt.Issuer : undefined, audience: toStringList(jwt?.Audience),
    };
  }
  const integrations = new Map(ofType(resources, 'AWS::ApiGatewayV2::Integration').filter(([, p]) => belongs(p, 'ApiId', id)));
  const notProxy: string[] = [];
  for (const [rid, r] of ofType(resources, 'AWS::ApiGatewayV2::Route').filter(([, p]) => belongs(p, 'ApiId', id))) {
    const [method, path] = routeKey(String(r.RouteKey));
    const integrationId = /^integrations\/(.+)$/.exec(String(r.Target ?? ''))?.[1];
    const integration = integrationId === undefined ? undefined : integrations.get(integrationId);
    if (!integration) {
      notProxy.push(`${r.RouteKey} (no resolvable integration)`);
      continue;
    }
    if (String(integration.IntegrationType).toUpperCase() !== 'AWS_PROXY') {
      notProxy.push(`${r.RouteKey} (${String(integration.IntegrationType).toLowerCase()} integration)`);
      continue;
    }
    const target = functionTarget(integration.IntegrationUri);
    if (!target) {
      warn(`${rid}: integration ${integrationId} names no function; not served`);
      continue;
    }
    const auth = String(r.AuthorizationType ?? 'NONE').toUpperCase();
    const route: RouteDefinition = {
      method, path, target, origin: rid, payloadFormat: String(integration.PayloadFormatVersion ?? '2.0') === '1.0' ? '1.0' : '2.0',
      timeoutMs: toNumber(integration.TimeoutInMillis) ?? INTEGRATION_TIMEOUT_MS.HTTP,
      authorizer: auth === 'AWS_IAM' ? 'AWS_IAM' : auth === 'NONE' ? undefined : String(r.AuthorizerId),
    };
    if (r.AuthorizationScopes) route.authorizationScopes = toStringList(r.AuthorizationScopes);
    api.routes.push(route);
  }
  if (notProxy.length) warn(nonProxyMessage(notProxy));
  return api;
}

/** `GET /pets/{id}` → ['GET', '/pets/{id}']; `$default` → ['ANY', '$default']. */
export function routeKey(key: string): [string, string] {
  if (key.trim() === '$default') return ['ANY', '$default'];
  const [m, p] = key.trim().split(/\s+/, 2);
  return [normaliseMethod(m) ?? m.toUpperCase(), p ?? '/'];
}

export function mergeOpenApi(api: ApiDefinition, doc: unknown, origin: string, warn: (m: string) => void): void {
  const o = openApiRoutes(api.kind, doc, origin);
  api.routes.push(...o.routes);
  Object.assign(api.authorizers, o.authorizers);
  api.binaryMediaTypes.push(...o.binaryMediaTypes);
  if (o.cors && !api.cors) api.cors = o.cors;
  for (const w of o.warnings) warn(w);
  if (o.notProxy.length) warn(nonProxyMessage(o.notProxy));
}

export function nonProxyMessage(list: string[]): string {
  const shown = list.length > 5 ? `${list.slice(0, 5).join(', ')} and ${list.length - 5} more` : list.join(', ');
  return `${list.length} method${list.length === 1 ? '' : 's'} not served: only Lambda proxy (aws_proxy) integrations run locally; `
    + `mapping-template, HTTP and mock integrations are not emulated (${shown})`;
}
