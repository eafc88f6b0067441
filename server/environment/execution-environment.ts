// One execution environment: its Runtime API listener, its worker process group, its /tmp, its
// cgroup (cgroup isolation), and the INIT → INVOKE → freeze → thaw → SHUTDOWN lifecycle. Per-invoke
// data arrives in an Invocation.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { HandleLeak, InvokeEvent, RuntimeApiHost } from '../../runtime-api/host.ts';
import { RuntimeApiServer } from '../../runtime-api/server.ts';
import type { FunctionVersion } from '../model.ts';
import type { InitializationType } from './env-vars.ts';
import type { LogBuffer } from './function-log.ts';
import type { EnvironmentCgroup } from './cgroup.ts';
import { cgroupIsolation, usesMountNamespace } from './isolation.ts';
import { initTimeoutPayload, platformPayload, timeoutPayload } from './platform-errors.ts';
import { runtimeLaunch } from './runtimes.ts';
import { prepareLaunch } from '../build/prepare-launch.ts';
import { inspectorAttached } from '../build/inspector.ts';
import { type ExternalExtension, findExtensions } from './extension-launch.ts';
import { spawnPlan } from './spawn-plan.ts';
import { tmpDirPrefix } from '../temp-dirs.ts';
import { EnvironmentStateMachine, type EnvState } from './state.ts';
import { shutdownExtensions } from './graceful-shutdown.ts';
import type { ProcessLedger } from './process-ledger.ts';
import { EnvironmentMeter } from './environment-meter.ts';
import { type ExitInfo, type OutputSource, WorkerProcess } from './worker-process.ts';
import { PlatformTelemetry, type ReportMetrics } from './platform-telemetry.ts';

export type {
  EnvironmentContext, InitOptions, InitOutcome, Invocation, InvokeOutcome, InvokeReport, InvokeStatus,
} from './environment-types.ts';
import type {
  EnvironmentContext, InitOptions, InitOutcome, Invocation, InvokeOutcome, InvokeReport, InvokeStatus,
} from './environment-types.ts';

interface Running {
  inv: Invocation;
  /** What our runtime client reported the invocation left pending. */
  handleLeaks: HandleLeak[];
  startedAt: number;
  responded: boolean;
  /** The runtime is back at /next (the invoke ends when every INVOKE extension is too). */
  runtimeBack: boolean;
  /** What the answer was, for REPORT once the runtime is back at /next. */
  status: InvokeStatus;
  errorType?: string;
  respond: (o: InvokeOutcome) => void;
  finish: (r: Omit<InvokeReport, 'durationMs'>) => void;
  timer: NodeJS.Timeout;
}

export class ExecutionEnvironment implements RuntimeApiHost {
  readonly id = randomBytes(16).toString('hex');
  readonly fn: FunctionVersion;
  readonly createdAt = Date.now();
  invocations = 0;
  initDurationMs = 0;
  initType: InitializationType = 'on-demand';
  /** Provisioned concurrency: initialised ahead of invokes, never reaped when idle. */
  provisioned = false;
  /** Called once when the environment reaches Terminated. */
  onTerminated: () => void = () => {};
  private readonly ctx: EnvironmentContext;
  private readonly machine: EnvironmentStateMachine;
  private readonly api: RuntimeApiServer;
  private worker: WorkerProcess | undefined;
  private tmpDir: string | undefined;
  /** Lets go of the TypeScript bundle this environment runs from (prepareLaunch). */
  private releaseCode: (() => void) | undefined;
  private running: Running | undefined;
  private initWaiter: ((r: { kind: 'next' } | { kind: 'error'; payload: Buffer; errorType: string }) => void) | undefined;
  private initLog: LogBuffer | undefined;
  private shutdownPromise: Promise<void> | undefined;
  /** A private mount namespace (/var/task, tmpfs /tmp) rather than a private TMPDIR. */
  private readonly namespaced: boolean;
  /** cgroup isolation: the environment's cgroup, from INIT until it is removed at shutdown. */
  private cgroup: EnvironmentCgroup | undefined;

