import { describe, expect, it } from 'vitest';
import { payloadFault } from '../../server/http/payload-json.ts';

const AT = (line: number, column: number): string => `\n at [Source: REDACTED (\`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION\` disabled); line: ${line}, column: ${column}]`;

describe('payloadFault (Jackson-worded Invoke payload errors)', () => {
  it('tells the two recorded answers as AWS recorded them', () => {
    expect(payloadFault(Buffer.from('6e87729ee9b5d749ee9b6d74', 'hex'))).toBe(`Invalid UTF-8 start byte 0x87${AT(1, 3)}`);
    expect(payloadFault(Buffer.from('99eb2c6a07a17a5968', 'hex'))).toBe(
      `Unexpected character ((CTRL-CHAR, code 153)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')${AT(1, 1)}`,
    );
  });

  it('quotes a printable unexpected character and counts lines and columns', () => {
    expect(payloadFault(Buffer.from('\n  ]'))).toMatch(/^Unexpected character \('\]' \(code 93\)\): expected a valid value .*line: 2, column: 3\]$/s);
  });

  it('finds a broken continuation byte', () => {
    expect(payloadFault(Buffer.from([0x22, 0xc3, 0x28, 0x22]))).toBe(`Invalid UTF-8 middle byte 0x28${AT(1, 4)}`);
  });

  it('leaves other faults (and JSON) to the caller', () => {
    expect(payloadFault(Buffer.from('{"a": }'))).toBeUndefined();
    expect(payloadFault(Buffer.from('hello'))).toBeUndefined();
    expect(payloadFault(Buffer.from('{"ok": "é"}'))).toBeUndefined();
  });
});
