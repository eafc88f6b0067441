// A streamed answer as the environment hands it to its caller: the runtime's StreamedResponse read at
// Lambda's bandwidth (bandwidth.ts, on an injected clock), with its end known to the invocation (the
// report's status, platform.runtimeDone) and stopped by the platform when the invocation fails.
import { type StreamEnd, type StreamError, type StreamedResponse, errorOf } from '../../runtime-api/streaming-response.ts';
import { TokenBucket } from './bandwidth.ts';

/** The time source a shaped stream waits on (the shape of the emulator's injected clock). */
export interface StreamClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): () => void;
}

const wallClock: StreamClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** A response body the function streams: read it once; `ended` says how it ended (never rejects). */
export interface ResponseBody extends AsyncIterable<Buffer> {
  readonly contentType: string;
  readonly ended: Promise<StreamEnd>;
}

export type { StreamEnd, StreamError };

/** The runtime's stream, paced by Lambda's token bucket. */
export class ShapedStream implements ResponseBody {
  readonly contentType: string;
  readonly ended: Promise<StreamEnd>;
  private readonly source: StreamedResponse;
  private readonly clock: StreamClock;

  constructor(source: StreamedResponse, clock: StreamClock = wallClock) {
    this.source = source;
    this.clock = clock;
    this.contentType = source.contentType;
    this.ended = source.ended;
  }

  /** The platform ends the invocation: the stream stops with its error (`payload` in Lambda's error shape). */
  abort(errorType: string, payload: Buffer): void {
    this.source.abort(errorOf(errorType, payload));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const bucket = new TokenBucket(this.clock.now());
    for await (const chunk of this.source) {
      const wait = bucket.take(chunk.length, this.clock.now());
      if (wait > 0) await new Promise<void>((resolve) => this.clock.setTimeout(resolve, wait));
      yield chunk;
    }
  }
}
