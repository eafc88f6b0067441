// Routes from an OpenAPI definition (DefinitionBody / DefinitionUri / Body): every path and method
// with an `x-amazon-apigateway-integration` of type aws_proxy becomes a route; authorizers come from
// the security schemes; other integration types are collected for the one start-up warning.
import type { ApiKind, AuthorizerDefinition, CorsConfig, PayloadFormat, RouteDefinition } from './api-model.ts';
import { openApiAuthorizer } from './api-auth.ts';
import { corsConfiguration, functionTarget, INTEGRATION_TIMEOUT_MS, normaliseMethod, toNumber, toStringList } from './api-values.ts';
import { isRecord } from './node-path.ts';

export interface OpenApiRoutes {
  routes: RouteDefinition[];
  authorizers: Record<string, AuthorizerDefinition>;
  binaryMediaTypes: string[];
  cors?: CorsConfig;
  /** Methods not served: `GET /pets (http integration)`. */
  notProxy: string[];
  warnings: string[];
}

export function openApiRoutes(kind: ApiKind, doc: unknown, origin: string): OpenApiRoutes {
  const out: OpenApiRoutes = { routes: [], authorizers: {}, binaryMediaTypes: [], notProxy: [], warnings: [] };
  if (!isRecord(doc)) {
    out.warnings.push(`${origin} is not an OpenAPI document (a mapping); its routes are not served`);
    return out;
  }
  const schemes = {
    ...(isRecord(doc.securityDefinitions) ? doc.securityDefinitions : {}),
    ...(isRecord(doc.components) && isRecord(doc.components.securitySchemes) ? doc.components.securitySchemes : {}),
  };
  const iam = new Set<string>();
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!isRecord(scheme)) continue;
    if (String(scheme['x-amazon-apigateway-authtype'] ?? '').toLowerCase() === 'awssigv4') iam.add(name);
    const a = openApiAuthorizer(kind, name, scheme);
    if (a) out.authorizers[name] = a;
  }
  out.binaryMediaTypes = toStringList(doc['x-amazon-apigateway-binary-media-types']);
  const cors = corsConfiguration(doc['x-amazon-apigateway-cors']);
  if (cors) out.cors = cors;
  const topSecurity = doc.security;
  const paths = isRecord(doc.paths) ? doc.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue;
    for (const [key, op] of Object.entries(item)) {
      const method = normaliseMethod(key);
      if (!method || !isRecord(op)) continue;
      const where = `${method} ${path}`;
      const integration = op['x-amazon-apigateway-integration'];
      if (!isRecord(integration)) {
        out.notProxy.push(`${where} (no x-amazon-apigateway-integration)`);
        continue;
      }
      const type = String(integration.type ?? '').toLowerCase();
      if (type !== 'aws_proxy') {
        out.notProxy.push(`${where} (${type || 'untyped'} integration)`);
        continue;
      }
      const target = functionTarget(integration.uri);
      if (!target) {
        out.warnings.push(`${where}: integration uri ${JSON.stringify(integration.uri)} names no function; not served`);
        continue;
      }
      const format: PayloadFormat = kind === 'REST' ? '1.0' : String(integration.payloadFormatVersion ?? '2.0') === '1.0' ? '1.0' : '2.0';
      const timeout = toNumber(integration.timeoutInMillis) ?? INTEGRATION_TIMEOUT_MS[kind];
      const route: RouteDefinition = {
        method, path: path === '/$default' ? '$default' : path, target, payloadFormat: format, timeoutMs: timeout, origin,
      };
      const security = op.security ?? topSecurity;
      if (Array.isArray(security) && security.length > 0 && isRecord(security[0])) {
        const [name, scopes] = Object.entries(security[0])[0] ?? [];
        if (name !== undefined) {
          route.authorizer = iam.has(name) ? 'AWS_IAM' : name;
          const list = toStringList(scopes);
          if (list.length) route.authorizationScopes = list;
        }
      }
      out.routes.push(route);
    }
  }
  return out;
}
