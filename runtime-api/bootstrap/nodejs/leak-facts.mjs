// What a recorded async resource is doing now, read from the live objects when a leak report is
// made: still open or pending, referenced or not, and for sockets whether a request is in flight
// (the facts leak-rules.mjs decides on). Nothing here is on the per-callback path.

const SOCKET_DETAIL = { TCPWRAP: 'TCP socket', PIPEWRAP: 'pipe', TLSWRAP: 'TLS socket', UDPWRAP: 'UDP socket' };

/**
 * Facts about one recorded resource, or undefined when it is no longer pending: a timer that fired
 * or was cleared, a handle that was closed (`destroy` is not hooked: it would make Node track the
 * destruction of every promise, so each object is asked instead).
 */
export function factsOf(rec) {
  const res = rec.res;
  if (rec.type === 'Timeout' || rec.type === 'Immediate') {
    if (res._destroyed === true) return undefined;
    const repeat = rec.type === 'Timeout' && res._repeat != null;
    const kind = rec.type === 'Immediate' ? 'immediate' : repeat ? 'interval' : 'timeout';
    const detail = kind === 'immediate' ? 'setImmediate' : `${repeat ? 'setInterval' : 'setTimeout'} ${res._idleTimeout} ms`;
    return { kind, ref: safe(() => res.hasRef(), true), detail };
  }
  const owner = ownerOf(res);
  // The owner (Socket, Server, ChildProcess, FSWatcher) drops its handle when closed or exited.
  if (owner && typeof owner === 'object' && '_handle' in owner && owner._handle !== res) return undefined;
  if (owner?.destroyed === true) return undefined;
  const ref = safe(() => res.hasRef(), true);
  switch (rec.kind) {
    case 'socket':
      return socketFacts(rec, res, owner, ref);
    case 'server':
      return { kind: 'server', ref, detail: rec.type === 'TCPSERVERWRAP' ? 'TCP server' : 'pipe server' };
    case 'child-process': {
      const cmd = owner?.spawnargs?.join(' ');
      return { kind: 'child-process', ref, detail: `pid ${res.pid}${cmd ? ': ' + cmd.slice(0, 80) : ''}` };
    }
    case 'file-watcher':
      return { kind: 'file-watcher', ref, detail: rec.type === 'FSEVENTWRAP' ? 'fs.watch' : 'fs.watchFile' };
    default:
      return { kind: rec.kind, ref, detail: rec.type };
  }
}

/**
 * A socket: stdio (the runtime's own fds), accepted by a server, managed by a node:http Agent
 * (idle in its pool, or carrying a request), and whether anything is still being written.
 */
function socketFacts(rec, res, owner, ref) {
  // stdin/stdout/stderr as a pipe (a file or TTY is no socket); a TCP socket is never fd 0-2 here.
  const fd = rec.type === 'PIPEWRAP' ? safe(() => res.fd, -1) : -1;
  const stdio = fd >= 0 && fd <= 2;
  const message = owner?._httpMessage;
  let agent;
  if (message && typeof message === 'object' && !owner.server) {
    agent = 'busy'; // a client request is attached: sent, or its response not yet read to the end
  } else if (message == null && owner && typeof owner.listenerCount === 'function' && owner.listenerCount('free') > 0) {
    agent = 'idle'; // in the Agent's freeSockets, waiting to be reused (keep-alive)
  }
  const writing = owner ? owner.connecting === true || (owner.writableLength ?? 0) > 0 : false;
  return {
    kind: 'socket',
    ref,
    stdio,
    agent,
    accepted: rec.accepted === true,
    writing,
    detail: agent === 'busy' ? `${SOCKET_DETAIL[rec.type] ?? 'socket'} with an HTTP request in flight` : (SOCKET_DETAIL[rec.type] ?? rec.type),
  };
}

/** The JS object (Socket, ChildProcess, Server …) a native handle belongs to (node's owner_symbol). */
export function ownerOf(handle) {
  if (handle === null || typeof handle !== 'object') return undefined;
  for (const s of Object.getOwnPropertySymbols(handle)) {
    if (s.description === 'owner_symbol') return handle[s];
  }
  return undefined;
}

function safe(fn, fallback) {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
