// The debugged function's inspector (`--inspect=127.0.0.1:<port>`): the target the dev loop chose
// (dev/debug.ts), whether a debugger is attached to it right now, and waiting for its port to be free.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

export interface DebugTarget {
  functionName: string;
  port: number;
}

/**
 * Is a debugger attached to the inspector on this port? A debugger holds a WebSocket to it, so: is
 * there an established TCP connection to 127.0.0.1:<port> (from /proc/net/tcp)? Node's /json/list
 * cannot tell (it lists the target the same with or without sessions). Where /proc/net/tcp cannot be
 * read, a debugger is assumed attached (the timeout is then always suspended for the function).
 */
export async function inspectorAttached(port: number): Promise<boolean> {
  let table: string;
  try {
    table = await readFile('/proc/net/tcp', 'latin1');
  } catch {
    return true;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return table.split('\n').slice(1).some((line) => {
    const [, local, , state] = line.trim().split(/\s+/);
    return state === '01' && local?.endsWith(`:${hexPort}`);
  });
}

/** Wait (bounded) until nothing listens on 127.0.0.1:port. */
export async function waitPortFree(port: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free || Date.now() > end) return free;
    await new Promise((r) => setTimeout(r, 50));
  }
}
