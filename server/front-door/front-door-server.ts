// The front door's listeners: the API port (every API and, by Host, every function URL) and one
// port per function URL (its FunctionUrl works from any client, no DNS needed). Reads the request
// with the door's size limit, dispatches by address, writes the reply, logs the request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { RequestGuard } from '../http/request-guard.ts';
import type { Door, GatewayReply } from './gateway-reply.ts';
import { failureReply } from './gateway-reply.ts';
import { headerPairs, plainIp, type RequestView, splitTarget } from './request-view.ts';

/** API Gateway's payload limit (10 MB); function URLs take Lambda's 6 MB. */
export const API_BODY_LIMIT = 10 * 1024 * 1024;
export const URL_BODY_LIMIT = 6 * 1024 * 1024;

export interface Dispatch {
  /** Which door a request on this listener goes to, before reading the body (for its limit). */
  door(req: IncomingMessage): Door;
  handle(view: RequestView, req: IncomingMessage): Promise<GatewayReply>;
}

export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** `guard` answers (403) and returns true for a request it refuses: the Host check, in Host-only mode. */
export function createFrontDoorServer(dispatch: Dispatch, onError: (err: unknown) => void, guard: RequestGuard): Server {
  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    if (guard.refuse(req, res)) return;
    const receivedAt = Date.now();
    const door = dispatch.door(req);
    const limit = door === 'URL' ? URL_BODY_LIMIT : API_BODY_LIMIT;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return tooLarge(res, door);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        tooLarge(res, door);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent || size > limit) return;
      const { rawPath, rawQuery } = splitTarget(req.url ?? '/');
      const view: RequestView = {
        method: req.method ?? 'GET', rawPath, rawQuery, headers: headerPairs(req.rawHeaders),
        body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), sourceIp: plainIp(req.socket.remoteAddress), receivedAt,
      };
      dispatch.handle(view, req).then((reply) => send(res, reply, view.method === 'HEAD'), (err: unknown) => {
        onError(err);
        send(res, failureReply(door, 'function-error'), false);
      });
    });
    req.on('error', () => res.destroy());
  });
  server.requestTimeout = 0;
  server.keepAliveTimeout = 72_000;
  return server;
}

function tooLarge(res: ServerResponse, door: Door): void {
  res.shouldKeepAlive = false;
  send(res, failureReply(door, 'request-too-large'), false);
}

export function send(res: ServerResponse, reply: GatewayReply, head: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const flat: string[] = [];
  for (const [k, v] of reply.headers) flat.push(k, v);
  if (reply.stream) return void sendStream(res, flat, reply.status, reply.stream, head);
  flat.push('Content-Length', String(reply.body.length));
  res.writeHead(reply.status, flat);
  res.end(head ? undefined : reply.body);
}

/**
 * A streamed body, chunked, each chunk written as it comes (waiting for the client to drain). A body that
 * fails midway cuts the connection (no last chunk: the client sees the transfer truncated). A client that
 * goes away stops the reading; the function runs on.
 */
async function sendStream(res: ServerResponse, flat: string[], status: number, stream: AsyncIterable<Buffer>, head: boolean): Promise<void> {
  res.writeHead(status, flat);
  res.flushHeaders();
  try {
    for await (const chunk of stream) {
      if (head) continue;
      if (res.destroyed) break;
      if (!res.write(chunk)) await drained(res);
    }
    res.end();
  } catch {
    res.destroy();
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

