// The Telemetry API (2022-07-01) and the older Logs API (2020-08-15): subscriptions made during INIT,
// per-subscriber buffering (maxItems, maxBytes, timeoutMs) and delivery to the extension's HTTP or TCP
// listener. Delivery pauses while the environment is frozen (the extension could not answer) and
// resumes on thaw; events from before a subscription during INIT are replayed to it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { type Cancel, type Clock, systemClock } from '../lib/clock.ts';
import { readBody } from '../lib/read-body.ts';
import type { ExtensionRegistry } from './extension-state.ts';
import { methodNotAllowed, sendError } from './render.ts';

export type TelemetryCategory = 'platform' | 'function' | 'extension';
export interface TelemetryEvent {
  time: string;
  type: string;
  record: unknown;
}

const TELEMETRY_PATH = '/2022-07-01/telemetry';
const LOGS_PATH = '/2020-08-15/logs';
const SCHEMAS = ['2022-07-01', '2022-12-13', '2025-01-29'];
const CATEGORIES: TelemetryCategory[] = ['platform', 'function', 'extension'];
/** Local names for the sandbox's own address. */
const SANDBOX_HOSTS = new Set(['sandbox.localdomain', 'sandbox', 'localhost', '127.0.0.1']);

interface Subscription {
  extensionId: string;
  name: string;
  api: 'telemetry' | 'logs';
  types: Set<TelemetryCategory>;
  maxItems: number;
  maxBytes: number;
  timeoutMs: number;
  destination: { protocol: 'HTTP'; url: string } | { protocol: 'TCP'; port: number };
  buffer: TelemetryEvent[];
  bytes: number;
  /** The buffer's timeoutMs, running while something is buffered. */
  timer: Cancel | undefined;
  sending: Promise<void>;
  /** Records (and bytes) lost to failed deliveries since the last report of it. */
  dropped: { records: number; bytes: number };
}

class ValidationError extends Error {
  readonly code = 'EPH_ERR_TELEMETRY_VALIDATION';
}

export class TelemetryHub {
  private readonly subs = new Map<string, Subscription>();
  private readonly registry: ExtensionRegistry;
  /** Events emitted during INIT, replayed to subscriptions made later in INIT. */
  private backlog: TelemetryEvent[] | undefined = [];
  private paused = false;
  private closedForSubscriptions = false;
  /** The buffers' timeouts, the retry's wait and drain's deadline. */
  private readonly clock: Clock;

  constructor(registry: ExtensionRegistry, clock: Clock = systemClock) {
    this.registry = registry;
    this.clock = clock;
  }

  get subscribed(): boolean {
    return this.subs.size > 0;
  }

  /** Would an event emitted now go anywhere (a subscriber, or INIT's backlog)? Callers skip building records otherwise. */
  get listening(): boolean {
    return this.subs.size > 0 || this.backlog !== undefined;
  }

  /** Returns false when the path is not a Telemetry/Logs API path. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const api = path === TELEMETRY_PATH ? 'telemetry' : path === LOGS_PATH ? 'logs' : undefined;
    if (!api) return false;
    if (req.method !== 'PUT') {
      methodNotAllowed(res);
      return true;
    }
    void this.subscribe(req, res, api).catch(() => res.destroy());
    return true;
  }

  emit(category: TelemetryCategory, type: string, record: unknown): void {
    if (!this.listening) return; // the common case costs nothing
    const event: TelemetryEvent = { time: new Date().toISOString(), type, record };
    this.backlog?.push(event);
    for (const sub of this.subs.values()) if (sub.types.has(category)) this.enqueue(sub, event);
  }

  /** INIT succeeded: no more replays, and no more subscriptions (Telemetry.SubscriptionClosed). */
  initDone(): void {
    this.backlog = undefined;
    this.closedForSubscriptions = true;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const sub of this.subs.values()) if (sub.buffer.length > 0) this.flush(sub);
  }

  /** Deliver everything buffered (before SHUTDOWN), waiting at most until `deadline`. */
  async drain(deadline: number): Promise<void> {
    this.resume();
    const all = Promise.all([...this.subs.values()].map((s) => s.sending));
    let cancel: Cancel = () => undefined;
    await Promise.race([all, new Promise((r) => (cancel = this.clock.setTimeout(() => r(undefined), deadline - this.clock.now())))]);
    cancel();
  }

  close(): void {
    for (const sub of this.subs.values()) sub.timer?.();
    this.subs.clear();
  }

  private async subscribe(req: IncomingMessage, res: ServerResponse, api: 'telemetry' | 'logs'): Promise<void> {
    const body = await readBody(req, 64 * 1024);
    const id = req.headers['lambda-extension-identifier'];
    const ext = typeof id === 'string' ? this.registry.byId.get(id) : undefined;
    if (!ext) return sendError(res, 403, 'Extension.UnknownExtensionIdentifier', 'Unknown extension identifier');
    if (this.closedForSubscriptions) {
      return sendError(res, 403, api === 'telemetry' ? 'Telemetry.SubscriptionClosed' : 'Logs.SubscriptionClosed',
        `${api === 'telemetry' ? 'Telemetry' : 'Logs'} API subscription is closed`);
    }
    const other = [...this.subs.values()].find((s) => s.extensionId === ext.id && s.api !== api);
    let sub: Subscription;
    try {
      if (other) throw new ValidationError('An extension cannot subscribe to both the Telemetry API and the Logs API');
      sub = parseSubscription(JSON.parse(body.data.toString('utf8') || 'null'), api, ext.id, ext.name);
    } catch (err) {
      const message = err instanceof ValidationError ? err.message : 'Invalid request body: not JSON';
      return sendError(res, 400, 'ValidationError', message);
    }
    this.subs.get(ext.id)?.timer?.();
    this.subs.set(ext.id, sub);
    const text = Buffer.from('"OK"');
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': text.length });
    res.end(text);
    this.emit('platform', 'platform.telemetrySubscription', { name: ext.name, state: 'Subscribed', types: [...sub.types] });
    for (const event of this.backlog ?? []) if (sub.types.has(categoryOf(event.type))) this.enqueue(sub, event);
  }

  private enqueue(sub: Subscription, event: TelemetryEvent): void {
    sub.buffer.push(event);
    sub.bytes += Buffer.byteLength(JSON.stringify(event));
    if (sub.buffer.length >= sub.maxItems || sub.bytes >= sub.maxBytes) this.flush(sub);
    else sub.timer ??= this.clock.setTimeout(() => this.flush(sub), sub.timeoutMs, { unref: true });
  }

  private flush(sub: Subscription): void {
    sub.timer?.();
    sub.timer = undefined;
    if (this.paused || sub.buffer.length === 0) return;
    const batch = sub.buffer;
    const bytes = sub.bytes;
    sub.buffer = [];
    sub.bytes = 0;
    if (sub.dropped.records > 0) {
      // Lambda tells a subscriber what it missed with platform.logsDropped.
      batch.unshift({ time: new Date().toISOString(), type: 'platform.logsDropped', record: {
        reason: 'Some logs were dropped because the extension did not accept them', droppedRecords: sub.dropped.records, droppedBytes: sub.dropped.bytes,
      } });
      sub.dropped = { records: 0, bytes: 0 };
    }
    sub.sending = sub.sending.then(async () => {
      if (!(await deliver(sub, batch, this.clock))) {
        const lost = batch.filter((e) => e.type !== 'platform.logsDropped');
        sub.dropped.records += lost.length;
        sub.dropped.bytes += lost.length === batch.length ? bytes : lost.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);
      }
    }).catch(() => undefined);
  }
}

