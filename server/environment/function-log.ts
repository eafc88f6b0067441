// Function output: relayed line by line to the emulator's output with a function/environment
// prefix, and kept per invocation (a bounded tail) for `X-Amz-Log-Type: Tail`.

export interface OutputSink {
  line(functionName: string, envId: string, text: string): void;
}

/** Sinks holding lines not yet written: written out as the process exits (stdout is synchronous then). */
const unwritten = new Set<StreamOutputSink>();
let exitHook = false;

/**
 * Writes `[fn envId] line` to a stream. Lines are gathered and written together: the first after a quiet
 * spell goes out at the end of its loop turn, later ones at most once per `windowMs` (each write to a
 * pipe or terminal is a system call and wakes its reader: under load one write carries the START, END
 * and REPORT of many invocations instead of one write each). Anything still held is written at exit.
 */
export class StreamOutputSink implements OutputSink {
  private pending = '';
  private scheduled = false;
  private lastWrite = -Infinity;
  private readonly out: NodeJS.WritableStream;
  private readonly windowMs: number;
  constructor(out: NodeJS.WritableStream, windowMs = 4) {
    this.out = out;
    this.windowMs = windowMs;
  }
  line(functionName: string, envId: string, text: string): void {
    this.pending += `[${functionName} ${envId.slice(0, 8)}] ${text}\n`;
    if (this.scheduled) return;
    this.scheduled = true;
    unwritten.add(this);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', () => {
        for (const sink of unwritten) sink.flush();
      });
    }
    const wait = this.lastWrite + this.windowMs - performance.now();
    if (wait <= 0) setImmediate(() => this.flush());
    else setTimeout(() => this.flush(), wait).unref();
  }
  flush(): void {
    this.scheduled = false;
    unwritten.delete(this);
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.lastWrite = performance.now();
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
