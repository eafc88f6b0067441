// Cleartext HTTP/2 (h2c with prior knowledge) on the main port next to HTTP/1.1: the AWS SDK v3
// Kinesis client always speaks HTTP/2. A connection that opens with the HTTP/2 preface goes to an
// http2 server whose compat request/response objects reach the same handler as HTTP/1.1 requests.
import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * Route connections that start with the HTTP/2 preface on `server` to `handler` over HTTP/2. The others
 * go to `http1` when given (with node:http's own connection handling to pass them on to), else to node:http.
 */
export function acceptH2c(server: Server, handler: (req: IncomingMessage, res: ServerResponse) => void,
  http1?: (socket: Socket, toNodeHttp: (socket: Socket) => void) => void): void {
  const h2 = createHttp2Server((req: Http2ServerRequest, res: Http2ServerResponse) => {
    handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
  const nodeHttp = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const toNodeHttp = (socket: Socket): void => {
    for (const l of nodeHttp) l.call(server, socket);
  };
  server.on('close', () => h2.close());
  // Connections that have not sent enough to decide belong to neither server yet: closing closes
  // them too (else server.close() waits for an idle preconnect forever), and one that ends first goes.
  const undecided = new Set<Socket>();
  // HTTP/2 sessions are not in the HTTP/1.1 server's connection list: an idle one (the SDK keeps its
  // session open) would keep server.close() waiting as long as the client lives. Closing ends them too.
  const sessions = new Set<ServerHttp2Session>();
  h2.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    for (const socket of undecided) socket.destroy();
    undecided.clear();
    for (const session of sessions) session.destroy();
    sessions.clear();
    closeAll();
  };
  server.on('connection', (socket: Socket) => {
    let seen = Buffer.alloc(0);
    undecided.add(socket);
    const forget = (): void => {
      clearTimeout(silent);
      if (undecided.delete(socket)) socket.destroy();
    };
    // One that sends nothing is closed as an idle HTTP/1.1 connection would be (else it stays forever).
    const silent = setTimeout(forget, server.headersTimeout || 60_000);
    silent.unref();
    const decide = (): void => {
      const chunk = socket.read() as Buffer | null;
      if (chunk) seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, PREFACE.length);
      const isH2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isH2 && seen.length < PREFACE.length && !socket.readableEnded) return; // wait for more bytes
      undecided.delete(socket);
      clearTimeout(silent);
      socket.removeListener('readable', decide);
      socket.removeListener('end', forget);
      socket.removeListener('close', forget);
      socket.unshift(seen);
      if (isH2 && seen.length >= PREFACE.length) h2.emit('connection', socket);
      else if (http1) http1(socket, toNodeHttp);
      else toNodeHttp(socket);
    };
    socket.on('readable', decide);
    socket.once('end', forget);
    socket.once('close', forget);
  });
}
