// Function result → HTTP response (pure), per payload format. 1.0: the proxy response object with
// AWS's strict checks on REST (unknown keys, bad statusCode, non-array multiValueHeaders ⇒ malformed).
// 2.0: the same object with cookies, or any other JSON value inferred as a 200 application/json body.
import { restDecodesResponse } from './body-encoding.ts';
import type { GatewayReply } from './gateway-reply.ts';

export type Mapped = { ok: true; reply: GatewayReply } | { ok: false; reason: string };

const V1_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);
/** Headers the integration may not set as they are: REST renames them, like AWS. */
const REMAPPED = new Set(['connection', 'content-length', 'date', 'server']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function statusOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

export interface V1Options {
  kind: 'REST' | 'HTTP';
  /** REST: decode a base64 body only when the request's Accept matches these types. */
  binaryMediaTypes: readonly string[];
  accept: string | undefined;
}

export function mapV1Response(payload: Buffer, opts: V1Options): Mapped {
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the result is not JSON' };
  }
  if (!isObject(result)) return { ok: false, reason: 'the result is not a JSON object' };
  if (opts.kind === 'REST') {
    const unknown = Object.keys(result).find((k) => !V1_KEYS.has(k));
    if (unknown !== undefined) return { ok: false, reason: `unknown key ${JSON.stringify(unknown)} in the result` };
  } else if (result.statusCode === undefined) {
    return { ok: false, reason: 'statusCode is required in a payload 1.0 response' };
  }
  const status = result.statusCode === undefined ? 200 : statusOf(result.statusCode);
  if (status === undefined) return { ok: false, reason: `statusCode ${JSON.stringify(result.statusCode)} is not an HTTP status` };
  // multiValueHeaders first (their casing wins), then single headers; an identical pair appears once.
  const headers: Array<[string, string]> = [];
  const seen = new Map<string, string>();
  const add = (name: string, value: string): void => {
    const lower = name.toLowerCase();
    const shown = seen.get(lower) ?? name;
    seen.set(lower, shown);
    if (headers.some(([k, v]) => k.toLowerCase() === lower && v === value)) return;
    headers.push([shown, value]);
  };
  const mv = result.multiValueHeaders;
  if (mv !== undefined && mv !== null) {
    if (!isObject(mv)) return { ok: false, reason: 'multiValueHeaders is not an object' };
    for (const [k, values] of Object.entries(mv)) {
      if (!Array.isArray(values)) return { ok: false, reason: `multiValueHeaders.${k} is not an array` };
      for (const v of values) {
        const s = scalar(v);
        if (s !== undefined) add(k, s);
      }
    }
  }
  const single = result.headers;
  if (single !== undefined && single !== null) {
    if (!isObject(single)) return { ok: false, reason: 'headers is not an object' };
    for (const [k, v] of Object.entries(single)) {
      const s = scalar(v);
      if (s === undefined) return { ok: false, reason: `headers.${k} is not a string` };
      add(k, s);
    }
  }
  const body = result.body;
  if (body !== undefined && body !== null && typeof body !== 'string') return { ok: false, reason: 'body is not a string' };
  const decode = result.isBase64Encoded === true
    && (opts.kind === 'HTTP' || restDecodesResponse(opts.accept, opts.binaryMediaTypes));
  const bytes = body ? (decode ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8')) : Buffer.alloc(0);
  return { ok: true, reply: { status, headers: finishHeaders(headers, opts.kind === 'REST'), body: bytes } };
}

/** Payload 2.0 (HTTP APIs, function URLs). */
export function mapV2Response(payload: Buffer): Mapped {
  const text = payload.toString('utf8');
  let result: unknown;
  try {
    result = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the result is not JSON' };
  }
  if (!isObject(result) || result.statusCode === undefined) {
    // Inferred: any JSON value is a 200 JSON body; a string is sent without its quotes.
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    return { ok: true, reply: { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body) } };
  }
  const status = statusOf(result.statusCode);
  if (status === undefined) return { ok: false, reason: `statusCode ${JSON.stringify(result.statusCode)} is not an HTTP status` };
  const headers: Array<[string, string]> = [];
  if (result.headers !== undefined && result.headers !== null) {
    if (!isObject(result.headers)) return { ok: false, reason: 'headers is not an object' };
    for (const [k, v] of Object.entries(result.headers)) {
      const s = scalar(v);
      if (s !== undefined) headers.push([k, s]);
    }
  }
  if (result.cookies !== undefined && result.cookies !== null) {
    if (!Array.isArray(result.cookies)) return { ok: false, reason: 'cookies is not an array' };
    for (const c of result.cookies) headers.push(['set-cookie', String(c)]);
  }
  const body = result.body;
  let bytes: Buffer;
  if (body === undefined || body === null) bytes = Buffer.alloc(0);
  else if (typeof body === 'string') bytes = result.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  else bytes = Buffer.from(JSON.stringify(body));
  return { ok: true, reply: { status, headers: finishHeaders(headers, false), body: bytes } };
}

/** Default Content-Type, and (REST) AWS's renaming of headers the integration may not set. */
function finishHeaders(headers: Array<[string, string]>, rest: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let type = false;
  for (const [k, v] of headers) {
    const lower = k.toLowerCase();
    if (lower === 'transfer-encoding') continue;
    if (lower === 'content-type') type = true;
    if (REMAPPED.has(lower)) {
      if (rest) out.push([`x-amzn-Remapped-${k}`, v]);
      continue;
    }
    out.push([k, v]);
  }
  if (!type) out.unshift([rest ? 'Content-Type' : 'content-type', 'application/json']);
  return out;
}
