// Function output: relayed line by line to the emulator's output with a function/environment
// prefix, and kept per invocation (a bounded tail) for `X-Amz-Log-Type: Tail`.

export interface OutputSink {
  line(functionName: string, envId: string, text: string): void;
}

/** Writes `[fn envId] line` to a stream; lines of one tick are batched into one write. */
export class StreamOutputSink implements OutputSink {
  private pending: string[] = [];
  private readonly out: NodeJS.WritableStream;
  constructor(out: NodeJS.WritableStream) {
    this.out = out;
  }
  line(functionName: string, envId: string, text: string): void {
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(`[${functionName} ${envId.slice(0, 8)}] ${text}\n`);
  }
  flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.out.write(text);
  }
}

export const silentSink: OutputSink = { line() {} };

/** The last `keep` bytes (at least) of an invocation's log lines. */
export class LogBuffer {
  private lines: string[] = [];
  private bytes = 0;
  private readonly keep: number;
  constructor(keep = 8192) {
    this.keep = keep;
  }
  push(line: string): void {
    this.lines.push(line);
    this.bytes += Buffer.byteLength(line) + 1;
    while (this.bytes - Buffer.byteLength(this.lines[0]) - 1 >= this.keep && this.lines.length > 1) {
      this.bytes -= Buffer.byteLength(this.lines.shift()!) + 1;
    }
  }
  text(): string {
    return this.lines.length ? `${this.lines.join('\n')}\n` : '';
  }
  /** Base64 of the last `max` bytes: the value of X-Amz-Log-Result. */
  tailBase64(max = 4096): string {
    const buf = Buffer.from(this.text());
    return (buf.length > max ? buf.subarray(buf.length - max) : buf).toString('base64');
  }
}
