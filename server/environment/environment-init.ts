// One INIT of an execution environment (design §3): the Runtime API listener, INIT_START, the TypeScript
// bundle, the cgroup and TMPDIR, the worker; then it waits for INIT's readiness gate (the runtime and
// every extension at next), an init error, the worker's exit or the limit, and reports the outcome.
import { prepareLaunch } from '../build/prepare-launch.ts';
import type { FunctionVersion } from '../model.ts';
import type { EnvironmentContext, InitFailure, InitOptions, InitOutcome } from './environment-types.ts';
import type { ExternalExtension } from './extension-launch.ts';
import type { LogBuffer } from './function-log.ts';
import { initTimeoutPayload, platformPayload } from './platform-errors.ts';
import type { PlatformTelemetry } from './platform-telemetry.ts';
import { runtimeLaunch } from './runtimes.ts';
import type { Sandbox } from './sandbox.ts';
import { type SpawnInput, spawnPlan } from './spawn-plan.ts';
import { takeBlank } from './blank-sandbox.ts';
import { PhaseGate } from './phase-gate.ts';
import type { EnvState } from './state.ts';
import type { ExitInfo, OutputSource } from './worker-process.ts';

export type { InitSignal } from './phase-gate.ts';

/** The environment as INIT sees it. */
export interface InitScope {
  readonly id: string;
  readonly fn: FunctionVersion;
  readonly ctx: EnvironmentContext;
  readonly sandbox: Sandbox;
  readonly telemetry: PlatformTelemetry;
  readonly extensions: ExternalExtension[];
  /** Relay a platform line (INIT_START, INIT_REPORT...) into the output and `log`. */
  line(text: string, log?: LogBuffer): void;
  transition(to: EnvState, reason: string): void;
  output(text: string, source: OutputSource): void;
  workerExited(info: ExitInfo): void;
}

export class InitAttempt extends PhaseGate {
  private readonly scope: InitScope;
  private readonly opts: InitOptions;

  constructor(scope: InitScope, opts: InitOptions) {
    super();
    this.scope = scope;
    this.opts = opts;
  }

  async run(): Promise<InitOutcome> {
    const { scope, opts } = this;
    const { fn, ctx, sandbox } = scope;
    scope.transition('Initializing', `${opts.type} init, phase ${opts.phase}`);
    const started = performance.now();
    const launch = runtimeLaunch(fn.config, ctx.dev?.runtimes);
    if ('error' in launch) return this.failed(started, 'error', launch.errorType, platformPayload(launch.errorType, launch.error));
    const address = await sandbox.api.listen();
    const runtimeVersionArn = `arn:aws:lambda:${ctx.region}::runtime:ephemera-${launch.version.replace(':', '-')}`;
    scope.line(`INIT_START Runtime Version: ${launch.version}\tRuntime Version ARN: ${runtimeVersionArn}`, opts.log);
    const initRecord = { initializationType: opts.type, phase: opts.phase };
    scope.telemetry.initStart(initRecord, launch.version, runtimeVersionArn);
    // TypeScript handlers are bundled here, before the worker starts; --debug adds the inspector.
    const prepared = await prepareLaunch(fn, launch, ctx.dev);
    if ('release' in prepared && prepared.release) sandbox.holdCode(prepared.release);
    if ('errorType' in prepared) {
      const error = { errorType: prepared.errorType, errorMessage: prepared.message, trace: prepared.trace };
      scope.line(`${new Date().toISOString()}\tundefined\tERROR\tInit Error \t${JSON.stringify(error)}`, opts.log);
      return this.failed(started, 'error', prepared.errorType, Buffer.from(JSON.stringify(error)));
    }
    try {
      sandbox.prepare(scope.id, fn.config.name, fn.config.memorySize);
    } catch (err) {
      return this.failed(started, 'error', 'Sandbox.Failure', platformPayload('Sandbox.Failure', `cannot create the environment's cgroup: ${(err as Error).message}`));
    }
    const spawnInput: SpawnInput = {
      fn: prepared.fn, envId: scope.id, isolation: ctx.isolation, parentDeathGuard: ctx.parentDeathGuard,
      region: ctx.region, runtimeApi: address, launch: prepared.launch, initType: opts.type, tmpDir: sandbox.tmpPath, tmpSeed: sandbox.tmpSeed, extraEnv: ctx.extraEnv,
      extensions: scope.extensions, namespaced: sandbox.namespaced, cgroupProcs: sandbox.cgroupProcs,
    };
    const plan = spawnPlan(spawnInput);

    // A blank sandbox of this runtime, when one is ready and nothing of the function acts only at start.
    const debugged = ctx.dev?.debug?.functionName === fn.config.name;
    const blank = ctx.blanks && takeBlank(ctx.blanks, spawnInput, plan, debugged);
    const outcome = await this.wait(opts.limitMs, () => {
      const output = (line: string, source: OutputSource): void => scope.output(line, source);
      if (blank) sandbox.adopt(blank.blank.assign(blank.payload, output), (info) => scope.workerExited(info));
      else sandbox.spawn(plan, output, (info) => scope.workerExited(info));
    });
    if (outcome.kind === 'timeout') return this.failed(started, 'timeout', 'Sandbox.Timedout', initTimeoutPayload(opts.requestId, opts.limitMs));
    if (outcome.kind === 'exit') {
      const { errorType, message } = sandbox.meter.exitFailure(opts.requestId, outcome.info);
      scope.line(message, opts.log);
      return this.failed(started, 'error', errorType, platformPayload(errorType, message));
    }
    if (outcome.kind === 'error') return this.failed(started, 'error', outcome.errorType, outcome.payload);
    const durationMs = performance.now() - started;
    scope.telemetry.initDone(initRecord, 'success', durationMs);
    sandbox.meter.baseline();
    sandbox.dropSeed();
    scope.transition('Idle', 'runtime reached next');
    return { ok: true, durationMs };
  }

  private failed(started: number, status: 'error' | 'timeout', errorType: string, payload: Buffer): InitFailure {
    const { scope, opts } = this;
    const durationMs = performance.now() - started;
    scope.transition('InitFailed', `${status}: ${errorType}`);
    // Peak memory before the kill: a suppressed init's REPORT shows it.
    scope.sandbox.meter.measure(true);
    void scope.sandbox.stopWorker();
    scope.line(`INIT_REPORT Init Duration: ${durationMs.toFixed(2)} ms\tPhase: ${opts.phase}\tStatus: ${status}\tError Type: ${errorType}`, opts.log);
    scope.telemetry.initDone({ initializationType: opts.type, phase: opts.phase }, status, durationMs, errorType);
    return { ok: false, durationMs, status, errorType, payload };
  }
}
