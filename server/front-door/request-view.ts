// An HTTP request as the front door reads it, framework-free: method, raw path and query, the header
// pairs in the client's casing, body bytes, source IP. Plus the header and query views each payload
// format needs (last value / all values / comma-joined), and cookies.

export interface RequestView {
  method: string;
  /** The path as sent, still percent-encoded, without the query. */
  rawPath: string;
  /** The text after `?` ('' when none). */
  rawQuery: string;
  /** Header name/value pairs in the order and casing the client sent. */
  headers: ReadonlyArray<readonly [string, string]>;
  body: Buffer;
  sourceIp: string;
  /** Epoch ms the request arrived. */
  receivedAt: number;
}

/** `GET /a/b?x=1` request target → path and query. */
export function splitTarget(target: string): { rawPath: string; rawQuery: string } {
  const q = target.indexOf('?');
  return q < 0 ? { rawPath: target, rawQuery: '' } : { rawPath: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

/** Node's rawHeaders (flat name, value list) → pairs. */
export function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

/** The first value of a header (case-insensitive), or undefined. */
export function headerValue(view: Pick<RequestView, 'headers'>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of view.headers) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Every value of a header, comma-joined (as HTTP allows), or undefined. */
export function headerJoined(view: Pick<RequestView, 'headers'>, name: string): string | undefined {
  const lower = name.toLowerCase();
  const values = view.headers.filter(([k]) => k.toLowerCase() === lower).map(([, v]) => v);
  return values.length ? values.join(',') : undefined;
}

/** `a=1&b=x+y&a=%2F` → [['a','1'], ['b','x y'], ['a','/']] (form decoding: `+` is a space). */
export function queryPairs(rawQuery: string): Array<[string, string]> {
  if (rawQuery === '') return [];
  const out: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    out.push([formDecode(k), formDecode(v)]);
  }
  return out;
}

export function formDecode(s: string): string {
  const plus = s.includes('+') ? s.replaceAll('+', ' ') : s;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** Last value per name, and every value per name in order (REST and payload 1.0). */
export function lastAndAll(pairs: ReadonlyArray<readonly [string, string]>): { last: Record<string, string>; all: Record<string, string[]> } {
  const last: Record<string, string> = {};
  const all: Record<string, string[]> = {};
  for (const [k, v] of pairs) {
    last[k] = v;
    (all[k] ??= []).push(v);
  }
  return { last, all };
}

/** Comma-joined values per name (payload 2.0). */
export function joined(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) out[k] = Object.hasOwn(out, k) ? `${out[k]},${v}` : v;
  return out;
}

/** The Cookie header(s) split into `name=value` entries (payload 2.0 `cookies`). */
export function cookieList(view: Pick<RequestView, 'headers'>): string[] {
  const out: string[] = [];
  for (const [k, v] of view.headers) {
    if (k.toLowerCase() !== 'cookie') continue;
    for (const c of v.split(';')) {
      const t = c.trim();
      if (t !== '') out.push(t);
    }
  }
  return out;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`. */
export function plainIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
