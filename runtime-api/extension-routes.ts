// The Extensions API (2020-01-01) on the environment's listener: register, event/next, init/error
// and exit/error, with RIE's error answers. Registration closes when the runtime first asks /next.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../lib/read-body.ts';
import { type Extension, type ExtensionEvent, type ExtensionEventType, ExtensionRegistry, MAX_EXTENSIONS } from './extension-state.ts';
import { accepted, methodNotAllowed, sendError, sendJson } from './render.ts';

export const EXTENSION_PREFIX = '/2020-01-01/extension/';

export interface FunctionIdentity {
  functionName: string;
  functionVersion: string;
  handler: string;
  accountId: string;
  /** Basenames of the executables launched from /opt/extensions: those register as external. */
  externalNames: string[];
  /** Lambda Managed Instances: invocations the environment runs at once (undefined: one at a time). */
  maxConcurrency?: number;
}

/** What the Extensions API tells the listener that mounts it. */
export interface ExtensionsListener {
  registered(ext: Extension): void;
  /** The extension is parked in event/next with nothing queued for it. */
  parked(ext: Extension): void;
  error(ext: Extension, kind: 'init' | 'exit', errorType: string, payload: Buffer): void;
}

const forbidden = (res: ServerResponse, type: string, message: string): void => sendError(res, 403, type, message);

export class ExtensionsApi {
  readonly registry = new ExtensionRegistry();
  private readonly listener: ExtensionsListener;
  private readonly identity: FunctionIdentity;

  constructor(listener: ExtensionsListener, identity: FunctionIdentity) {
    this.listener = listener;
    this.identity = identity;
  }

  /** Returns false when the path is not the Extensions API's. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (!path.startsWith(EXTENSION_PREFIX)) return false;
    const op = path.slice(EXTENSION_PREFIX.length);
    const method = op === 'event/next' ? 'GET' : 'POST';
    if (!['register', 'event/next', 'init/error', 'exit/error'].includes(op)) return false;
    if (req.method !== method) {
      methodNotAllowed(res);
      return true;
    }
    const run = op === 'register' ? this.register(req, res) : op === 'event/next' ? this.next(req, res) : this.error(req, res, op);
    void Promise.resolve(run).catch(() => res.destroy());
    return true;
  }

  /** Send an event to its subscribers (INVOKE with the request, SHUTDOWN with a reason). */
  post(event: ExtensionEvent): void {
    this.registry.post(event, deliver);
  }

  abandon(): void {
    for (const ext of this.registry.all) {
      ext.parked?.destroy();
      ext.parked = undefined;
    }
  }

  private async register(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, 64 * 1024);
    const name = req.headers['lambda-extension-name'];
    if (typeof name !== 'string' || name === '') return forbidden(res, 'Extension.InvalidExtensionName', 'Empty extension name');
    if (this.registry.closed) return forbidden(res, 'Extension.RegistrationClosed', 'Extension registration closed already');
    if (this.registry.byId.size >= MAX_EXTENSIONS) {
      return forbidden(res, 'Extension.TooManyExtensions', `Extension limit (${MAX_EXTENSIONS}) reached`);
    }
    let events: unknown;
    try {
      const parsed = JSON.parse(body.data.toString('utf8') || '{}') as Record<string, unknown>;
      if ('configurationKeys' in parsed) throw new Error('configurationKeys');
      events = parsed.events ?? [];
    } catch {
      return forbidden(res, 'InvalidRequestFormat', 'Invalid request format');
    }
    const external = this.identity.externalNames.includes(name);
    if (!Array.isArray(events) || events.some((e) => e !== 'INVOKE' && e !== 'SHUTDOWN') || (!external && events.includes('SHUTDOWN'))) {
      return forbidden(res, 'Extension.InvalidEventType', external ? 'Invalid event type' : 'Internal extensions may only subscribe to INVOKE');
    }
    // Managed instances (the managed-instances RIE): external extensions get SHUTDOWN only, internal ones no event.
    const refused = this.identity.maxConcurrency === undefined ? undefined : events.find((e) => !external || e !== 'SHUTDOWN');
    if (refused !== undefined) {
      return forbidden(res, 'Extension.InvalidEventType', external ? `${String(refused)}: ErrorInvalidEventType` : 'No events allowed for internal extensions');
    }
    const ext: Extension = {
      id: randomUUID(), name, events: new Set(events as ExtensionEventType[]), external, parked: undefined, queue: [], readyOnce: false,
    };
    this.registry.byId.set(ext.id, ext);
    const reply: Record<string, string> = {
      functionName: this.identity.functionName, functionVersion: this.identity.functionVersion, handler: this.identity.handler,
    };
    if (String(req.headers['lambda-extension-accept-feature'] ?? '').split(',').map((s) => s.trim()).includes('accountId')) {
      reply.accountId = this.identity.accountId;
    }
    sendJson(res, 200, reply, { 'Lambda-Extension-Identifier': ext.id });
    this.listener.registered(ext);
  }

  private identify(req: IncomingMessage, res: ServerResponse): Extension | undefined {
    const id = req.headers['lambda-extension-identifier'];
    if (typeof id !== 'string' || id === '') {
      forbidden(res, 'Extension.MissingExtensionIdentifier', 'Missing Lambda-Extension-Identifier header');
      return undefined;
    }
    const ext = this.registry.byId.get(id);
    if (!ext) forbidden(res, 'Extension.UnknownExtensionIdentifier', 'Unknown extension identifier');
    return ext;
  }

  private next(req: IncomingMessage, res: ServerResponse): void {
    const ext = this.identify(req, res);
    if (!ext) return;
    if (ext.parked && ext.parked !== res) ext.parked.destroy();
    ext.parked = res;
    ext.readyOnce = true;
    res.once('close', () => {
      if (ext.parked === res) ext.parked = undefined;
    });
    if (ext.queue.length > 0) return this.registry.flush(ext, deliver);
    this.listener.parked(ext);
  }

  private async error(req: IncomingMessage, res: ServerResponse, op: string): Promise<void> {
    const body = await readBody(req, 1024 * 1024);
    const ext = this.identify(req, res);
    if (!ext) return;
    const type = req.headers['lambda-extension-function-error-type'];
    if (typeof type !== 'string' || type === '') {
      return forbidden(res, 'Extension.MissingHeader', 'Missing Lambda-Extension-Function-Error-Type header');
    }
    accepted(res);
    this.listener.error(ext, op === 'init/error' ? 'init' : 'exit', type, body.data);
  }
}

function deliver(res: ServerResponse, _ext: Extension, event: ExtensionEvent): void {
  const body = Buffer.from(JSON.stringify(event));
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    'Lambda-Extension-Event-Identifier': randomUUID(),
  });
  res.end(body);
}
