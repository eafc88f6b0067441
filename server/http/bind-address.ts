// What the address the emulator listens on means for who can reach it: whether --host is loopback,
// the one start-up warning when it is not, and the request guard's policy (--allowed-hosts, plus a
// name given to --host, which the user evidently expects requests to address, as Vite does).
import { isIP } from 'node:net';
import type { Options } from '../options.ts';
import type { GuardPolicy } from './request-guard.ts';

/** Is this listen address reachable from this machine only? */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** The warning to log once at start-up when the emulator listens beyond loopback; undefined on loopback. */
export function exposureWarning(host: string, port: number): string | undefined {
  if (isLoopback(host)) return undefined;
  return `listening on ${host}:${port}, not on loopback: anyone who can reach this port can create and invoke functions, `
    + 'that is, run code on this machine as this user. To restrict it: listen on 127.0.0.1 (the default --host), '
    + 'publish a container\'s port on the host\'s loopback only (-p 127.0.0.1:3001:3001), or firewall the port. '
    + '--allowed-hosts only limits which names browsers may address; it does not keep other machines out.';
}

/** The main port's guard policy: Host and Origin checks, with --allowed-hosts and a host name given to --host. */
export function guardPolicy(options: Pick<Options, 'allowedHosts' | 'host'>): GuardPolicy {
  const host = options.host.toLowerCase();
  // localhost is allowed anyway; listing it would also trust pages on every localhost port as origins.
  const named = host !== '' && isIP(host) === 0 && !isLoopback(host) && !options.allowedHosts.includes(host);
  return { allowedHosts: named ? [...options.allowedHosts, host] : options.allowedHosts, checkOrigin: true };
}
