// CORS as each front door applies it (pure): HTTP APIs and function URLs answer preflights
// themselves and put their configured headers on every response (over the function's own); REST
// APIs get SAM's mock OPTIONS method, which answers any OPTIONS with the configured headers.
import type { CorsConfig } from '../template/api-model.ts';
import type { GatewayReply } from './gateway-reply.ts';
import { headerValue, type RequestView } from './request-view.ts';

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** Whether `origin` is allowed (`*`, an exact origin, or a pattern such as `https://*.example.com`). */
export function originAllowed(cors: CorsConfig, origin: string): boolean {
  return cors.allowOrigins.some((o) => {
    if (o === '*' || o.toLowerCase() === origin.toLowerCase()) return true;
    if (!o.includes('*')) return false;
    const re = new RegExp(`^${o.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`, 'i');
    return re.test(origin);
  });
}

export function isPreflight(view: RequestView): boolean {
  return view.method === 'OPTIONS' && headerValue(view, 'origin') !== undefined && headerValue(view, 'access-control-request-method') !== undefined;
}

/** HTTP API / function URL preflight answer (status 204 / 200); without CORS headers if the origin is not allowed. */
export function preflightReply(cors: CorsConfig, view: RequestView, status: number): GatewayReply {
  const origin = headerValue(view, 'origin') ?? '';
  const headers: Array<[string, string]> = [];
  if (originAllowed(cors, origin)) {
    headers.push(['access-control-allow-origin', allowOriginValue(cors, origin)]);
    if (cors.allowCredentials) headers.push(['access-control-allow-credentials', 'true']);
    const requestedMethod = headerValue(view, 'access-control-request-method') ?? '';
    const methods = cors.allowMethods.includes('*') ? requestedMethod : cors.allowMethods.join(',');
    if (methods) headers.push(['access-control-allow-methods', methods]);
    const requestedHeaders = headerValue(view, 'access-control-request-headers');
    const allowHeaders = cors.allowHeaders.includes('*') ? requestedHeaders : cors.allowHeaders.join(',');
    if (allowHeaders) headers.push(['access-control-allow-headers', allowHeaders]);
    if (cors.exposeHeaders.length) headers.push(['access-control-expose-headers', cors.exposeHeaders.join(',')]);
    if (cors.maxAge !== undefined) headers.push(['access-control-max-age', String(cors.maxAge)]);
  }
  return { status, headers, body: Buffer.alloc(0) };
}

/** A response's CORS headers from the configuration, replacing any the function set. */
export function withCorsHeaders(cors: CorsConfig, view: RequestView, reply: GatewayReply): GatewayReply {
  const origin = headerValue(view, 'origin');
  const headers = reply.headers.filter(([k]) => !k.toLowerCase().startsWith('access-control-'));
  if (origin !== undefined && originAllowed(cors, origin)) {
    headers.push(['access-control-allow-origin', allowOriginValue(cors, origin)]);
    if (cors.allowCredentials) headers.push(['access-control-allow-credentials', 'true']);
    if (cors.exposeHeaders.length) headers.push(['access-control-expose-headers', cors.exposeHeaders.join(',')]);
  }
  return { ...reply, headers };
}

function allowOriginValue(cors: CorsConfig, origin: string): string {
  // With credentials a browser needs the origin itself, never `*`.
  return cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin;
}

/** REST (SAM `Cors`): the mock OPTIONS answer; methods default to the path's methods plus OPTIONS. */
export function restMockOptions(cors: CorsConfig, pathMethods: readonly string[]): GatewayReply {
  const methods = cors.allowMethods.length
    ? cors.allowMethods
    : pathMethods.includes('ANY') ? ALL_METHODS : [...new Set([...pathMethods, 'OPTIONS'])].sort();
  const headers: Array<[string, string]> = [
    ['Content-Type', 'application/json'],
    ['Access-Control-Allow-Origin', cors.allowOrigins[0] ?? '*'],
  ];
  if (cors.allowHeaders.length) headers.push(['Access-Control-Allow-Headers', cors.allowHeaders.join(',')]);
  headers.push(['Access-Control-Allow-Methods', methods.join(',')]);
  if (cors.maxAge !== undefined) headers.push(['Access-Control-Max-Age', String(cors.maxAge)]);
  if (cors.allowCredentials) headers.push(['Access-Control-Allow-Credentials', 'true']);
  return { status: 200, headers, body: Buffer.from('{}') };
}
