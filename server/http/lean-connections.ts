// The main port's HTTP/1.1 connections read by hand while every request on them is a warm Invoke
// (lib/lean-http.ts; the route is invoke-routes.ts's): anything else hands the connection to node:http
// for good. What node:http does for its own connections is done here for these: the keep-alive timeout
// between requests, and closing them with the server (all, or the idle ones).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { LeanConnection, type LeanRoute } from '../../lib/lean-http.ts';

/** Takes each HTTP/1.1 connection of `server`: read by hand on `route`, or passed on by `toNodeHttp`. */
export function leanConnections(server: Server, route: LeanRoute): (socket: Socket, toNodeHttp: (socket: Socket) => void) => void {
  const live = new Set<LeanConnection>();
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    for (const conn of live) conn.socket.destroy();
    live.clear();
    closeAll();
  };
  const closeIdle = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    for (const conn of live) if (conn.idle) conn.socket.destroy();
    closeIdle();
  };
  return (socket, toNodeHttp) => {
    const keepAliveMs = server.keepAliveTimeout;
    // As node:http does: a connection with no request open for the keep-alive timeout is closed (one
    // waiting for a long invocation's answer is not).
    const onTimeout = (): void => {
      if (conn.idle) socket.destroy();
    };
    const conn: LeanConnection = new LeanConnection(socket, {
      route,
      handOff: (s) => {
        live.delete(conn);
        s.removeListener('timeout', onTimeout);
        s.setTimeout(0);
        toNodeHttp(s);
      },
      extraHead: keepAliveMs > 0 ? `Keep-Alive: timeout=${Math.floor(keepAliveMs / 1000)}\r\n` : '',
    });
    live.add(conn);
    socket.once('close', () => live.delete(conn));
    if (keepAliveMs > 0) {
      socket.setTimeout(keepAliveMs);
      socket.on('timeout', onTimeout);
    }
  };
}
