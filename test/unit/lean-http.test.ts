// The Runtime API's hand-read calls (lib/lean-http.ts): which heads are read by hand and which
// go to node:http, and a real listener (RuntimeApiServer on loopback) answering both kinds on one
// connection, in order, with the Host check on either path.
import { connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuntimeApiHost } from '../../runtime-api/host.ts';
import { LeanConnection, parseLeanHead, type Reply } from '../../lib/lean-http.ts';
import { RuntimeApiServer } from '../../runtime-api/server.ts';

const head = (text: string): ReturnType<typeof parseLeanHead> => parseLeanHead(Buffer.from(text, 'latin1'));
const NEXT = 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n';

describe('parseLeanHead', () => {
  it('takes a GET next and a POST with a Content-Length body', () => {
    expect(head(NEXT)).toEqual({ method: 'GET', path: '/2018-06-01/runtime/invocation/next', headers: { host: '127.0.0.1:9001' }, headLength: NEXT.length, bodyLength: 0 });
    const post = 'POST /2018-06-01/runtime/invocation/abc/response HTTP/1.1\r\nhost: x\r\nContent-Type: application/json\r\nContent-Length:  2 \r\n\r\n{}';
    expect(head(post)).toMatchObject({ method: 'POST', headers: { host: 'x', 'content-type': 'application/json', 'content-length': '2' }, bodyLength: 2, headLength: post.length - 2 });
  });

  it('waits for the rest of a head', () => {
    expect(head('GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n')).toBe('incomplete');
  });

  const others: Array<[string, string]> = [
    ['HTTP/1.0', 'GET /a HTTP/1.0\r\n\r\n'],
    ['another method', 'PUT /a HTTP/1.1\r\n\r\n'],
    ['a query string', 'GET /a?x=1 HTTP/1.1\r\n\r\n'],
    ['an absolute URI', 'GET http://x/a HTTP/1.1\r\n\r\n'],
    ['a chunked body', 'POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['Expect: 100-continue', 'POST /a HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n'],
    ['Connection: close', 'GET /a HTTP/1.1\r\nConnection: close\r\n\r\n'],
    ['an upgrade', 'GET /a HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'],
    ['two Content-Lengths', 'POST /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx'],
    ['two Hosts', 'GET /a HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
    ['a signed length', 'POST /a HTTP/1.1\r\nContent-Length: +1\r\n\r\nx'],
    ['a GET with a body', 'GET /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nx'],
    ['a folded header', 'GET /a HTTP/1.1\r\nX-A: 1\r\n  2\r\n\r\n'],
    ['a header name with a space', 'GET /a HTTP/1.1\r\nX A: 1\r\n\r\n'],
    ['extra words in the request line', 'GET /a b HTTP/1.1\r\n\r\n'],
    ['a head over 8 KiB', `GET /a HTTP/1.1\r\nX-A: ${'a'.repeat(9000)}\r\n\r\n`],
    ['no end of head after 8 KiB', `GET /a HTTP/1.1\r\nX-A: ${'a'.repeat(9000)}`],
  ];
  for (const [name, text] of others) it(`leaves ${name} to node:http`, () => expect(head(text)).toBeUndefined());
});

describe('RuntimeApiServer: hand-read and node:http calls on one connection', () => {
  let server: RuntimeApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const responses: Array<[string, string]> = [];
  const host: RuntimeApiHost = {
    initReady: () => {},
    initError: () => {},
    invocationResponse: (id, payload) => void responses.push([id, payload.toString()]),
    invocationError: () => {},
    invocationDone: () => {},
  };

  /** Writes `requests` one after another on one socket, each once the answer to the one before is in. */
  async function exchange(address: string, requests: string[]): Promise<string[]> {
    const [h, port] = address.split(':');
    const sock = connect({ host: h, port: Number(port) });
    const answers: string[] = [];
    let buf = '';
    let wake: (() => void) | undefined;
    sock.setEncoding('latin1').on('data', (d: string) => {
      buf += d;
      wake?.();
    });
    const complete = (): string | undefined => {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const length = Number(/content-length: *(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + length) return undefined;
      const one = buf.slice(0, end + 4 + length);
      buf = buf.slice(one.length);
      return one;
    };
    for (const r of requests) {
      sock.write(r);
      answers.push(await new Promise<string>((resolve) => {
        const look = (): void => {
          const one = complete();
          if (one) resolve(one);
        };
        wake = look;
        look();
      }));
    }
    sock.destroy();
    return answers;
  }

  it('answers next and response by hand, then hands the connection to node:http for a call it does not read', async () => {
    server = new RuntimeApiServer(host);
    const address = await server.listen();
    const hostHeader = `Host: ${address}\r\n`;
    const nextReq = `GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n${hostHeader}\r\n`;
    const answersP = exchange(address, [
      nextReq,
      `POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\n${hostHeader}Content-Length: 7\r\n\r\n{"a":1}`,
      // Not read by hand (not a Runtime API call): node:http answers it, 404 as before.
      `GET /nothing HTTP/1.1\r\n${hostHeader}\r\n`,
      // After the hand-over node:http answers every call on this connection, in order.
      `POST /2018-06-01/runtime/invocation/nope/response HTTP/1.1\r\n${hostHeader}Content-Length: 2\r\n\r\n{}`,
    ]);
    await new Promise((r) => setTimeout(r, 50));
    server.dispatch({ requestId: 'req-1', payload: Buffer.from('{"x":1}'), deadlineMs: 1, invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f' });
    const answers = await answersP;
    expect(answers[0]).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answers[0]).toContain('Lambda-Runtime-Aws-Request-Id: req-1\r\n');
    expect(answers[0].endsWith('\r\n\r\n{"x":1}')).toBe(true);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 202 Accepted\r\n[\s\S]*\r\n\r\n\{"status":"OK"\}$/);
    expect(responses).toContainEqual(['req-1', '{"a":1}']);
    expect(answers[2]).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(answers[3]).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*InvalidRequestID/);
  });

  it('takes a 5 MB response that comes in many chunks, in one piece', async () => {
    server = new RuntimeApiServer(host);
    const address = await server.listen();
    const hostHeader = `Host: ${address}\r\n`;
    const big = `"${'x'.repeat(5 * 1024 * 1024)}"`;
    const answersP = exchange(address, [
      `GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n${hostHeader}\r\n`,
      `POST /2018-06-01/runtime/invocation/req-big/response HTTP/1.1\r\n${hostHeader}Content-Length: ${big.length}\r\n\r\n${big}`,
    ]);
    await new Promise((r) => setTimeout(r, 50));
    server.dispatch({ requestId: 'req-big', payload: Buffer.from('{}'), deadlineMs: 1, invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f' });
    const answers = await answersP;
    expect(answers[1]).toMatch(/^HTTP\/1\.1 202 Accepted\r\n/);
    const got = responses.find(([id]) => id === 'req-big');
    expect(got?.[1].length).toBe(big.length);
    expect(got?.[1] === big).toBe(true);
  });

  it('refuses another Host on the hand-read calls too (node:http answers 403)', async () => {
    server = new RuntimeApiServer(host);
    const address = await server.listen();
    const [answer] = await exchange(address, ['GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: attacker.example\r\n\r\n']);
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
  });
});

describe('LeanConnection', () => {
  it('drops the connection rather than write a header value with a line break in it (as node:http refuses it)', async () => {
    const server = createServer((socket) => {
      new LeanConnection(socket, {
        route: () => (_body: Buffer, reply: Reply) => {
          reply.writeHead(200, { 'X-Echo': 'a\r\nInjected: yes' });
          reply.end('x');
        },
        handOff: () => socket.destroy(),
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.on('error', () => {});
      socket.write('GET /x HTTP/1.1\r\nHost: h\r\n\r\n');
      await new Promise((r) => socket.once('close', r));
      expect(text).toBe('');
    } finally {
      server.close();
    }
  });
});
