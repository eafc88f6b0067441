// What one step sent and saw, in the operation's terms, whichever transport ran it; and the raw HTTP
// round trip the wire transports share (undici, no SDK in between).
import { request } from 'undici';

export interface RawRequest {
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface Observation {
  status: number;
  error?: { type?: string; code?: string; fault?: string; message?: string };
  /** The operation's output (success), as the SDK models it. */
  output?: Record<string, unknown>;
  /** Raw HTTP only: the answer's headers and the error body as sent. */
  headers?: Record<string, string>;
  errorBody?: Record<string, unknown>;
}

export async function send(base: string, req: RawRequest): Promise<RawAnswer> {
  const res = await request(`${base}${req.path}`, {
    method: req.method as 'GET',
    headers: { ...req.headers, host: new URL(base).host },
    body: req.body,
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return { status: res.statusCode, headers, body };
}
