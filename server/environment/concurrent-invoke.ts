// The invoke phase of a Lambda Managed Instances environment: several invocations in flight at once, each
// its own InvocationRun keyed by request id, answered in any order. The environment is never frozen; it is
// Invoking while any invocation runs and Idle when none does. A timeout fails its own invocation only.
import type { HandleLeak, InvokeEvent } from '../../runtime-api/host.ts';
import type { StreamedResponse } from '../../runtime-api/streaming-response.ts';
import type { Invocation, InvokeReport, InvokeStatus } from './environment-types.ts';
import type { InvokeScope } from './environment-invoke.ts';
import type { LogBuffer } from './function-log.ts';
import { InvocationRun } from './invocation-run.ts';
import { platformPayload, timeoutPayload } from './platform-errors.ts';
import { ShapedStream } from './stream-outcome.ts';
import type { ExitInfo } from './worker-process.ts';

interface InFlight {
  run: InvocationRun;
  /** Another invocation ran in the environment at some point while this one did. */
  overlapped: boolean;
}

export class ConcurrentInvokePhase {
  private readonly scope: InvokeScope;
  private readonly runs = new Map<string, InFlight>();
  private last: InvokeReport | undefined;
  private started = 0;
  private peak = 0;

  constructor(scope: InvokeScope) {
    this.scope = scope;
  }

  /** No single invocation is "the current one" here (see logFor). */
  get current(): InvocationRun | undefined {
    return undefined;
  }

  get lastReport(): InvokeReport | undefined {
    return this.last;
  }

  get count(): number {
    return this.started;
  }

  /** Invocations in flight now. */
  get inFlight(): number {
    return this.runs.size;
  }

  /** The most invocations that were in flight at once. */
  get peakInFlight(): number {
    return this.peak;
  }

  start(inv: Invocation): InvocationRun {
    const { sandbox } = this.scope;
    if (this.scope.state() === 'Idle') this.scope.transition('Invoking', inv.requestId);
    this.started++;
    const run = new InvocationRun(inv, (r) => this.expire(r));
    const overlapped = this.runs.size > 0;
    for (const other of this.runs.values()) other.overlapped = true;
    this.runs.set(inv.requestId, { run, overlapped });
    this.peak = Math.max(this.peak, this.runs.size);
    const event: InvokeEvent = {
      requestId: inv.requestId, payload: inv.payload, deadlineMs: Date.now() + inv.timeoutMs,
      invokedFunctionArn: inv.invokedFunctionArn, traceId: inv.traceId, clientContext: inv.clientContext,
    };
    sandbox.api.dispatch(event);
    // Never frozen in this model; thawing is a no-op unless something froze it.
    if (sandbox.frozen) sandbox.thaw();
    this.scope.telemetry.start(inv.requestId, this.scope.fn.version, inv.traceId);
    this.scope.changed?.(inv.requestId);
    return run;
  }

