// What an execution environment holds at the OS level, and the one place that releases it, in order:
// its worker process group (runtime and external extensions), private TMPDIR (process isolation),
// cgroup (cgroup isolation), the TypeScript bundle it runs from, and its Runtime API listener. After
// an invocation that timed out or crashed, its /tmp outlives it (Lambda resets the environment and
// keeps /tmp): the next environment of the function starts with it (see keptTmp below).
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import type { RuntimeApiServer } from '../../runtime-api/server.ts';
import { tmpDirPrefix } from '../temp-dirs.ts';
import type { EnvironmentCgroup } from './cgroup.ts';
import { EnvironmentMeter } from './environment-meter.ts';
import { shutdownExtensions } from './graceful-shutdown.ts';
import { cgroupIsolation, type IsolationLevel, usesMountNamespace } from './isolation.ts';
import type { ProcessWatchdog } from './process-watchdog.ts';
import { type ExitInfo, type OutputSource, type SpawnPlan, type Worker, WorkerProcess } from './worker-process.ts';

export class Sandbox {
  readonly api: RuntimeApiServer;
  /** A private mount namespace (/var/task, tmpfs /tmp) rather than a private TMPDIR. */
  readonly namespaced: boolean;
  /** Peak memory, OOM kills and processes left running, measured over the same processes. */
  readonly meter: EnvironmentMeter;
  private readonly isolation: IsolationLevel;
  /** Process isolation: kills what the environment left running if the emulator dies. */
  private readonly watchdog: ProcessWatchdog | undefined;
  private worker: Worker | undefined;
  private tmpDir: string | undefined;
  /** cgroup isolation: the environment's cgroup, from INIT until close. */
  private cgroup: EnvironmentCgroup | undefined;
  /** Lets go of the TypeScript bundle the worker runs from (prepareLaunch). */
  private releaseCode: (() => void) | undefined;
  /** A failed environment's /tmp this one starts with: adopted as TMPDIR, or copied into the namespace's /tmp. */
  private seed: string | undefined;

  constructor(api: RuntimeApiServer, isolation: IsolationLevel, watchdog?: ProcessWatchdog, seedTmp?: string) {
    this.api = api;
    this.isolation = isolation;
    this.watchdog = watchdog;
    this.seed = seedTmp;
    this.namespaced = usesMountNamespace(isolation);
    this.meter = new EnvironmentMeter(() => this.worker, () => this.cgroup);
  }

  /** The pid the environment shows: the runtime's (under process isolation's keeper, the keeper's child), or the namespace sandbox's unshare. */
  get pid(): number | undefined {
    return this.namespaced ? this.worker?.pid : (this.worker?.runtimePid() ?? this.worker?.pid);
  }

  get frozen(): boolean {
    return this.worker?.frozen ?? false;
  }

  get workerAlive(): boolean {
    return this.worker?.alive ?? false;
  }

  /** The host path of the private TMPDIR (process isolation only). */
  get tmpPath(): string | undefined {
    return this.tmpDir;
  }

  /** Where the server can look at the environment's /tmp: its TMPDIR, or the namespace's /tmp. */
  get tmpView(): string | undefined {
    if (this.tmpDir) return this.tmpDir;
    const pid = this.worker?.rootPid();
    return pid ? `/proc/${pid}/root/tmp` : undefined;
  }

  /** Namespace isolation: the host folder whose content the sandbox copies into its /tmp first. */
  get tmpSeed(): string | undefined {
    return this.namespaced ? this.seed : undefined;
  }

  /** The seed's content is in the running sandbox's /tmp now: its host copy goes. */
  dropSeed(): void {
    if (this.seed && this.namespaced) rmSync(this.seed, { recursive: true, force: true });
    this.seed = undefined;
  }

  /** cgroup isolation: the files a spawned process writes its pid to, to enter the cgroup. */
  get cgroupProcs(): string[] | undefined {
    return this.cgroup?.procsFiles;
  }

  /** Keep the bundle the worker runs from until close. */
  holdCode(release: () => void): void {
    this.releaseCode = release;
  }

