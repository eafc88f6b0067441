// Authorizer rules (pure): IAM policy evaluation, the result cache's TTL on an injected clock, JWT
// checks, identity sources, SigV4 detection; and the template's APIs, authorizers and function URLs.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../server/front-door/auth/policy.ts';
import { AuthorizerCache } from '../../server/front-door/auth/authorizer-cache.ts';
import { checkJwt } from '../../server/front-door/auth/jwt.ts';
import { identityValues } from '../../server/front-door/auth/identity-sources.ts';
import { sigV4Caller } from '../../server/front-door/auth/sigv4.ts';
import { identitySource } from '../../server/template/api-auth.ts';
import { frontDoorDefinition } from '../../server/template/apis.ts';
import { loadTemplate } from '../../server/template/load-template.ts';
import type { Clock } from '../../lib/clock.ts';
import type { RequestView } from '../../server/front-door/request-view.ts';
import { fixture } from '../helpers/emulator.ts';

const arn = 'arn:aws:execute-api:us-east-1:000000000000:abc/dev/GET/items/1';
const policy = (...statements: Array<[string, string | string[]]>) => ({
  Version: '2012-10-17', Statement: statements.map(([Effect, Resource]) => ({ Action: 'execute-api:Invoke', Effect, Resource })),
});

describe('IAM policy evaluation', () => {
  it.each([
    [policy(['Allow', arn]), 'allow'],
    [policy(['Allow', 'arn:aws:execute-api:us-east-1:000000000000:abc/*/*']), 'allow'],
    [policy(['Allow', 'arn:aws:execute-api:us-east-1:000000000000:abc/dev/GET/items/?']), 'allow'],
    [policy(['Allow', 'arn:aws:execute-api:us-east-1:000000000000:abc/dev/POST/*']), 'no-allow'],
    [policy(['Allow', '*'], ['Deny', arn]), 'deny'],
    [policy(['Deny', 'arn:aws:execute-api:*:*:abc/*']), 'deny'],
    [{ Statement: { Effect: 'Allow', Action: '*', Resource: [arn] } }, 'allow'],
    [{ nope: 1 }, undefined],
    [{ Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] }, undefined],
  ])('%j → %s', (doc, decision) => expect(evaluatePolicy(doc, arn)).toBe(decision));
});

function fakeClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, setTimeout: () => () => {}, advance: (ms) => void (now += ms) };
}

describe('authorizer result cache', () => {
  it('keeps a result for its TTL, keyed by identity values', () => {
    const clock = fakeClock();
    const cache = new AuthorizerCache<string>(clock);
    const key = AuthorizerCache.key('auth', ['token-a']);
    cache.set(key, 'allow', 300);
    cache.set(AuthorizerCache.key('auth', ['token-b']), 'deny', 0);
    expect(cache.get(key)).toBe('allow');
    expect(cache.get(AuthorizerCache.key('auth', ['token-b']))).toBeUndefined();
    clock.advance(299_999);
    expect(cache.get(key)).toBe('allow');
    clock.advance(1);
    expect(cache.get(key)).toBeUndefined();
  });
});

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (claims: Record<string, unknown>): string => `${b64({ alg: 'RS256', kid: 'k' })}.${b64(claims)}.sig`;

describe('JWT checks', () => {
  const now = 1_700_000_000_000;
  const good = { iss: 'https://issuer', aud: 'app', exp: now / 1000 + 60, scope: 'read write', groups: ['a', 'b'] };
  const cfg = { issuer: 'https://issuer', audience: ['app'], scopes: ['read'] };
  it('passes claims as strings (arrays as "[a b]") and scopes', () => {
    const r = checkJwt(`Bearer ${jwt(good)}`, cfg, now);
    expect(r).toEqual({ ok: true, claims: { iss: 'https://issuer', aud: 'app', exp: String(good.exp), scope: 'read write', groups: '[a b]' }, scopes: ['read', 'write'] });
  });
  it.each([
    ['not a jwt', 401], [jwt({ ...good, iss: 'other' }), 401], [jwt({ ...good, aud: 'x' }), 401], [jwt({ ...good, exp: now / 1000 - 1 }), 401],
    [jwt({ ...good, nbf: now / 1000 + 100 }), 401], [jwt({ ...good, scope: 'write' }), 403],
  ])('%s → %i', (token, status) => {
    const r = checkJwt(token, cfg, now);
    expect(!r.ok && r.status).toBe(status);
  });
  it('client_id counts as an audience', () => expect(checkJwt(jwt({ ...good, aud: undefined, client_id: 'app' }), cfg, now).ok).toBe(true));
});

