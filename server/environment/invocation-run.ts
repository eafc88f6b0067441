// One invocation in an environment, from the event handed over to its end: the caller's answer (as soon
// as the runtime posts it, or the platform's), its deadline, and its report once the runtime and every
// INVOKE extension are back at next or the environment failed. Per-invoke state lives here, not on the
// pooled environment.
import type { HandleLeak } from '../../runtime-api/host.ts';
import type { ShapedStream } from './stream-outcome.ts';
import type { Invocation, InvocationHandle, InvokeOutcome, InvokeReport, InvokeStatus, ReportTelemetry } from './environment-types.ts';

/** What an invocation left running, and how to read the peak memory of the processes found (once). */
export interface InvocationStock {
  leaks: HandleLeak[];
  maxMemoryMB: () => number;
}

export class InvocationRun implements InvocationHandle {
  readonly inv: Invocation;
  /** Settles when the caller can be answered. */
  readonly response: Promise<InvokeOutcome>;
  /** Settles when the invocation is over (see InvokeReport). */
  readonly report: Promise<InvokeReport>;
  /** What our runtime client reported the invocation left pending. */
  readonly handleLeaks: HandleLeak[] = [];
  private readonly startedAt = performance.now();
  private readonly onDeadline: (run: InvocationRun) => void;
  private answered = false;
  private status: InvokeStatus = 'success';
  private errorType: string | undefined;
  private timer: NodeJS.Timeout;
  /** The streamed answer, while the platform may still have to stop it. */
  private stream: ShapedStream | undefined;
  private respond!: (o: InvokeOutcome) => void;
  private resolveReport!: (r: InvokeReport) => void;

  constructor(inv: Invocation, onDeadline: (run: InvocationRun) => void) {
    this.inv = inv;
    this.onDeadline = onDeadline;
    this.response = new Promise((resolve) => (this.respond = resolve));
    this.report = new Promise((resolve) => (this.resolveReport = resolve));
    this.timer = setTimeout(() => onDeadline(this), inv.timeoutMs);
  }

  get requestId(): string {
    return this.inv.requestId;
  }

  /** The caller has its answer; the invocation ends once the runtime is back at /next. */
  get hasAnswer(): boolean {
    return this.answered;
  }

  get elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** Look at the deadline again after `ms` (it is suspended while a debugger is attached). */
  extendDeadline(ms: number): void {
    this.timer = setTimeout(() => this.onDeadline(this), ms);
  }

  /** Answer the caller; the first answer wins (false when it already had one). */
  answer(outcome: InvokeOutcome, status: InvokeStatus): boolean {
    if (this.answered) return false;
    this.answered = true;
    this.status = status;
    this.errorType = outcome.errorType;
    this.respond(outcome);
    return true;
  }

  /** Answer with a stream; a stream that ends in an error turns the invocation's status to `error`. */
  answerStream(stream: ShapedStream): boolean {
    if (!this.answer({ payload: EMPTY, stream }, 'success')) return false;
    this.stream = stream;
    void stream.ended.then((end) => {
      this.stream = undefined;
      if (end.error && this.status === 'success') {
        this.status = 'error';
        this.errorType = end.error.errorType;
      }
    });
    return true;
  }

  /** The platform ends the invocation while its answer streams: the stream stops with this error. */
  abortStream(errorType: string, payload: Buffer): void {
    this.stream?.abort(errorType, payload);
  }

  /**
   * The invocation is over: resolve its report. `verdict` overrides the answer's status when the platform
   * ended it (timeout, crash); `stock` is taken once, when first asked (see InvokeReport).
   */
  end(env: { id: string; telemetry: ReportTelemetry }, stock: () => InvocationStock, verdict?: { status: InvokeStatus; errorType: string }): InvokeReport {
    clearTimeout(this.timer);
    const taken = once(stock);
    const report: InvokeReport = {
      requestId: this.inv.requestId, environmentId: env.id, durationMs: this.elapsedMs,
      status: verdict?.status ?? this.status, errorType: verdict ? verdict.errorType : this.errorType,
      leaks: () => taken().leaks, maxMemoryMB: () => taken().maxMemoryMB(), telemetry: env.telemetry,
    };
    this.resolveReport(report);
    return report;
  }
}

const EMPTY = Buffer.alloc(0);

/** `f` called at most once; its result kept. */
function once<T>(f: () => T): () => T {
  let result: { value: T } | undefined;
  return () => (result ??= { value: f() }).value;
}
