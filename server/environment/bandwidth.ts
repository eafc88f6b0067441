// Lambda's bandwidth rule for streamed responses as a pure token bucket: the first 6 MiB go out
// uncapped (the bucket starts full), then at most 2 MiB/s (RIE: burst 6 MiB, rate 2 MiB/s). A
// function that pauses earns its burst back, as the bucket refills up to its capacity.

export const STREAM_BURST_BYTES = 6 * 1024 * 1024;
export const STREAM_RATE_BYTES_PER_S = 2 * 1024 * 1024;

export class TokenBucket {
  private readonly capacity: number;
  private readonly ratePerMs: number;
  private tokens: number;
  private at: number;

  constructor(now: number, capacity = STREAM_BURST_BYTES, bytesPerSecond = STREAM_RATE_BYTES_PER_S) {
    this.capacity = capacity;
    this.ratePerMs = bytesPerSecond / 1000;
    this.tokens = capacity;
    this.at = now;
  }

  /**
   * Take `bytes` at time `now` (ms); returns how long to wait before sending them (0: now). The bucket
   * may go into debt by one chunk, so a chunk larger than what is left waits for exactly its shortfall.
   */
  take(bytes: number, now: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + Math.max(0, now - this.at) * this.ratePerMs);
    this.at = Math.max(this.at, now);
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / this.ratePerMs);
  }
}
