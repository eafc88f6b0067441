// One execution environment: its lifecycle state machine (INIT → INVOKE → freeze → thaw → SHUTDOWN), and
// the Runtime API host that routes what the runtime says to the phase it belongs to: INIT
// (environment-init.ts), the invocations (environment-invoke.ts), shutdown (sandbox.ts releases).
// It exposes read-only state; its owner (the pool) hears of its end through `terminated`.
import { randomBytes } from 'node:crypto';
import type { HandleLeak, RegisteredExtension, RuntimeApiHost } from '../../runtime-api/host.ts';
import type { StreamedResponse } from '../../runtime-api/streaming-response.ts';
import { RuntimeApiServer } from '../../runtime-api/server.ts';
import type { FunctionVersion } from '../model.ts';
import type { InitializationType } from './env-vars.ts';
import { InitAttempt, type InitScope } from './environment-init.ts';
import { RestoreAttempt, type RestoreOptions, type RestoreOutcome, type RestoreSource } from './environment-restore.ts';
import { InvokePhase } from './environment-invoke.ts';
import { ConcurrentInvokePhase } from './concurrent-invoke.ts';
import { environmentCapacity } from './managed-instances.ts';
import type {
  EnvironmentContext, InitFailure, InitOptions, InitOutcome, Invocation, InvocationHandle, InvokeReport,
} from './environment-types.ts';
import { type ExternalExtension, findExtensions } from './extension-launch.ts';
import type { LogBuffer } from './function-log.ts';
import type { PhaseGate } from './phase-gate.ts';
import { platformPayload } from './platform-errors.ts';
import { PlatformTelemetry } from './platform-telemetry.ts';
import type { ProcessLedger } from './process-ledger.ts';
import { Sandbox } from './sandbox.ts';
import { snapStartApplies } from './snap-start.ts';
import { EnvironmentStateMachine, type EnvState } from './state.ts';
import type { ExitInfo, OutputSource } from './worker-process.ts';

export type {
  EnvironmentContext, InitOptions, InitOutcome, Invocation, InvokeOutcome, InvokeReport, InvokeStatus,
} from './environment-types.ts';

/** What the environment's owner hears of. */
export interface EnvironmentEvents {
  /** Once, when the environment has released everything (Terminated). */
  terminated(): void;
  /**
   * An invocation timed out or crashed: Lambda resets the environment (the runtime and extensions start
   * again with the next invoke) and keeps its /tmp. This one goes instead, and says so at once: `dir`
   * settles with a folder holding its /tmp for the next environment of the version (undefined when
   * there is none), which the owner removes if no environment takes it.
   */
  keptTmp?(dir: Promise<string | undefined>): void;
}

/** The invocation failures that reset an environment on Lambda (its /tmp is kept). */
const RESETS: ReadonlySet<string> = new Set(['Sandbox.Timedout', 'Runtime.ExitError', 'Runtime.OutOfMemory']);

export class ExecutionEnvironment implements RuntimeApiHost {
  readonly id = randomBytes(16).toString('hex');
  readonly fn: FunctionVersion;
  /** It follows a reset: its INIT belongs inside the invoke that starts it (suppressed init). */
  readonly afterReset: boolean;
  readonly createdAt = Date.now();
  /** External extensions started with this environment. */
  readonly extensions: ExternalExtension[];
  private readonly ctx: EnvironmentContext;
  private readonly events: EnvironmentEvents;
  private readonly machine: EnvironmentStateMachine;
  private readonly sandbox: Sandbox;
  private readonly telemetry: PlatformTelemetry;
  private readonly invocationPhase: InvokePhase | ConcurrentInvokePhase;
  /** Invocations it runs at once: 1, or more on Lambda Managed Instances. */
  readonly capacity: number;
  private readonly initSettled: Promise<boolean>;
  private settleInit!: (ok: boolean) => void;
  private initType_: InitializationType = 'on-demand';
  private initDurationMs_ = 0;
  /** INIT, or SnapStart's Restore in its place: the runtime's signals go to it while it waits. */
  private initAttempt: PhaseGate | undefined;
  private restoreAttempt: RestoreAttempt | undefined;
  private restored_ = false;
  private initPromise: Promise<InitOutcome> | undefined;
  /** Where output goes while INIT runs (and after it failed): the INIT's log. */
  private initLog: LogBuffer | undefined;
  private shutdownPromise: Promise<void> | undefined;