  constructor(fn: FunctionVersion, ctx: EnvironmentContext) {
    this.fn = fn;
    this.ctx = ctx;
    this.namespaced = usesMountNamespace(ctx.isolation);
    this.machine = new EnvironmentStateMachine((from, to, reason) => {
      ctx.logger.debug({ env: this.id.slice(0, 8), fn: fn.config.name, from, to, reason }, 'environment transition');
      if (ctx.events?.active) ctx.events.environment(this, { reason, requestId: to === 'Invoking' ? reason : undefined });
    });
    this.extensions = findExtensions(fn.config.layers);
    this.api = new RuntimeApiServer(this, {
      functionName: fn.config.name, functionVersion: fn.version, handler: fn.config.handler, accountId: ctx.accountId,
      externalNames: this.extensions.map((e) => e.name),
    });
  }

  /** External extensions started with this environment. */
  readonly extensions: ExternalExtension[];
  private runtimeReady = false;

  get state(): EnvState {
    return this.machine.state;
  }

  get pid(): number | undefined {
    return this.worker?.pid;
  }

  get frozen(): boolean {
    return this.worker?.frozen ?? false;
  }

  /** The host path of the environment's private TMPDIR (process isolation only). */
  get tmpPath(): string | undefined {
    return this.tmpDir;
  }

  /** Answered its invocation and not yet back at /next. */
  get awaitingNext(): boolean {
    return this.running?.responded === true;
  }

  get maxMemoryMB(): number {
    return this.meter.maxMemoryMB;
  }

  /** After an invocation (off the next one's critical path): peak memory and process leaks. */
  afterInvoke(requestId: string): { maxMemoryMB: number; processLeaks: HandleLeak[] } {
    // An environment that failed (INIT, timeout, crash) is being killed: what runs in it is not left running.
    const stays = this.state === 'Idle' || this.state === 'Invoking';
    return this.meter.afterInvoke(requestId, !this.running, this.api.address, stays);
  }

  /** What the last invocation left running (handles and processes), for /_ephemera/environments. */
  lastLeaks: HandleLeak[] = [];

  /** Where the server can look at the environment's /tmp: its TMPDIR, or the namespace's /tmp. */
  get tmpView(): string | undefined {
    if (this.tmpDir) return this.tmpDir;
    const pid = this.worker?.rootPid();
    return pid ? `/proc/${pid}/root/tmp` : undefined;
  }

  /** Retire after the current invocation instead of going back to the pool (recycle). */
  retire = false;

  /** Process leaks: processes invocations started and left running. */
  get processes(): ProcessLedger {
    return this.meter.processes;
  }

  private readonly meter = new EnvironmentMeter(() => this.worker, () => this.cgroup);
  private lastRequestId: string | undefined;

  leakReport(requestId: string, leaks: HandleLeak[]): void {
    if (this.running?.inv.requestId === requestId) this.running.handleLeaks.push(...leaks);
  }

  /** Peak memory so far (see EnvironmentMeter). */
  measureMemoryMB(): number {
    return this.meter.measure(!this.running);
  }

  /** Runtime.ExitError, or Runtime.OutOfMemory after an OOM kill (see EnvironmentMeter). */
  private exitFailure(requestId: string | undefined, info: ExitInfo): { errorType: string; message: string } {
    return this.meter.exitFailure(requestId, info);
  }

  /** SIGSTOP (cgroup: freeze) the environment while it waits in the pool (Idle only); invoke() thaws it. */
  freeze(): void {
    // A debugged environment is not frozen: a stopped inspector would stall the attached debugger.
    if (this.state !== 'Idle' || this.debugPort !== undefined) return;
    this.api.telemetry.pause();
    this.worker?.freeze();
    if (this.ctx.events?.active) this.ctx.events.environment(this, { reason: 'frozen', frozen: true });
  }

