// One environment's worker: spawned detached so it leads its own process group, its output split
// into lines, how its runtime ended (the leader's exit, or in the namespace sandbox the status its
// init reports), and freeze, thaw and kill of every process of the environment (see
// environment-processes.ts). Under cgroup isolation the cgroup freezes, kills and measures instead.
import { type ChildProcess, spawn } from 'node:child_process';
import { EnvironmentProcesses, type SandboxKind } from './environment-processes.ts';
import type { ProcessWatchdog } from './process-watchdog.ts';
import { STATUS_FD, decodeSandboxStatus } from './namespace-sandbox.ts';

export interface SpawnPlan {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /**
   * External extensions are launched first by a launcher script: fd 3 is then the "every extension
   * registered, start the runtime" signal, fd 4 the extensions' output.
   */
  extensionPipes?: boolean;
  /** 'namespace': the argv runs the namespace sandbox, whose init reports on fd 5 (STATUS_FD). */
  sandbox: SandboxKind;
  /** Process isolation: the argv starts with the keeper (subreaper.ts), whose child is the runtime. */
  keeper?: boolean;
  /** Our runtime clients' settings (JSON), written on fd 6 (SETTINGS_FD) and closed: never in the environment. */
  settings?: string;
  /** A blank sandbox (blank-plan.ts): fd 6 stays open until assign() writes the assignment. */
  deferredSettings?: boolean;
}

/** The fd our runtime clients read the emulator's settings from (runtime-api/bootstrap/*: runtime-settings). */
export const SETTINGS_FD = 6;

export type OutputSource = 'stdout' | 'stderr' | 'extension';

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

/** What a worker's cgroup (cgroup isolation) does for it: it reaches processes that left the group. */
export interface WorkerCgroup {
  freeze(): Promise<boolean>;
  thaw(): void;
  killAll(): Promise<void>;
  peakMemoryMB(): number;
}

/** What an environment asks of its worker: a spawned WorkerProcess, or a SnapStart restore (restored-worker.ts). */
export type Worker = Pick<WorkerProcess,
  'pid' | 'exited' | 'flushPartialLines' | 'startRuntime' | 'runtimePid' | 'rootPid' | 'alive' | 'exitStatus' | 'freeze' | 'thaw'
  | 'frozen' | 'kill' | 'killMembers' | 'anyProcess' | 'treePids' | 'peakMemoryMB' | 'commandLine' | 'release'>;

export class WorkerProcess {
  /** The process the emulator spawned: the runtime, or the keeper (process isolation), or unshare (namespace sandbox). */
  readonly pid: number;
  /** How the runtime ended (it may end before the environment's other processes). */
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcess;
  private exitInfo: ExitInfo | undefined;
  /** The leader has been reaped. */
  private readonly leaderExited: Promise<void>;
  private stopped = false;
  private readonly cgroup: WorkerCgroup | undefined;
  private readonly processes: EnvironmentProcesses;

