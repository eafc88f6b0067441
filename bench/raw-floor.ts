// The raw floor for the CPU-per-invoke benchmark: a plain node:http server and worker processes doing
// an invoke's two round trips and nothing else. The caller POSTs /invoke; the server answers a worker's
// parked GET /next with the event; the worker parses it, POSTs its result and asks for the next one; the
// server answers the caller. The worker speaks through the Node runtime's own HTTP/1.1 client
// (rapid-client.mjs, the cheapest client we have): no handler, no logs, no freeze, no leak tracking.
// The `bare` server does the same on plain sockets with a minimal hand-written HTTP/1.1 parser: what
// the two round trips cost below node:http (fixed-length bodies only: a measurement, not a server).
// Run as `node bench/raw-floor.ts server|bare` (prints its port) or `... worker <port>`.
import { type ChildProcess, spawn } from 'node:child_process';
import { type ServerResponse, createServer } from 'node:http';
import { type AddressInfo, type Socket, createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { readBody } from '../lib/read-body.ts';
// @ts-expect-error: a plain .mjs of the runtime client, no type declarations
import { RapidClient } from '../runtime-api/bootstrap/nodejs/rapid-client.mjs';

const SELF = fileURLToPath(import.meta.url);
const NEXT = '/2018-06-01/runtime/invocation/next';
const RESPONSE = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/response$/;

function runServer(): void {
  const parked: ServerResponse[] = [];
  const queued: Array<{ id: string; body: Buffer }> = [];
  const callers = new Map<string, ServerResponse>();
  let seq = 0;
  const deliver = (worker: ServerResponse, id: string, body: Buffer): void => {
    worker.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Lambda-Runtime-Aws-Request-Id': id });
    worker.end(body);
  };
  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    const url = req.url ?? '';
    if (url === NEXT) {
      const q = queued.shift();
      if (q) deliver(res, q.id, q.body);
      else parked.push(res);
      return;
    }
    // The emulator's own body reader (its Runtime API and Invoke fast path use it too).
    void readBody(req, Infinity).then(({ data: body }) => {
      if (url === '/invoke') {
        const id = String(++seq);
        callers.set(id, res);
        const worker = parked.pop();
        if (worker) deliver(worker, id, body);
        else queued.push({ id, body });
        return;
      }
      const id = RESPONSE.exec(url)?.[1] ?? '';
      res.writeHead(202, { 'Content-Length': 0 });
      res.end();
      const caller = callers.get(id);
      callers.delete(id);
      caller?.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      caller?.end(body);
    });
  });
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  process.stdin.resume().on('end', () => process.exit(0));
}

/**
 * The same server on plain sockets: each request's head is split by hand (method, path, Content-Length),
 * each answer written as one buffer. Enough for undici and rapid-client.mjs (fixed-length bodies).
 */
function runBareServer(): void {
  const parked: Socket[] = [];
  const queued: Array<{ id: string; body: Buffer }> = [];
  const callers = new Map<string, Socket>();
  let seq = 0;
  const answer = (sock: Socket, status: string, body: Buffer, extra = ''): void => {
    sock.write(Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${extra}\r\n`, 'latin1'), body]));
  };
  const deliver = (worker: Socket, id: string, body: Buffer): void => answer(worker, '200 OK', body, `Lambda-Runtime-Aws-Request-Id: ${id}\r\n`);
  const request = (sock: Socket, url: string, body: Buffer): void => {
    if (url === NEXT) {
      const q = queued.shift();
      if (q) deliver(sock, q.id, q.body);
      else parked.push(sock);
    } else if (url === '/invoke') {
      const id = String(++seq);
      callers.set(id, sock);
      const worker = parked.pop();
      if (worker) deliver(worker, id, body);
      else queued.push({ id, body });
    } else {
      const id = RESPONSE.exec(url)?.[1] ?? '';
      answer(sock, '202 Accepted', Buffer.alloc(0));
      const caller = callers.get(id);
      callers.delete(id);
      if (caller) answer(caller, '200 OK', body);
    }
  };
  const server = createNetServer({ noDelay: true }, (sock) => {
    let pending: Buffer = Buffer.alloc(0);
    sock.on('error', () => sock.destroy()); // a worker killed at the end
    sock.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const url = head.slice(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        const body = pending.subarray(end + 4, end + 4 + length);
        pending = pending.subarray(end + 4 + length);
        request(sock, url, body);
      }
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  process.stdin.resume().on('end', () => process.exit(0));
}

interface RapidAnswer {
  headers: Record<string, string>;
  body: string;
}

/** The runtime's loop with a no-op handler: next, parse, respond (the same client, the same calls). */
function runWorker(port: number): void {
  type Done<T> = (err: Error | undefined, value?: T) => void;
  const rapid = new RapidClient(`127.0.0.1:${port}`) as {
    next(extra: undefined, done: Done<RapidAnswer>): void;
    postResponse(id: string, json: string, done: Done<number>): void;
  };
  const fail = (): never => process.exit(1);
  const loop = (): void => rapid.next(undefined, (err, next) => {
    if (err || !next) return fail();
    const event: unknown = JSON.parse(next.body);
    rapid.postResponse(next.headers['lambda-runtime-aws-request-id'], JSON.stringify(event === null ? null : {}), (e) => (e ? fail() : loop()));
  });
  loop();
}

export interface RawFloor {
  origin: string;
  serverPid: number;
  workerPids: number[];
  close(): Promise<void>;
}

/** The server (node:http, or `bare` sockets) and `workers` worker processes, ready (every worker parked). */
export async function startRawFloor(workers: number, server: 'node:http' | 'bare' = 'node:http'): Promise<RawFloor> {
  const children: ChildProcess[] = [];
  const exited = (c: ChildProcess): Promise<void> => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
  const main = spawn(process.execPath, [SELF, server === 'bare' ? 'bare' : 'server'], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(main);
  const port = await new Promise<number>((resolve, reject) => {
    main.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    main.once('exit', () => reject(new Error('raw floor server exited')));
  });
  for (let i = 0; i < workers; i++) children.push(spawn(process.execPath, [SELF, 'worker', String(port)], { stdio: 'ignore' }));
  return {
    origin: `http://127.0.0.1:${port}`,
    serverPid: main.pid!,
    workerPids: children.slice(1).map((c) => c.pid!),
    close: async () => {
      for (const c of children.slice(1)) c.kill('SIGKILL');
      main.stdin!.end();
      await Promise.all(children.map(exited));
    },
  };
}

if (import.meta.main) {
  if (process.argv[2] === 'server') runServer();
  else if (process.argv[2] === 'bare') runBareServer();
  else if (process.argv[2] === 'worker') runWorker(Number(process.argv[3]));
}
