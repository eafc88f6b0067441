// h2c next to HTTP/1.1 on one port (server/http/h2c.ts): both protocols reach the handler, and a
// connection that never says which it speaks is closed like an idle HTTP/1.1 one (headersTimeout).
import { createServer, type Server } from 'node:http';
import { connect as h2connect } from 'node:http2';
import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { acceptH2c } from '../../server/http/h2c.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  server = undefined;
});

async function listen(): Promise<number> {
  const handler = (req: { httpVersion: string }, res: { end(s: string): void }) => res.end(`v${req.httpVersion}`);
  server = createServer(handler as never);
  acceptH2c(server, handler as never);
  server.headersTimeout = 300;
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

it('serves HTTP/1.1 and HTTP/2 with prior knowledge on one port', async () => {
  const port = await listen();
  expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('v1.1');
  const session = h2connect(`http://127.0.0.1:${port}`);
  const body = await new Promise<string>((resolve, reject) => {
    const req = session.request({ ':path': '/' });
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { text += c; });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
  session.close();
  expect(body).toBe('v2.0');
});

it('closes a connection that sends nothing after headersTimeout (it was kept until the server closed)', async () => {
  const port = await listen();
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const closed = new Promise<string>((r) => socket.on('close', () => r('closed')));
  const verdict = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 5000))]);
  socket.destroy();
  expect(verdict).toBe('closed');
});
