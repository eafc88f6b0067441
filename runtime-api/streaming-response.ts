// The Runtime API's streaming response mode: `POST …/response` with `Lambda-Runtime-Function-Response-Mode:
// streaming`, read chunk by chunk as its consumer pulls (backpressure reaches the runtime through TCP), and
// closed by the error trailers, or cut short: truncated, over Lambda's size limit, or aborted by the platform.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accepted, sendError } from './render.ts';

export const RESPONSE_MODE_HEADER = 'lambda-runtime-function-response-mode';
/** Lambda's limit for a streamed response (200 MiB since 2025; 20 MiB at the 2023 launch). */
export const MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024;
const ERROR_TYPE_TRAILER = 'lambda-runtime-function-error-type';
const ERROR_BODY_TRAILER = 'lambda-runtime-function-error-body';
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** RIE's reading of the header: absent or `buffered` (any case) buffers, `streaming` streams, else 400. */
export function responseMode(header: string | string[] | undefined): 'buffered' | 'streaming' | 'invalid' {
  if (header === undefined) return 'buffered';
  const value = (Array.isArray(header) ? header[0] : header).toLowerCase();
  return value === 'streaming' ? 'streaming' : value === 'buffered' || value === '' ? 'buffered' : 'invalid';
}

/** A failed stream, as the caller gets it: `errorMessage` is what InvokeComplete's ErrorDetails carries. */
export interface StreamError {
  errorType: string;
  errorMessage: string;
  /** The error JSON (the trailer's decoded body, or the platform's). */
  payload: Buffer;
}

export interface StreamEnd {
  /** Bytes of body the runtime streamed (and its consumer read). */
  bytes: number;
  error?: StreamError;
}

/** The error a runtime reports in its trailers; undefined when it reported none. */
export function trailerError(trailers: Record<string, string | undefined>): StreamError | undefined {
  const errorType = trailers[ERROR_TYPE_TRAILER];
  if (!errorType) return undefined;
  return errorOf(errorType, Buffer.from(trailers[ERROR_BODY_TRAILER] ?? '', 'base64'));
}

/** A platform error in Lambda's `{errorMessage, errorType}` shape. */
export function platformError(errorType: string, errorMessage: string): StreamError {
  return { errorType, errorMessage, payload: Buffer.from(JSON.stringify({ errorMessage, errorType })) };
}

/** An error payload (`{errorType, errorMessage, …}` JSON, or any text) as a stream's error. */
export function errorOf(errorType: string, payload: Buffer): StreamError {
  return { errorType, errorMessage: messageOf(payload) ?? '', payload };
}

function messageOf(payload: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as { errorMessage?: unknown };
    return typeof parsed?.errorMessage === 'string' ? parsed.errorMessage : undefined;
  } catch {
    return payload.length > 0 ? payload.toString('utf8') : undefined;
  }
}

/**
 * One streamed response. Iterated once by its consumer; `ended` settles when the body is over however it
 * ended (the runtime is then answered: 202, or 413 over the limit), and never rejects.
 */
export class StreamedResponse implements AsyncIterable<Buffer> {
  readonly contentType: string;
  readonly ended: Promise<StreamEnd>;
  private readonly req: IncomingMessage;
  private readonly res: ServerResponse;
  private readonly limit: number;
  private readonly onEnd: () => void;
  private bytes = 0;
  private final: StreamEnd | undefined;
  private aborted: StreamError | undefined;
  private iterated = false;
  /** What the runtime had sent and nobody had read when the stream was cut short: its consumer gets it first. */
  private salvaged: Buffer[] = [];
  private resolveEnded!: (end: StreamEnd) => void;

