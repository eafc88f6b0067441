// The main port (HTTP/1.1 and h2c on one listener) closes even when clients hold connections that
// never sent a byte (a browser's preconnect) or that a client abandoned mid-stream (an aborted SSE).
import { connect as connectHttp2 } from 'node:http2';
import { connect } from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../server/http/http-app.ts';

async function closesWithin(app: ReturnType<typeof createHttpApp>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  const closed = await Promise.race([app.close().then(() => true), timedOut]);
  clearTimeout(timer);
  return closed;
}

describe('closing the API server', () => {
  it('does not wait for a connection that has sent nothing', async () => {
    const app = createHttpApp(pino({ level: 'silent' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const ended = new Promise((r) => socket.once('close', r));
    expect(await closesWithin(app, 3000)).toBe(true);
    await ended;
  });

  it('does not wait for a client that aborted a stream (fetch opens another connection then)', async () => {
    const app = createHttpApp(pino({ level: 'silent' }));
    app.get('/stream', (_request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'Content-Type': 'text/event-stream' });
      reply.raw.write(': open\n\n');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/stream`, { signal: abort.signal });
    expect((await res.body!.getReader().read()).done).toBe(false);
    abort.abort();
    await new Promise((r) => setTimeout(r, 100));
    expect(await closesWithin(app, 3000)).toBe(true);
  });

  it('does not wait for an idle HTTP/2 session (the SDK v3 Kinesis client keeps one open)', async () => {
    const app = createHttpApp(pino({ level: 'silent' }));
    app.get('/ping', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    session.on('error', () => {});
    try {
      const req = session.request({ ':path': '/ping' });
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c));
      await new Promise((r) => req.once('end', r));
      expect(JSON.parse(body)).toEqual({ ok: true });
      const ended = new Promise((r) => session.once('close', r));
      expect(await closesWithin(app, 3000)).toBe(true);
      await ended;
    } finally {
      session.destroy();
    }
  });
});
