// The Runtime API listener answers only its environment's own processes: a request addressed to
// another Host (a DNS-rebinding page) or made by a browser (Origin, Sec-Fetch-Site) is refused with
// 403 before it reaches the runtime state, over real loopback sockets.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuntimeApiHost } from '../../runtime-api/host.ts';
import { RuntimeApiServer } from '../../runtime-api/server.ts';
import { waitFor } from '../helpers/emulator.ts';

let calls: string[];
let api: RuntimeApiServer;
let address: string;

beforeEach(async () => {
  calls = [];
  const host: RuntimeApiHost = {
    initReady: () => calls.push('init-ready'),
    invocationDone: (id) => calls.push(`done:${id}`),
    invocationResponse: (id) => calls.push(`response:${id}`),
    invocationError: (id) => calls.push(`error:${id}`),
    initError: (_payload, type) => calls.push(`init-error:${type}`),
  };
  api = new RuntimeApiServer(host);
  address = await api.listen();
});
afterEach(() => api.close());

function send(method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string }> {
  const [hostname, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port: Number(port), method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Runtime API request guard', () => {
  it.each([
    ['a rebinding Host', { host: 'rebind.test' }],
    ['an Origin', { origin: 'http://127.0.0.1:5555' }],
    ['Origin: null', { origin: 'null' }],
    ['Sec-Fetch-Site', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses %s (403, nothing reaches the runtime state)', async (_name, headers) => {
    const port = address.split(':')[1];
    // The rebinding page reaches the right port under its own name.
    const h: Record<string, string> = { ...headers, ...('host' in headers ? { host: `rebind.test:${port}` } : {}) };
    const next = await send('GET', '/2018-06-01/runtime/invocation/next', h);
    expect(next.status).toBe(403);
    expect(JSON.parse(next.body)).toEqual({ errorType: 'Forbidden', errorMessage: expect.stringMatching(/own processes/) });
    const error = await send('POST', '/2018-06-01/runtime/init/error', { ...h, 'content-type': 'application/json' }, '{}');
    expect(error.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('answers the address it gave in AWS_LAMBDA_RUNTIME_API (the runtime\'s /next parks)', async () => {
    const parked = send('GET', '/2018-06-01/runtime/invocation/next', {}).catch((err: Error) => err.message);
    await waitFor(() => calls.length > 0);
    expect(calls).toEqual(['init-ready']);
    await api.close();
    expect(await parked).not.toMatch(/^\{/);
  });

  it('answers localhost:<port>', async () => {
    const port = address.split(':')[1];
    const res = await send('POST', '/2018-06-01/runtime/init/error', { host: `localhost:${port}`, 'content-type': 'application/json' }, '{}');
    expect(res.status).toBe(202);
    expect(calls).toEqual(['init-error:Runtime.Unknown']);
  });

  it('answers an HTTP/1.0 client that sends no Host (no browser does that)', async () => {
    const [hostname, port] = address.split(':');
    const socket = connect(Number(port), hostname);
    socket.write('POST /2018-06-01/runtime/init/error HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    await new Promise((r) => socket.once('close', r));
    expect(text).toMatch(/^HTTP\/1\.1 202/);
    expect(calls).toEqual(['init-error:Runtime.Unknown']);
  });
});