  /** Relay a platform line (START, END, REPORT...) into the output and an invocation's log. */
  platformLine(text: string, log?: LogBuffer): void {
    log?.push(text);
    this.ctx.output.line(this.fn.config.name, this.id, text);
  }

  init(opts: InitOptions): Promise<InitOutcome> {
    this.initPromise = this.runInit(opts);
    return this.initPromise;
  }

  private initPromise: Promise<InitOutcome> | undefined;

  private async runInit(opts: InitOptions): Promise<InitOutcome> {
    this.machine.transition('Initializing', `${opts.type} init, phase ${opts.phase}`);
    this.initType = opts.type;
    this.initLog = opts.log;
    this.runtimeReady = false;
    const started = performance.now();
    const failed = (status: 'error' | 'timeout', errorType: string, payload: Buffer): InitOutcome => {
      const durationMs = performance.now() - started;
      this.machine.transition('InitFailed', `${status}: ${errorType}`);
      void this.stopWorker();
      this.platformLine(`INIT_REPORT Init Duration: ${durationMs.toFixed(2)} ms\tPhase: ${opts.phase}\tStatus: ${status}\tError Type: ${errorType}`, opts.log);
      const record = { initializationType: opts.type, phase: opts.phase, status, errorType };
      this.telemetry.initDone(record, status, durationMs, errorType);
      return { ok: false, durationMs, status, errorType, payload };
    };
    const launch = runtimeLaunch(this.fn.config);
    if ('error' in launch) return failed('error', launch.errorType, platformPayload(launch.errorType, launch.error));
    const address = await this.api.listen();
    const runtimeVersionArn = `arn:aws:lambda:${this.ctx.region}::runtime:ephemera-${launch.version.replace(':', '-')}`;
    this.platformLine(`INIT_START Runtime Version: ${launch.version}\tRuntime Version ARN: ${runtimeVersionArn}`, opts.log);
    const initRecord = { initializationType: opts.type, phase: opts.phase };
    this.telemetry.initStart(initRecord, launch.version, runtimeVersionArn);
    // TypeScript handlers are bundled here, before the worker starts; --debug adds the inspector.
    const prepared = await prepareLaunch(this.fn, launch, this.ctx.dev);
    if ('release' in prepared) this.releaseCode = prepared.release;
    if ('errorType' in prepared) {
      const error = { errorType: prepared.errorType, errorMessage: prepared.message, trace: prepared.trace };
      this.platformLine(`${new Date().toISOString()}\tundefined\tERROR\tInit Error \t${JSON.stringify(error)}`, opts.log);
      return failed('error', prepared.errorType, Buffer.from(JSON.stringify(error)));
    }

    if (this.ctx.isolation === 'cgroup') {
      try {
        this.cgroup = cgroupIsolation().root.create(this.id, this.fn.config.memorySize);
      } catch (err) {
        return failed('error', 'Sandbox.Failure', platformPayload('Sandbox.Failure', `cannot create the environment's cgroup: ${(err as Error).message}`));
      }
    }
    if (!this.namespaced) this.tmpDir = mkdtempSync(`${tmpDirPrefix('tmp')}-${this.fn.config.name}-`);
    const plan = spawnPlan({
      fn: prepared.fn, envId: this.id, isolation: this.ctx.isolation, parentDeathGuard: this.ctx.parentDeathGuard,
      region: this.ctx.region, runtimeApi: address, launch: prepared.launch, initType: opts.type, tmpDir: this.tmpDir, extraEnv: this.ctx.extraEnv,
      extensions: this.extensions, namespaced: this.namespaced, cgroupProcs: this.cgroup?.procsFiles,
    });

    const outcome = await new Promise<{ kind: 'next' } | { kind: 'error'; payload: Buffer; errorType: string } | { kind: 'exit'; info: ExitInfo } | { kind: 'timeout' }>((resolve) => {
      const timer = setTimeout(() => resolve({ kind: 'timeout' }), opts.limitMs);
      const done = (r: Parameters<typeof resolve>[0]): void => {
        clearTimeout(timer);
        this.initWaiter = undefined;
        resolve(r);
      };
      this.initWaiter = done;
      const worker = new WorkerProcess(plan, (line, source) => this.onOutput(line, source), this.cgroup, this.ctx.watchdog);
      this.worker = worker;
      void worker.exited.then((info) => (this.worker === worker ? this.onWorkerExit(worker, info, done) : undefined));
    });
    this.initDurationMs = performance.now() - started;
    if (outcome.kind === 'timeout') return failed('timeout', 'Sandbox.Timedout', initTimeoutPayload(opts.requestId, opts.limitMs));
    if (outcome.kind === 'exit') {
      const { errorType, message } = this.exitFailure(opts.requestId, outcome.info);
      this.platformLine(message, opts.log);
      return failed('error', errorType, platformPayload(errorType, message));
    }
    if (outcome.kind === 'error') return failed('error', outcome.errorType, outcome.payload);
    this.initLog = undefined;
    this.telemetry.initDone(initRecord, 'success', this.initDurationMs);
    this.processes.baseline(this.worker?.treePids() ?? []);
    this.machine.transition('Idle', 'runtime reached next');
    return { ok: true, durationMs: this.initDurationMs };
  }

