// One environment's runtime process: spawned detached so it leads its own process group, its
// output split into lines, signals sent to the whole group, and its tree's peak memory read from /proc.
// Under cgroup isolation the cgroup does the freezing, the killing and the measuring instead.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';

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
}

export type OutputSource = 'stdout' | 'stderr' | 'extension';

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

/** What a worker's cgroup (cgroup isolation) does for it: it reaches processes that left the group. */
export interface WorkerCgroup {
  freeze(): Promise<boolean>;
  thaw(): void;
  killAll(): Promise<void>;
  peakMemoryMB(): number;
}

export class WorkerProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcess;
  private exitInfo: ExitInfo | undefined;
  private stopped = false;
  private readonly cgroup: WorkerCgroup | undefined;

  /** With a cgroup, the plan must make the worker enter it before it runs anything. */
  constructor(plan: SpawnPlan, onLine: (line: string, stream: OutputSource) => void, cgroup?: WorkerCgroup) {
    this.cgroup = cgroup;
    this.child = spawn(plan.command, plan.args, {
      cwd: plan.cwd,
      env: plan.env,
      detached: true,
      stdio: plan.extensionPipes ? ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    });
    // spawn() reports ENOENT and friends asynchronously; pid is undefined in that case.
    this.pid = this.child.pid ?? -1;
    this.exited = new Promise((resolve) => {
      this.child.once('error', () => {
        this.exitInfo ??= { code: 127, signal: null };
        resolve(this.exitInfo);
      });
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
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

  /** Emit output still waiting for its newline (`print(x, end='')`): it belongs to the invocation ending now. */
  flushPartialLines(): void {
    for (const flush of this.partials) flush();
  }

  /** Let the launcher start the runtime (every external extension has registered). */
  startRuntime(): void {
    const go = this.child.stdio[3] as NodeJS.WritableStream | null | undefined;
    go?.end('go\n');
  }

  /** The runtime's own pid: the leader, or in namespace mode the leader's (unshare's) child. */
  runtimePid(namespaced: boolean): number | undefined {
    if (!this.alive) return undefined;
    if (!namespaced) return this.pid;
    const kids = this.proc.read(`/proc/${this.pid}/task/${this.pid}/children`)?.trim().split(' ').filter(Boolean);
    return kids?.length ? Number(kids[0]) : undefined;
  }

  get alive(): boolean {
    return this.exitInfo === undefined && this.pid > 0;
  }

  get exitStatus(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /**
   * SIGSTOP the whole group (with a cgroup: freeze the cgroup, escaped processes included): the
   * environment costs no CPU until thawed.
   */
  freeze(): void {
    if (this.stopped) return;
    if (this.cgroup) {
      void this.cgroup.freeze();
      this.stopped = true;
    } else if (this.signalGroup('SIGSTOP')) this.stopped = true;
  }

  thaw(): void {
    if (this.stopped) {
      this.stopped = false;
      if (this.cgroup) this.cgroup.thaw();
      else this.signalGroup('SIGCONT');
    }
  }

  get frozen(): boolean {
    return this.stopped;
  }

  /**
   * SIGKILL the group (a stopped process dies too) and wait for the leader to be reaped. With a
   * cgroup, every task in it is killed (and thawed so that it can die).
   */
  async kill(): Promise<ExitInfo> {
    this.signalGroup('SIGKILL');
    if (this.cgroup) await this.cgroup.killAll();
    this.stopped = false;
    return this.exited;
  }

  /** Send a signal to every process of the group (0: only check that one is still there). */
  signalGroup(signal: NodeJS.Signals | 0): boolean {
    if (this.pid <= 0) return false;
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** PIDs of the process tree rooted at the leader (main-thread children, recursively). */
  treePids(): number[] {
    const out: number[] = [];
    const walk = (pid: number): void => {
      out.push(pid);
      const text = this.proc.read(`/proc/${pid}/task/${pid}/children`);
      if (text) for (const c of text.split(' ')) if (c) walk(Number(c));
    };
    if (this.alive) walk(this.pid);
    return out;
  }

  /** Sum of each live process's peak RSS (VmHWM) in the tree, in MB (rounded up); or the cgroup's peak. */
  peakMemoryMB(pids: number[] = this.cgroup ? [] : this.treePids()): number {
    if (this.cgroup) return Math.max(0, this.cgroup.peakMemoryMB());
    let kb = 0;
    this.proc.keepOnly(pids);
    for (const pid of pids) {
      const text = this.proc.read(`/proc/${pid}/status`);
      const i = text ? text.indexOf('VmHWM:') : -1;
      if (i >= 0) kb += Number.parseInt(text!.slice(i + 6).trimStart(), 10) || 0;
    }
    return Math.ceil(kb / 1024);
  }

  /** `sleep 30`: a process's command line, for leak reports. */
  commandLine(pid: number): string {
    const text = this.proc.read(`/proc/${pid}/cmdline`) ?? '';
    return text.replaceAll('\0', ' ').trim().slice(0, 200);
  }

  /** Close the kept-open /proc files (the environment is gone). */
  release(): void {
    this.proc.closeAll();
  }

  private readonly proc = new ProcFiles();
}

/**
 * /proc files read on every invoke, kept open and re-read with pread at offset 0 (procfs regenerates
 * the content): about half the cost of open+read+close. A file of a process that died reads as gone.
 */
class ProcFiles {
  private readonly fds = new Map<string, number>();
  private readonly buf = Buffer.alloc(4096);

  read(path: string): string | undefined {
    let fd = this.fds.get(path);
    try {
      if (fd === undefined) {
        fd = openSync(path, 'r');
        this.fds.set(path, fd);
      }
      const n = readSync(fd, this.buf, 0, this.buf.length, 0);
      return this.buf.toString('latin1', 0, n);
    } catch {
      if (fd !== undefined) {
        this.fds.delete(path);
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
      }
      return undefined;
    }
  }

  /** Close the files of processes no longer in the tree. */
  keepOnly(pids: number[]): void {
    if (this.fds.size <= pids.length * 2) return;
    const keep = new Set(pids.flatMap((p) => [`/proc/${p}/status`, `/proc/${p}/task/${p}/children`]));
    for (const [path, fd] of this.fds) {
      if (!keep.has(path)) {
        this.fds.delete(path);
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
      }
    }
  }

  closeAll(): void {
    for (const fd of this.fds.values()) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.fds.clear();
  }
}

/** Splits a stream into lines; the returned function emits a pending partial line now. */
function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): () => void {
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
