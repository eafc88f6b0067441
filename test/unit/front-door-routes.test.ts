// Route selection as API Gateway chooses (server/front-door/route-match.ts), table-driven: AWS's own
// documented examples for HTTP APIs and the REST precedence recorded on AWS (reference §1.1, §2.2).
import { describe, expect, it } from 'vitest';
import { RouteTable } from '../../server/front-door/route-match.ts';
import { resolveAddress, stripStage } from '../../server/front-door/address.ts';

const r = (key: string) => {
  if (key === '$default') return { method: 'ANY', path: '$default', key };
  const [method, path] = key.split(' ');
  return { method, path, key };
};

describe('HTTP API route selection (AWS documentation example)', () => {
  const table = new RouteTable(['GET /pets/dog/1', 'GET /pets/dog/{id}', 'GET /pets/{proxy+}', 'ANY /{proxy+}', '$default'].map(r));
  it.each([
    ['GET', '/pets/dog/1', 'GET /pets/dog/1', {}],
    ['GET', '/pets/dog/2', 'GET /pets/dog/{id}', { id: '2' }],
    ['GET', '/pets/cat/1', 'GET /pets/{proxy+}', { proxy: 'cat/1' }],
    ['POST', '/test/5', 'ANY /{proxy+}', { proxy: 'test/5' }],
    ['GET', '/', '$default', {}],
    ['GET', '/pets/dog/1/', 'GET /pets/dog/1', {}],
  ])('%s %s → %s', (method, path, key, params) => {
    const s = table.select(method, path);
    expect(s.kind).toBe('route');
    if (s.kind === 'route') {
      expect(s.route.key).toBe(key);
      expect(s.pathParameters).toEqual(params);
    }
  });
});

describe('REST resource precedence (recorded on AWS)', () => {
  const table = new RouteTable(['ANY /{param+}', 'GET /part1', 'POST /test', 'GET /items/{id}', 'ANY /items/{id}', 'GET /a//b'].map(r));
  it.each([
    // a literal branch without a deeper match falls back to the greedy resource higher up
    ['GET', '/part1/random-value', 'ANY /{param+}', { param: 'part1/random-value' }],
    ['GET', '/part1', 'GET /part1', {}],
    // the best resource lacks the method: a greedy one that has it wins
    ['OPTIONS', '/test', 'ANY /{param+}', { param: 'test' }],
    // an explicit method beats ANY on the same resource
    ['GET', '/items/7', 'GET /items/{id}', { id: '7' }],
    ['DELETE', '/items/7', 'ANY /items/{id}', { id: '7' }],
    // path parameters are not decoded
    ['GET', '/items/a%20b', 'GET /items/{id}', { id: 'a%20b' }],
  ])('%s %s → %s', (method, path, key, params) => {
    const s = table.select(method, path);
    expect(s.kind === 'route' && s.route.key).toBe(key);
    expect(s.kind === 'route' && s.pathParameters).toEqual(params);
  });

  it('a greedy variable needs at least one segment; no route is "none"', () => {
    expect(new RouteTable([r('ANY /{proxy+}')]).select('GET', '/').kind).toBe('none');
    expect(new RouteTable([r('GET /a')]).select('POST', '/a').kind).toBe('none');
  });

  it('lists the methods of the most specific resource at a path (REST CORS mock)', () => {
    const t = new RouteTable(['GET /items/{id}', 'PUT /items/{id}', 'ANY /{proxy+}'].map(r));
    expect(t.methodsAt('/items/3').sort()).toEqual(['GET', 'PUT']);
  });
});

describe('addresses on the API port', () => {
  const ids = new Set(['abcdefghij', 'klmnopqrst']);
  it.each([
    ['abcdefghij.execute-api.localhost:3000', '/dev/x', { kind: 'api', apiId: 'abcdefghij', path: '/dev/x', staged: true }],
    ['abcdefghij.execute-api.us-east-1.localhost', '/x', { kind: 'api', apiId: 'abcdefghij', path: '/x', staged: true }],
    ['zzzzzzzzzz.execute-api.localhost', '/x', { kind: 'unknown-host-api', apiId: 'zzzzzzzzzz' }],
    ['127.0.0.1:3000', '/klmnopqrst/prod/a', { kind: 'api', apiId: 'klmnopqrst', path: '/prod/a', staged: true }],
    ['127.0.0.1:3000', '/klmnopqrst', { kind: 'api', apiId: 'klmnopqrst', path: '/', staged: true }],
    ['127.0.0.1:3000', '/other', { kind: 'none' }],
    [`${'a'.repeat(32)}.lambda-url.us-east-1.localhost:3000`, '/', { kind: 'url', urlId: 'a'.repeat(32) }],
  ])('%s %s', (host, path, expected) => {
    expect(resolveAddress(host, path, ids, undefined)).toEqual(expected);
  });

  it('serves a single API at the root, stage-less', () => {
    expect(resolveAddress('localhost:3000', '/users', new Set(['abcdefghij']), 'abcdefghij')).toEqual({ kind: 'api', apiId: 'abcdefghij', path: '/users', staged: false });
  });

  it.each([
    ['/dev/x', 'dev', '/x'], ['/dev', 'dev', '/'], ['/devx', 'dev', undefined], ['/x', '$default', '/x'], ['/prod/x', 'dev', undefined],
  ])('stage of %s at %s → %s', (path, stage, out) => expect(stripStage(path, stage)).toBe(out));
});
