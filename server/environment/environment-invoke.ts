// The invoke phase of an execution environment: hands each event over (dispatch, then thaw), takes the
// runtime's answer, and ends the invocation at its readiness gate or on a failure (deadline, runtime
// exit, shutdown) with its report. Holds the invocation in flight and the last one's report.
import type { HandleLeak, InvokeEvent } from '../../runtime-api/host.ts';
import type { StreamedResponse } from '../../runtime-api/streaming-response.ts';
import { inspectorAttached } from '../build/inspector.ts';
import type { FunctionVersion } from '../model.ts';
import type { EnvironmentContext, Invocation, InvokeReport, InvokeStatus } from './environment-types.ts';
import type { LogBuffer } from './function-log.ts';
import { InvocationRun } from './invocation-run.ts';
import { platformPayload, timeoutPayload } from './platform-errors.ts';
import type { PlatformTelemetry } from './platform-telemetry.ts';
import type { Sandbox } from './sandbox.ts';
import { ShapedStream } from './stream-outcome.ts';
import type { EnvState } from './state.ts';
import type { ExitInfo } from './worker-process.ts';

/** The environment as its invocations see it. */
export interface InvokeScope {
  readonly id: string;
  readonly fn: FunctionVersion;
  readonly ctx: EnvironmentContext;
  readonly sandbox: Sandbox;
  readonly telemetry: PlatformTelemetry;
  /** The inspector port while this environment's function is being debugged. */
  debugPort(): number | undefined;
  /** Relay a platform line (timeouts, exits) into the output and `log`. */
  line(text: string, log?: LogBuffer): void;
  state(): EnvState;
  transition(to: EnvState, reason: string): void;
  shutdown(reason: string): Promise<void>;
  /** Lambda Managed Instances: the invocations in flight changed (the web view's in-flight counts). */
  changed?(requestId?: string): void;
}

const EMPTY = Buffer.alloc(0);

export class InvokePhase {
  private readonly scope: InvokeScope;
  private running: InvocationRun | undefined;
  private last: InvokeReport | undefined;
  private started = 0;

  constructor(scope: InvokeScope) {
    this.scope = scope;
  }

  /** The invocation in flight. */
  get current(): InvocationRun | undefined {
    return this.running;
  }

  /** The last finished invocation's report. */
  get lastReport(): InvokeReport | undefined {
    return this.last;
  }

  /** Invocations started so far. */
  get count(): number {
    return this.started;
  }
  /** Invocations running now: 0 or 1. */
  get inFlight(): number {
    return this.current ? 1 : 0;
  }

  /** The most invocations run at once: 1 once one has run. */
  get peakInFlight(): number {
    return Math.min(1, this.count);
  }


  start(inv: Invocation): InvocationRun {
    const { sandbox } = this.scope;
    // The last invocation's stock, taken now if nobody asked yet: this one must not count in it.
    this.last?.leaks();
    this.scope.transition('Invoking', inv.requestId);
    this.started++;
    const run = new InvocationRun(inv, (r) => this.onDeadline(r));
    this.running = run;
    const event: InvokeEvent = {
      requestId: inv.requestId,
      payload: inv.payload,
      deadlineMs: Date.now() + inv.timeoutMs,
      invokedFunctionArn: inv.invokedFunctionArn,
      traceId: inv.traceId,
      clientContext: inv.clientContext,
    };
    // Hand the event over first, then SIGCONT: the write lands in a stopped process's socket buffer
    // (no wake-up mid-write), and the runtime resumes with its event already there.
    sandbox.api.dispatch(event);
    sandbox.thaw();
    sandbox.api.telemetry.resume();
    this.scope.telemetry.start(inv.requestId, this.scope.fn.version, inv.traceId);
    return run;
  }

  response(requestId: string, payload: Buffer): void {
    const run = this.running;
    if (!run || run.requestId !== requestId || !run.answer({ payload }, 'success')) return;
    this.scope.telemetry.runtimeDone(requestId, 'success', run.elapsedMs, payload.length);
  }

  /** A streamed response: the caller reads it as it comes; runtimeDone once it is over. */
  stream(requestId: string, source: StreamedResponse): void {
    const run = this.running;
    const stream = new ShapedStream(source, this.scope.ctx.clock);
    if (!run || run.requestId !== requestId || !run.answerStream(stream)) return source.abort({ errorType: 'Runtime.InvalidState', errorMessage: '', payload: EMPTY });
    void stream.ended.then((end) => {
      this.scope.telemetry.runtimeDone(requestId, end.error ? 'error' : 'success', run.elapsedMs, end.bytes, end.error?.errorType);
    });
  }

