// IP addresses in patterns: the `cidr` operator (IPv4 and IPv6 ranges), and exact values that are IP
// literals, which match the same address however the event writes it (2001:db8::1 = 2001:0db8:0:0:0:0:0:1).
import { BlockList, isIP } from 'node:net';
import { reject } from './pattern-error.ts';

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const family = (ip: string): 'ipv4' | 'ipv6' => (isIP(ip) === 4 ? 'ipv4' : 'ipv6');

/** An address the engine accepts: looks like one, and is one. */
function address(ip: string): string {
  if (!IPV4.test(ip) && !IPV6.test(ip)) reject(`Nonstandard IP address: ${ip}`);
  if (isIP(ip) === 0) reject(`Invalid IP address: ${ip}`);
  return ip;
}

/** `{"cidr": "10.0.0.0/24"}`: strings holding an address inside the range. */
export function compileCidr(cidr: string): (v: string) => boolean {
  const parts = cidr.split('/');
  if (parts.length !== 2) reject("Malformed CIDR, one '/' required");
  if (!/^[+-]?\d+$/.test(parts[1])) reject('Malformed CIDR, mask bits must be an integer');
  const bits = Number(parts[1]);
  if (bits < 0) reject('Malformed CIDR, mask bits must not be negative');
  const base = address(parts[0]);
  const kind = family(base);
  if (kind === 'ipv4' && bits > 31) reject('IPv4 mask bits must be < 32');
  if (kind === 'ipv6' && bits > 127) reject('IPv6 mask bits must be < 128');
  const range = new BlockList();
  range.addSubnet(base, bits, kind);
  return (v) => isIP(v) !== 0 && family(v) === kind && range.check(v, kind);
}

/** An exact value that is an IP literal: undefined for any other string. */
export function compileIpLiteral(value: string): ((v: string) => boolean) | undefined {
  if ((!IPV4.test(value) && !IPV6.test(value)) || isIP(value) === 0) return undefined;
  const kind = family(value);
  const one = new BlockList();
  one.addAddress(value, kind);
  return (v) => v === value || (isIP(v) !== 0 && family(v) === kind && one.check(v, kind));
}