  /** `onEnd` runs once the stream is over and its runtime answered (the listener's bookkeeping). */
  constructor(req: IncomingMessage, res: ServerResponse, onEnd: () => void, limit = MAX_STREAMED_RESPONSE_BYTES) {
    this.req = req;
    this.res = res;
    this.limit = limit;
    this.onEnd = onEnd;
    const type = req.headers['content-type'];
    this.contentType = typeof type === 'string' && type !== '' ? type : DEFAULT_CONTENT_TYPE;
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    // A runtime that goes away before anyone reads: the stream is over (truncated) all the same.
    req.once('close', () => {
      if (this.iterated || req.complete) return;
      this.salvage();
      this.finish(this.aborted ?? truncated());
    });
  }

  /** The platform ends the invocation (timeout, runtime exit, shutdown): the stream stops with `error`. */
  abort(error: StreamError): void {
    if (this.final) return;
    this.aborted = error;
    this.salvage();
    if (!this.iterated) this.finish(error);
    this.req.destroy();
  }

  /**
   * Takes the bytes that arrived and were not read yet (a runtime that wrote, then died before its
   * consumer pulled): they were sent, so the caller gets them before the error, as from Lambda.
   */
  private salvage(): void {
    for (let chunk = this.req.read() as Buffer | null; chunk !== null; chunk = this.req.read() as Buffer | null) {
      const kept = chunk.subarray(0, Math.max(0, this.limit - this.bytes));
      if (kept.length === 0) break;
      this.bytes += kept.length;
      this.salvaged.push(kept);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    if (this.iterated) throw new Error('a streamed response is read once');
    this.iterated = true;
    if (this.final) return yield* this.takeSalvaged();
    try {
      // destroyOnReturn false: a consumer that stops early leaves the request to drain() (below).
      for await (const chunk of this.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        const room = this.limit - this.bytes;
        if (chunk.length > room) {
          if (room > 0) {
            this.bytes += room;
            yield chunk.subarray(0, room);
          }
          return this.finish(tooLarge(this.limit), 413);
        }
        this.bytes += chunk.length;
        yield chunk;
      }
      this.finish(this.aborted ?? trailerError(this.req.trailers), 202);
    } catch {
      yield* this.takeSalvaged();
      this.finish(this.aborted ?? truncated());
    } finally {
      // The consumer stopped reading (its caller went away): as on Lambda, the function runs on. The
      // rest of the body is read and dropped, and the runtime answered when it ends.
      if (!this.final) this.drain();
    }
  }

  private *takeSalvaged(): Generator<Buffer> {
    const chunks = this.salvaged;
    this.salvaged = [];
    yield* chunks;
  }

  private drain(): void {
    if (this.req.complete) return this.finish(this.aborted ?? trailerError(this.req.trailers), 202);
    this.req.on('data', (chunk: Buffer) => (this.bytes += chunk.length));
    this.req.once('end', () => this.finish(this.aborted ?? trailerError(this.req.trailers), 202));
    this.req.once('close', () => this.finish(this.aborted ?? truncated()));
    this.req.resume();
  }

  /** Over: settle `ended`, answer the runtime if its request is still there (`status`), tell the listener. */
  private finish(error: StreamError | undefined, status?: 202 | 413): void {
    if (this.final) return;
    this.final = error ? { bytes: this.bytes, error } : { bytes: this.bytes };
    if (status === 202) accepted(this.res);
    else if (status === 413) {
      this.res.shouldKeepAlive = false;
      sendError(this.res, 413, 'RequestEntityTooLarge', `Exceeded maximum allowed payload size (${this.limit} bytes).`);
      this.req.destroy();
    } else if (!this.res.headersSent) this.res.destroy();
    this.resolveEnded(this.final);
    this.onEnd();
  }
}

/** The whole of a stream, or undefined past `limit` bytes (read to its end all the same). */
export async function bufferStream(stream: AsyncIterable<Buffer>, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? undefined : Buffer.concat(chunks, size);
}

const truncated = (): StreamError => platformError('Runtime.TruncatedResponse', 'Response payload was truncated: the runtime closed the connection before the end of its streamed response.');

function tooLarge(limit: number): StreamError {
  return platformError('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${limit} bytes).`);
}