  /**
   * `reset`: this environment stands for one an invocation reset (a timeout, a crash): it starts with
   * the /tmp that one kept (`tmp`), and its INIT runs inside the next invoke, as Lambda's does.
   */
  constructor(fn: FunctionVersion, ctx: EnvironmentContext, events: EnvironmentEvents = { terminated() {} }, reset?: { tmp: string | undefined }) {
    this.fn = fn;
    this.ctx = ctx;
    this.events = events;
    this.machine = new EnvironmentStateMachine((from, to, reason) => {
      // Two transitions per invoke: the record is built only when debug lines are written.
      if (ctx.logger.isLevelEnabled('debug')) ctx.logger.debug({ env: this.id.slice(0, 8), fn: fn.config.name, from, to, reason }, 'environment transition');
      if (ctx.events?.active) ctx.events.environment(this, { reason, requestId: to === 'Invoking' ? reason : undefined });
    });
    // SnapStart: the snapshot is the runtime process alone; external extensions are not forked with it.
    this.extensions = snapStartApplies(fn.config, fn.version) ? [] : findExtensions(fn.config.layers);
    this.capacity = environmentCapacity(fn.config);
    this.initSettled = new Promise((resolve) => (this.settleInit = resolve));
    const api = new RuntimeApiServer(this, {
      functionName: fn.config.name, functionVersion: fn.version, handler: fn.config.handler, accountId: ctx.accountId,
      externalNames: this.extensions.map((e) => e.name),
      ...(fn.config.managedInstances ? { maxConcurrency: this.capacity } : {}),
    });
    this.sandbox = new Sandbox(api, ctx.isolation, ctx.watchdog, reset?.tmp);
    this.afterReset = reset !== undefined;
    this.telemetry = new PlatformTelemetry(api.telemetry);
    const scope = {
      id: this.id, fn, ctx, sandbox: this.sandbox, telemetry: this.telemetry,
      debugPort: () => this.debugPort,
      line: (text: string, log?: LogBuffer) => this.line(text, log),
      state: () => this.machine.state,
      transition: (to: EnvState, reason: string) => this.machine.transition(to, reason),
      shutdown: (reason: string) => this.shutdown(reason),
      changed: (requestId?: string) => {
        if (ctx.events?.active) ctx.events.environment(this, { requestId, reason: 'invocations in flight changed' });
      },
    };
    this.invocationPhase = fn.config.managedInstances ? new ConcurrentInvokePhase(scope) : new InvokePhase(scope);
  }

  // ---- read-only state ------------------------------------------------------------------------

  get state(): EnvState {
    return this.machine.state;
  }

  get pid(): number | undefined {
    return this.sandbox.pid;
  }

  get frozen(): boolean {
    return this.sandbox.frozen;
  }

  /** Invocations started in this environment. */
  get invocations(): number {
    return this.invocationPhase.count;
  }

  get initType(): InitializationType {
    return this.initType_;
  }

  get initDurationMs(): number {
    return this.initDurationMs_;
  }

  /** The host path of the environment's private TMPDIR (process isolation only). */
  get tmpPath(): string | undefined {
    return this.sandbox.tmpPath;
  }

  /** Where the server can look at the environment's /tmp: its TMPDIR, or the namespace's /tmp. */
  get tmpView(): string | undefined {
    return this.sandbox.tmpView;
  }

  /** Invocations running now (0 or 1, or up to `capacity` on Lambda Managed Instances). */
  get inFlight(): number {
    return this.invocationPhase.inFlight;
  }

  /** Lambda Managed Instances: the most invocations this environment ran at once. */
  get peakInFlight(): number {
    return this.invocationPhase.peakInFlight;
  }

  /** Resolves once INIT has settled: true when the environment became Idle (false: INIT failed, or it ended first). */
  whenInitialized(): Promise<boolean> {
    return this.initSettled;
  }

  /** Answered its invocation and not yet back at /next. */
  get awaitingNext(): boolean {
    return this.invocationPhase.current?.hasAnswer === true;
  }

  get maxMemoryMB(): number {
    return this.sandbox.meter.maxMemoryMB;
  }

  /** Process leaks: processes invocations started and left running. */
  get processes(): ProcessLedger {
    return this.sandbox.meter.processes;
  }

  /** Restored from a snapshot rather than initialised. */
  get restored(): boolean {
    return this.restored_;
  }

  /** What the last finished invocation left running (handles and processes). */
  get lastLeaks(): HandleLeak[] {
    return this.invocationPhase.lastReport?.leaks() ?? [];
  }

  // ---- INIT, INVOKE, freeze -------------------------------------------------------------------