  /**
   * Run one invocation. `response` settles when the caller can be answered; `report` when the
   * runtime is back at /next (the environment is frozen and Idle again) or the environment failed.
   */
  invoke(inv: Invocation): { response: Promise<InvokeOutcome>; report: Promise<InvokeReport> } {
    this.machine.transition('Invoking', inv.requestId);
    this.invocations++;
    let respond!: (o: InvokeOutcome) => void;
    let finish!: (r: Omit<InvokeReport, 'durationMs'>) => void;
    const response = new Promise<InvokeOutcome>((r) => (respond = r));
    const report = new Promise<InvokeReport>((resolve) => {
      finish = (r) => {
        const durationMs = performance.now() - running.startedAt;
        clearTimeout(running.timer);
        this.running = undefined;
        this.lastRequestId = running.inv.requestId;
        resolve({ ...r, durationMs, handleLeaks: running.handleLeaks });
      };
    });
    const startedAt = performance.now();
    const running: Running = {
      inv, handleLeaks: [], startedAt, responded: false, runtimeBack: false, status: 'success', respond, finish,
      timer: setTimeout(() => this.onTimeout(running), inv.timeoutMs),
    };
    this.running = running;
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
    this.api.dispatch(event);
    this.worker?.thaw();
    this.api.telemetry.resume();
    this.telemetry.start(inv.requestId, this.fn.version, inv.traceId);
    return { response, report };
  }

  // ---- RuntimeApiHost -------------------------------------------------------------------------

  runtimeNext(): void {
    if (this.initWaiter) {
      this.runtimeReady = true;
      return this.checkInitDone();
    }
    const run = this.running;
    if (!run || !run.responded) return;
    run.runtimeBack = true;
    this.checkInvokeDone(run);
  }

  /** INIT is done when the runtime and every registered extension have asked for their next event. */
  private checkInitDone(): void {
    const registry = this.api.extensions.registry;
    if (this.runtimeReady && registry.all.every((e) => e.readyOnce) && registry.allParked()) this.initWaiter?.({ kind: 'next' });
  }

  /** An invoke is done when the runtime and every INVOKE extension are back at next. */
  private checkInvokeDone(run: Running): void {
    if (!run.runtimeBack || !this.api.extensions.registry.allParked('INVOKE')) return;
    // Output written before those calls may still sit in the pipes: read it first.
    setImmediate(() => {
      if (this.running !== run) return;
      this.worker?.flushPartialLines();
      this.machine.transition('Idle', 'runtime and extensions back at next');
      run.finish({ status: run.status, errorType: run.errorType });
    });
  }

