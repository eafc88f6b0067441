// Loopback baselines measured in the same run as the emulator, all with the same undici client:
// - two sequential keep-alive round trips to a raw node:http server (the budget's yardstick);
// - two hops: client → server A, which answers after one round trip of its own to server B;
// - a minimal Runtime API loop: client → raw node:http front → one raw listener per environment,
//   where ephemera's real Node runtime client (a child process) long-polls /next and POSTs the
//   response. Same processes and protocol as the emulator without fastify, the pool, the state
//   machines, the log lines or freeze/thaw; optionally with SIGSTOP/SIGCONT per invoke added back.
import { type ChildProcess, spawn } from 'node:child_process';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Pool } from 'undici';
import { NODE_RUNTIME_DIR } from '../server/environment/runtimes.ts';
import { NOOP_DIR, client, post } from './lib.ts';

export interface Baseline {
  /** One "invoke". */
  op: () => Promise<void>;
  /** Worker processes serving it (for their CPU time), if any. */
  pids?: () => number[];
  /** The origin and path(s) one op POSTs in turn, for a client in another process (when it can). */
  remote?: { origin: string; paths: string[] };
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const EMPTY = Buffer.from('{}');

function answer(res: ServerResponse, body: Buffer, status = 200): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
  res.end(body);
}

/** A server that answers every request `{}` once it has read the body. */
function echoServer(): Server {
  return createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    void readAll(req).then(() => answer(res, EMPTY));
  });
}

/** One invoke = two sequential keep-alive round trips from the client to one raw server. */
export async function twoRoundTrips(concurrency: number): Promise<Baseline> {
  const server = echoServer();
  const origin = await listen(server);
  const pool = client(origin, concurrency);
  return {
    remote: { origin, paths: ['/a', '/b'] },
    op: async () => {
      await post(pool, '/a');
      await post(pool, '/b');
    },
    close: async () => {
      await pool.close();
      await closeServer(server);
    },
  };
}

/** One invoke = client → A; A answers after its own round trip to B. */
export async function twoHops(concurrency: number): Promise<Baseline> {
  const b = echoServer();
  const toB = client(await listen(b), concurrency);
  const a = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    void readAll(req)
      .then(() => post(toB, '/b'))
      .then(() => answer(res, EMPTY), () => answer(res, EMPTY, 500));
  });
  const pool = client(await listen(a), concurrency);
  return {
    op: () => post(pool, '/a'),
    close: async () => {
      await pool.close();
      await toB.close();
      await closeServer(a);
      await closeServer(b);
    },
  };
}

/** One runtime process and its own Runtime API listener (parks /next, delivers, takes the response). */
export class MiniEnvironment {
  readonly server: Server;
  child: ChildProcess | undefined;
  private parked: ServerResponse | undefined;
  private caller: ServerResponse | undefined;
  private requestId = '';
  private frozen = false;
  private ready: (() => void) | undefined;
  private exited: Promise<void> | undefined;
  private readonly freeze: boolean;
  private readonly onIdle: (env: MiniEnvironment) => void;

  constructor(freeze: boolean, onIdle: (env: MiniEnvironment) => void) {
    this.freeze = freeze;
    this.onIdle = onIdle;
    this.server = createServer({ keepAlive: true, noDelay: true }, (req, res) => this.route(req, res));
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    this.server.keepAliveTimeout = 0;
  }

  async start(): Promise<void> {
    const api = (await listen(this.server)).slice('http://'.length);
    const firstNext = new Promise<void>((r) => (this.ready = r));
    const child = spawn(process.execPath, [join(NODE_RUNTIME_DIR, 'index.mjs')], {
      cwd: NOOP_DIR,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin', AWS_LAMBDA_RUNTIME_API: api, _HANDLER: 'index.handler',
        LAMBDA_TASK_ROOT: NOOP_DIR, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', AWS_LAMBDA_FUNCTION_NAME: 'noop',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128', TZ: ':UTC',
      },
    });
    this.child = child;
    child.stdout!.resume();
    child.stderr!.resume();
    this.exited = new Promise((r) => child.once('exit', () => r()));
    await firstNext;
  }

  /** Hand one event to the parked runtime; `caller` is answered with the runtime's response. */
  dispatch(requestId: string, payload: Buffer, caller: ServerResponse): void {
    this.requestId = requestId;
    this.caller = caller;
    if (this.frozen) {
      this.frozen = false;
      process.kill(-this.child!.pid!, 'SIGCONT');
    }
    const res = this.parked!;
    this.parked = undefined;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': payload.length,
      'Lambda-Runtime-Aws-Request-Id': requestId,
      'Lambda-Runtime-Deadline-Ms': Date.now() + 3000,
      'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:000000000000:function:noop',
    });
    res.end(payload);
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    if (url.endsWith('/invocation/next')) {
      this.parked = res;
      if (this.ready) {
        this.ready();
        this.ready = undefined;
        this.idle();
      } else {
        setImmediate(() => this.idle());
      }
      return;
    }
    void readAll(req).then((body) => {
      answer(res, Buffer.from('{"status":"OK"}'), 202);
      const caller = this.caller;
      this.caller = undefined;
      if (caller && url.includes(encodeURIComponent(this.requestId))) answer(caller, body);
    });
  }

  private idle(): void {
    if (this.freeze && this.child?.pid) {
      // The environment may have been closed (its group killed) since its runtime called /next.
      try {
        process.kill(-this.child.pid, 'SIGSTOP');
        this.frozen = true;
      } catch {
        return;
      }
    }
    this.onIdle(this);
  }

  async close(): Promise<void> {
    if (this.child?.pid && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await this.exited;
    this.parked?.destroy();
    await closeServer(this.server);
  }
}

/** `concurrency` runtime processes behind a raw front server; LIFO reuse of idle ones like the pool. */
export async function runtimeLoop(concurrency: number, freeze: boolean): Promise<Baseline> {
  const idle: MiniEnvironment[] = [];
  const waiters: Array<(env: MiniEnvironment) => void> = [];
  const onIdle = (env: MiniEnvironment): void => {
    const w = waiters.shift();
    if (w) w(env);
    else idle.push(env);
  };
  const envs = Array.from({ length: concurrency }, () => new MiniEnvironment(freeze, onIdle));
  await Promise.all(envs.map((e) => e.start()));
  let seq = 0;
  const front = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    void readAll(req).then(async (payload) => {
      const env = idle.pop() ?? (await new Promise<MiniEnvironment>((r) => waiters.push(r)));
      env.dispatch(`00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, payload, res);
    });
  });
  const pool: Pool = client(await listen(front), concurrency);
  return {
    op: () => post(pool, '/2015-03-31/functions/noop/invocations'),
    pids: () => envs.map((e) => e.child?.pid ?? 0).filter((p) => p > 0),
    close: async () => {
      await pool.close();
      await Promise.all(envs.map((e) => e.close()));
      await closeServer(front);
    },
  };
}
