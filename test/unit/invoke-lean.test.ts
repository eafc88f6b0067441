// The Invoke calls read by hand on the main port (lib/lean-http.ts, server/http/lean-connections.ts),
// on raw loopback sockets with a fake invoker (no processes): which requests are read by hand (their
// answers are written in one piece, Date first), pipelining, a connection handed to node:http
// mid-way, the guard, the keep-alive timeout and closing the server.
import { type Socket, connect } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHttpApp } from '../../server/http/http-app.ts';
import { invokeFastPath, invokeLeanRoute, registerInvokeRoutes } from '../../server/http/invoke-routes.ts';
import type { InvocationService, InvokeRequest } from '../../server/invoke/invocation-service.ts';
import type { FunctionConfig } from '../../server/model.ts';
import type { AsyncInvoker } from '../../server/async/async-invoker.ts';
import { Registry } from '../../server/registry/registry.ts';

const config: FunctionConfig = {
  name: 'fn', logicalId: 'Fn', codeDir: '/nowhere', handler: 'index.handler', runtime: 'nodejs24.x', memorySize: 128,
  timeout: 3, environment: {}, ephemeralStorage: 512, description: '', architecture: 'x86_64', logFormat: 'Text',
};
const invoker = {
  async invoke(req: InvokeRequest) {
    return { requestId: `rid-${req.payload.toString()}`, executedVersion: '$LATEST', payload: req.payload };
  },
} as unknown as InvocationService;
const deps = { registry: new Registry([config], { region: 'us-east-1', accountId: '123456789012' }), invoker, asyncInvoker: {} as AsyncInvoker };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(keepAliveMs?: number): Promise<number> {
  app = createHttpApp(pino({ level: 'silent' }), invokeFastPath(deps, () => {}), undefined, invokeLeanRoute(deps, () => {}));
  registerInvokeRoutes(app, deps);
  app.get('/other', async () => ({ other: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  if (keepAliveMs !== undefined) app.server.keepAliveTimeout = keepAliveMs;
  return (app.server.address() as { port: number }).port;
}

const invoke = (payload: string, extra = ''): string =>
  `POST /2015-03-31/functions/fn/invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}Content-Length: ${payload.length}\r\n\r\n${payload}`;

/** Everything the server sends on one connection until `answers` answers are in (their bodies included). */
async function exchange(port: number, requests: string[], answers: number): Promise<{ socket: Socket; text: string }> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  const complete = (): boolean => {
    const heads = [...text.matchAll(/HTTP\/1\.1 \d{3}[^\r]*\r\n((?:[^\r]+\r\n)*)\r\n/g)];
    if (heads.length < answers) return false;
    const last = heads[answers - 1];
    const length = Number(/content-length: (\d+)/i.exec(last[1])?.[1] ?? 0);
    return text.length >= last.index + last[0].length + length;
  };
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (complete()) resolve();
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      for (const r of requests) socket.write(r);
    });
  });
  return { socket, text };
}

/** Each answer's status line and first header line, as `status | header`. */
const statusLines = (text: string): string[] => [...text.matchAll(/HTTP\/1\.1 \d{3}[^\r]*\r\n[^\r]*/g)].map((m) => m[0].replace('\r\n', ' | '));

describe('Invoke calls read by hand', () => {
  it('answers pipelined invokes in order, each in one piece written by hand (Date first, Keep-Alive as node:http says it)', async () => {
    const port = await start();
    const { socket, text } = await exchange(port, [invoke('"a"') + invoke('"b"')], 2);
    socket.destroy();
    const heads = statusLines(text);
    expect(heads).toHaveLength(2);
    for (const h of heads) expect(h).toMatch(/^HTTP\/1\.1 200 OK \| Date: /);
    expect(text).toContain('Keep-Alive: timeout=72\r\n');
    expect(text.indexOf('x-amzn-RequestId: rid-"a"')).toBeLessThan(text.indexOf('x-amzn-RequestId: rid-"b"'));
    expect(text.endsWith('"b"')).toBe(true);
  });

  it('hands the connection to node:http at the first request outside the subset, for good', async () => {
    const port = await start();
    const other = 'GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const { socket, text } = await exchange(port, [invoke('"1"'), other, invoke('"2"')], 3);
    socket.destroy();
    const heads = statusLines(text);
    expect(heads[0]).toMatch(/^HTTP\/1\.1 200 OK \| Date: /); // by hand
    expect(heads[1]).not.toMatch(/\| Date: /); // node:http writes its own headers first
    expect(text).toContain('{"other":true}');
    expect(heads[2]).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(heads[2]).not.toMatch(/\| Date: /); // node:http still
    expect(text).toContain('x-amzn-RequestId: rid-"2"');
  });

  it('leaves what it does not read by hand to node:http: a refused Origin, Expect, a qualifier in the query', async () => {
    const port = await start();
    const refused = await exchange(port, [invoke('"x"', 'Origin: http://evil.example\r\n')], 1);
    refused.socket.destroy();
    expect(statusLines(refused.text)[0]).toMatch(/^HTTP\/1\.1 403 /);
    expect(refused.text).toContain('AccessDeniedException');
    const expecting = await exchange(port, [invoke('"y"', 'Expect: 100-continue\r\n')], 2);
    expecting.socket.destroy();
    expect(statusLines(expecting.text)[0]).toMatch(/^HTTP\/1\.1 100 Continue/);
    expect(expecting.text).toContain('x-amzn-RequestId: rid-"y"');
    const qualified = await exchange(port, [invoke('"z"').replace('/invocations', '/invocations?Qualifier=%24LATEST')], 1);
    qualified.socket.destroy();
    expect(statusLines(qualified.text)[0]).not.toMatch(/\| Date: /);
    expect(qualified.text).toContain('x-amzn-RequestId: rid-"z"');
  });

  it('closes a connection idle for the keep-alive timeout, as node:http does', async () => {
    const port = await start(200);
    const { socket } = await exchange(port, [invoke('"k"')], 1);
    await new Promise((r) => socket.once('close', r)); // bounded by the test's timeout
    expect(socket.destroyed).toBe(true);
  });

  it('does not keep the server from closing (an idle connection read by hand is closed with it)', async () => {
    const port = await start();
    const { socket } = await exchange(port, [invoke('"c"')], 1);
    const closed = new Promise((r) => socket.once('close', r));
    await app!.close();
    app = undefined;
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});
