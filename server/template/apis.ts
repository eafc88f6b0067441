// The template's HTTP front door: SAM's implicit APIs (Api / HttpApi events), AWS::Serverless::Api and
// HttpApi (stage, variables, binary types, CORS, Auth, OpenAPI definitions), plain CloudFormation API
// Gateway resources (cfn-apis.ts) and function URLs (function-urls.ts); problems become warnings.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { LoadedTemplate, TemplateWarning } from '../model.ts';
import { type ApiDefinition, type ApiKind, apiIdOf, type FrontDoorDefinition, type RouteDefinition } from './api-model.ts';
import { samAuth } from './api-auth.ts';
import { corsConfiguration, INTEGRATION_TIMEOUT_MS, normaliseMethod, restCors, toNumber, toStringList } from './api-values.ts';
import { cfnApis, mergeOpenApi } from './cfn-apis.ts';
import { functionUrls } from './function-urls.ts';
import { isRecord } from './node-path.ts';

const IMPLICIT: Record<ApiKind, string> = { REST: 'ServerlessRestApi', HTTP: 'ServerlessHttpApi' };
const SAM_TYPE: Record<string, ApiKind> = { 'AWS::Serverless::Api': 'REST', 'AWS::Serverless::HttpApi': 'HTTP' };

export function frontDoorDefinition(template: LoadedTemplate): { definition: FrontDoorDefinition; warnings: TemplateWarning[] } {
  const warnings: TemplateWarning[] = [];
  const resources = template.resources ?? {};
  const byId = new Map<string, { api: ApiDefinition; defaultAuthorizer?: string; authorizePreflight: boolean }>();
  const templateDir = resolve(template.path, '..');

  const samApi = (logicalId: string, kind: ApiKind, props: Record<string, unknown>): void => {
    const warn = (message: string): void => void warnings.push({ resource: logicalId, message });
    const stageName = typeof props.StageName === 'string' ? props.StageName : kind === 'REST' ? 'Prod' : '$default';
    const variables = kind === 'REST' ? props.Variables : props.StageVariables;
    const api: ApiDefinition = {
      logicalId, id: apiIdOf(logicalId), kind, stage: stageName,
      stageVariables: isRecord(variables) ? Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])) : {},
      binaryMediaTypes: kind === 'REST' ? toStringList(props.BinaryMediaTypes).map((t) => t.replaceAll('~1', '/')) : [],
      authorizers: {}, routes: [],
    };
    const cors = kind === 'REST' ? restCors(props.Cors) : corsConfiguration(props.CorsConfiguration);
    if (cors) api.cors = cors;
    const auth = samAuth(kind, props.Auth);
    api.authorizers = auth.authorizers;
    for (const w of auth.warnings) warn(w);
    const body = props.DefinitionBody ?? openApiFile(props.DefinitionUri, templateDir, warn);
    if (body !== undefined) mergeOpenApi(api, body, `${logicalId}.DefinitionBody`, warn);
    byId.set(api.id, { api, defaultAuthorizer: auth.defaultAuthorizer, authorizePreflight: auth.authorizePreflight });
  };

  for (const [id, res] of Object.entries(resources)) {
    const kind = SAM_TYPE[res.Type];
    if (kind) samApi(id, kind, res.Properties);
  }
  for (const fn of template.functions) {
    const props = resources[fn.logicalId]?.Properties ?? {};
    if (!isRecord(props.Events)) continue;
    const alias = typeof props.AutoPublishAlias === 'string' ? props.AutoPublishAlias : undefined;
    for (const [name, ev] of Object.entries(props.Events)) {
      if (!isRecord(ev) || (ev.Type !== 'Api' && ev.Type !== 'HttpApi')) continue;
      const kind: ApiKind = ev.Type === 'Api' ? 'REST' : 'HTTP';
      const p = isRecord(ev.Properties) ? ev.Properties : {};
      const origin = `${fn.logicalId}.Events.${name}`;
      const warn = (message: string): void => void warnings.push({ resource: fn.logicalId, message: `Events.${name}: ${message}` });
      const apiRef = kind === 'REST' ? p.RestApiId : p.ApiId;
      let apiId = typeof apiRef === 'string' ? apiRef : undefined;
      if (apiId === undefined) {
        apiId = apiIdOf(IMPLICIT[kind]);
        if (!byId.has(apiId)) samApi(IMPLICIT[kind], kind, template.apiGlobals?.[kind === 'REST' ? 'Api' : 'HttpApi'] ?? {});
      }
      const entry = byId.get(apiId);
      if (!entry || entry.api.kind !== kind) {
        warn(`${kind === 'REST' ? 'RestApiId' : 'ApiId'} ${JSON.stringify(apiRef)} is not an ${kind === 'REST' ? 'AWS::Serverless::Api' : 'AWS::Serverless::HttpApi'} of this template; not served`);
        continue;
      }
      const route = eventRoute(kind, p, { name: fn.name, ...(alias ? { qualifier: alias } : {}) }, origin, entry.defaultAuthorizer, warn);
      if (route) entry.api.routes.push(route);
    }
  }
  const apis = [...byId.values()].map((e) => e.api);
  const cfn = cfnApis(resources);
  apis.push(...cfn.apis);
  warnings.push(...cfn.warnings);
  for (const api of apis) {
    for (const r of api.routes) {
      if (r.authorizer && r.authorizer !== 'AWS_IAM' && !api.authorizers[r.authorizer]) {
        warnings.push({ resource: api.logicalId, message: `route ${r.method} ${r.path} names authorizer ${r.authorizer}, which is not defined: requests get 500` });
      }
    }
  }
  const urls = functionUrls(template);
  warnings.push(...urls.warnings);
  return { definition: { apis, functionUrls: urls.urls }, warnings };
}

