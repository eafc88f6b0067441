// An HTTP API through real environments (fixtures/templates/front-door.yaml): payload 2.0 and 1.0
// events, v2 result inference, cookies, $default, the integration timeout, throttling, payload limits,
// Lambda (simple) and JWT authorizers, CORS headers from the configuration, a Python handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, type FrontDoorEmulator, startFrontDoor } from '../helpers/front-door.ts';
import { fixture } from '../helpers/emulator.ts';

/** A response's JSON body, untyped (the tests read events field by field). */
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

let em: FrontDoorEmulator;
let base: string;
beforeAll(async () => {
  em = await startFrontDoor(fixture('templates/front-door.yaml'));
  base = em.api('WebApi');
}, 30_000);
afterAll(async () => {
  expect(await em.stopChecked()).toEqual([]);
});

const q = (v: unknown): string => `return=${encodeURIComponent(JSON.stringify(v))}`;
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (claims: Record<string, unknown>): string => `${b64({ alg: 'RS256' })}.${b64(claims)}.c2ln`;

describe('HTTP API', () => {
  it('payload 2.0: route key, raw path and query, joined values, cookies both ways, stage variables', async () => {
    const res = await curl([`${em.apiHost('WebApi')}users/7?x=1&x=2`, '-H', 'Cookie: a=1; b=2', '-H', 'X-Dup: 1', '-H', 'X-Dup: 2']);
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toEqual(['session=abc; Path=/', 'theme=dark']);
    expect(res.headers['apigw-requestid'][0]).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    const { event } = JSON.parse(res.body);
    expect(event).toMatchObject({
      version: '2.0', routeKey: 'GET /users/{id}', rawPath: '/users/7', rawQueryString: 'x=1&x=2', cookies: ['a=1', 'b=2'],
      queryStringParameters: { x: '1,2' }, pathParameters: { id: '7' }, stageVariables: { tier: 'gold' }, isBase64Encoded: false,
    });
    expect(event.headers['x-dup']).toBe('1,2');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext).toMatchObject({ routeKey: 'GET /users/{id}', stage: '$default', http: { method: 'GET', path: '/users/7', sourceIp: '127.0.0.1' } });
    expect(event).not.toHaveProperty('body');
  });

  it('$default catches the rest; a 1.0 route gets the 1.0 event', async () => {
    const any = await json(fetch(`${base}no/such/route`, { method: 'DELETE' }));
    expect(any.event.routeKey).toBe('$default');
    const v1 = await json(fetch(`${base}v1/a/b?k=v`));
    expect(v1.event).toMatchObject({ version: '1.0', resource: '/v1/{proxy+}', path: '/v1/a/b', pathParameters: { proxy: 'a/b' }, queryStringParameters: { k: 'v' } });
    expect(v1.event.headers['user-agent']).toBeDefined();
  });

  it('infers a response from any JSON value; base64 request bodies for non-text types', async () => {
    const cases: Array<[unknown, number, string]> = [['hello', 200, 'hello'], [{ a: 1 }, 200, '{"a":1}'], [3, 200, '3'], [{ statusCode: 418, body: 'teapot' }, 418, 'teapot']];
    for (const [value, status, body] of cases) {
      const res = await fetch(`${base}hello?${q(value)}`);
      expect([res.status, await res.text()]).toEqual([status, body]);
    }
    const form = await json(fetch(`${base}anything`, { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(form.event).toMatchObject({ body: Buffer.from('a=1').toString('base64'), isBase64Encoded: true });
  });

  it('answers AWS\'s errors: function error, integration timeout, throttle, no route on a named address, oversized requests', async () => {
    const failed = await fetch(`${base}hello?throw=1`);
    expect([failed.status, await failed.text()]).toEqual([500, '{"message":"Internal Server Error"}']);
    const slow = await fetch(`${base}slow?sleep=1000`);
    expect([slow.status, await slow.text()]).toEqual([503, '{"message":"Service Unavailable"}']);
    // The function's own timeout (1 s) comes before API Gateway's (30 s): a function error.
    const lambdaTimeout = await fetch(`${base}short?sleep=1500`);
    expect([lambdaTimeout.status, await lambdaTimeout.text()]).toEqual([500, '{"message":"Internal Server Error"}']);
    const limited = await fetch(`${base}limited`);
    expect(limited.status).toBe(500);
    const bigEvent = await fetch(`${base}anything`, { method: 'POST', body: Buffer.alloc(7 * 1024 * 1024, 'a'), headers: { 'content-type': 'text/plain' } });
    expect(bigEvent.status).toBe(500);
    const tooLong = await fetch(`${base}anything`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1, 'a') });
    expect([tooLong.status, await tooLong.text()]).toEqual([413, '{"message":"Request Entity Too Large"}']);
    const unknownApi = await curl([`http://abcdefghij.execute-api.localhost:${em.doors.apiPort}/x`]);
    expect(unknownApi.status).toBe(404);
  });

  it('Lambda authorizer with simple responses: 401 without identity, 403 when not authorized, context for the integration, cached', async () => {
    expect((await fetch(`${base}simple`)).status).toBe(401);
    const denied = await fetch(`${base}simple`, { headers: { 'x-token': 'nope' } });
    expect([denied.status, await denied.text()]).toEqual([403, '{"message":"Forbidden"}']);
    const ok = await json(fetch(`${base}simple`, { headers: { 'x-token': 'allow' } }));
    expect(ok.event.requestContext.authorizer).toEqual({ lambda: { user: 'alice', calls: expect.any(Number), tags: ['a', 'b'] } });
    const again = await json(fetch(`${base}simple`, { headers: { 'x-token': 'allow' } }));
    expect(again.event.requestContext.authorizer.lambda.calls).toBe(ok.event.requestContext.authorizer.lambda.calls);
  });

  it('JWT authorizer: claims and scopes for the integration; bad issuer 401, missing scope 403', async () => {
    const claims = { iss: 'https://issuer.example.com', aud: 'my-app', sub: 'u1', exp: Math.floor(Date.now() / 1000) + 600, scope: 'read' };
    const ok = await json(fetch(`${base}jwt`, { headers: { authorization: `Bearer ${jwt(claims)}` } }));
    expect(ok.event.requestContext.authorizer.jwt).toEqual({ claims: { ...claims, exp: String(claims.exp) }, scopes: ['read'] });
    const badIssuer = await fetch(`${base}jwt`, { headers: { authorization: `Bearer ${jwt({ ...claims, iss: 'x' })}` } });
    expect(badIssuer.status).toBe(401);
    expect(badIssuer.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect((await fetch(`${base}jwt`, { headers: { authorization: `Bearer ${jwt({ ...claims, scope: 'write' })}` } })).status).toBe(403);
  });

  it('CORS: preflight answered by the API (204), configured headers on responses over the function\'s own', async () => {
    const pre = await curl(['-X', 'OPTIONS', `${base}hello`, '-H', 'Origin: http://app.localhost', '-H', 'Access-Control-Request-Method: PUT', '-H', 'Access-Control-Request-Headers: x-token']);
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toEqual(['http://app.localhost']);
    expect(pre.headers['access-control-allow-methods']).toEqual(['GET,POST,PUT']);
    expect(pre.headers['access-control-max-age']).toEqual(['300']);
    const res = await fetch(`${base}hello?${q({ statusCode: 200, headers: { 'access-control-allow-origin': '*' }, body: 'x' })}`, { headers: { origin: 'http://app.localhost' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.localhost');
    expect(res.headers.get('access-control-expose-headers')).toBe('x-handler');
    const other = await fetch(`${base}hello`, { headers: { origin: 'http://evil.localhost' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a Python handler', async () => {
    const res = await fetch(`${base}py`);
    expect([res.status, res.headers.get('x-runtime')]).toEqual([201, 'python']);
    expect((await json(res)).event.routeKey).toBe('GET /py');
  });
});
