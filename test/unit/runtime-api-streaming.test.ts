// The Runtime API's streaming response mode over real loopback sockets: chunks reach the host while the
// runtime's POST is still open, error trailers, truncation, the size limit, the buffered fallback, a consumer
// that stops early; and Lambda's bandwidth rule (token bucket) paced on a ManualClock.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InvokeEvent, RuntimeApiHost } from '../../runtime-api/host.ts';
import { RuntimeApiServer } from '../../runtime-api/server.ts';
import { StreamedResponse, platformError, responseMode, trailerError } from '../../runtime-api/streaming-response.ts';
import { STREAM_BURST_BYTES, TokenBucket } from '../../server/environment/bandwidth.ts';
import { ShapedStream } from '../../server/environment/stream-outcome.ts';
import { waitFor } from '../helpers/emulator.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

class StreamingHost implements RuntimeApiHost {
  calls: string[] = [];
  streams: StreamedResponse[] = [];
  payloads: string[] = [];
  initReady() { this.calls.push('init-ready'); }
  invocationDone(id: string) { this.calls.push(`done:${id}`); }
  invocationResponse(id: string, payload: Buffer) { this.calls.push(`response:${id}`); this.payloads.push(payload.toString()); }
  invocationStream(id: string, stream: StreamedResponse) { this.calls.push(`stream:${id}`); this.streams.push(stream); }
  invocationError(id: string, payload: Buffer, type: string) { this.calls.push(`error:${id}:${type}`); this.payloads.push(payload.toString()); }
  initError(payload: Buffer, type: string) { this.calls.push(`init-error:${type}`); }
}

