// HTTP/1.1 connections read by hand for the few calls of every invoke (the Runtime API's GET next and
// POST response or error; the Invoke API's POST invocations): one parse of the head, one write per
// answer, none of node:http's per-request objects. A request outside that strict subset (another route,
// a chunked or streamed body, Expect, Upgrade, Connection: close, HTTP/1.0, anything unusual in the
// head) hands its connection, from that request on, to node:http for good: it is never answered by hand.
import { type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** What a Runtime API answer is written through: node:http's ServerResponse, or a LeanReply. */
export interface Reply {
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  end(body?: Buffer | string): unknown;
  once(event: 'close', listener: () => void): unknown;
  destroy(): unknown;
}

/** A request head the lean path may take. */
export interface LeanHead {
  method: 'GET' | 'POST';
  path: string;
  /** Header names lower-cased; each header at most once. */
  headers: IncomingHttpHeaders;
  /** Bytes of the head, the blank line included. */
  headLength: number;
  bodyLength: number;
}

/** The longest head read by hand; a longer one goes to node:http. */
const MAX_HEAD = 8192;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const DIGITS = /^\d{1,9}$/;
/** Headers that ask for more than a fixed-length HTTP/1.1 exchange. */
const UNUSUAL = new Set(['transfer-encoding', 'expect', 'upgrade', 'te', 'trailer']);
const LINE_BREAK = /[\r\n]/;

/** The head at the start of `buf`: taken, `incomplete` (wait for more), or undefined (node:http's). */
export function parseLeanHead(buf: Buffer): LeanHead | 'incomplete' | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return buf.length > MAX_HEAD ? undefined : 'incomplete';
  if (end > MAX_HEAD) return undefined;
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const [method, path, version, extra] = lines[0].split(' ');
  if ((method !== 'GET' && method !== 'POST') || version !== 'HTTP/1.1' || extra !== undefined || !path?.startsWith('/') || path.includes('?')) return undefined;
  const headers: IncomingHttpHeaders = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).toLowerCase();
    if (!TOKEN.test(name) || name in headers || UNUSUAL.has(name)) return undefined;
    headers[name] = line.slice(colon + 1).trim();
  }
  const length = headers['content-length'];
  if (length !== undefined && !DIGITS.test(length as string)) return undefined;
  const connection = (headers.connection as string | undefined)?.toLowerCase();
  if (connection !== undefined && connection !== 'keep-alive') return undefined;
  const bodyLength = Number(length ?? 0);
  if (method === 'GET' && bodyLength > 0) return undefined;
  return { method, path, headers, headLength: end + 4, bodyLength };
}

/** Which call a head is: its handler once the body is in, or undefined to leave it to node:http. */
export type LeanRoute = (head: LeanHead) => ((body: Buffer, reply: Reply) => void) | undefined;

let dateSecond = 0;
let dateText = '';
/** The Date header's value, made once a second (as node:http does). */
function httpDate(): string {
  const now = Date.now();
  if (now - dateSecond >= 1000) {
    dateSecond = now - (now % 1000);
    dateText = new Date(dateSecond).toUTCString();
  }
  return dateText;
}

/** One answer on a lean connection: written in one go by end(). */
class LeanReply implements Reply {
  private readonly conn: LeanConnection;
  private head = '';
  private closeListeners: Array<() => void> = [];

  constructor(conn: LeanConnection) {
    this.conn = conn;
  }

