// SnapStart's snapshots, one per published version that applies it (template/snap-start.ts): INIT runs
// once, when the version is published (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start, SnapStart's 15-minute
// INIT limit), in an environment of its own whose runtime stays as the zygote every restored environment
// is forked from (zygote-control.ts). The store owns those environments and their control channels.
import { ExecutionEnvironment, type EnvironmentContext } from '../environment/execution-environment.ts';
import type { RestoreSource } from '../environment/environment-restore.ts';
import { runtimeLaunch } from '../environment/runtimes.ts';
import { ZygoteControl } from '../environment/zygote-control.ts';
import type { FunctionVersion } from '../model.ts';
import { snapStartApplies } from '../environment/snap-start.ts';

/** SnapStart's INIT may take up to 15 minutes (AWS), against 10 s for on-demand INIT. */
export const SNAPSHOT_INIT_LIMIT_MS = 15 * 60 * 1000;

/** The snapshot could not be taken: INIT (or a before-snapshot hook) failed. */
export class SnapshotFailure extends Error {
  readonly errorType: string;
  readonly payload: Buffer;

  constructor(errorType: string, payload: Buffer) {
    super(`SnapStart INIT failed: ${errorType}`);
    this.errorType = errorType;
    this.payload = payload;
  }
}

interface Snapshot {
  source: RestoreSource;
  env: ExecutionEnvironment;
  control: ZygoteControl;
}

/** A restored environment runs under process isolation: a fork shares its zygote's mount and PID namespaces. */
export function snapStartContext(fn: FunctionVersion, ctx: EnvironmentContext): EnvironmentContext {
  return snapStartApplies(fn.config, fn.version) && ctx.isolation !== 'process' ? { ...ctx, isolation: 'process' } : ctx;
}

export class SnapshotStore {
  private readonly ctx: EnvironmentContext;
  /** One entry per version while its snapshot is taken or kept (its identity tells a newer one apart). */
  private readonly snapshots = new Map<FunctionVersion, { snapshot: Promise<Snapshot> }>();
  private closed = false;

  constructor(ctx: EnvironmentContext) {
    this.ctx = ctx;
  }

  /** Take the version's snapshot (once); later calls share it. Rejects with a SnapshotFailure. */
  take(fn: FunctionVersion): Promise<RestoreSource> {
    const kept = this.snapshots.get(fn);
    if (kept) {
      // A zygote that just ended, before its environment's end reached the store: take a new snapshot.
      return kept.snapshot.then((s) => (s.control.ended ? (this.forget(fn, kept), this.take(fn)) : s.source));
    }
    const entry = {} as { snapshot: Promise<Snapshot> };
    entry.snapshot = this.snapshot(fn, () => this.forget(fn, entry));
    this.snapshots.set(fn, entry);
    // A failed snapshot is not kept: the next cold start tries again, as a failed INIT would be.
    entry.snapshot.catch(() => this.forget(fn, entry));
    return entry.snapshot.then((s) => s.source);
  }

  /** The version is gone: its zygote (and with it every fork still alive) ends. */
  async release(fn: FunctionVersion): Promise<void> {
    const entry = this.snapshots.get(fn);
    this.snapshots.delete(fn);
    await entry?.snapshot.then((s) => s.env.shutdown('version deleted'), () => {});
  }

  private forget(fn: FunctionVersion, entry: { snapshot: Promise<Snapshot> }): void {
    if (this.snapshots.get(fn) === entry) this.snapshots.delete(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.snapshots.keys()].map((fn) => this.release(fn)));
  }

  /** `ended`: the zygote's environment is gone (killed, crashed): the next cold start takes a new snapshot. */
  private async snapshot(fn: FunctionVersion, ended: () => void): Promise<Snapshot> {
    if (this.closed) throw new SnapshotFailure('Sandbox.Failure', Buffer.from('{"errorMessage":"the emulator is stopping"}'));
    const control = new ZygoteControl(fn.config.name);
    const ctx = snapStartContext(fn, this.ctx);
    const env = new ExecutionEnvironment(fn, { ...ctx, extraEnv: { ...ctx.extraEnv, _EPHEMERA_SNAPSTART_CONTROL: control.path } }, {
      terminated: () => {
        control.close();
        ended();
      },
    });
    const init = await env.init({ type: 'snap-start', phase: 'init', limitMs: SNAPSHOT_INIT_LIMIT_MS });
    if (!init.ok) {
      await env.shutdown('SnapStart INIT failed');
      throw new SnapshotFailure(init.errorType, init.payload);
    }
    try {
      await control.ready;
    } catch {
      await env.shutdown('SnapStart snapshot process ended');
      throw new SnapshotFailure('Runtime.ExitError', Buffer.from('{"errorMessage":"the runtime ended at the snapshot point"}'));
    }
    const launch = runtimeLaunch(fn.config);
    const runtimeVersion = 'error' in launch ? fn.config.runtime : launch.version;
    const source: RestoreSource = {
      runtimeVersion,
      runtimeVersionArn: `arn:aws:lambda:${this.ctx.region}::runtime:ephemera-${runtimeVersion.replace(':', '-')}`,
      tmpDir: env.tmpPath,
      fork: (vars) => control.fork(vars),
    };
    return { source, env, control };
  }
}