function categoryOf(type: string): TelemetryCategory {
  return type === 'function' ? 'function' : type === 'extension' ? 'extension' : 'platform';
}

function parseSubscription(body: unknown, api: 'telemetry' | 'logs', extensionId: string, name: string): Subscription {
  if (!body || typeof body !== 'object') throw new ValidationError('The request body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (api === 'telemetry' && !SCHEMAS.includes(String(b.schemaVersion))) {
    throw new ValidationError(`schemaVersion must be one of ${SCHEMAS.join(', ')}`);
  }
  const types = b.types;
  if (!Array.isArray(types) || types.length === 0 || types.some((t) => !CATEGORIES.includes(t as TelemetryCategory))) {
    throw new ValidationError('types must be a non-empty list of platform, function, extension');
  }
  const buffering = (b.buffering ?? {}) as Record<string, unknown>;
  const range = (key: string, def: number, min: number, max: number): number => {
    const v = buffering[key] ?? def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ValidationError(`buffering.${key} must be an integer from ${min} to ${max}`);
    return v;
  };
  const dest = (b.destination ?? {}) as Record<string, unknown>;
  let destination: Subscription['destination'];
  if (dest.protocol === 'HTTP') {
    let url: URL;
    try {
      url = new URL(String(dest.URI));
    } catch {
      throw new ValidationError('destination.URI must be an http:// URL in the sandbox');
    }
    if (url.protocol !== 'http:' || !SANDBOX_HOSTS.has(url.hostname) || url.port === '9001') {
      throw new ValidationError('destination.URI must be an http:// URL in the sandbox (sandbox.localdomain), not port 9001');
    }
    url.hostname = '127.0.0.1';
    destination = { protocol: 'HTTP', url: url.toString() };
  } else if (dest.protocol === 'TCP') {
    const port = dest.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535 || port === 9001) {
      throw new ValidationError('destination.port must be a TCP port other than 9001');
    }
    destination = { protocol: 'TCP', port };
  } else {
    throw new ValidationError('destination.protocol must be HTTP or TCP');
  }
  return {
    extensionId, name, api, types: new Set(types as TelemetryCategory[]),
    maxItems: range('maxItems', 10000, 1000, 10000), maxBytes: range('maxBytes', 262144, 262144, 1048576),
    timeoutMs: range('timeoutMs', 1000, 25, 30000), destination, buffer: [], bytes: 0, timer: undefined, sending: Promise.resolve(),
    dropped: { records: 0, bytes: 0 },
  };
}

/** POST the batch as a JSON array (HTTP) or write it as NDJSON (TCP); one retry. False when lost. */
async function deliver(sub: Subscription, batch: TelemetryEvent[], clock: Clock): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      if (sub.destination.protocol === 'HTTP') {
        const res = await fetch(sub.destination.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch) });
        await res.arrayBuffer();
        return true;
      }
      const port = sub.destination.port;
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(batch.map((e) => JSON.stringify(e)).join('\n') + '\n'));
        socket.once('close', () => resolve());
        socket.once('error', reject);
      });
      return true;
    } catch {
      if (attempt === 0) await new Promise((r) => clock.setTimeout(() => r(undefined), 100));
    }
  }
  return false;
}