function eventRoute(
  kind: ApiKind, p: Record<string, unknown>, target: RouteDefinition['target'], origin: string,
  defaultAuthorizer: string | undefined, warn: (m: string) => void,
): RouteDefinition | undefined {
  const rawPath = p.Path ?? (kind === 'HTTP' ? '$default' : undefined);
  const method = p.Method === undefined && kind === 'HTTP' ? 'ANY' : normaliseMethod(p.Method);
  if (typeof rawPath !== 'string' || !method) {
    warn(`needs Path and Method (got ${JSON.stringify(p.Path)} ${JSON.stringify(p.Method)}); not served`);
    return undefined;
  }
  const path = rawPath === '/$default' ? '$default' : rawPath;
  const auth = isRecord(p.Auth) ? p.Auth : {};
  const named = typeof auth.Authorizer === 'string' ? auth.Authorizer : defaultAuthorizer;
  const format = kind === 'REST' ? '1.0' : String(p.PayloadFormatVersion ?? '2.0') === '1.0' ? '1.0' : '2.0';
  const route: RouteDefinition = {
    method, path, target, payloadFormat: format, origin,
    timeoutMs: toNumber(p.TimeoutInMillis) ?? INTEGRATION_TIMEOUT_MS[kind],
  };
  if (named && named !== 'NONE') route.authorizer = named;
  const scopes = toStringList(auth.AuthorizationScopes);
  if (scopes.length) route.authorizationScopes = scopes;
  for (const key of ['RequestModel', 'RequestParameters']) if (p[key] !== undefined) warn(`${key} is not validated locally`);
  return route;
}

/** DefinitionUri: a local OpenAPI file (YAML or JSON); S3 locations are not read. */
function openApiFile(uri: unknown, dir: string, warn: (m: string) => void): unknown {
  if (uri === undefined) return undefined;
  if (typeof uri !== 'string' || uri.startsWith('s3://')) {
    warn('DefinitionUri on S3 is not read locally (use a local file or DefinitionBody)');
    return undefined;
  }
  try {
    return parse(readFileSync(resolve(dir, uri), 'utf8')) as unknown;
  } catch (err) {
    warn(`DefinitionUri ${uri} cannot be read: ${(err as Error).message}`);
    return undefined;
  }
}
