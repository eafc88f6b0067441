// The `application/vnd.amazon.eventstream` framing InvokeWithResponseStream answers with (pure):
// prelude (total length, headers length, prelude CRC32), headers, payload, message CRC32; and the
// PayloadChunk / InvokeComplete events the AWS SDKs decode. Phase 2 of the front door streams these.
import { crc32 } from 'node:zlib';

export type HeaderValue = string | boolean | Uint8Array;

const TYPE_TRUE = 0;
const TYPE_FALSE = 1;
const TYPE_BYTES = 6;
const TYPE_STRING = 7;

function encodeHeaders(headers: ReadonlyArray<readonly [string, HeaderValue]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of headers) {
    const n = Buffer.from(name, 'utf8');
    if (n.length > 255) throw new RangeError(`event stream header name too long: ${name}`);
    if (typeof value === 'boolean') {
      parts.push(Buffer.from([n.length]), n, Buffer.from([value ? TYPE_TRUE : TYPE_FALSE]));
      continue;
    }
    const v = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    if (v.length > 0x7fff) throw new RangeError(`event stream header value too long: ${name}`);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(v.length);
    parts.push(Buffer.from([n.length]), n, Buffer.from([typeof value === 'string' ? TYPE_STRING : TYPE_BYTES]), len, v);
  }
  return Buffer.concat(parts);
}

/** One message: 12-byte prelude, headers, payload, CRC32 of everything before it. */
export function encodeMessage(headers: ReadonlyArray<readonly [string, HeaderValue]>, payload: Uint8Array): Buffer {
  const h = encodeHeaders(headers);
  const total = 12 + h.length + payload.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(h.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  h.copy(out, 12);
  Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).copy(out, 12 + h.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

/** A `PayloadChunk` event carrying bytes the function wrote. */
export function payloadChunk(bytes: Uint8Array): Buffer {
  return encodeMessage([
    [':event-type', 'PayloadChunk'], [':content-type', 'application/octet-stream'], [':message-type', 'event'],
  ], bytes);
}

export interface InvokeComplete {
  ErrorCode?: string;
  ErrorDetails?: string;
  /** Base64 of the last 4 KB of the invocation's log (X-Amz-Log-Type: Tail). */
  LogResult?: string;
}

/** The closing `InvokeComplete` event. */
export function invokeComplete(fields: InvokeComplete): Buffer {
  return encodeMessage([
    [':event-type', 'InvokeComplete'], [':content-type', 'application/json'], [':message-type', 'event'],
  ], Buffer.from(JSON.stringify(fields)));
}