  extensionRegistered(ext: { id: string; name: string; events: string[]; external: boolean }): void {
    this.ctx.logger.debug({ fn: this.fn.config.name, env: this.id.slice(0, 8), ...ext }, 'extension registered');
    this.telemetry.extension(ext.name, ext.events);
    const externals = this.api.extensions.registry.all.filter((e) => e.external).length;
    if (this.initWaiter && ext.external && externals === this.extensions.length) this.worker?.startRuntime();
  }

  extensionNext(): void {
    if (this.initWaiter) return this.checkInitDone();
    const run = this.running;
    if (run?.responded) this.checkInvokeDone(run);
  }

  extensionError(id: string, kind: 'init' | 'exit', errorType: string): void {
    const name = this.api.extensions.registry.byId.get(id)?.name ?? id;
    this.platformLine(`EXTENSION\tName: ${name}\tState: ${kind === 'init' ? 'InitError' : 'ExitError'}\tError Type: ${errorType}`, this.running?.inv.log ?? this.initLog);
    if (this.initWaiter) {
      const type = kind === 'init' ? 'Extension.InitError' : 'Extension.ExitError';
      this.initWaiter({ kind: 'error', errorType: type, payload: platformPayload(type, `Extension ${name} reported ${errorType}`) });
    }
  }

  invocationResponse(requestId: string, payload: Buffer): void {
    const run = this.running;
    if (!run || run.inv.requestId !== requestId || run.responded) return;
    run.responded = true;
    run.respond({ payload });
    this.runtimeDone(run, 'success', payload.length);
  }

  private runtimeDone(run: Running, status: InvokeStatus, producedBytes: number, errorType?: string): void {
    this.telemetry.runtimeDone(run.inv.requestId, status, performance.now() - run.startedAt, producedBytes, errorType);
  }

  /** platform.report for an invocation, with the same figures as its REPORT line. */
  reportTelemetry(requestId: string, report: InvokeReport, metrics: ReportMetrics): void {
    this.telemetry.report(requestId, report, metrics);
  }

  private get telemetry(): PlatformTelemetry {
    this.platformTelemetry ??= new PlatformTelemetry(this.api.telemetry);
    return this.platformTelemetry;
  }

  private platformTelemetry: PlatformTelemetry | undefined;

  invocationError(requestId: string, payload: Buffer, errorType: string): void {
    const run = this.running;
    if (!run || run.inv.requestId !== requestId || run.responded) return;
    run.responded = true;
    run.status = 'error';
    run.errorType = errorType;
    run.respond({ payload, functionError: 'Unhandled', errorType });
    this.runtimeDone(run, 'error', payload.length, errorType);
  }

  initError(payload: Buffer, errorType: string): void {
    this.initWaiter?.({ kind: 'error', payload, errorType });
  }

  // ---- failures and shutdown ------------------------------------------------------------------

  private onOutput(text: string, source: OutputSource): void {
    const log = this.running?.inv.log ?? this.initLog;
    // Written while no invocation runs (after one finished, before the freeze): the last one's leak.
    // Our runtime clients mark such lines themselves; a custom runtime's are marked here.
    const leaked = !log && source !== 'extension' && this.lastRequestId !== undefined && !text.includes('[leaked from ');
    const line = leaked ? `[leaked from ${this.lastRequestId}] ${text}` : text;
    log?.push(line);
    this.ctx.output.line(this.fn.config.name, this.id, line);
    this.telemetry.log(source, line);
  }

  /** The inspector port when this environment's function is the one being debugged. */
  private get debugPort(): number | undefined {
    const debug = this.ctx.dev?.debug;
    return debug && debug.functionName === this.fn.config.name ? debug.port : undefined;
  }

