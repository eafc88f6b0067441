// Authorizers as templates declare them: SAM `Auth` of AWS::Serverless::Api / HttpApi, OpenAPI
// security schemes with x-amazon-apigateway-authorizer, and identity-source expressions normalised.
import type { ApiKind, AuthorizerDefinition, AuthorizerType } from './api-model.ts';
import { functionTarget, toBool, toNumber, toStringList } from './api-values.ts';
import { isRecord } from './node-path.ts';

/** REST's documented default result TTL; HTTP APIs cache only when a TTL is configured. */
const REST_DEFAULT_TTL = 300;

/**
 * `method.request.header.Auth`, `$request.header.Auth`, `method.request.querystring.q`, `stageVariables.v`,
 * `$context.routeKey`... → `header:auth`, `query:q`, `stage:v`, `context:routeKey`; undefined if unknown.
 */
export function identitySource(expr: string): string | undefined {
  const m = /^(?:method\.request\.|\$request\.)(header|querystring)\.(.+)$/.exec(expr.trim())
    ?? /^\$?(stageVariables|context)\.(.+)$/.exec(expr.trim());
  if (!m) return undefined;
  switch (m[1]) {
    case 'header': return `header:${m[2].toLowerCase()}`;
    case 'querystring': return `query:${m[2]}`;
    case 'stageVariables': return `stage:${m[2]}`;
    default: return `context:${m[2]}`;
  }
}

export function identitySources(value: unknown): string[] {
  return toStringList(value).map(identitySource).filter((s): s is string => s !== undefined);
}

/** SAM's `Identity` block (Header / Headers / QueryStrings / StageVariables / Context). */
function samIdentity(identity: Record<string, unknown>, tokenHeader: string | undefined): string[] {
  const out: string[] = [];
  if (tokenHeader !== undefined) out.push(`header:${tokenHeader.toLowerCase()}`);
  for (const h of toStringList(identity.Headers)) out.push(`header:${h.toLowerCase()}`);
  for (const q of toStringList(identity.QueryStrings)) out.push(`query:${q}`);
  for (const s of toStringList(identity.StageVariables)) out.push(`stage:${s}`);
  for (const c of toStringList(identity.Context)) out.push(`context:${c}`);
  return out;
}

export interface SamAuth {
  authorizers: Record<string, AuthorizerDefinition>;
  defaultAuthorizer?: string;
  /** REST: SAM puts the default authorizer on CORS preflight OPTIONS too (AddDefaultAuthorizerToCorsPreflight). */
  authorizePreflight: boolean;
  warnings: string[];
}