  /** The invocation a line of output belongs to: the request id in it (JSON logs always carry one). */
  logFor(text: string): { log: LogBuffer | undefined; requestId: string | undefined } {
    const m = /"requestId":"([^"]+)"/.exec(text) ?? /^\S+\t([0-9a-f-]{36})\t/.exec(text);
    const requestId = m?.[1];
    return { log: requestId ? this.runs.get(requestId)?.run.inv.log : undefined, requestId };
  }

  response(requestId: string, payload: Buffer): void {
    const run = this.runs.get(requestId)?.run;
    if (!run || !run.answer({ payload }, 'success')) return;
    this.scope.telemetry.runtimeDone(requestId, 'success', run.elapsedMs, payload.length);
  }

  /** A streamed response, as InvokePhase takes one (the concurrent Runtime API session does not offer streaming yet). */
  stream(requestId: string, source: StreamedResponse): void {
    const run = this.runs.get(requestId)?.run;
    const stream = new ShapedStream(source, this.scope.ctx.clock);
    if (!run || !run.answerStream(stream)) return source.abort({ errorType: 'Runtime.InvalidState', errorMessage: '', payload: Buffer.alloc(0) });
    void stream.ended.then((end) => {
      this.scope.telemetry.runtimeDone(requestId, end.error ? 'error' : 'success', run.elapsedMs, end.bytes, end.error?.errorType);
    });
  }

  error(requestId: string, payload: Buffer, errorType: string): void {
    const run = this.runs.get(requestId)?.run;
    if (!run || !run.answer({ payload, functionError: 'Unhandled', errorType }, 'error')) return;
    this.scope.telemetry.runtimeDone(requestId, 'error', run.elapsedMs, payload.length, errorType);
  }

  leaks(requestId: string, leaks: HandleLeak[]): void {
    this.runs.get(requestId)?.run.handleLeaks.push(...leaks);
  }

  /** The runtime answered the request id (there are no INVOKE subscribers in this model). */
  done(requestId: string): void {
    const entry = this.runs.get(requestId);
    if (!entry) return;
    // Output written before the answer may still sit in the pipes: let it arrive first.
    setImmediate(() => {
      if (this.runs.get(requestId) !== entry) return;
      this.finish(entry);
    });
  }

  /** The runtime exited: every invocation in flight fails with Runtime.ExitError (or OutOfMemory). */
  workerExited(info: ExitInfo): boolean {
    if (this.runs.size === 0) return false;
    setImmediate(() => {
      const runs = [...this.runs.values()];
      if (runs.length === 0) return;
      for (const { run } of runs) {
        const { errorType, message } = this.scope.sandbox.meter.exitFailure(run.requestId, info);
        this.scope.line(message, run.inv.log);
        run.answer({ payload: platformPayload(errorType, message), functionError: 'Unhandled', errorType }, 'failure');
      }
      this.failAll('failure', this.scope.sandbox.meter.exitFailure(undefined, info).errorType);
    });
    return true;
  }

  /** The environment shuts down with invocations in flight: each fails with Sandbox.Failure. */
  abort(reason: string): void {
    for (const { run } of this.runs.values()) {
      run.answer({ payload: platformPayload('Sandbox.Failure', `environment shut down: ${reason}`), functionError: 'Unhandled', errorType: 'Sandbox.Failure' }, 'failure');
    }
    this.failAll('failure', 'Sandbox.Failure', reason);
  }

  /**
   * One invocation is over. Handle leaks our runtime client attributes to it stay its own. Processes left
   * running can be told apart only when the invocation ran alone: the walk is taken when the environment
   * has no invocation in flight, and an overlapped invocation's finds say that they are the environment's.
   */
  private finish(entry: InFlight, verdict?: { status: InvokeStatus; errorType: string }): void {
    const { run } = entry;
    const { sandbox, ctx, id, telemetry } = this.scope;
    this.runs.delete(run.requestId);
    const quiet = this.runs.size === 0;
    if (quiet && !verdict && this.scope.state() === 'Invoking') this.scope.transition('Idle', 'no invocation in flight');
    this.last = run.end({ id, telemetry }, () => {
      const walk = quiet && !verdict && this.scope.state() === 'Idle';
      const found = walk ? sandbox.meter.leftRunning(run.requestId, sandbox.api.address, true) : { leaks: [], pids: undefined };
      const processes = entry.overlapped ? found.leaks.map(environmentLevel) : found.leaks;
      return {
        leaks: ctx.reportLeaks ? [...run.handleLeaks, ...processes] : [],
        maxMemoryMB: () => sandbox.meter.measure(this.runs.size === 0, found.pids),
      };
    }, verdict);
    this.scope.changed?.();
  }

  private expire(run: InvocationRun): void {
    const entry = this.runs.get(run.requestId);
    if (entry?.run !== run) return;
    const seconds = (run.inv.timeoutMs / 1000).toFixed(2);
    this.scope.line(`${new Date().toISOString()} ${run.requestId} Task timed out after ${seconds} seconds`, run.inv.log);
    // Only this invocation ends: the environment and the others in flight go on (its handler may still
    // answer later; that answer is dropped).
    run.answer({ payload: timeoutPayload(run.requestId, run.inv.timeoutMs), functionError: 'Unhandled', errorType: 'Sandbox.Timedout' }, 'timeout');
    this.finish(entry, { status: 'timeout', errorType: 'Sandbox.Timedout' });
    if (this.runs.size === 0 && this.scope.state() === 'Invoking') this.scope.transition('Idle', 'no invocation in flight');
  }

  private failAll(status: InvokeStatus, errorType: string, why = errorType): void {
    this.scope.sandbox.meter.measure(false);
    if (this.scope.state() === 'Invoking') this.scope.transition('Failed', errorType);
    for (const entry of [...this.runs.values()]) this.finish(entry, { status, errorType });
    void this.scope.shutdown(why);
  }
}

/** A process leak found after overlapping invocations: the environment's, not this invocation's alone. */
function environmentLevel(leak: HandleLeak): HandleLeak {
  return { ...leak, detail: `${leak.detail} (environment-level: other invocations ran at the same time, so it cannot be attributed to this one)` };
}