  init(opts: InitOptions): Promise<InitOutcome> {
    const attempt = new InitAttempt(this.initScope(), opts);
    this.initAttempt = attempt;
    this.initType_ = opts.type;
    this.initLog = opts.log;
    return this.followInit(attempt.run());
  }

  /** SnapStart: Restore from the version's snapshot in place of INIT (a fork of its zygote). */
  restore(source: RestoreSource, opts: RestoreOptions): Promise<RestoreOutcome> {
    const attempt = new RestoreAttempt(this.initScope(), opts);
    this.initAttempt = attempt;
    this.restoreAttempt = attempt;
    this.initType_ = 'snap-start';
    this.restored_ = true;
    this.initLog = opts.log;
    const run = attempt.run(source);
    void this.followInit(run);
    return run;
  }

  private initScope(): InitScope {
    return {
      id: this.id, fn: this.fn, ctx: this.ctx, sandbox: this.sandbox, telemetry: this.telemetry, extensions: this.extensions,
      line: (text, log) => this.line(text, log),
      transition: (to, reason) => this.machine.transition(to, reason),
      output: (text, source) => this.onOutput(text, source),
      workerExited: (info) => this.onWorkerExit(info),
    };
  }

  /** INIT's (or Restore's) outcome sets the environment's INIT facts and settles initSettled. */
  private followInit(run: Promise<InitOutcome>): Promise<InitOutcome> {
    this.initPromise = run.then((outcome) => {
      this.initDurationMs_ = outcome.durationMs;
      if (outcome.ok) this.initLog = undefined;
      this.settleInit(outcome.ok);
      return outcome;
    });
    return this.initPromise;
  }

  /** The report of an invocation whose INIT, re-run inside it, failed (suppressed init): nothing ran. */
  initFailureReport(requestId: string, failure: InitFailure): InvokeReport {
    const maxMemoryMB = this.maxMemoryMB;
    return {
      requestId, environmentId: this.id, durationMs: failure.durationMs, status: failure.status === 'timeout' ? 'timeout' : 'failure',
      errorType: failure.errorType, leaks: () => [], maxMemoryMB: () => maxMemoryMB, telemetry: this.telemetry,
    };
  }

  /** Run one invocation (Idle only): its answer, then its report once the environment is Idle again or failed. */
  invoke(inv: Invocation): InvocationHandle {
    return this.invocationPhase.start(inv);
  }

  /** SIGSTOP (cgroup: freeze) the environment while it waits in the pool (Idle only); invoke() thaws it. */
  freeze(): void {
    // A debugged environment is not frozen: a stopped inspector would stall the attached debugger.
    // Lambda Managed Instances never freezes an environment between invocations.
    if (this.state !== 'Idle' || this.debugPort !== undefined || this.fn.config.managedInstances) return;
    this.sandbox.api.telemetry.pause();
    this.sandbox.freeze();
    if (this.ctx.events?.active) this.ctx.events.environment(this, { reason: 'frozen', frozen: true });
  }

  // ---- RuntimeApiHost -------------------------------------------------------------------------

  initReady(): void {
    this.initAttempt?.signal({ kind: 'ready' });
  }

  initError(payload: Buffer, errorType: string): void {
    this.initAttempt?.signal({ kind: 'error', payload, errorType });
  }

  /** SnapStart: INIT of the snapshot ends at restore/next (a restored runtime's INIT ends at its /next). */
  restoreNext(): void {
    if (this.restored_) this.restoreAttempt?.resumed();
    else if (this.initType_ === 'snap-start') this.initAttempt?.signal({ kind: 'ready' });
  }

  restoreError(payload: Buffer, errorType: string): void {
    this.initAttempt?.signal({ kind: 'error', payload, errorType });
  }

  extensionsRegistered(): void {
    if (this.initAttempt?.waiting) this.sandbox.startRuntime();
  }

  extensionRegistered(ext: RegisteredExtension): void {
    this.ctx.logger.debug({ fn: this.fn.config.name, env: this.id.slice(0, 8), ...ext }, 'extension registered');
    this.telemetry.extension(ext.name, ext.events);
  }

  extensionError(ext: RegisteredExtension, kind: 'init' | 'exit', errorType: string): void {
    this.line(`EXTENSION\tName: ${ext.name}\tState: ${kind === 'init' ? 'InitError' : 'ExitError'}\tError Type: ${errorType}`, this.invocationPhase.current?.inv.log ?? this.initLog);
    if (this.initAttempt?.waiting) {
      const type = kind === 'init' ? 'Extension.InitError' : 'Extension.ExitError';
      this.initAttempt.signal({ kind: 'error', errorType: type, payload: platformPayload(type, `Extension ${ext.name} reported ${errorType}`) });
    }
  }

