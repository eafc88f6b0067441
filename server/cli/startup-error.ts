// Why `ephemera` could not start, in one line: a listen failure says which address and which flag
// picks another; anything else is its message's first line. Pure, so every case is a table test.

export interface ListenTarget {
  host: string;
  port: number;
  /** The flag that chooses this port (`--port`, `--api-port`). */
  flag: string;
}

/** The one line for an error `listen()` threw, or undefined when it is not a socket error. */
export function listenErrorLine(err: unknown, target: ListenTarget): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const { host, port, flag } = target;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} is in use on ${host}; pick another with ${flag}`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges); pick another with ${flag}`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: ${host} is not an address of this machine; pick another with --host`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on ${host}: no such host name; pick another with --host`;
    default:
      return code ? `cannot listen on ${where}: ${firstLine(err)}` : undefined;
  }
}

/** An error's message without a stack or the lines under it. */
export function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].trim() || (err instanceof Error ? err.name : 'unknown error');
}

/** A start-up failure already worded for the user (a listen failure, a template or isolation error): printed as it is. */
export class StartupError extends Error {
  readonly code = 'EPH_ERR_STARTUP';
}
