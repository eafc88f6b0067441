// A recording Runtime API (2018-06-01) for driving a runtime client in tests: queues events for
// GET /next, records every request with its headers and body in arrival order, answers 202.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  seq: number;
  at: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Client port: tells which TCP connection the request came on. */
  remotePort: number | undefined;
}

export interface FakeEvent {
  payload: unknown;
  /** Send `payload` as-is when true (a string is otherwise JSON-encoded). */
  raw?: boolean;
  requestId?: string;
  deadlineMs?: number;
  functionArn?: string;
  traceId?: string;
  clientContext?: string;
  cognitoIdentity?: string;
  tenantId?: string;
}

export interface Outcome {
  kind: 'response' | 'error';
  request: RecordedRequest;
  /** JSON-parsed body. */
  json: unknown;
}

const PREFIX = '/2018-06-01/runtime/';
let counter = 0;

export class FakeRuntimeApi {
  readonly requests: RecordedRequest[] = [];
  private server!: Server;
  private addr = '';
  private parked: ServerResponse | undefined;
  private readonly queue: Array<{ id: string; event: FakeEvent }> = [];
  private readonly waiters = new Map<string, (o: Outcome) => void>();
  private readonly listeners: Array<() => void> = [];
  private seq = 0;

  static async start(): Promise<FakeRuntimeApi> {
    const api = new FakeRuntimeApi();
    api.server = createServer({ keepAlive: true }, (req, res) => api.route(req, res));
    api.server.requestTimeout = 0;
    api.server.headersTimeout = 0;
    api.server.keepAliveTimeout = 0;
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    const a = api.server.address() as AddressInfo;
    api.addr = `127.0.0.1:${a.port}`;
    return api;
  }

  /** `host:port`, the AWS_LAMBDA_RUNTIME_API value. */
  get address(): string {
    return this.addr;
  }

  /** Method and path (without the /2018-06-01/runtime/ prefix) of every request so far. */
  get trail(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path.slice(PREFIX.length)}`);
  }

  /** Queue an event and resolve with what the runtime posted for it. */
  invoke(event: FakeEvent): Promise<Outcome> {
    const id = event.requestId ?? `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
    const outcome = new Promise<Outcome>((resolve) => this.waiters.set(id, resolve));
    this.queue.push({ id, event });
    this.pump();
    return outcome;
  }

  /** Resolves once a request matching `pred` has been recorded. */
  waitFor(pred: (r: RecordedRequest) => boolean): Promise<RecordedRequest> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const hit = this.requests.find(pred);
        if (hit) resolve(hit);
        return !!hit;
      };
      if (check()) return;
      const listener = (): void => {
        if (check()) this.listeners.splice(this.listeners.indexOf(listener), 1);
      };
      this.listeners.push(listener);
    });
  }

  async close(): Promise<void> {
    this.parked?.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private record(req: IncomingMessage, body: string): RecordedRequest {
    const r: RecordedRequest = {
      seq: this.seq++,
      at: Date.now(),
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      remotePort: req.socket.remotePort,
    };
    this.requests.push(r);
    for (const l of [...this.listeners]) l();
    return r;
  }

  private pump(): void {
    const res = this.parked;
    const next = this.queue[0];
    if (!res || !next) return;
    this.parked = undefined;
    this.queue.shift();
    const e = next.event;
    const body = Buffer.from(e.raw ? String(e.payload) : JSON.stringify(e.payload));
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': body.length,
      'Lambda-Runtime-Aws-Request-Id': next.id,
      'Lambda-Runtime-Deadline-Ms': e.deadlineMs ?? Date.now() + 3000,
      'Lambda-Runtime-Invoked-Function-Arn': e.functionArn ?? 'arn:aws:lambda:us-east-1:000000000000:function:fixture',
    };
    if (e.traceId) headers['Lambda-Runtime-Trace-Id'] = e.traceId;
    if (e.clientContext) headers['Lambda-Runtime-Client-Context'] = e.clientContext;
    if (e.cognitoIdentity) headers['Lambda-Runtime-Cognito-Identity'] = e.cognitoIdentity;
    if (e.tenantId) headers['Lambda-Runtime-Aws-Tenant-Id'] = e.tenantId;
    res.writeHead(200, headers);
    res.end(body);
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = this.record(req, Buffer.concat(chunks).toString('utf8'));
      const path = r.path.startsWith(PREFIX) ? r.path.slice(PREFIX.length) : r.path;
      if (req.method === 'GET' && path === 'invocation/next') {
        this.parked = res;
        res.once('close', () => {
          if (this.parked === res) this.parked = undefined;
        });
        return this.pump();
      }
      const m = /^invocation\/([^/]+)\/(response|error)$/.exec(path);
      if (req.method === 'POST' && (m || path === 'init/error')) {
        res.writeHead(202, { 'Content-Type': 'application/json' });
        res.end('{"status":"OK"}');
        if (m) {
          const id = decodeURIComponent(m[1]);
          const waiter = this.waiters.get(id);
          this.waiters.delete(id);
          let json: unknown;
          try {
            json = JSON.parse(r.body);
          } catch {
            json = undefined;
          }
          waiter?.({ kind: m[2] as 'response' | 'error', request: r, json });
        }
        return;
      }
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"errorMessage":"not found","errorType":"NotFound"}');
    });
  }
}