const req = (headers: Array<[string, string]>, rawQuery = ''): RequestView => ({ method: 'GET', rawPath: '/', rawQuery, headers, body: Buffer.alloc(0), sourceIp: '127.0.0.1', receivedAt: 0 });

describe('identity sources', () => {
  it.each([
    ['method.request.header.Authorization', 'header:authorization'], ['$request.header.X-Key', 'header:x-key'],
    ['method.request.querystring.q', 'query:q'], ['$request.querystring.Q', 'query:Q'], ['stageVariables.v', 'stage:v'],
    ['$context.routeKey', 'context:routeKey'], ['nonsense', undefined],
  ])('%s → %s', (expr, out) => expect(identitySource(expr)).toBe(out));
  it('reads each source; any missing or empty one means none', () => {
    const scope = { stageVariables: { v: 'sv' }, context: { routeKey: 'GET /' } };
    const sources = ['header:x-key', 'query:q', 'stage:v', 'context:routeKey'];
    expect(identityValues(sources, req([['X-Key', 'k']], 'q=1'), scope)).toEqual(['k', '1', 'sv', 'GET /']);
    expect(identityValues(sources, req([['X-Key', '']], 'q=1'), scope)).toBeUndefined();
    expect(identityValues(['query:q'], req([], 'Q=1'), scope)).toBeUndefined();
  });
});

describe('SigV4 detection', () => {
  const sig = 'a'.repeat(64);
  it('reads the caller from an Authorization header or a presigned query', () => {
    expect(sigV4Caller(req([['Authorization', `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`]])))
      .toEqual({ accessKey: 'AKIDEXAMPLE', region: 'us-east-1', service: 'lambda' });
    expect(sigV4Caller(req([], `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Signature=${sig}`)))
      .toEqual({ accessKey: 'AKID', region: 'us-east-1', service: 'execute-api' });
    expect(sigV4Caller(req([['Authorization', 'Bearer x']]))).toBeUndefined();
  });
});

describe('the template\'s APIs', () => {
  const template = loadTemplate(fixture('templates/front-door.yaml'), { region: 'us-east-1', accountId: '000000000000' });
  const { definition, warnings } = frontDoorDefinition(template);
  it('reads SAM APIs, their events, authorizers, CORS and function URLs', () => {
    expect(warnings).toEqual([]);
    expect(template.warnings.filter((w) => /Api|Url|Events/.test(w.message))).toEqual([]);
    const shop = definition.apis.find((a) => a.logicalId === 'ShopApi')!;
    expect(shop).toMatchObject({ kind: 'REST', stage: 'dev', stageVariables: { color: 'blue' }, binaryMediaTypes: ['image/png'] });
    expect(shop.cors).toEqual({ allowOrigins: ['http://app.localhost'], allowMethods: [], allowHeaders: ['content-type', 'x-token'], exposeHeaders: [], allowCredentials: false, maxAge: 600 });
    expect(shop.authorizers.TokenAuth).toMatchObject({ type: 'TOKEN', target: { name: 'http-authorizer' }, identitySources: ['header:authorization'], ttlSeconds: 300, validationExpression: '[a-z]+' });
    expect(shop.routes.find((r) => r.path === '/private')).toMatchObject({ method: 'GET', authorizer: 'TokenAuth', payloadFormat: '1.0', timeoutMs: 29_000 });
    const web = definition.apis.find((a) => a.logicalId === 'WebApi')!;
    expect(web.routes.find((r) => r.path === '$default')).toMatchObject({ method: 'ANY', payloadFormat: '2.0' });
    expect(web.routes.find((r) => r.path === '/slow')?.timeoutMs).toBe(50);
    expect(web.authorizers.JwtAuth).toMatchObject({ type: 'JWT', issuer: 'https://issuer.example.com', audience: ['my-app'] });
    expect(web.authorizers.SimpleAuth).toMatchObject({ type: 'REQUEST', simpleResponses: true, ttlSeconds: 60, identitySources: ['header:x-token'] });
    expect(definition.functionUrls.map((u) => [u.target.name, u.authType])).toEqual([['py-http', 'NONE'], ['url-app', 'NONE'], ['secure-app', 'AWS_IAM']]);
  });
});