  writeHead(status: number, headers: Record<string, string | number>): this {
    let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nDate: ${httpDate()}\r\nConnection: keep-alive\r\n${this.conn.extraHead}`;
    for (const name in headers) {
      const value = String(headers[name]);
      // As node:http refuses them: a line break in a value would end the header early.
      if (LINE_BREAK.test(value)) throw new TypeError(`Invalid character in header content ["${name}"]`);
      text += `${name}: ${value}\r\n`;
    }
    this.head = `${text}\r\n`;
    return this;
  }

  end(body?: Buffer | string): this {
    this.conn.answered(this, this.head, body);
    return this;
  }

  once(_event: 'close', listener: () => void): this {
    this.closeListeners.push(listener);
    return this;
  }

  destroy(): this {
    this.conn.socket.destroy();
    return this;
  }

  /** The connection closed (node:http's 'close' comes after the answer too; listeners here only clean up). */
  closed(): void {
    const listeners = this.closeListeners;
    this.closeListeners = [];
    for (const f of listeners) f();
  }
}

/** How a connection is set up: its calls, where it goes when it leaves the subset, and fixed answer headers. */
export interface LeanOptions {
  route: LeanRoute;
  /** node:http takes the socket (its unread bytes given back): its 'connection' listener, typically. */
  handOff: (socket: Socket) => void;
  /** Header lines every answer carries after Date and Connection (e.g. `Keep-Alive: timeout=72\r\n`). */
  extraHead?: string;
}

/** One socket of the listener while it is read by hand; `handOff` gives it to node:http. */
export class LeanConnection {
  readonly socket: Socket;
  readonly extraHead: string;
  /** Bytes read and not yet taken, in the chunks they came in (joined only to read a head or a whole request). */
  private chunks: Buffer[] = [];
  private length = 0;
  /** Bytes the request at the front needs before it is looked at again (a large body is joined once). */
  private needed = 0;
  /** The answer not yet written: requests that arrive meanwhile wait (HTTP/1.1 answers in order). */
  private open: LeanReply | undefined;
  private readonly route: LeanRoute;
  private readonly toHttp: (socket: Socket) => void;
  private handedOff = false;
  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length >= this.needed) this.pump();
  };
  private readonly onError = (): void => void this.socket.destroy();
  private readonly onClose = (): void => this.open?.closed();

  constructor(socket: Socket, opts: LeanOptions) {
    this.socket = socket;
    this.route = opts.route;
    this.toHttp = opts.handOff;
    this.extraHead = opts.extraHead ?? '';
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  /** Still read by hand, with no request open and no byte of one read (a keep-alive connection between calls). */
  get idle(): boolean {
    return !this.handedOff && this.open === undefined && this.length === 0;
  }

  /** Given to node:http: its timeouts and close handling apply from then on. */
  get isHandedOff(): boolean {
    return this.handedOff;
  }

  answered(reply: LeanReply, head: string, body: Buffer | string | undefined): void {
    if (this.open !== reply || this.socket.destroyed) return;
    this.open = undefined;
    this.socket.write(body === undefined || body.length === 0 ? head : Buffer.concat([Buffer.from(head, 'latin1'), typeof body === 'string' ? Buffer.from(body) : body]));
    if (this.length > 0) this.pump();
  }

  /** The unread bytes as one buffer. */
  private front(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private pump(): void {
    while (this.open === undefined && this.length > 0 && !this.socket.destroyed) {
      const buf = this.front();
      const head = parseLeanHead(buf);
      if (head === 'incomplete') {
        this.needed = this.length + 1;
        return;
      }
      const handle = head && this.route(head);
      if (!head || !handle) return this.handOff();
      const size = head.headLength + head.bodyLength;
      if (this.length < size) {
        this.needed = size;
        return;
      }
      const body = buf.subarray(head.headLength, size);
      const rest = buf.subarray(size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.length = rest.length;
      this.needed = 0;
      const reply = new LeanReply(this);
      this.open = reply;
      try {
        handle(body, reply);
      } catch {
        this.socket.destroy(); // as node:http's path does when a handler fails
      }
    }
  }

  /** node:http reads this socket from the request at the front on (it parses it again from its start). */
  private handOff(): void {
    this.handedOff = true;
    this.socket.removeListener('data', this.onData);
    this.socket.removeListener('error', this.onError);
    this.socket.removeListener('close', this.onClose);
    this.socket.pause();
    if (this.length > 0) this.socket.unshift(this.front());
    this.chunks = [];
    this.length = 0;
    this.toHttp(this.socket);
    // node:http's own 'data' listener does not resume a paused socket: the bytes given back flow to it
    // first (next tick), before any read of the socket's handle (an I/O callback) reaches its parser.
    this.socket.resume();
  }
}
