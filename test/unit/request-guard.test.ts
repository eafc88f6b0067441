// The request guard's decisions, table-driven: which Host and Origin values pass, and why a request
// is refused (CSRF, DNS rebinding), plus --allowed-hosts parsing, the binding warning and the policy.
import { describe, expect, it } from 'vitest';
import { exposureWarning, guardPolicy, isLoopback } from '../../server/http/bind-address.ts';
import {
  allowedHostProblem, allowedHosts, type GuardRequest, hostAllowed, hostnameOf, originAllowed, refusal,
} from '../../server/http/request-guard.ts';
import { OptionsError, parseOptions } from '../../server/options.ts';

const none = allowedHosts([]);
const listed = allowedHosts(['ephemera', '.example.test']);
const any = allowedHosts(['*']);

describe('hostAllowed', () => {
  const cases: Array<[string | undefined, boolean, boolean, boolean]> = [
    // Host header, default, with 'ephemera,.example.test', with '*'
    ['127.0.0.1:3001', true, true, true],
    ['127.0.0.1', true, true, true],
    ['10.1.2.3:80', true, true, true],
    ['0.0.0.0:3001', true, true, true],
    ['[::1]:3001', true, true, true],
    ['[::1]', true, true, true],
    ['[fe80::1]:1', true, true, true],
    ['localhost:3001', true, true, true],
    ['LOCALHOST:3001', true, true, true],
    ['localhost.:3001', true, true, true],
    ['app.localhost:3001', true, true, true],
    ['rebind.test:3001', false, false, true],
    ['localhost.rebind.test:3001', false, false, true],
    ['127.0.0.1.rebind.test', false, false, true],
    ['ephemera:3001', false, true, true],
    ['Ephemera:3001', false, true, true],
    ['ephemera.:3001', false, true, true],
    ['ephemera2:3001', false, false, true],
    ['example.test', false, true, true],
    ['api.example.test:443', false, true, true],
    ['a.b.example.test', false, true, true],
    ['badexample.test', false, false, true],
    ['example.test.evil', false, false, true],
    ['[::1', false, false, true],
    ['[::1]x', false, false, true],
    ['[notanip]:1', false, false, true],
    ['localhost:abc', false, false, true],
    ['', false, false, true],
    [undefined, false, false, false],
  ];
  it.each(cases)('Host %j: default %s, listed %s, any %s', (host, byDefault, withList, withAny) => {
    expect(hostAllowed(host, none)).toBe(byDefault);
    expect(hostAllowed(host, listed)).toBe(withList);
    expect(hostAllowed(host, any)).toBe(withAny);
  });
  it('reads the host name of a Host value', () => {
    expect(hostnameOf('[::1]:3001')).toBe('::1');
    expect(hostnameOf('Ephemera:3001')).toBe('ephemera');
    expect(hostnameOf('name.')).toBe('name');
    expect(hostnameOf('a:b:c')).toBeUndefined();
  });
});

describe('originAllowed', () => {
  const cases: Array<[string, string, boolean, boolean]> = [
    // Origin, Host, default, with 'ephemera,.example.test'
    ['http://127.0.0.1:3001', '127.0.0.1:3001', true, true],
    ['https://127.0.0.1:3001', '127.0.0.1:3001', true, true],
    ['http://localhost:3001', 'localhost:3001', true, true],
    ['http://127.0.0.1', '127.0.0.1', true, true],
    ['http://[::1]:3001', '[::1]:3001', true, true],
    ['http://127.0.0.1:5555', '127.0.0.1:3001', false, false],
    ['http://localhost:3001', '127.0.0.1:3001', false, false],
    ['http://localhost:5173', 'localhost:3001', false, false],
    ['https://evil.test', '127.0.0.1:3001', false, false],
    ['http://ephemera:8080', '127.0.0.1:3001', false, true],
    ['https://web.example.test', 'ephemera:3001', false, true],
    ['http://example.test.evil', 'ephemera:3001', false, false],
    ['http://ephemera/path', '127.0.0.1:3001', false, false],
    ['http://user@ephemera', '127.0.0.1:3001', false, false],
    ['file://', '127.0.0.1:3001', false, false],
    ['chrome-extension://abc', '127.0.0.1:3001', false, false],
  ];
  it.each(cases)('Origin %s to Host %s: default %s, listed %s', (origin, host, byDefault, withList) => {
    expect(originAllowed(origin, host, none)).toBe(byDefault);
    expect(originAllowed(origin, host, listed)).toBe(withList);
  });
  it("'*' allows every Host but trusts no other origin", () => {
    expect(originAllowed('https://evil.test', '127.0.0.1:3001', any)).toBe(false);
    expect(originAllowed('http://rebind.test:3001', 'rebind.test:3001', any)).toBe(true);
  });
});

