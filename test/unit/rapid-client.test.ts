// The Node runtime client's HTTP/1.1 client (runtime-api/bootstrap/nodejs/rapid-client.mjs) against a
// loopback socket that answers in pieces: every read lands in one shared buffer, so what the parser keeps
// across reads (a split head, body chunks, chunked framing) must survive the next read overwriting it.
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs of the runtime client, no type declarations
import { RapidClient } from '../../runtime-api/bootstrap/nodejs/rapid-client.mjs';

interface Answer { status: number; headers: Record<string, string>; body: string }
type Done<T> = (err: Error | undefined, value?: T) => void;
interface Client {
  next(extra: undefined, done: Done<Answer>): void;
  next(): Promise<Answer>;
  postResponse(id: string, json: string): Promise<number>;
}

const BODY = JSON.stringify({ text: 'é€𝄞'.repeat(300), n: 1 }); // multi-byte characters across split points
const FIXED = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: r-1\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`;
const BODY_BYTES = Buffer.from(BODY);
// Chunk boundaries in bytes, one inside a multi-byte character.
const CHUNKED = Buffer.concat([
  Buffer.from('HTTP/1.1 200 OK\r\nlambda-runtime-aws-request-id:   r-2  \r\nTransfer-Encoding: chunked\r\n\r\n'),
  ...[BODY_BYTES.subarray(0, 1003), BODY_BYTES.subarray(1003)].flatMap((part) => [Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]),
  Buffer.from('0\r\n\r\n'),
]);

let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy(); // the client's keep-alive connection
  sockets.clear();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server that answers each request with `answers[i]`, written in pieces of `piece` bytes, one per tick. */
async function serve(answers: Array<string | Buffer>, piece: number): Promise<string> {
  let i = 0;
  server = createServer((socket: Socket) => {
    sockets.add(socket);
    socket.on('data', () => {
      const bytes = Buffer.from(answers[i++ % answers.length]);
      let at = 0;
      const step = (): void => {
        if (at >= bytes.length || socket.destroyed) return;
        socket.write(bytes.subarray(at, (at += piece)));
        setImmediate(step);
      };
      step();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('RapidClient: answers split across reads', () => {
  it.each([1, 7, 100, 4096, 1 << 20])('a Content-Length answer, then a chunked one, in pieces of %i bytes', async (piece) => {
    const client = new RapidClient(await serve([FIXED, CHUNKED], piece)) as Client;
    const first = await client.next();
    const second = await new Promise<Answer>((ok, fail) => client.next(undefined, (err, res) => (err ? fail(err) : ok(res!))));
    expect(first.headers['lambda-runtime-aws-request-id']).toBe('r-1');
    expect(first.body).toBe(BODY);
    expect(second.headers['lambda-runtime-aws-request-id']).toBe('r-2'); // names lower-cased, whitespace trimmed
    expect(second.body).toBe(BODY);
    expect(first.body).toBe(BODY); // still intact after the buffer was reused
  });

  it('a POST answered 202 resolves the status; a malformed status line fails the request', async () => {
    const client = new RapidClient(await serve(['HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n', 'HTTX/1.1 200 OK\r\n\r\n'], 3)) as Client;
    expect(await client.postResponse('r-1', '{}')).toBe(202);
    await expect(client.next()).rejects.toThrow(/bad status line/);
  });
});