  error(requestId: string, payload: Buffer, errorType: string): void {
    const run = this.running;
    if (!run || run.requestId !== requestId || !run.answer({ payload, functionError: 'Unhandled', errorType }, 'error')) return;
    this.scope.telemetry.runtimeDone(requestId, 'error', run.elapsedMs, payload.length, errorType);
  }

  leaks(requestId: string, leaks: HandleLeak[]): void {
    if (this.running?.requestId === requestId) this.running.handleLeaks.push(...leaks);
  }

  /** The invocation's readiness gate: the runtime and every INVOKE extension are back at next. */
  done(requestId: string): void {
    const run = this.running;
    if (run?.requestId !== requestId) return;
    // Output written before those calls may still sit in the pipes: read it first.
    setImmediate(() => {
      if (this.running !== run) return;
      this.scope.sandbox.flushPartialLines();
      this.scope.transition('Idle', 'runtime and extensions back at next');
      this.finish(run);
    });
  }

  /** The runtime exited: the invocation in flight, if any, fails with Runtime.ExitError (or OutOfMemory). */
  workerExited(info: ExitInfo): boolean {
    const run = this.running;
    if (!run) return false;
    // Let the last output lines arrive before the platform's verdict.
    setImmediate(() => {
      if (this.running !== run) return;
      const { errorType, message } = this.scope.sandbox.meter.exitFailure(run.requestId, info);
      this.scope.line(message, run.inv.log);
      this.fail(run, 'failure', errorType, platformPayload(errorType, message));
    });
    return true;
  }

  /** The environment shuts down mid-invocation: the invocation fails with Sandbox.Failure. */
  abort(reason: string): void {
    if (this.running) this.fail(this.running, 'failure', 'Sandbox.Failure', platformPayload('Sandbox.Failure', `environment shut down: ${reason}`), reason);
  }

  /**
   * The invocation is over: its report takes stock lazily (see InvokeReport), with one walk of the
   * environment's processes. An environment that failed, or is no longer there to stay, is being killed
   * with every process in it: nothing is left running.
   */
  private finish(run: InvocationRun, verdict?: { status: InvokeStatus; errorType: string }): void {
    const { sandbox, ctx, id, telemetry } = this.scope;
    this.running = undefined;
    this.last = run.end({ id, telemetry }, () => {
      const stays = !verdict && (this.scope.state() === 'Idle' || this.scope.state() === 'Invoking');
      const found = stays ? sandbox.meter.leftRunning(run.requestId, sandbox.api.address) : { leaks: [], pids: undefined };
      return {
        leaks: ctx.reportLeaks ? [...run.handleLeaks, ...found.leaks] : [],
        maxMemoryMB: () => sandbox.meter.measure(!this.running, found.pids),
      };
    }, verdict);
  }

  private onDeadline(run: InvocationRun): void {
    if (this.running !== run) return;
    const port = this.scope.debugPort();
    if (port === undefined) return this.expire(run);
    // The timeout is suspended while a debugger is attached: look again in a second.
    void inspectorAttached(port).then((attached) => {
      if (this.running !== run) return;
      if (attached) run.extendDeadline(1000);
      else this.expire(run);
    });
  }

  private expire(run: InvocationRun): void {
    const seconds = (run.inv.timeoutMs / 1000).toFixed(2);
    this.scope.line(`${new Date().toISOString()} ${run.requestId} Task timed out after ${seconds} seconds`, run.inv.log);
    this.fail(run, 'timeout', 'Sandbox.Timedout', timeoutPayload(run.requestId, run.inv.timeoutMs));
  }

  /** `why` is the shutdown's reason when it differs from the error (e.g. the emulator stopping). */
  private fail(run: InvocationRun, status: InvokeStatus, errorType: string, payload: Buffer, why = errorType): void {
    this.scope.sandbox.meter.measure(false);
    // A caller that already has its answer keeps it (a stream stops with the error); the environment
    // still failed afterwards.
    run.answer({ payload, functionError: 'Unhandled', errorType }, status);
    run.abortStream(errorType, payload);
    this.scope.transition('Failed', errorType);
    this.finish(run, { status, errorType });
    void this.scope.shutdown(why);
  }
}