  private onTimeout(run: Running): void {
    if (this.running !== run) return;
    const port = this.debugPort;
    if (port !== undefined) {
      // The timeout is suspended while a debugger is attached: look again in a second.
      void inspectorAttached(port).then((attached) => {
        if (this.running !== run) return;
        if (attached) run.timer = setTimeout(() => this.onTimeout(run), 1000);
        else this.expire(run);
      });
      return;
    }
    this.expire(run);
  }

  private expire(run: Running): void {
    const seconds = (run.inv.timeoutMs / 1000).toFixed(2);
    this.platformLine(`${new Date().toISOString()} ${run.inv.requestId} Task timed out after ${seconds} seconds`, run.inv.log);
    this.failInvocation(run, 'timeout', 'Sandbox.Timedout', timeoutPayload(run.inv.requestId, run.inv.timeoutMs));
  }

  private onWorkerExit(worker: WorkerProcess, info: ExitInfo, initDone: (r: { kind: 'exit'; info: ExitInfo }) => void): void {
    if (this.initWaiter) return initDone({ kind: 'exit', info });
    const run = this.running;
    if (run) {
      // Let the last output lines arrive before the platform's verdict.
      setImmediate(() => {
        if (this.running !== run) return;
        const { errorType, message } = this.exitFailure(run.inv.requestId, info);
        this.platformLine(message, run.inv.log);
        this.failInvocation(run, 'failure', errorType, platformPayload(errorType, message));
      });
      return;
    }
    if (this.state === 'Idle') {
      this.ctx.logger.warn({ fn: this.fn.config.name, env: this.id.slice(0, 8), ...info }, 'runtime exited while idle');
      void this.shutdown('runtime exited while idle');
    }
  }

  /** `why` is the shutdown's reason when it differs from the error (e.g. the emulator stopping). */
  private failInvocation(run: Running, status: InvokeStatus, errorType: string, payload: Buffer, why = errorType): void {
    this.measureMemoryMB();
    // A caller that already has its answer keeps it; the environment still failed afterwards.
    if (!run.responded) {
      run.responded = true;
      run.respond({ payload, functionError: 'Unhandled', errorType });
    }
    this.machine.transition('Failed', errorType);
    run.finish({ status, errorType });
    void this.shutdown(why);
  }

  private shutdownExtensions(reason: string): Promise<void> {
    return this.worker ? shutdownExtensions(this.worker, this.api, reason) : Promise.resolve();
  }

  /** Kill every process of the environment, also when the runtime itself has already exited. */
  private async stopWorker(): Promise<void> {
    await this.worker?.kill();
  }

  /** Stop everything the environment owns. Idempotent; resolves once Terminated. */
  shutdown(reason: string): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    if (this.state === 'Invoking' && this.running) {
      // failInvocation moves to Failed and comes back here.
      this.failInvocation(this.running, 'failure', 'Sandbox.Failure', platformPayload('Sandbox.Failure', `environment shut down: ${reason}`), reason);
      return this.shutdownPromise ?? Promise.resolve();
    }
    if (this.state === 'Initializing') {
      // Killing the worker ends INIT (InitFailed); then terminate as usual.
      this.shutdownPromise = (async () => {
        await this.stopWorker();
        await this.initPromise;
        await this.stopWorker();
        return this.terminate(reason);
      })();
    } else {
      this.shutdownPromise = this.terminate(reason);
    }
    return this.shutdownPromise;
  }

  private async terminate(reason: string): Promise<void> {
    this.machine.transition('ShuttingDown', reason);
    await this.shutdownExtensions(reason);
    await this.stopWorker();
    this.worker?.release();
    // Every task still in the cgroup (processes that escaped the group too), then the cgroup itself.
    await this.cgroup?.remove();
    await this.api.close();
    if (this.tmpDir) rmSync(this.tmpDir, { recursive: true, force: true });
    this.releaseCode?.();
    this.machine.transition('Terminated', reason);
    this.onTerminated();
  }
}
