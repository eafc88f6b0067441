// Payload 1.0 / 2.0 events and the response mapping (server/front-door/*), from the examples AWS
// recorded (reference http-front-door.md §1–§3): field by field, table-driven.
import { describe, expect, it } from 'vitest';
import { buildV1Event } from '../../server/front-door/rest-event.ts';
import { buildV2Event } from '../../server/front-door/http-event.ts';
import { mapV1Response, mapV2Response } from '../../server/front-door/response-mapping.ts';
import { failureReply } from '../../server/front-door/gateway-reply.ts';
import { gatewayTime } from '../../server/front-door/gateway-ids.ts';
import { httpIsBinary, mediaTypeMatches } from '../../server/front-door/body-encoding.ts';
import type { RequestView } from '../../server/front-door/request-view.ts';

const view = (over: Partial<RequestView> = {}): RequestView => ({
  method: 'GET', rawPath: '/dev/items/test%2Balias@x', rawQuery: 'category=electronics&category=books&q=a+b%2B', body: Buffer.alloc(0),
  headers: [['Host', 'abc.execute-api.localhost:3000'], ['tEsT-HEADeR', 'one'], ['user-agent', 'curl/8'], ['authorization', 'x'],
    ['Connection', 'keep-alive'], ['Cookie', 'a=1; b=2'], ['X-Multi', '1'], ['X-Multi', '2']],
  sourceIp: '127.0.0.1', receivedAt: Date.UTC(2020, 2, 12, 19, 3, 58, 120), ...over,
});

const v1ctx = {
  kind: 'REST' as const, accountId: '000000000000', apiId: 'abcdefghij', stage: 'dev', stageVariables: {}, binaryMediaTypes: ['image/*'],
  resource: '/items/{id}', resourceId: 'r1', deploymentId: 'd1', path: '/items/test%2Balias@x', requestPath: '/dev/items/test%2Balias@x',
  pathParameters: { id: 'test%2Balias@x' }, requestId: 'req', extendedRequestId: 'ext=', domainName: 'abc.execute-api.localhost:3000',
  traceId: 'Root=1-x', port: '3000',
};

