// Why an Invoke payload is not JSON, in the words of Lambda's front end. It parses payloads with Jackson,
// whose errors end in the location of the fault with the source redacted; LocalStack's AWS-recorded
// snapshot test_lambda_invoke_payload_encoding_error (2025-11) holds two of them:
//   `n\x87...`  → "Invalid UTF-8 start byte 0x87 ... line: 1, column: 3" (the column just past the byte)
//   `\x99...`   → "Unexpected character ((CTRL-CHAR, code 153)): expected a valid value (...) ... column: 1"
// Those two families (a byte that cannot start a value, a byte that breaks UTF-8) are told the way
// Jackson tells them; any other fault is left to the caller (JSON.parse's words, without a location). Pure.

const VALUE_EXPECTED = "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

function location(buf: Buffer, after: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < after; i++) {
    if (buf[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return `\n at [Source: REDACTED (\`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION\` disabled); line: ${line}, column: ${after - lineStart + 1}]`;
}

/** Jackson's description of a character: control characters by code, others quoted. */
function charDescription(code: number): string {
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `(CTRL-CHAR, code ${code})`;
  return `'${String.fromCharCode(code)}' (code ${code})`;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** A first byte Jackson reports as an unexpected character: not whitespace, no value's start, no letter (a token). */
function unexpectedStart(b: number): boolean {
  if (/[{["\-0-9]/.test(String.fromCharCode(b))) return false;
  if (/[A-Za-z_$]/.test(String.fromCharCode(b))) return false;
  return b < 0x80 || b <= 0x9f;
}

/** The first byte that breaks UTF-8 as Jackson decodes (lead bytes by their bit pattern, then continuations). */
function utf8Fault(buf: Buffer): { message: string; after: number } | undefined {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b < 0x80) continue;
    const more = (b & 0xe0) === 0xc0 ? 1 : (b & 0xf0) === 0xe0 ? 2 : (b & 0xf8) === 0xf0 ? 3 : -1;
    if (more < 0) return { message: `Invalid UTF-8 start byte 0x${b.toString(16)}`, after: i + 1 };
    for (let k = 1; k <= more; k++) {
      const c = buf[i + k];
      if (c === undefined) return undefined;
      if ((c & 0xc0) !== 0x80) return { message: `Invalid UTF-8 middle byte 0x${c.toString(16)}`, after: i + k + 1 };
    }
    i += more;
  }
  return undefined;
}

/**
 * What Lambda says about a payload that is not JSON (after "Could not parse payload into json: "), when
 * the fault is of the two families above; undefined otherwise (the caller describes it).
 */
export function payloadFault(buf: Buffer): string | undefined {
  let i = 0;
  while (i < buf.length && WHITESPACE.has(buf[i])) i++;
  if (i < buf.length && unexpectedStart(buf[i])) {
    return `Unexpected character (${charDescription(buf[i])}): ${VALUE_EXPECTED}${location(buf, i)}`;
  }
  const bad = utf8Fault(buf);
  return bad ? `${bad.message}${location(buf, bad.after)}` : undefined;
}
