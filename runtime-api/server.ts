// One environment's Runtime API listener on 127.0.0.1:<ephemeral>: a plain node:http server (the
// warm-invoke hot path; one per environment, so no framework), in front of which the calls of every
// invoke are read by hand (lean-http.ts). Routes by API prefix, keeps the readiness gates
// (readiness.ts) and tells its host (host.ts) when each one opens.
import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo, type Server as NetServer, type Socket, createServer as createNetServer } from 'node:net';
import { LeanConnection, type LeanHead, type Reply } from '../lib/lean-http.ts';
import { ExtensionsApi, type FunctionIdentity } from './extension-routes.ts';
import { readBody } from '../lib/read-body.ts';
import type { Extension, ExtensionEvent } from './extension-state.ts';
import type { HandleLeak, InvokeEvent, RegisteredExtension, RuntimeApiHost } from './host.ts';
import { ReadinessGates } from './readiness.ts';
import { type Clock, systemClock } from '../lib/clock.ts';
import { MAX_RESPONSE_BYTES, accepted, internalError, notFound, sendError } from './render.ts';
import { TelemetryHub } from './telemetry.ts';
import { RUNTIME_PREFIX, type RuntimeListener, RuntimeSession } from './runtime-routes.ts';
import { ConcurrentRuntimeSession } from './concurrent-runtime.ts';

/** A further API mounted on the listener (Extensions, Telemetry): returns false when the path is not its own. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

/** ephemera's own endpoint for our runtime clients' leak reports: POST <prefix>{requestId}/leaks. */
const LEAKS_PREFIX = '/_ephemera/runtime/invocation/';

const NO_IDENTITY: FunctionIdentity = { functionName: '', functionVersion: '', handler: '', accountId: '', externalNames: [] };

export class RuntimeApiServer {
  /** One invocation at a time, or several (Lambda Managed Instances: identity.maxConcurrency). */
  readonly runtime: RuntimeSession | ConcurrentRuntimeSession;
  readonly extensions: ExtensionsApi;
  readonly telemetry: TelemetryHub;
  /** node:http: every call but those read by hand, on the connections handed to it. */
  private readonly server: Server;
  /** The listening socket; its connections are read by hand until one hands itself to `server`. */
  private readonly listener: NetServer;
  /** Every accepted connection, read by hand or handed to node:http (which tracks only a server it listens on). */
  private readonly sockets = new Set<Socket>();
  private readonly extraRoutes: RouteHandler[] = [];
  private addr = '';
  private localhostAddr = '';

  private readonly host: RuntimeApiHost;
  private readonly gates: ReadinessGates;

