// Small readers shared by the API template builders: function targets from ARNs and integration
// URIs, CORS configurations in their three spellings, methods, and the integration timeout limits.
import type { CorsConfig, FunctionTarget } from './api-model.ts';
import { isRecord } from './node-path.ts';

export const HTTP_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const;

/** API Gateway's integration timeout: default and maximum per API kind (ms). */
export const INTEGRATION_TIMEOUT_MS = { REST: 29_000, HTTP: 30_000 } as const;

/**
 * The function an ARN, an integration URI (`arn:aws:apigateway:r:lambda:path/2015-03-31/functions/<arn>/invocations`)
 * or a bare name designates; undefined when it is none of these.
 */
export function functionTarget(value: unknown): FunctionTarget | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const uri = /:lambda:path\/[0-9-]+\/functions\/(.+?)\/(invocations|response-streaming-invocations)$/.exec(value);
  const arn = uri ? uri[1] : value;
  const m = /^(?:arn:[^:]+:lambda:[^:]*:[^:]*:function:)?([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9$_-]+))?$/.exec(arn);
  if (!m) return undefined;
  return m[2] === undefined || m[2] === '$LATEST' ? { name: m[1] } : { name: m[1], qualifier: m[2] };
}

/** `get`, `Any`, `x-amazon-apigateway-any-method` → `GET`, `ANY`, `ANY`. */
export function normaliseMethod(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = value.toUpperCase();
  if (m === 'X-AMAZON-APIGATEWAY-ANY-METHOD' || m === 'ANY' || m === '*') return 'ANY';
  return (HTTP_METHODS as readonly string[]).includes(m) ? m : undefined;
}

export function toStringList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(String);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

export function toBool(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** SAM's REST `Cors` values are quoted header values (`"'*'"`): the quotes go. */
const unquote = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t.length >= 2 && t.startsWith("'") && t.endsWith("'") ? t.slice(1, -1) : t;
};

/** SAM `Cors` of AWS::Serverless::Api (a string = AllowOrigin, or the mapping with quoted values). */
export function restCors(value: unknown): CorsConfig | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  const c = isRecord(value) ? value : { AllowOrigin: value };
  const origin = unquote(c.AllowOrigin);
  if (origin === undefined) return undefined;
  const maxAge = toNumber(unquote(c.MaxAge));
  return {
    allowOrigins: [origin],
    allowMethods: toStringList(unquote(c.AllowMethods)),
    allowHeaders: toStringList(unquote(c.AllowHeaders)),
    exposeHeaders: [],
    allowCredentials: toBool(c.AllowCredentials),
    ...(maxAge === undefined ? {} : { maxAge }),
  };
}

/**
 * An HTTP API `CorsConfiguration` (SAM: `true` or the mapping; CloudFormation and OpenAPI
 * `x-amazon-apigateway-cors` spell the keys in camelCase) or a function URL's `Cors`.
 */
export function corsConfiguration(value: unknown): CorsConfig | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true || value === 'true') return { allowOrigins: ['*'], allowMethods: [], allowHeaders: [], exposeHeaders: [], allowCredentials: false };
  if (!isRecord(value)) return undefined;
  const get = (key: string): unknown => value[key] ?? value[key.charAt(0).toLowerCase() + key.slice(1)];
  const maxAge = toNumber(get('MaxAge'));
  return {
    allowOrigins: toStringList(get('AllowOrigins')),
    allowMethods: toStringList(get('AllowMethods')).map((m) => m.toUpperCase()),
    allowHeaders: toStringList(get('AllowHeaders')),
    exposeHeaders: toStringList(get('ExposeHeaders')),
    allowCredentials: toBool(get('AllowCredentials')),
    ...(maxAge === undefined ? {} : { maxAge }),
  };
}