describe('REST (payload 1.0) event', () => {
  const e = buildV1Event(view(), v1ctx) as Record<string, any>;
  it('keeps the path encoded, without the stage; requestContext.path has it', () => {
    expect(e.path).toBe('/items/test%2Balias@x');
    expect(e.requestContext.path).toBe('/dev/items/test%2Balias@x');
    expect(e.pathParameters).toEqual({ id: 'test%2Balias@x' });
    expect(e.resource).toBe('/items/{id}');
  });
  it('queries: decoded, the last value single, all values multi', () => {
    expect(e.queryStringParameters).toEqual({ category: 'books', q: 'a b+' });
    expect(e.multiValueQueryStringParameters).toEqual({ category: ['electronics', 'books'], q: ['a b+'] });
  });
  it('headers: client casing but Authorization and User-Agent, hop-by-hop dropped, forwarding added', () => {
    expect(e.headers['tEsT-HEADeR']).toBe('one');
    expect(e.headers.Authorization).toBe('x');
    expect(e.headers['User-Agent']).toBe('curl/8');
    expect(e.headers.Connection).toBeUndefined();
    expect(e.headers['X-Multi']).toBe('2');
    expect(e.multiValueHeaders['X-Multi']).toEqual(['1', '2']);
    expect(e.headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(e.headers['X-Forwarded-Proto']).toBe('http');
  });
  it('no body is null; requestContext as recorded, authorizer absent', () => {
    expect(e.body).toBeNull();
    expect(e.isBase64Encoded).toBe(false);
    expect(e.stageVariables).toBeNull();
    expect(e.requestContext.requestTime).toBe('12/Mar/2020:19:03:58 +0000');
    expect(e.requestContext.requestTimeEpoch).toBe(Date.UTC(2020, 2, 12, 19, 3, 58, 120));
    expect(e.requestContext.identity.sourceIp).toBe('127.0.0.1');
    expect(e.requestContext.identity.userAgent).toBe('curl/8');
    expect(e.requestContext).not.toHaveProperty('authorizer');
    expect(Object.keys(e.requestContext)).toEqual(['accountId', 'apiId', 'deploymentId', 'domainName', 'domainPrefix', 'extendedRequestId', 'httpMethod',
      'identity', 'path', 'protocol', 'requestId', 'requestTime', 'requestTimeEpoch', 'resourceId', 'resourcePath', 'stage']);
  });
  it('a body of a binary media type arrives base64', () => {
    const png = buildV1Event(view({ method: 'POST', headers: [['Content-Type', 'image/png']], body: Buffer.from([0, 1, 2]) }), v1ctx) as Record<string, any>;
    expect(png.body).toBe('AAEC');
    expect(png.isBase64Encoded).toBe(true);
    const text = buildV1Event(view({ method: 'POST', headers: [['Content-Type', 'application/json']], body: Buffer.from('{"a":1}') }), v1ctx) as Record<string, any>;
    expect(text.body).toBe('{"a":1}');
    expect(text.isBase64Encoded).toBe(false);
  });
  it('HTTP API payload 1.0: version, lower-cased headers, stage in path, authorizer claims null', () => {
    const h = buildV1Event(view(), { ...v1ctx, kind: 'HTTP', stage: '$default', path: '/items/x', requestPath: '/items/x', resourceId: null }) as Record<string, any>;
    expect(h.version).toBe('1.0');
    expect(h.headers['test-header']).toBe('one');
    expect(h.requestContext.authorizer).toEqual({ claims: null, scopes: null });
    expect(h.requestContext.resourceId).toBeNull();
  });
});

describe('HTTP API (payload 2.0) event', () => {
  const ctx = {
    accountId: '000000000000', apiId: 'abcdefghij', routeKey: 'GET /items/{id}', stage: '$default', stageVariables: {}, rawPath: '/pa2%Fth/1',
    pathParameters: {}, requestId: 'id=', domainName: 'x', traceId: 'Root=1-x', port: '3000',
  };
  const e = buildV2Event(view({ rawPath: '/pa2%Fth/1', rawQuery: 'multiQuery=foo&multiQuery=%2Fbar' }), ctx) as Record<string, any>;
  it('raw path and query as sent, query decoded and comma-joined, cookies apart', () => {
    expect(e.rawPath).toBe('/pa2%Fth/1');
    expect(e.rawQueryString).toBe('multiQuery=foo&multiQuery=%2Fbar');
    expect(e.queryStringParameters).toEqual({ multiQuery: 'foo,/bar' });
    expect(e.cookies).toEqual(['a=1', 'b=2']);
    expect(e.headers.cookie).toBeUndefined();
    expect(e.headers['x-multi']).toBe('1,2');
    expect(e.headers['test-header']).toBe('one');
  });
  it('empty parts are left out', () => {
    const bare = buildV2Event(view({ rawQuery: '', headers: [] }), ctx) as Record<string, any>;
    for (const key of ['body', 'cookies', 'queryStringParameters', 'pathParameters', 'stageVariables']) expect(bare).not.toHaveProperty(key);
    expect(bare.isBase64Encoded).toBe(false);
    expect(bare.requestContext.time).toBe('12/Mar/2020:19:03:58 +0000');
    expect(bare.requestContext.http).toEqual({ method: 'GET', path: '/pa2%Fth/1', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' });
  });
  it.each([
    ['text/plain', false], ['application/json; charset=utf-8', false], ['application/xml', false], ['application/javascript', false],
    ['application/x-www-form-urlencoded', true], ['multipart/form-data; boundary=x', true], [undefined, true], ['image/png', true],
  ])('body of type %s arrives base64: %s', (type, binary) => expect(httpIsBinary(type)).toBe(binary));
  it('media type patterns', () => {
    expect(mediaTypeMatches('image/png', ['image/*'])).toBe(true);
    expect(mediaTypeMatches('text/html', ['*/*'])).toBe(true);
    expect(mediaTypeMatches('text/html', ['image/png'])).toBe(false);
  });
});

const text = (m: ReturnType<typeof mapV1Response>) => (m.ok ? { status: m.reply.status, body: m.reply.body.toString(), headers: m.reply.headers } : m.reason);
const rest = (v: unknown, accept?: string) => text(mapV1Response(Buffer.from(JSON.stringify(v)), { kind: 'REST', binaryMediaTypes: ['image/png'], accept }));

describe('REST response mapping (recorded on AWS, 2024-11-15)', () => {
  it.each([
    [{ statusCode: 200 }, 200, ''],
    [{ headers: { a: 'b' } }, 200, ''],
    [{ statusCode: '201' }, 201, ''],
    [{ statusCode: 200, body: 'dGVzdC1kYXRh', isBase64Encoded: true }, 200, 'dGVzdC1kYXRh'],
  ])('%j → %i', (result, status, body) => {
    const m = rest(result) as { status: number; body: string; headers: Array<[string, string]> };
    expect(m.status).toBe(status);
    expect(m.body).toBe(body);
    expect(m.headers).toContainEqual(['Content-Type', 'application/json']);
  });
  it.each([[{ statusCode: 'test' }], [{ statusCode: 200, foo: 1 }], ['a string'], [{ multiValueHeaders: { a: 'b' } }], [{ body: { a: 1 } }]])('%j is malformed', (result) => {
    expect(typeof rest(result)).toBe('string');
  });
  it('headers: true as "true", multi-value casing wins, identical pairs once, restricted ones remapped', () => {
    const m = rest({ headers: { t: true, 'test-multi': 'value-solo', Date: 'x', Server: 'me' }, multiValueHeaders: { 'tesT-Multi': ['value-multi'] } }) as { headers: Array<[string, string]> };
    expect(m.headers).toContainEqual(['t', 'true']);
    expect(m.headers.filter(([k]) => k.toLowerCase() === 'test-multi')).toEqual([['tesT-Multi', 'value-multi'], ['tesT-Multi', 'value-solo']]);
    expect(m.headers).toContainEqual(['x-amzn-Remapped-Date', 'x']);
    expect(m.headers).toContainEqual(['x-amzn-Remapped-Server', 'me']);
  });
  it('base64 bodies are decoded only when the request accepts a binary media type', () => {
    const png = mapV1Response(Buffer.from(JSON.stringify({ body: 'AAEC', isBase64Encoded: true })), { kind: 'REST', binaryMediaTypes: ['image/png'], accept: 'image/png,*/*' });
    expect(png.ok && [...png.reply.body]).toEqual([0, 1, 2]);
  });
  it('HTTP API 1.0: statusCode required, unknown keys ignored, base64 decoded', () => {
    const http = (v: unknown) => mapV1Response(Buffer.from(JSON.stringify(v)), { kind: 'HTTP', binaryMediaTypes: [], accept: undefined });
    expect(http({ body: 'x' }).ok).toBe(false);
    const ok = http({ statusCode: 200, body: 'AAEC', isBase64Encoded: true, extra: 1 });
    expect(ok.ok && [...ok.reply.body]).toEqual([0, 1, 2]);
  });
});

describe('payload 2.0 response mapping (recorded on a function URL, 2025-11-24)', () => {
  it.each([
    [{ hello: 'world' }, 200, '{"hello":"world"}'],
    [{ statusCode: 200, body: 'body123' }, 200, 'body123'],
    [{ statusCode: 200, body: '{"hello": "world"}' }, 200, '{"hello": "world"}'],
    [['hello', 3, true], 200, '["hello",3,true]'],
    ['hello', 200, 'hello'],
    [3, 200, '3'], [3.1, 200, '3.1'], [true, 200, 'true'],
    [{ statusCode: '418', body: "i'm a teapot" }, 418, "i'm a teapot"],
    [{ statusCode: 200, body: { a: [1] } }, 200, '{"a":[1]}'],
  ])('%j → %i %s', (result, status, body) => {
    const m = mapV2Response(Buffer.from(JSON.stringify(result)));
    expect(m.ok && m.reply.status).toBe(status);
    expect(m.ok && m.reply.body.toString()).toBe(body);
    expect(m.ok && m.reply.headers).toContainEqual(['content-type', 'application/json']);
  });
  it('cookies become set-cookie headers; base64 bodies are decoded', () => {
    const m = mapV2Response(Buffer.from(JSON.stringify({ statusCode: 200, cookies: ['a=1', 'b=2'], body: 'AAEC', isBase64Encoded: true, headers: { 'content-type': 'image/png' } })));
    expect(m.ok && m.reply.headers.filter(([k]) => k === 'set-cookie')).toEqual([['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
    expect(m.ok && [...m.reply.body]).toEqual([0, 1, 2]);
  });
  it('a bad statusCode is malformed', () => expect(mapV2Response(Buffer.from('{"statusCode":"x"}')).ok).toBe(false));
});

describe('AWS\'s own answers', () => {
  it.each([
    ['REST', 'no-route', 403, '{"message":"Missing Authentication Token"}'],
    ['REST', 'function-error', 502, '{"message": "Internal server error"}'],
    ['REST', 'throttled', 500, '{"message": "Internal server error"}'],
    ['REST', 'integration-timeout', 504, '{"message": "Endpoint request timed out"}'],
    ['HTTP', 'no-route', 404, '{"message":"Not Found"}'],
    ['HTTP', 'function-error', 500, '{"message":"Internal Server Error"}'],
    ['HTTP', 'integration-timeout', 503, '{"message":"Service Unavailable"}'],
    ['URL', 'function-error', 502, 'Internal Server Error'],
    ['URL', 'throttled', 429, '{"Message":"Rate Exceeded."}'],
  ] as const)('%s %s → %i %s', (door, failure, status, body) => {
    const r = failureReply(door, failure);
    expect(r.status).toBe(status);
    expect(r.body.toString()).toBe(body);
  });
  it('REST 502 body is exactly 36 bytes (recorded Content-Length)', () => expect(failureReply('REST', 'function-error').body.length).toBe(36));
  it('time format', () => expect(gatewayTime(Date.UTC(2020, 0, 4, 5, 6, 7))).toBe('04/Jan/2020:05:06:07 +0000'));
});
