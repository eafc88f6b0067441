// SnapStart's Restore phase for one environment (in place of INIT): RESTORE_START, the Runtime API
// listener, a private TMPDIR holding the snapshot's /tmp, a fork of the version's zygote as the worker;
// then it waits for the runtime's first /next (after-restore hooks done), a restore error, the fork's
// exit or the Restore timeout, and reports RESTORE_REPORT and the platform.restore* records.
import { cpSync } from 'node:fs';
import type { InitFailure } from './environment-types.ts';
import type { InitScope } from './environment-init.ts';
import type { LogBuffer } from './function-log.ts';
import { PhaseGate } from './phase-gate.ts';
import { platformPayload } from './platform-errors.ts';
import { RestoredWorker } from './restored-worker.ts';
import type { ZygoteFork } from './zygote-control.ts';

/** A version's snapshot as a restore sees it. */
export interface RestoreSource {
  runtimeVersion: string;
  runtimeVersionArn: string;
  /** The snapshot's /tmp (the zygote's private TMPDIR), copied into each restored environment. */
  tmpDir: string | undefined;
  /** A copy of the initialised runtime, with `env` set over the snapshot's environment. */
  fork(env: Record<string, string>): Promise<ZygoteFork>;
}

/** A Restore's outcome; a successful one also says what Lambda bills of it (the runtime's after-restore part). */
export type RestoreOutcome = ({ ok: true; durationMs: number; billedMs: number }) | InitFailure;

export interface RestoreOptions {
  limitMs: number;
  log?: LogBuffer;
}

export class RestoreAttempt extends PhaseGate {
  private readonly scope: InitScope;
  private readonly opts: RestoreOptions;
  /** When the restored runtime called restore/next: its after-restore hooks start. */
  private resumedAt: number | undefined;

  constructor(scope: InitScope, opts: RestoreOptions) {
    super();
    this.scope = scope;
    this.opts = opts;
  }

  /** The restored runtime called restore/next (the fork is running; its hooks come next). */
  resumed(): void {
    this.resumedAt ??= performance.now();
  }

  async run(source: RestoreSource): Promise<RestoreOutcome> {
    const { scope, opts } = this;
    const { fn, ctx, sandbox } = scope;
    scope.transition('Initializing', 'snap-start restore');
    const started = performance.now();
    const address = await sandbox.api.listen();
    scope.line(`RESTORE_START Runtime Version: ${source.runtimeVersion}\tRuntime Version ARN: ${source.runtimeVersionArn}`, opts.log);
    scope.telemetry.restoreStart(fn.config.name, fn.version, source.runtimeVersion, source.runtimeVersionArn);
    let fork: ZygoteFork;
    try {
      sandbox.prepare(scope.id, fn.config.name, fn.config.memorySize);
      if (source.tmpDir && sandbox.tmpPath) cpSync(source.tmpDir, sandbox.tmpPath, { recursive: true });
      fork = await source.fork({ AWS_LAMBDA_RUNTIME_API: address, ...(sandbox.tmpPath ? { TMPDIR: sandbox.tmpPath } : {}) });
    } catch (err) {
      return this.failed(started, 'error', 'SnapStart.RestoreFailure', platformPayload('SnapStart.RestoreFailure', (err as Error).message));
    }
    const outcome = await this.wait(opts.limitMs, () => {
      sandbox.adopt(new RestoredWorker(fork, (line, source) => scope.output(line, source), ctx.watchdog), (info) => scope.workerExited(info));
    });
    if (outcome.kind === 'timeout') {
      return this.failed(started, 'timeout', 'SnapStart.Timeout', platformPayload('SnapStart.Timeout', `Restore timed out after ${opts.limitMs / 1000} seconds`));
    }
    if (outcome.kind === 'exit') {
      const { errorType, message } = sandbox.meter.exitFailure(undefined, outcome.info);
      scope.line(message, opts.log);
      return this.failed(started, 'error', errorType, platformPayload(errorType, message));
    }
    if (outcome.kind === 'error') return this.failed(started, 'error', outcome.errorType, outcome.payload);
    const now = performance.now();
    const durationMs = now - started;
    scope.line(`RESTORE_REPORT Restore Duration: ${durationMs.toFixed(2)} ms`, opts.log);
    scope.telemetry.restoreDone('success', durationMs);
    sandbox.meter.baseline();
    scope.transition('Idle', 'restored runtime reached next');
    return { ok: true, durationMs, billedMs: Math.max(1, Math.ceil(now - (this.resumedAt ?? started))) };
  }

  private failed(started: number, status: 'error' | 'timeout', errorType: string, payload: Buffer): InitFailure {
    const { scope, opts } = this;
    const durationMs = performance.now() - started;
    scope.transition('InitFailed', `restore ${status}: ${errorType}`);
    void scope.sandbox.stopWorker();
    scope.line(`RESTORE_REPORT Restore Duration: ${durationMs.toFixed(2)} ms\tStatus: ${status}\tError Type: ${errorType}`, opts.log);
    scope.telemetry.restoreDone(status, durationMs, errorType);
    return { ok: false, durationMs, status, errorType, payload };
  }
}