  invocationResponse(requestId: string, payload: Buffer): void {
    this.invocationPhase.response(requestId, payload);
  }

  invocationStream(requestId: string, stream: StreamedResponse): void {
    this.invocationPhase.stream(requestId, stream);
  }

  invocationError(requestId: string, payload: Buffer, errorType: string): void {
    this.invocationPhase.error(requestId, payload, errorType);
  }

  leakReport(requestId: string, leaks: HandleLeak[]): void {
    this.invocationPhase.leaks(requestId, leaks);
  }

  invocationDone(requestId: string): void {
    this.invocationPhase.done(requestId);
  }

  // ---- output, failures and shutdown ------------------------------------------------------------

  private onOutput(text: string, source: OutputSource): void {
    if (this.invocationPhase instanceof ConcurrentInvokePhase) return this.onConcurrentOutput(this.invocationPhase, text, source);
    const log = this.invocationPhase.current?.inv.log ?? this.initLog;
    // Written while no invocation runs (after one finished, before the freeze): the last one's leak.
    // Our runtime clients mark such lines themselves; a custom runtime's are marked here.
    const last = this.invocationPhase.lastReport?.requestId;
    const leaked = !log && source !== 'extension' && last !== undefined && !text.includes('[leaked from ');
    const line = leaked ? `[leaked from ${last}] ${text}` : text;
    log?.push(line);
    this.ctx.output.line(this.fn.config.name, this.id, line);
    this.telemetry.log(source, line);
  }

  /**
   * Several invocations write at once: a line goes to the invocation whose request id it carries (JSON
   * logs always do); a line naming a finished invocation is its leak; a line naming none is the environment's.
   */
  private onConcurrentOutput(phase: ConcurrentInvokePhase, text: string, source: OutputSource): void {
    const { log, requestId } = phase.logFor(text);
    const leaked = !log && source !== 'extension' && requestId !== undefined && !text.includes('[leaked from ') && !text.includes('"leakedFrom"');
    const line = leaked ? `[leaked from ${requestId}] ${text}` : text;
    (log ?? this.initLog)?.push(line);
    this.ctx.output.line(this.fn.config.name, this.id, line);
    this.telemetry.log(source, line);
  }

  /** Relay a platform line (INIT_START, timeouts...) into the output and an invocation's log. */
  private line(text: string, log?: LogBuffer): void {
    log?.push(text);
    this.ctx.output.line(this.fn.config.name, this.id, text);
  }

  /** The inspector port when this environment's function is the one being debugged. */
  private get debugPort(): number | undefined {
    const debug = this.ctx.dev?.debug;
    return debug && debug.functionName === this.fn.config.name ? debug.port : undefined;
  }

  private onWorkerExit(info: ExitInfo): void {
    if (this.initAttempt?.waiting) return this.initAttempt.signal({ kind: 'exit', info });
    if (this.invocationPhase.workerExited(info)) return;
    if (this.state === 'Idle') {
      this.ctx.logger.warn({ fn: this.fn.config.name, env: this.id.slice(0, 8), ...info }, 'runtime exited while idle');
      void this.shutdown('runtime exited while idle');
    }
  }

  /** Stop everything the environment owns. Idempotent; resolves once Terminated. */
  shutdown(reason: string): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    if (this.state === 'Invoking' && this.inFlight > 0) {
      // The invocation fails (Failed), which comes back here.
      this.invocationPhase.abort(reason);
      return this.shutdownPromise ?? Promise.resolve();
    }
    if (this.state === 'Initializing') {
      // Killing the worker ends INIT (InitFailed); then terminate as usual.
      this.shutdownPromise = (async () => {
        await this.sandbox.stopWorker();
        await this.initPromise;
        await this.sandbox.stopWorker();
        return this.terminate(reason);
      })();
    } else {
      this.shutdownPromise = this.terminate(reason);
    }
    return this.shutdownPromise;
  }

  private async terminate(reason: string): Promise<void> {
    this.settleInit(false);
    let kept: ((dir: string | undefined) => void) | undefined;
    if (this.machine.state === 'Failed' && RESETS.has(reason)) this.events.keptTmp?.(new Promise((resolve) => (kept = resolve)));
    this.machine.transition('ShuttingDown', reason);
    await this.sandbox.close(reason, kept);
    kept?.(undefined); // nothing was kept
    this.machine.transition('Terminated', reason);
    this.events.terminated();
  }
}