let api: RuntimeApiServer;
let hostPort: string;
const event = (id: string): InvokeEvent => ({ requestId: id, payload: Buffer.from('{}'), deadlineMs: 1_900_000_000_000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f' });

async function start(host: RuntimeApiHost): Promise<void> {
  api = new RuntimeApiServer(host);
  hostPort = await api.listen();
  api.dispatch(event('r1'));
  await (await fetch(`http://${hostPort}/2018-06-01/runtime/invocation/next`)).text();
}
afterEach(() => api?.close());

/** A runtime's streaming POST, written by hand: `answer` resolves with the Runtime API's status and body. */
function streamingPost(id: string, headers: Record<string, string> = {}) {
  const [host, port] = hostPort.split(':');
  const req = request({
    host, port: Number(port), method: 'POST', path: `/2018-06-01/runtime/invocation/${id}/response`, agent: false,
    headers: { 'Lambda-Runtime-Function-Response-Mode': 'streaming', 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', ...headers },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return { req, answer };
}

describe('Runtime API streaming mode', () => {
  let host: StreamingHost;
  beforeEach(async () => {
    host = new StreamingHost();
    await start(host);
  });

  it('hands the body over as it comes; 202 once it ends; the runtime is done only after that', async () => {
    const { req, answer } = streamingPost('r1');
    req.write('one;');
    await waitFor(() => host.streams.length === 1);
    const stream = host.streams[0];
    expect(stream.contentType).toBe('text/plain');
    const chunks = stream[Symbol.asyncIterator]();
    // The runtime's POST is still open: the first chunk is read before it ends.
    expect((await chunks.next()).value.toString()).toBe('one;');
    const nextCall = fetch(`http://${hostPort}/2018-06-01/runtime/invocation/next`);
    req.end('two');
    expect((await chunks.next()).value.toString()).toBe('two');
    expect((await chunks.next()).done).toBe(true);
    expect(await answer).toEqual({ status: 202, body: '{"status":"OK"}' });
    expect(await stream.ended).toEqual({ bytes: 7 });
    await waitFor(() => host.calls.includes('done:r1'));
    api.dispatch(event('r2'));
    expect((await nextCall).headers.get('lambda-runtime-aws-request-id')).toBe('r2');
  });

  it('error trailers end the stream with the function error', async () => {
    const { req, answer } = streamingPost('r1', { Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body' });
    req.write('partial');
    req.addTrailers({
      'Lambda-Runtime-Function-Error-Type': 'TypeError',
      'Lambda-Runtime-Function-Error-Body': Buffer.from('{"errorType":"TypeError","errorMessage":"boom","trace":[]}').toString('base64'),
    });
    req.end();
    await waitFor(() => host.streams.length === 1);
    let read = '';
    for await (const c of host.streams[0]) read += c.toString();
    expect(read).toBe('partial');
    expect(await answer).toMatchObject({ status: 202 });
    expect((await host.streams[0].ended).error).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
  });

  it('a runtime that hangs up mid-stream: Runtime.TruncatedResponse', async () => {
    const { req, answer } = streamingPost('r1');
    answer.catch(() => {});
    req.write('cut');
    await waitFor(() => host.streams.length === 1);
    const reading = (async () => {
      for await (const _ of host.streams[0]) void _;
    })();
    req.destroy();
    await reading;
    expect((await host.streams[0].ended).error?.errorType).toBe('Runtime.TruncatedResponse');
  });

  /** The runtime's bytes are in the stream's request, not read by anyone yet. */
  const buffered = (stream: StreamedResponse): boolean => (stream as unknown as { req: { readableLength: number } }).req.readableLength > 0;
  const readAll = async (stream: StreamedResponse): Promise<string> => {
    let text = '';
    for await (const chunk of stream) text += chunk.toString();
    return text;
  };

  it('bytes sent before the platform ends the stream, not read yet, still reach the consumer before the error', async () => {
    const { req, answer } = streamingPost('r1');
    answer.catch(() => {});
    req.write('sent;');
    await waitFor(() => host.streams.length === 1 && buffered(host.streams[0]));
    const stream = host.streams[0];
    stream.abort(platformError('Runtime.ExitError', 'RequestId: r1 Error: Runtime exited with error: exit status 3'));
    expect(await readAll(stream)).toBe('sent;');
    expect(await stream.ended).toMatchObject({ bytes: 5, error: { errorType: 'Runtime.ExitError' } });
  });

  it('a runtime that hangs up before anyone reads: what it sent, then Runtime.TruncatedResponse', async () => {
    const { req, answer } = streamingPost('r1');
    answer.catch(() => {});
    req.write('cut;');
    await waitFor(() => host.streams.length === 1 && buffered(host.streams[0]));
    req.destroy();
    const stream = host.streams[0];
    expect((await stream.ended).error?.errorType).toBe('Runtime.TruncatedResponse');
    expect(await readAll(stream)).toBe('cut;');
  });

  it('a consumer that stops early: the rest is drained and the runtime still answered 202', async () => {
    const { req, answer } = streamingPost('r1');
    req.write('a');
    await waitFor(() => host.streams.length === 1);
    for await (const _ of host.streams[0]) break;
    req.end('b'.repeat(100_000));
    expect((await answer).status).toBe(202);
    expect(await host.streams[0].ended).toEqual({ bytes: 100_001 });
  });

  it('an unknown response mode is 400 InvalidFunctionResponseMode', async () => {
    const res = await fetch(`http://${hostPort}/2018-06-01/runtime/invocation/r1/response`, { method: 'POST', body: 'x', headers: { 'Lambda-Runtime-Function-Response-Mode': 'sideways' } });
    expect([res.status, await res.json()]).toEqual([400, { errorType: 'InvalidFunctionResponseMode', errorMessage: 'Invalid function response mode' }]);
  });
});

describe('a host that takes no streams', () => {
  it('gets the streamed body whole, as a response', async () => {
    const host = new StreamingHost();
    const plain: RuntimeApiHost = { ...host, initReady: () => host.initReady(), invocationDone: (id) => host.invocationDone(id), invocationResponse: (id, p) => host.invocationResponse(id, p), invocationError: (id, p, t) => host.invocationError(id, p, t), initError: (p, t) => host.initError(p, t) };
    delete (plain as Partial<RuntimeApiHost>).invocationStream;
    await start(plain);
    const { req, answer } = streamingPost('r1');
    req.end('whole body');
    expect((await answer).status).toBe(202);
    await waitFor(() => host.calls.includes('response:r1'));
    expect(host.payloads).toEqual(['whole body']);
  });
});

describe('StreamedResponse size limit', () => {
  let server: Server;
  let got: StreamedResponse | undefined;
  afterEach(() => new Promise((r) => server.close(r)));

  it('past the limit: the bytes up to it, then Function.ResponseSizeTooLarge and 413 to the runtime', async () => {
    server = createServer((req, res) => (got = new StreamedResponse(req, res, () => {}, 10)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    hostPort = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { req, answer } = streamingPost('r1');
    req.end('0123456789abcdef');
    await waitFor(() => got !== undefined);
    let read = '';
    for await (const c of got!) read += c.toString();
    expect(read).toBe('0123456789');
    expect((await got!.ended).error?.errorType).toBe('Function.ResponseSizeTooLarge');
    expect((await answer).status).toBe(413);
  });
});

describe('pure rules', () => {
  it.each([
    [undefined, 'buffered'], ['streaming', 'streaming'], ['STREAMING', 'streaming'], ['buffered', 'buffered'], ['', 'buffered'], ['chunky', 'invalid'],
  ] as const)('response mode header %j is %s', (header, mode) => expect(responseMode(header)).toBe(mode));

  it('trailers without an error type are no error; with one, the base64 body gives its message', () => {
    expect(trailerError({})).toBeUndefined();
    expect(trailerError({ 'lambda-runtime-function-error-type': 'E', 'lambda-runtime-function-error-body': Buffer.from('{"errorMessage":"m"}').toString('base64') })).toMatchObject({ errorType: 'E', errorMessage: 'm' });
    expect(trailerError({ 'lambda-runtime-function-error-type': 'E', 'lambda-runtime-function-error-body': Buffer.from('plain text').toString('base64') })).toMatchObject({ errorMessage: 'plain text' });
  });

  it.each([
    // [what, steps of [bytes, at ms], expected waits]
    ['the 6 MiB burst goes out at once', [[STREAM_BURST_BYTES, 0]], [0]],
    ['then 2 MiB take a second', [[STREAM_BURST_BYTES, 0], [2 * 1024 * 1024, 0]], [0, 1000]],
    ['a pause earns the burst back, capped at its size', [[STREAM_BURST_BYTES, 0], [STREAM_BURST_BYTES, 10_000], [1024 * 1024, 10_000]], [0, 0, 500]],
    ['time that passed while in debt pays it', [[STREAM_BURST_BYTES + 2 * 1024 * 1024, 0], [1, 1000]], [1000, 1]],
  ] as const)('token bucket: %s', (_what, steps, waits) => {
    const bucket = new TokenBucket(0);
    expect(steps.map(([bytes, at]) => bucket.take(bytes, at))).toEqual(waits);
  });
});

describe('ShapedStream on the emulator clock', () => {
  it('past the burst, the next chunk waits on the clock', async () => {
    const clock = new ManualClock({ start: 0 });
    const chunks = [Buffer.alloc(STREAM_BURST_BYTES), Buffer.alloc(1024 * 1024)];
    const source = {
      contentType: 'application/octet-stream',
      ended: Promise.resolve({ bytes: 0 }),
      abort() {},
      async *[Symbol.asyncIterator]() {
        yield* chunks;
      },
    } as unknown as StreamedResponse;
    const shaped = new ShapedStream(source, clock)[Symbol.asyncIterator]();
    expect((await shaped.next()).value.length).toBe(STREAM_BURST_BYTES);
    let second = false;
    const pending = shaped.next().then(() => (second = true));
    await waitFor(() => clock.pending > 0);
    expect(clock.waits()).toEqual([500]);
    expect(second).toBe(false);
    await clock.advance(500);
    await pending;
    expect(second).toBe(true);
  });
});
