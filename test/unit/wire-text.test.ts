// Byte-wise UTF-8 decoding and form parsing for the SQS wire protocols: every ill-formed byte is marked
// as U+DC80+byte (never U+FFFD), well-formed text comes through unchanged, and forms split as WHATWG's.
import { describe, expect, it } from 'vitest';
import { decodeUtf8, parseForm } from '../../services/sqs/wire/wire-text.ts';

const b = (...x: number[]): Buffer => Buffer.from(x);
const mark = (byte: number): string => String.fromCharCode(0xdc00 + byte);

describe('decodeUtf8', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['ASCII', Buffer.from('plain'), 'plain'],
    ['2, 3 and 4-byte characters', Buffer.from('é✓𝄞'), 'é✓𝄞'],
    ['a BOM is kept (a body may start with U+FEFF)', b(0xef, 0xbb, 0xbf, 0x41), '\uFEFFA'],
    ['a lone byte 0xFF', b(0x61, 0xff, 0x62), `a${mark(0xff)}b`],
    ['a stray continuation byte', b(0x80), mark(0x80)],
    ['a lead byte cut short by ASCII', b(0xc3, 0x28), `${mark(0xc3)}(`],
    ['a lead byte at the end', b(0x61, 0xe2, 0x9c), `a${mark(0xe2)}${mark(0x9c)}`],
    ['an overlong 2-byte form', b(0xc0, 0xaf), mark(0xc0) + mark(0xaf)],
    ['an overlong 3-byte form', b(0xe0, 0x80, 0xaf), mark(0xe0) + mark(0x80) + mark(0xaf)],
    ['an encoded surrogate', b(0xed, 0xa0, 0x80), mark(0xed) + mark(0xa0) + mark(0x80)],
    ['above U+10FFFF', b(0xf4, 0x90, 0x80, 0x80), mark(0xf4) + mark(0x90) + mark(0x80) + mark(0x80)],
    ['U+10FFFF itself', b(0xf4, 0x8f, 0xbf, 0xbf), '\u{10FFFF}'],
    ['good text around a bad byte', Buffer.concat([Buffer.from('✓'), b(0xfe), Buffer.from('𝄞')]), `✓${mark(0xfe)}𝄞`],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(decodeUtf8(input)).toBe(expected);
    expect(decodeUtf8(input)).not.toContain('\uFFFD');
  });
});

describe('parseForm', () => {
  it('splits and decodes as application/x-www-form-urlencoded', () => {
    expect(parseForm(Buffer.from('a=1&&b=x+y%2B%zz&c&d=e=f&=g&%41=%'))).toEqual([
      ['a', '1'], ['b', 'x y+%zz'], ['c', ''], ['d', 'e=f'], ['', 'g'], ['A', '%'],
    ]);
    expect(parseForm(Buffer.from(''))).toEqual([]);
  });

  it('keeps bytes that are not UTF-8 visible, percent-encoded or raw', () => {
    expect(parseForm(Buffer.concat([Buffer.from('m=%FF&r='), b(0xff), Buffer.from('&ok=%C3%A9')]))).toEqual([
      ['m', mark(0xff)], ['r', mark(0xff)], ['ok', 'é'],
    ]);
  });
});