  /** The cgroup (cgroup isolation) and the private TMPDIR (without a mount namespace). Throws when the cgroup cannot be made. */
  prepare(envId: string, functionName: string, memoryMB: number): void {
    if (this.isolation === 'cgroup') this.cgroup = cgroupIsolation().root.create(envId, memoryMB);
    if (!this.namespaced) {
      this.tmpDir = this.seed ?? mkdtempSync(`${tmpDirPrefix('tmp')}-${functionName}-`);
      this.seed = undefined;
    }
  }

  /** Start the worker process group; `onExit` hears of its exit. */
  spawn(plan: SpawnPlan, onOutput: (line: string, source: OutputSource) => void, onExit: (info: ExitInfo) => void): void {
    const worker = new WorkerProcess(plan, onOutput, this.cgroup, this.watchdog);
    this.worker = worker;
    void worker.exited.then((info) => (this.worker === worker ? onExit(info) : undefined));
  }

  /** SnapStart: a worker restored from a snapshot (restored-worker.ts) instead of a spawned one. */
  adopt(worker: Worker, onExit: (info: ExitInfo) => void): void {
    this.worker = worker;
    void worker.exited.then((info) => (this.worker === worker ? onExit(info) : undefined));
  }

  /** Let the launcher start the runtime (every external extension has registered). */
  startRuntime(): void {
    this.worker?.startRuntime();
  }

  /** Emit output still waiting for its newline: it belongs to the invocation ending now. */
  flushPartialLines(): void {
    this.worker?.flushPartialLines();
  }

  freeze(): void {
    this.worker?.freeze();
  }

  thaw(): void {
    this.worker?.thaw();
  }

  /** Kill every process of the environment, also when the runtime itself has already exited. */
  async stopWorker(): Promise<void> {
    await this.worker?.kill();
  }

  /**
   * Release everything: SHUTDOWN to the extensions (Lambda's budget), the processes, the cgroup, the
   * listener, /tmp, the bundle. `keptTmp` (a reset) hears of a folder holding the /tmp, which then outlives it.
   */
  async close(reason: string, keptTmp?: (dir: string) => void): Promise<void> {
    if (this.worker) await shutdownExtensions(this.worker, this.api, reason);
    if (keptTmp) {
      // A reset: the runtime and everything it started die now, as the platform kills them, not after
      // the copy (in a namespace its init stays, holding the tmpfs, until the copy is done).
      if (this.namespaced) this.worker?.killMembers();
      else await this.stopWorker();
      const kept = await this.keepTmp();
      if (kept) keptTmp(kept);
    }
    await this.stopWorker();
    this.worker?.release();
    // Every task still in the cgroup (processes that escaped the group too), then the cgroup itself.
    await this.cgroup?.remove();
    await this.api.close();
    if (this.tmpDir) rmSync(this.tmpDir, { recursive: true, force: true });
    this.dropSeed();
    this.releaseCode?.();
  }

  /**
   * The /tmp, kept: process isolation's TMPDIR itself (no longer removed at close); a namespace's
   * tmpfs copied out (regular files, folders and links) once every process but its init is killed.
   */
  private async keepTmp(): Promise<string | undefined> {
    if (!this.namespaced) {
      const dir = this.tmpDir;
      this.tmpDir = undefined;
      return dir;
    }
    const root = this.worker?.rootPid();
    if (root === undefined) return undefined;
    const tmp = `/proc/${root}/root/tmp`;
    // An empty /tmp (the usual case) is kept by keeping nothing: no copy to wait for.
    if (entries(tmp) === 0) return undefined;
    const dir = mkdtempSync(`${tmpDirPrefix('tmp')}-kept-`);
    // Nothing writes to it now: the init (and unshare above it) is all that is left.
    try {
      await cp(tmp, dir, {
        recursive: true, verbatimSymlinks: true, preserveTimestamps: true,
        filter: (src) => {
          const st = lstatSync(src, { throwIfNoEntry: false });
          return st !== undefined && (st.isFile() || st.isDirectory() || st.isSymbolicLink());
        },
      });
      return dir;
    } catch {
      rmSync(dir, { recursive: true, force: true });
      return undefined;
    }
  }
}

/** How many entries a folder has (0 when it cannot be read). */
function entries(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0;
  }
}