  /** `clock`: the Telemetry API's buffering, retry and drain waits. */
  constructor(host: RuntimeApiHost, identity: FunctionIdentity = NO_IDENTITY, clock: Clock = systemClock) {
    this.host = host;
    this.extensions = new ExtensionsApi({
      registered: (ext) => {
        host.extensionRegistered?.(asRegistered(ext));
        this.gates.registered(ext);
      },
      parked: () => this.gates.extensionNext(),
      error: (ext, kind, errorType, payload) => host.extensionError?.(asRegistered(ext), kind, errorType, payload),
    }, identity);
    const gates = new ReadinessGates(this.extensions.registry, identity.externalNames.length, {
      extensionsRegistered: () => host.extensionsRegistered?.(),
      initReady: () => host.initReady(),
      invocationDone: (id) => host.invocationDone(id),
    });
    this.gates = gates;
    // Extension registration closes when the runtime first asks for work (RIE).
    const registry = this.extensions.registry;
    this.telemetry = new TelemetryHub(registry, clock);
    const runtimeListener: RuntimeListener = {
      runtimeNext: () => {
        registry.closed = true;
        gates.runtimeNext();
      },
      invocationResponse: (id, payload) => host.invocationResponse(id, payload),
      invocationStream: host.invocationStream ? (id, stream) => host.invocationStream!(id, stream) : undefined,
      invocationError: (id, payload, type) => host.invocationError(id, payload, type),
      initError: (payload, type) => host.initError(payload, type),
      restoreNext: () => host.restoreNext?.(),
      restoreError: (payload, type) => host.restoreError?.(payload, type),
    };
    this.runtime = identity.maxConcurrency === undefined
      ? new RuntimeSession(runtimeListener)
      : new ConcurrentRuntimeSession({ ...runtimeListener, invocationDone: (id) => host.invocationDone(id) });
    this.server = createServer({ keepAlive: true, noDelay: true }, (req, res) => this.route(req, res));
    // /next is a long poll that may stay parked for the whole keep-alive period: no server timeouts.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    this.server.keepAliveTimeout = 0;
    this.server.timeout = 0;
    this.listener = createNetServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      new LeanConnection(socket, { route: (head) => this.leanRoute(head), handOff: (s) => this.server.emit('connection', s) });
    });
  }

  /** Start listening on an ephemeral loopback port; resolves to `host:port` for AWS_LAMBDA_RUNTIME_API. */
  listen(host = '127.0.0.1'): Promise<string> {
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(0, host, () => {
        const a = this.listener.address() as AddressInfo;
        this.addr = `${a.address}:${a.port}`;
        this.localhostAddr = `localhost:${a.port}`;
        resolve(this.addr);
      });
    });
  }

  get address(): string {
    return this.addr;
  }

  use(handler: RouteHandler): void {
    this.extraRoutes.push(handler);
  }

  /** Hand an invocation to the runtime and, together, INVOKE to the extensions subscribed to it. */
  dispatch(event: InvokeEvent): void {
    // Managed instances: no INVOKE events, and the session itself says when each invocation is done.
    if (this.runtime instanceof ConcurrentRuntimeSession) return this.runtime.dispatch(event);
    this.gates.dispatched(event.requestId);
    this.runtime.dispatch(event);
    if (this.extensions.registry.byId.size > 0) {
      this.extensions.post({
        eventType: 'INVOKE', deadlineMs: event.deadlineMs, requestId: event.requestId, invokedFunctionArn: event.invokedFunctionArn,
        ...(event.traceId ? { tracing: { type: 'X-Amzn-Trace-Id' as const, value: event.traceId } } : {}),
      });
    }
  }

  /** External extensions subscribed to SHUTDOWN (the environment gives them Lambda's shutdown budget). */
  get shutdownSubscribed(): boolean {
    return this.extensions.registry.subscribers('SHUTDOWN').length > 0;
  }

  /** Send SHUTDOWN to its subscribers. */
  postShutdown(reason: NonNullable<ExtensionEvent['shutdownReason']>, deadlineMs: number): void {
    this.extensions.post({ eventType: 'SHUTDOWN', shutdownReason: reason, deadlineMs });
  }

  /** SHUTDOWN's gate: every subscriber is back at event/next with nothing queued. */
  get shutdownAcknowledged(): boolean {
    return this.extensions.registry.allParked('SHUTDOWN');
  }

  /** Stop listening and drop every connection (the environment's processes are gone or going). */
  close(): Promise<void> {
    this.runtime.abandon();
    this.extensions.abandon();
    this.telemetry.close();
    return new Promise((resolve) => {
      this.listener.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private async leaks(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const body = await readBody(req, 256 * 1024);
    const id = decodeURIComponent(path.slice(LEAKS_PREFIX.length).replace(/\/leaks$/, ''));
    let leaks: HandleLeak[] = [];
    try {
      const parsed = JSON.parse(body.data.toString('utf8')) as { leaks?: unknown };
      if (Array.isArray(parsed.leaks)) {
        leaks = parsed.leaks.filter((l): l is HandleLeak => !!l && typeof l === 'object' && typeof (l as HandleLeak).kind === 'string').map((l) => ({
          kind: l.kind, count: Number(l.count) || 1, createdAt: typeof l.createdAt === 'string' ? l.createdAt : null, detail: String(l.detail ?? ''),
        }));
      }
    } catch {
      return sendError(res, 400, 'InvalidRequestFormat', 'Invalid leak report');
    }
    accepted(res);
    if (leaks.length > 0) this.host.leakReport?.(id, leaks);
  }

  /**
   * Only the environment's own processes talk to this listener, through AWS_LAMBDA_RUNTIME_API: a
   * request from a browser (Origin or Sec-Fetch-Site) or addressed to another Host (a DNS-rebinding
   * page posting fake responses) is refused. A missing Host (a bare HTTP/1.0 client) is no browser.
   */
  private fromWorker(req: { headers: IncomingHttpHeaders }): boolean {
    const { host, origin } = req.headers;
    if (origin !== undefined || req.headers['sec-fetch-site'] !== undefined) return false;
    return host === undefined || host === this.addr || host === this.localhostAddr;
  }

  /**
   * A call read by hand: a one-at-a-time runtime's next, response or error from the environment's own
   * processes, within the size limit. Anything else (refusals included) is node:http's.
   */
  private leanRoute(head: LeanHead): ((body: Buffer, reply: Reply) => void) | undefined {
    if (!(this.runtime instanceof RuntimeSession) || !head.path.startsWith(RUNTIME_PREFIX) || head.bodyLength > MAX_RESPONSE_BYTES || !this.fromWorker(head)) return undefined;
    return this.runtime.leanCall(head.method, head.path.slice(RUNTIME_PREFIX.length), head.headers);
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    if (!this.fromWorker(req)) return sendError(res, 403, 'Forbidden', 'Only the execution environment\'s own processes may call the Runtime API');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    try {
      if (path.startsWith(RUNTIME_PREFIX)) return this.runtime.handle(req, res, path.slice(RUNTIME_PREFIX.length));
      if (path.startsWith(LEAKS_PREFIX)) return void this.leaks(req, res, path).catch(() => res.destroy());
      if (this.extensions.handle(req, res, path)) return;
      if (this.telemetry.handle(req, res, path)) return;
      for (const handler of this.extraRoutes) if (handler(req, res, path)) return;
      notFound(res);
    } catch {
      if (!res.headersSent) internalError(res);
    }
  }
}

function asRegistered(ext: Extension): RegisteredExtension {
  return { id: ext.id, name: ext.name, events: [...ext.events], external: ext.external };
}