describe('refusal', () => {
  const policy = { allowedHosts: [], checkOrigin: true };
  const hostOnly = { allowedHosts: [], checkOrigin: false };
  const req = (headers: Record<string, string>, method = 'POST', url = '/2015-03-31/functions/f/invocations'): GuardRequest => ({ method, url, headers });
  const H = { host: '127.0.0.1:3001' };

  const cases: Array<[string, GuardRequest, RegExp | undefined]> = [
    ['an SDK or curl (no Origin)', req(H), undefined],
    ['the aws CLI over h2c (:authority)', req({ ':authority': '127.0.0.1:3001' }), undefined],
    ['no Host (HTTP/1.0)', req({}), /without a Host header.*--allowed-hosts/],
    ['a rebinding page', req({ host: 'rebind.test:3001' }, 'GET', '/_ephemera/invocations'), /Host "rebind\.test:3001".*--allowed-hosts rebind\.test \(or EPHEMERA_ALLOWED_HOSTS=rebind\.test\)/],
    ['the web view itself', req({ ...H, origin: 'http://127.0.0.1:3001', 'sec-fetch-site': 'same-origin' }), undefined],
    ['a cross-site fetch', req({ ...H, origin: 'http://127.0.0.1:5555', 'sec-fetch-site': 'same-site' }), /web page at http:\/\/127\.0\.0\.1:5555.*--allowed-hosts 127\.0\.0\.1/],
    ['a form post from anywhere', req({ ...H, origin: 'https://evil.test', 'content-type': 'application/x-www-form-urlencoded' }, 'POST', '/'), /evil\.test.*CSRF/],
    ['a sandboxed frame', req({ ...H, origin: 'null' }), /Origin: null/],
    ['an <img> GET of a query action', req({ ...H, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }, 'GET', '/?Action=CreateQueue&QueueName=x'), /Sec-Fetch-Site: cross-site/],
    ['a link to a query action', req({ ...H, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, 'GET', '/?Action=CreateQueue&QueueName=x'), /Sec-Fetch-Site: cross-site/],
    ['a link to the web view', req({ ...H, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, 'GET', '/_ephemera/'), undefined],
    ['a frame of the web view (clickjacking)', req({ ...H, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' }, 'GET', '/_ephemera/'), /Sec-Fetch-Site: cross-site/],
    ['a link to the web view\'s data', req({ ...H, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, 'GET', '/_ephemera/invocations'), /Sec-Fetch-Site/],
    ['a typed address', req({ ...H, 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' }, 'GET', '/_ephemera/invocations'), undefined],
  ];
  it.each(cases)('%s', (_name, request, expected) => {
    const why = refusal(request, policy);
    if (expected) expect(why).toMatch(expected);
    else expect(why).toBeUndefined();
  });

  it('Host-only mode (a user\'s own HTTP API) leaves Origin to CORS but still checks Host', () => {
    expect(refusal(req({ ...H, origin: 'https://evil.test', 'sec-fetch-site': 'cross-site' }), hostOnly)).toBeUndefined();
    expect(refusal(req({ host: 'rebind.test' }), hostOnly)).toMatch(/DNS-rebinding/);
  });
  it('a listed name is allowed as Host and trusted as an origin', () => {
    const p = { allowedHosts: ['ephemera'], checkOrigin: true };
    expect(refusal(req({ host: 'ephemera:3001' }), p)).toBeUndefined();
    expect(refusal(req({ host: 'ephemera:3001', origin: 'http://ephemera:8080' }), p)).toBeUndefined();
    expect(refusal(req({ host: 'ephemera:3001', origin: 'http://other:8080' }), p)).toMatch(/other/);
  });
});

describe('--allowed-hosts', () => {
  it('reads a comma-separated list from the flag or EPHEMERA_ALLOWED_HOSTS, lower-cased', () => {
    expect(parseOptions([], {}).allowedHosts).toEqual([]);
    expect(parseOptions(['--allowed-hosts', 'Ephemera, .example.test,,'], {}).allowedHosts).toEqual(['ephemera', '.example.test']);
    expect(parseOptions([], { EPHEMERA_ALLOWED_HOSTS: 'ephemera' }).allowedHosts).toEqual(['ephemera']);
    expect(parseOptions(['--allowed-hosts=*'], { EPHEMERA_ALLOWED_HOSTS: 'x' }).allowedHosts).toEqual(['*']);
  });
  it.each([
    ['http://ephemera', /not a host name/],
    ['ephemera:3001', /not a host name/],
    ['*.example.test', /write '\.example\.test'/],
    ['a..b', /not a host name/],
  ])('refuses %s', (entry, message) => {
    expect(allowedHostProblem(entry)).toMatch(message);
    expect(() => parseOptions(['--allowed-hosts', entry], {})).toThrow(OptionsError);
  });
});

describe('binding', () => {
  it.each([
    ['127.0.0.1', true], ['127.0.0.2', true], ['::1', true], ['[::1]', true], ['localhost', true], ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false], ['::', false], ['192.168.1.10', false], ['ephemera', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
    expect(exposureWarning(host, 3001) === undefined).toBe(loopback);
  });
  it('says who can reach a non-loopback port and how to restrict it', () => {
    expect(exposureWarning('0.0.0.0', 3001)).toMatch(/anyone who can reach this port can create and invoke functions.*127\.0\.0\.1.*firewall.*--allowed-hosts/);
  });
  it('allows a name given to --host, but never lists localhost as a trusted origin', () => {
    expect(guardPolicy({ host: 'devbox.lan', allowedHosts: [] }).allowedHosts).toEqual(['devbox.lan']);
    expect(guardPolicy({ host: '0.0.0.0', allowedHosts: ['ephemera'] }).allowedHosts).toEqual(['ephemera']);
    expect(guardPolicy({ host: 'localhost', allowedHosts: [] }).allowedHosts).toEqual([]);
  });
});
