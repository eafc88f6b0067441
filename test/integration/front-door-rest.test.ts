// A REST API through real environments (fixtures/templates/front-door.yaml), called with curl and
// fetch: addressing, the payload 1.0 event, response mapping, AWS's failure answers, binary media,
// TOKEN / REQUEST / IAM authorization with caching, SAM's CORS mock, a Python handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, type FrontDoorEmulator, startFrontDoor } from '../helpers/front-door.ts';
import { fixture } from '../helpers/emulator.ts';

/** A response's JSON body, untyped (the tests read events field by field). */
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

let em: FrontDoorEmulator;
let base: string;
beforeAll(async () => {
  em = await startFrontDoor(fixture('templates/front-door.yaml'));
  base = em.api('ShopApi');
}, 30_000);
afterAll(async () => {
  expect(await em.stopChecked()).toEqual([]);
});

const q = (v: unknown): string => `return=${encodeURIComponent(JSON.stringify(v))}`;

describe('REST API', () => {
  it('serves a route at AWS\'s address (Host, curl) and by path (fetch), with the payload 1.0 event', async () => {
    const byHost = await curl([`${em.apiHost('ShopApi')}items/42?a=1&a=2`, '-H', 'X-Test: yes']);
    expect(byHost.status).toBe(200);
    const { event, requestId } = JSON.parse(byHost.body);
    expect(event).toMatchObject({
      resource: '/items/{id}', path: '/items/42', httpMethod: 'GET', pathParameters: { id: '42' }, stageVariables: { color: 'blue' },
      queryStringParameters: { a: '2' }, multiValueQueryStringParameters: { a: ['1', '2'] }, body: null, isBase64Encoded: false,
    });
    expect(event.headers['X-Test']).toBe('yes');
    expect(event.headers.Host).toMatch(/\.execute-api\.localhost:\d+$/);
    expect(event.requestContext).toMatchObject({ stage: 'dev', path: '/dev/items/42', resourcePath: '/items/{id}', httpMethod: 'GET', protocol: 'HTTP/1.1' });
    expect(event.requestContext.requestId).toBe(byHost.headers['x-amzn-requestid'][0]);
    expect(byHost.headers['x-amz-apigw-id']).toHaveLength(1);
    expect(byHost.headers['x-multi']).toEqual(['a', 'b']);
    // The invocation is a real one: its REPORT names the request id the function saw.
    expect(await em.report(requestId)).toContain('Duration:');

    const byPath = await fetch(`${base}items/7`);
    expect(byPath.status).toBe(200);
    expect((await json(byPath)).event.pathParameters).toEqual({ id: '7' });
  });

  it('chooses routes as AWS does and answers AWS\'s 403 where none matches', async () => {
    const proxied = await json(fetch(`${base}items`));
    expect(proxied.event.resource).toBe('/{proxy+}');
    const posted = await json(fetch(`${base}items`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }));
    expect(posted.event).toMatchObject({ resource: '/items', httpMethod: 'POST', body: '{"a":1}', isBase64Encoded: false });
    const none = await fetch(base);
    expect(none.status).toBe(403);
    expect(none.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await none.text()).toBe('{"message":"Missing Authentication Token"}');
    const wrongStage = await fetch(`${base.replace(/dev\/$/, 'prod/')}items/1`);
    expect(wrongStage.status).toBe(403);
  });

  it('maps results AWS\'s way, and answers 502 for malformed results and function errors', async () => {
    const created = await fetch(`${base}items/1?${q({ statusCode: '201', headers: { 'x-ok': true }, body: 'made' })}`);
    expect([created.status, created.headers.get('x-ok'), await created.text()]).toEqual([201, 'true', 'made']);
    for (const bad of [{ statusCode: 'test' }, { statusCode: 200, unknown: 1 }, 'a string']) {
      const res = await curl([`${base}items/1?${q(bad)}`]);
      expect(res.status).toBe(502);
      expect(res.body).toBe('{"message": "Internal server error"}');
      expect(res.headers['x-amzn-errortype']).toEqual(['InternalServerErrorException']);
    }
    const thrown = await fetch(`${base}items/1?throw=1`);
    expect(thrown.status).toBe(502);
  });

  it('binary media types: base64 request bodies, responses decoded only for a binary Accept', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const sent = await json(fetch(`${base}items`, { method: 'POST', body: png, headers: { 'content-type': 'image/png' } }));
    expect(sent.event).toMatchObject({ isBase64Encoded: true, body: png.toString('base64') });
    const asBinary = await fetch(`${base}items/1?png=1`, { headers: { accept: 'image/png' } });
    expect(Buffer.from(await asBinary.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    const asText = await fetch(`${base}items/1?png=1`, { headers: { accept: 'application/json' } });
    expect(await asText.text()).toMatch(/^iVBORw0KGgo/);
  });

  it('TOKEN authorizer: 401 without a token or when the regex fails, allow with context (cached), explicit deny, errors', async () => {
    expect((await fetch(`${base}private`)).status).toBe(401);
    const regex = await fetch(`${base}private`, { headers: { authorization: 'NOT-lower' } });
    expect([regex.status, await regex.text()]).toEqual([401, '{"message":"Unauthorized"}']);
    const first = await json(fetch(`${base}private`, { headers: { authorization: 'allow' } }));
    expect(first.event.requestContext.authorizer).toMatchObject({ principalId: 'user-123', user: 'alice', admin: true });
    const second = await json(fetch(`${base}private`, { headers: { authorization: 'allow' } }));
    // Cached for 300 s: the authorizer ran once.
    expect(second.event.requestContext.authorizer.calls).toBe(first.event.requestContext.authorizer.calls);
    const denied = await fetch(`${base}private`, { headers: { authorization: 'deny' } });
    expect([denied.status, await denied.text()]).toEqual([403, '{"Message":"User is not authorized to access this resource with an explicit deny"}']);
    expect((await fetch(`${base}private`, { headers: { authorization: 'unauthorized' } })).status).toBe(401);
    const broken = await fetch(`${base}private`, { headers: { authorization: 'error' } });
    expect([broken.status, broken.headers.get('x-amzn-errortype')]).toEqual([500, 'AuthorizerConfigurationException']);
  });

  it('REQUEST authorizer: identity header required, the REQUEST event reaches the authorizer', async () => {
    expect((await fetch(`${base}request-auth`)).status).toBe(401);
    const ok = await json(fetch(`${base}request-auth`, { headers: { 'x-token': 'allow' } }));
    expect(ok.event.requestContext.authorizer.principalId).toBe('user-123');
    expect((await fetch(`${base}request-auth`, { headers: { 'x-token': 'deny' } })).status).toBe(403);
  });

  it('AWS_IAM: an unsigned request is refused; a SigV4-signed one passes with its identity', async () => {
    const unsigned = await fetch(`${base}iam`);
    expect([unsigned.status, await unsigned.text()]).toEqual([403, '{"message":"Missing Authentication Token"}']);
    const auth = `AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20240101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
    const signed = await json(fetch(`${base}iam`, { headers: { authorization: auth } }));
    expect(signed.event.requestContext.identity).toMatchObject({ accessKey: 'AKIDLOCAL', accountId: '000000000000', userArn: 'arn:aws:iam::000000000000:user/AKIDLOCAL' });
  });

  it('SAM Cors: OPTIONS is answered by the mock method with the configured headers', async () => {
    const res = await curl(['-X', 'OPTIONS', `${base}items/1`, '-H', 'Origin: http://app.localhost', '-H', 'Access-Control-Request-Method: GET']);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toEqual(['http://app.localhost']);
    expect(res.headers['access-control-allow-headers']).toEqual(['content-type,x-token']);
    expect(res.headers['access-control-allow-methods']).toEqual(['GET,OPTIONS']);
    expect(res.headers['access-control-max-age']).toEqual(['600']);
  });

  it('the Host check applies (DNS rebinding), the Origin check does not (CORS decides)', async () => {
    const rebound = await curl([`${base}items/1`, '-H', 'Host: evil.example']);
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('DNS-rebinding');
    const crossSite = await fetch(`${base}items/1`, { headers: { origin: 'https://elsewhere.example', 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(200);
  });

  it('a Python handler behind the same API', async () => {
    const res = await fetch(`${base}py?x=1`);
    expect([res.status, res.headers.get('x-runtime')]).toEqual([201, 'python']);
    expect((await json(res)).event.queryStringParameters).toEqual({ x: '1' });
  });

  it('logs each request with the invocation it ran (web view)', async () => {
    const res = await json(fetch(`${em.url}/_ephemera/http-requests?limit=50`));
    const row = res.requests.find((r: { route?: string }) => r.route === 'GET /items/{id}');
    expect(row).toMatchObject({ type: 'http', door: 'REST', target: 'ShopApi', method: 'GET', status: 200 });
    expect(row.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    const health = await json(fetch(`${em.url}/_ephemera/health`));
    expect(health.frontDoor.apis.map((a: { logicalId: string }) => a.logicalId).sort()).toEqual(['ShopApi', 'WebApi']);
  });
});
