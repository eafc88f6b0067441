// --debug <function> / --debug-port <port>: which function's Node runtime starts with the inspector
// (`--inspect=127.0.0.1:<port>`), and whether a debugger is attached to it right now.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { OptionsError } from '../options.ts';
import type { FunctionConfig } from '../model.ts';

export interface DebugTarget {
  functionName: string;
  port: number;
}

export const DEFAULT_DEBUG_PORT = 9229;

/**
 * The debug target from --debug and --debug-port, checked against the template's functions: the
 * named function (or the only one, when just a port is given) must exist and run on Node.
 */
export function debugTarget(functionName: string | undefined, port: number | undefined, functions: readonly FunctionConfig[]): DebugTarget | undefined {
  if (functionName === undefined && port === undefined) return undefined;
  let fn: FunctionConfig | undefined;
  if (functionName === undefined) {
    if (functions.length !== 1) {
      throw new OptionsError(`--debug-port needs --debug <function> when the template has ${functions.length} functions (${functions.map((f) => f.name).join(', ')})`);
    }
    fn = functions[0];
  } else {
    fn = functions.find((f) => f.name === functionName || f.logicalId === functionName);
    if (!fn) throw new OptionsError(`--debug ${functionName}: no such function in the template (${functions.map((f) => f.name).join(', ')})`);
  }
  if (!fn.runtime.startsWith('nodejs')) throw new OptionsError(`--debug ${fn.name}: only Node.js functions can be debugged (this one runs ${fn.runtime})`);
  const p = port ?? DEFAULT_DEBUG_PORT;
  if (p < 1 || p > 65535) throw new OptionsError(`--debug-port must be from 1 to 65535, got ${p}`);
  return { functionName: fn.name, port: p };
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