/** SAM `Auth` of an API (REST or HTTP). */
export function samAuth(kind: ApiKind, auth: unknown): SamAuth {
  const out: SamAuth = { authorizers: {}, authorizePreflight: true, warnings: [] };
  if (!isRecord(auth)) return out;
  if (typeof auth.DefaultAuthorizer === 'string') out.defaultAuthorizer = auth.DefaultAuthorizer;
  if (auth.AddDefaultAuthorizerToCorsPreflight !== undefined) out.authorizePreflight = toBool(auth.AddDefaultAuthorizerToCorsPreflight);
  for (const key of ['ApiKeyRequired', 'UsagePlan', 'ResourcePolicy', 'InvokeRole']) {
    if (auth[key] !== undefined) out.warnings.push(`Auth.${key} is not applied locally`);
  }
  const list = isRecord(auth.Authorizers) ? auth.Authorizers : {};
  for (const [name, raw] of Object.entries(list)) {
    if (!isRecord(raw)) continue;
    const identity = isRecord(raw.Identity) ? raw.Identity : {};
    const ttl = toNumber(identity.ReauthorizeEvery);
    if (raw.JwtConfiguration !== undefined || (kind === 'HTTP' && raw.FunctionArn === undefined)) {
      const jwt = isRecord(raw.JwtConfiguration) ? raw.JwtConfiguration : {};
      out.authorizers[name] = {
        name, type: 'JWT', identitySources: identitySources(raw.IdentitySource ?? '$request.header.Authorization'),
        ttlSeconds: 0, payloadFormat: '2.0', simpleResponses: false,
        issuer: typeof jwt.issuer === 'string' ? jwt.issuer : undefined, audience: toStringList(jwt.audience),
      };
    } else if (raw.UserPoolArn !== undefined) {
      out.authorizers[name] = {
        name, type: 'COGNITO_USER_POOLS', identitySources: [`header:${String(identity.Header ?? 'Authorization').toLowerCase()}`],
        ttlSeconds: ttl ?? REST_DEFAULT_TTL, payloadFormat: '1.0', simpleResponses: false, audience: [],
      };
    } else if (kind === 'REST') {
      const type: AuthorizerType = String(raw.FunctionPayloadType ?? 'TOKEN').toUpperCase() === 'REQUEST' ? 'REQUEST' : 'TOKEN';
      const header = type === 'TOKEN' ? String(identity.Header ?? 'Authorization') : undefined;
      out.authorizers[name] = {
        name, type, target: functionTarget(raw.FunctionArn), identitySources: samIdentity(identity, header),
        ttlSeconds: ttl ?? REST_DEFAULT_TTL, payloadFormat: '1.0', simpleResponses: false,
        ...(typeof identity.ValidationExpression === 'string' ? { validationExpression: identity.ValidationExpression } : {}),
      };
    } else {
      const format = String(raw.AuthorizerPayloadFormatVersion ?? '2.0') === '1.0' ? '1.0' : '2.0';
      out.authorizers[name] = {
        name, type: 'REQUEST', target: functionTarget(raw.FunctionArn), identitySources: samIdentity(identity, undefined),
        ttlSeconds: ttl ?? 0, payloadFormat: format, simpleResponses: format === '2.0' && toBool(raw.EnableSimpleResponses),
      };
    }
    if (out.authorizers[name].type !== 'JWT' && out.authorizers[name].type !== 'COGNITO_USER_POOLS' && !out.authorizers[name].target) {
      out.warnings.push(`Auth.Authorizers.${name}: FunctionArn does not name a function of this template; requests it guards get 500`);
    }
  }
  return out;
}

/** An OpenAPI security scheme with `x-amazon-apigateway-authorizer`, or undefined (sigv4 / API keys). */
export function openApiAuthorizer(kind: ApiKind, name: string, scheme: Record<string, unknown>): AuthorizerDefinition | undefined {
  const a = scheme['x-amazon-apigateway-authorizer'];
  if (!isRecord(a)) return undefined;
  const t = String(a.type ?? '').toLowerCase();
  const sources = identitySources(a.identitySource ?? (kind === 'REST' ? 'method.request.header.Authorization' : []));
  const ttl = toNumber(a.authorizerResultTtlInSeconds) ?? (kind === 'REST' ? REST_DEFAULT_TTL : 0);
  if (t === 'jwt' || t === 'cognito_user_pools') {
    const jwt = isRecord(a.jwtConfiguration) ? a.jwtConfiguration : {};
    return {
      name, type: t === 'jwt' ? 'JWT' : 'COGNITO_USER_POOLS', identitySources: sources.length ? sources : ['header:authorization'],
      ttlSeconds: ttl, payloadFormat: '2.0', simpleResponses: false,
      issuer: typeof jwt.issuer === 'string' ? jwt.issuer : undefined, audience: toStringList(jwt.audience),
    };
  }
  const format = String(a.authorizerPayloadFormatVersion ?? (kind === 'REST' ? '1.0' : '2.0')) === '1.0' ? '1.0' : '2.0';
  return {
    name, type: t === 'token' ? 'TOKEN' : 'REQUEST', target: functionTarget(a.authorizerUri), identitySources: sources, ttlSeconds: ttl,
    payloadFormat: kind === 'REST' ? '1.0' : format, simpleResponses: kind === 'HTTP' && format === '2.0' && toBool(a.enableSimpleResponses),
    ...(typeof a.identityValidationExpression === 'string' ? { validationExpression: a.identityValidationExpression } : {}),
  };
}
