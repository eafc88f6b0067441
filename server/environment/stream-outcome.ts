// A streamed answer as the environment hands it to its caller: the runtime's StreamedResponse read at
// Lambda's bandwidth (bandwidth.ts, on the emulator's clock), with its end known to the invocation (the
// report's status, platform.runtimeDone) and stopped by the platform when the invocation fails.
import { type StreamEnd, type StreamError, type StreamedResponse, errorOf } from '../../runtime-api/streaming-response.ts';
import type { ResponseBody } from '../model.ts';
import { type Clock, sleep, systemClock } from '../../lib/clock.ts';
import { TokenBucket } from './bandwidth.ts';

/**
 * How long a stream cut short waits to learn why: a runtime process that died closes its connection a few
 * milliseconds before its exit is seen, and its exit (Runtime.ExitError) says more than the cut.
 */
export const TRUNCATION_GRACE_MS = 250;

/** The runtime's stream, paced by Lambda's token bucket. */
export class ShapedStream implements ResponseBody {
  readonly contentType: string;
  readonly ended: Promise<StreamEnd>;
  private readonly source: StreamedResponse;
  private readonly clock: Clock;
  private readonly platform = new AbortController();
  private platformError: StreamError | undefined;

  constructor(source: StreamedResponse, clock: Clock = systemClock) {
    this.source = source;
    this.clock = clock;
    this.contentType = source.contentType;
    this.ended = source.ended.then(async (end) => {
      if (end.error?.errorType !== 'Runtime.TruncatedResponse') return end;
      await sleep(this.clock, TRUNCATION_GRACE_MS, this.platform.signal);
      return this.platformError ? { bytes: end.bytes, error: this.platformError } : end;
    });
  }

  /** The platform ends the invocation: the stream stops with its error (`payload` in Lambda's error shape). */
  abort(errorType: string, payload: Buffer): void {
    this.platformError ??= errorOf(errorType, payload);
    this.source.abort(this.platformError);
    this.platform.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const bucket = new TokenBucket(this.clock.now());
    for await (const chunk of this.source) {
      const wait = bucket.take(chunk.length, this.clock.now());
      if (wait > 0) await sleep(this.clock, wait);
      yield chunk;
    }
  }
}
