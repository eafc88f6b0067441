// The pure pieces of response streaming (phase 1): event stream frames decoded by the AWS SDK's own
// codec (@smithy/core), and the incremental HTTP prelude parser for awslambda.HttpResponseStream.
import { EventStreamCodec } from '@smithy/core/event-streams';
import { describe, expect, it } from 'vitest';
import { encodeMessage, invokeComplete, payloadChunk } from '../../server/front-door/streaming/event-stream.ts';
import { HttpPreludeParser, MAX_PRELUDE_BYTES } from '../../server/front-door/streaming/http-prelude.ts';

const codec = new EventStreamCodec((b: Uint8Array) => Buffer.from(b).toString('utf8'), (s: string) => new Uint8Array(Buffer.from(s, 'utf8')));
const header = (m: ReturnType<EventStreamCodec['decode']>, name: string): unknown => m.headers[name]?.value;

describe('event stream frames', () => {
  it('PayloadChunk: the SDK codec checks both CRCs and reads headers and bytes', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const m = codec.decode(payloadChunk(bytes));
    expect(header(m, ':event-type')).toBe('PayloadChunk');
    expect(header(m, ':message-type')).toBe('event');
    expect(header(m, ':content-type')).toBe('application/octet-stream');
    expect([...m.body]).toEqual([0, 1, 2, 250, 255]);
  });

  it('InvokeComplete carries its JSON structure', () => {
    const m = codec.decode(invokeComplete({ ErrorCode: 'Unhandled', ErrorDetails: 'boom', LogResult: 'U1RBUlQ=' }));
    expect(header(m, ':event-type')).toBe('InvokeComplete');
    expect(JSON.parse(Buffer.from(m.body).toString())).toEqual({ ErrorCode: 'Unhandled', ErrorDetails: 'boom', LogResult: 'U1RBUlQ=' });
  });

  it('matches the codec\'s own encoding byte for byte (string, bytes and boolean headers)', () => {
    const ours = encodeMessage([['s', 'x'], ['b', new Uint8Array([9])], ['t', true], ['f', false]], new Uint8Array([1]));
    const theirs = codec.encode({
      headers: { s: { type: 'string', value: 'x' }, b: { type: 'binary', value: new Uint8Array([9]) }, t: { type: 'boolean', value: true }, f: { type: 'boolean', value: false } },
      body: new Uint8Array([1]),
    });
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
  });

  it('a corrupted frame is rejected by the SDK', () => {
    const frame = payloadChunk(new Uint8Array([1, 2, 3]));
    frame[frame.length - 6] ^= 0xff;
    expect(() => codec.decode(frame)).toThrow(/checksum/i);
  });
});

describe('HTTP prelude', () => {
  const prelude = Buffer.from(JSON.stringify({ statusCode: 201, headers: { 'x-a': 'b' }, cookies: ['c=1'] }));
  const NUL8 = Buffer.alloc(8);

  it('split anywhere: waits, then yields the prelude and the body after the 8 NUL bytes, then body chunks', () => {
    const p = new HttpPreludeParser();
    expect(p.push(prelude.subarray(0, 10))).toEqual({ kind: 'waiting' });
    expect(p.push(Buffer.concat([prelude.subarray(10), NUL8.subarray(0, 3)]))).toEqual({ kind: 'waiting' });
    expect(p.push(Buffer.concat([NUL8.subarray(3), Buffer.from('Hello,')]))).toEqual({
      kind: 'prelude', prelude: { statusCode: 201, headers: { 'x-a': 'b' }, multiValueHeaders: {}, cookies: ['c=1'] }, body: Buffer.from('Hello,'),
    });
    expect(p.push(Buffer.from(' world!'))).toEqual({ kind: 'body', body: Buffer.from(' world!') });
  });

  it('a stream that never wrote is a plain 200; bad preludes are errors', () => {
    expect(new HttpPreludeParser().end()).toMatchObject({ kind: 'prelude', prelude: { statusCode: 200 } });
    expect(new HttpPreludeParser().push(Buffer.concat([Buffer.from('nope'), NUL8]))).toEqual({ kind: 'error', reason: 'the prelude is not JSON' });
    expect(new HttpPreludeParser().push(Buffer.concat([Buffer.from('{"statusCode":"x"}'), NUL8])).kind).toBe('error');
    expect(new HttpPreludeParser().push(Buffer.alloc(MAX_PRELUDE_BYTES + 1, 0x41)).kind).toBe('error');
  });
});
