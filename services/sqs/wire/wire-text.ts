// Request text as the SQS wire protocols read it: bytes decoded as UTF-8 without silently replacing what
// is not UTF-8, and form bodies (`a=b&c=d`, the query protocol) split and percent-decoded byte-wise.
//
// A byte that is not part of a well-formed UTF-8 sequence becomes the lone surrogate U+DC80+byte (as
// Python's `surrogateescape` shows it) instead of U+FFFD. SQS's character check then refuses it as it
// refuses any character outside XML's set (InvalidMessageContents), where U+FFFD would have been stored
// as if the sender had meant it: the body the receiver got, and its MD5, would differ from what was sent.

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Length of the well-formed UTF-8 sequence at `i` (Unicode Table 3-7), or 0 when there is none. */
function sequenceLength(b: Uint8Array, i: number): number {
  const b0 = b[i];
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const second = b0 === 0xe0 ? cont(1, 0xa0) : b0 === 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    return second && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const second = b0 === 0xf0 ? cont(1, 0x90) : b0 === 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    return second && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** UTF-8 text; each byte outside a well-formed sequence becomes U+DC80+byte (never U+FFFD). A BOM is kept. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    // not UTF-8 throughout: mark the bytes that are not
  }
  let out = '';
  let run = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += strict.decode(bytes.subarray(run, i)) + String.fromCharCode(0xdc00 + bytes[i]);
    run = ++i;
  }
  return out + strict.decode(bytes.subarray(run));
}

const hex = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

/** `+` is a space and `%XX` a byte; a `%` not followed by two hex digits stays as it is (as WHATWG's parser does). */
function percentDecode(bytes: Uint8Array): string {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x25 && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
      out[n++] = hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]);
      i += 2;
    } else {
      out[n++] = c === 0x2b ? 0x20 : c;
    }
  }
  return decodeUtf8(out.subarray(0, n));
}

/**
 * The name/value pairs of an `application/x-www-form-urlencoded` body or query string, in order. Not
 * URLSearchParams: it turns bytes that are not UTF-8 (and lone surrogates) into U+FFFD.
 */
export function parseForm(bytes: Uint8Array): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x26) continue;
    const piece = bytes.subarray(start, i);
    start = i + 1;
    if (piece.length === 0) continue;
    const eq = piece.indexOf(0x3d);
    pairs.push(eq < 0 ? [percentDecode(piece), ''] : [percentDecode(piece.subarray(0, eq)), percentDecode(piece.subarray(eq + 1))]);
  }
  return pairs;
}