  /**
   * With a cgroup, the plan must make the worker enter it before it runs anything. The watchdog
   * (process isolation) learns the environment's processes, to kill them if the emulator dies.
   */
  constructor(plan: SpawnPlan, onLine: (line: string, stream: OutputSource) => void, cgroup?: WorkerCgroup, watchdog?: ProcessWatchdog) {
    this.cgroup = cgroup;
    const stdio: Array<'ignore' | 'pipe'> = plan.extensionPipes ? ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'];
    if (plan.sandbox === 'namespace') {
      while (stdio.length < STATUS_FD) stdio.push('ignore');
      stdio.push('pipe');
    }
    if (plan.settings !== undefined || plan.deferredSettings) {
      while (stdio.length < SETTINGS_FD) stdio.push('ignore');
      stdio.push('pipe');
    }
    this.child = spawn(plan.command, plan.args, { cwd: plan.cwd, env: plan.env, detached: true, stdio });
    if (plan.settings !== undefined) this.assign(plan.settings);
    else if (plan.deferredSettings) this.settingsPipe()?.on('error', () => {});
    // spawn() reports ENOENT and friends asynchronously; pid is undefined in that case.
    this.pid = this.child.pid ?? -1;
    this.processes = new EnvironmentProcesses(this.pid, plan.sandbox, watchdog, plan.keeper);
    let settle!: (info: ExitInfo) => void;
    this.exited = new Promise((resolve) => {
      settle = (info) => {
        if (this.exitInfo) return;
        this.exitInfo = info;
        this.processes.runtimeEnded();
        resolve(info);
      };
    });
    const status = plan.sandbox === 'namespace' ? (this.child.stdio as unknown[])[STATUS_FD] as NodeJS.ReadableStream : undefined;
    // A status line from the sandbox's init may still be in its pipe when the leader's exit is seen:
    // read it first (its writers, unshare and the init, are gone or going; a second at most).
    const statusRead = status ? new Promise<void>((r) => {
      status.once('close', r);
      setTimeout(r, 1000).unref();
    }) : Promise.resolve();
    status?.on('error', () => {});
    if (status) splitLines(status, (line) => /^\d+$/.test(line) && settle(decodeSandboxStatus(Number(line))));
    this.leaderExited = new Promise((resolve) => {
      const gone = (info: ExitInfo, spawned: boolean): void => {
        this.processes.leaderEnded();
        void (spawned ? statusRead : Promise.resolve()).then(() => {
          // The sandbox passes its init's exit status on (the runtime's, in the shell's words).
          settle(status && info.code !== null ? decodeSandboxStatus(info.code) : info);
          resolve();
        });
      };
      this.child.once('error', () => gone({ code: 127, signal: null }, false));
      this.child.once('exit', (code, signal) => gone({ code, signal }, true));
    });
    this.partials.push(splitLines(this.child.stdout!, (l) => onLine(l, 'stdout')));
    this.partials.push(splitLines(this.child.stderr!, (l) => onLine(l, 'stderr')));
    if (plan.extensionPipes) {
      const go = this.child.stdio[3] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void };
      go.on('error', () => {});
      splitLines(this.child.stdio[4] as NodeJS.ReadableStream, (l) => onLine(l, 'extension'));
    }
  }

  private readonly partials: Array<() => void> = [];

  private settingsPipe(): (NodeJS.WritableStream & { on(e: 'error', f: () => void): void }) | undefined {
    return (this.child.stdio as unknown[])[SETTINGS_FD] as (NodeJS.WritableStream & { on(e: 'error', f: () => void): void }) | undefined;
  }

  /**
   * Whether the worker alone keeps the emulator's event loop alive: a blank sandbox does not (its pool
   * kills it at close); once assigned it does, as every environment's worker.
   */
  holdOpen(hold: boolean): void {
    const method = hold ? 'ref' : 'unref';
    this.child[method]();
    for (const stream of this.child.stdio) (stream as { ref?(): void; unref?(): void } | null)?.[method]?.();
  }

  /** Write the runtime's settings on fd 6 and close it (a blank sandbox's assignment). */
  assign(settings: string): void {
    const pipe = this.settingsPipe();
    pipe?.on('error', () => {});
    pipe?.end(settings);
  }

  /** Emit output still waiting for its newline (`print(x, end='')`): it belongs to the invocation ending now. */
  flushPartialLines(): void {
    for (const flush of this.partials) flush();
  }

  /** Let the launcher start the runtime (every external extension has registered). */
  startRuntime(): void {
    const go = this.child.stdio[3] as NodeJS.WritableStream | null | undefined;
    go?.end('go\n');
  }

  /** The runtime's own pid while it runs (in the namespace sandbox: the init's child). */
  runtimePid(): number | undefined {
    return this.alive ? this.processes.runtimePid() : undefined;
  }

  /** Where the host sees the environment's root (its /tmp below): a process that lives as long as it. */
  rootPid(): number | undefined {
    return this.processes.initPid() ?? this.runtimePid();
  }

  /** The runtime is running. */
  get alive(): boolean {
    return this.exitInfo === undefined && this.pid > 0;
  }

  get exitStatus(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /**
   * Stop every process of the environment (with a cgroup: freeze the cgroup, escaped processes
   * included): it costs no CPU until thawed.
   */
  freeze(): void {
    if (this.stopped) return;
    if (this.cgroup) {
      void this.cgroup.freeze();
      this.stopped = true;
    } else if (this.processes.freeze()) this.stopped = true;
  }

  thaw(): void {
    if (this.stopped) {
      this.stopped = false;
      if (this.cgroup) this.cgroup.thaw();
      else this.processes.thaw();
    }
  }

  get frozen(): boolean {
    return this.stopped;
  }

  /**
   * SIGKILL every process of the environment (a stopped one dies too), whether or not the runtime
   * is still there, and wait for the leader to be reaped. With a cgroup, every task in it is killed
   * (and thawed so that it can die).
   */
  async kill(): Promise<ExitInfo> {
    if (this.pid > 0) this.processes.killAll();
    if (this.cgroup) await this.cgroup.killAll();
    this.stopped = false;
    await this.leaderExited;
    return this.exited;
  }

  /** The namespace sandbox: SIGKILL every process but its init (which keeps the namespace and its /tmp). */
  killMembers(): void {
    if (this.pid > 0) this.processes.killMembers();
  }

  /** Is any process of the environment (ephemera's own helpers aside) still there? */
  anyProcess(): boolean {
    return this.pid > 0 && this.processes.anyMember();
  }

  /** The environment's processes, ephemera's helpers aside (see EnvironmentProcesses.members). */
  treePids(allThreads = false): number[] {
    return this.pid > 0 ? this.processes.members(allThreads) : [];
  }

  /** Sum of each live process's peak RSS (VmHWM) in MB (rounded up); or the cgroup's peak. */
  peakMemoryMB(pids: number[] = this.cgroup ? [] : this.treePids()): number {
    if (this.cgroup) return Math.max(0, this.cgroup.peakMemoryMB());
    return this.processes.peakMemoryMB(pids);
  }

  /** `sleep 30`: a process's command line, for leak reports; undefined for a zombie or a process gone. */
  commandLine(pid: number): string | undefined {
    return this.processes.running(pid) ? this.processes.commandLine(pid) : undefined;
  }

  /** Close the kept-open /proc files (the environment is gone). */
  release(): void {
    this.processes.release();
  }
}

/** Splits a stream into lines; the returned function emits a pending partial line now. */
export function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): () => void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    let text = rest + chunk;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      onLine(text.slice(0, nl));
      text = text.slice(nl + 1);
      nl = text.indexOf('\n');
    }
    rest = text;
  });
  const flush = (): void => {
    if (rest) onLine(rest);
    rest = '';
  };
  stream.on('end', flush);
  return flush;
}
