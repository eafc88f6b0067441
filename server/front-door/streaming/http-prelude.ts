// The HTTP integration prelude of a streamed response (pure, incremental): a function that uses
// `awslambda.HttpResponseStream.from(stream, {statusCode, headers, cookies})` writes that JSON, then
// 8 NUL bytes, then the body. Fed chunk by chunk; yields the prelude once, then body bytes as they come.

/** The content type our runtime clients (and AWS's) give a stream with a prelude. */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER = Buffer.alloc(8);
/** A prelude larger than this is not one (protects the buffer). */
export const MAX_PRELUDE_BYTES = 64 * 1024;

export interface HttpPrelude {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  cookies: string[];
}

export type PreludeStep =
  | { kind: 'waiting' }
  | { kind: 'prelude'; prelude: HttpPrelude; body: Buffer }
  | { kind: 'body'; body: Buffer }
  | { kind: 'error'; reason: string };

export class HttpPreludeParser {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private done = false;

  /** The next chunk of the function's stream. */
  push(chunk: Buffer): PreludeStep {
    if (this.done) return { kind: 'body', body: chunk };
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const all = Buffer.concat(this.pending);
    const at = all.indexOf(DELIMITER);
    if (at < 0) {
      if (this.pendingBytes > MAX_PRELUDE_BYTES) return { kind: 'error', reason: `no prelude delimiter in the first ${MAX_PRELUDE_BYTES} bytes` };
      this.pending = [all];
      return { kind: 'waiting' };
    }
    this.done = true;
    this.pending = [];
    const parsed = parsePrelude(all.subarray(0, at));
    if (typeof parsed === 'string') return { kind: 'error', reason: parsed };
    return { kind: 'prelude', prelude: parsed, body: all.subarray(at + DELIMITER.length) };
  }

  /** The stream ended: a stream that never wrote has no prelude (AWS: a 200 with no body). */
  end(): PreludeStep {
    if (this.done) return { kind: 'body', body: Buffer.alloc(0) };
    if (this.pendingBytes === 0) return { kind: 'prelude', prelude: { statusCode: 200, headers: {}, multiValueHeaders: {}, cookies: [] }, body: Buffer.alloc(0) };
    return { kind: 'error', reason: 'the stream ended inside its prelude' };
  }
}

export function parsePrelude(bytes: Buffer): HttpPrelude | string {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'the prelude is not JSON';
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'the prelude is not a JSON object';
  const p = v as Record<string, unknown>;
  const status = p.statusCode === undefined ? 200 : Number(p.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return `statusCode ${JSON.stringify(p.statusCode)} is not an HTTP status`;
  const headers: Record<string, string> = {};
  if (typeof p.headers === 'object' && p.headers !== null) for (const [k, val] of Object.entries(p.headers)) headers[k] = String(val);
  const multiValueHeaders: Record<string, string[]> = {};
  if (typeof p.multiValueHeaders === 'object' && p.multiValueHeaders !== null) {
    for (const [k, val] of Object.entries(p.multiValueHeaders)) multiValueHeaders[k] = Array.isArray(val) ? val.map(String) : [String(val)];
  }
  const cookies = Array.isArray(p.cookies) ? p.cookies.map(String) : [];
  return { statusCode: status, headers, multiValueHeaders, cookies };
}
