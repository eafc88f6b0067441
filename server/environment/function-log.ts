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

/**
 * The last `keep` bytes (at least) of an invocation's log lines. The Tail (X-Amz-Log-Result) starts
 * where the invoke phase does: AWS's LogResult of a cold start holds no INIT_START or INIT output
 * (LocalStack's AWS-recorded test_invocation_with_qualifier, 2025-11), while the full log keeps them.
 */
export class LogBuffer {
  private lines: string[] = [];
  private bytes = 0;
  /** Lines pushed so far, and how many of them came before the invoke phase (left out of the Tail). */
  private pushed = 0;
  private tailFrom = 0;
  private readonly keep: number;
  constructor(keep = 8192) {
    this.keep = keep;
  }
  push(line: string): void {
    this.lines.push(line);
    this.pushed++;
    this.bytes += Buffer.byteLength(line) + 1;
    while (this.bytes - Buffer.byteLength(this.lines[0]) - 1 >= this.keep && this.lines.length > 1) {
      this.bytes -= Buffer.byteLength(this.lines.shift()!) + 1;
    }
  }
  /** The invoke phase begins: what was pushed before (INIT) stays in text() but not in the Tail. */
  startInvokePhase(): void {
    this.tailFrom = this.pushed;
  }
  text(): string {
    return this.lines.length ? `${this.lines.join('\n')}\n` : '';
  }
  /** Base64 of the last `max` bytes of the invoke phase's lines: the value of X-Amz-Log-Result. */
  tailBase64(max = 4096): string {
    const skip = Math.max(0, this.tailFrom - (this.pushed - this.lines.length));
    const lines = this.lines.slice(skip);
    const buf = Buffer.from(lines.length ? `${lines.join('\n')}\n` : '');
    return (buf.length > max ? buf.subarray(buf.length - max) : buf).toString('base64');
  }
}
