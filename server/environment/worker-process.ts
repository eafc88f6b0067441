// One environment's runtime process: spawned detached so it leads its own process group, its
// output split into lines, signals sent to the whole group, and its tree's peak memory read from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface SpawnPlan {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

export class WorkerProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcess;
  private exitInfo: ExitInfo | undefined;
  private stopped = false;

  constructor(plan: SpawnPlan, onLine: (line: string, stream: 'stdout' | 'stderr') => void) {
    this.child = spawn(plan.command, plan.args, {
      cwd: plan.cwd,
      env: plan.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
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
    splitLines(this.child.stdout!, (l) => onLine(l, 'stdout'));
    splitLines(this.child.stderr!, (l) => onLine(l, 'stderr'));
  }

  get alive(): boolean {
    return this.exitInfo === undefined && this.pid > 0;
  }

  get exitStatus(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** SIGSTOP the whole group: the environment costs no CPU until thawed. */
  freeze(): void {
    if (!this.stopped && this.signalGroup('SIGSTOP')) this.stopped = true;
  }

  thaw(): void {
    if (this.stopped) {
      this.stopped = false;
      this.signalGroup('SIGCONT');
    }
  }

  get frozen(): boolean {
    return this.stopped;
  }

  /** SIGKILL the group (a stopped process dies too) and wait for the leader to be reaped. */
  async kill(): Promise<ExitInfo> {
    this.signalGroup('SIGKILL');
    this.stopped = false;
    return this.exited;
  }

  signalGroup(signal: NodeJS.Signals): boolean {
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
      let text = '';
      try {
        text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1');
      } catch {
        return;
      }
      for (const c of text.split(' ')) if (c) walk(Number(c));
    };
    if (this.alive) walk(this.pid);
    return out;
  }

  /** Sum of each live process's peak RSS (VmHWM) in the tree, in MB (rounded up). */
  peakMemoryMB(): number {
    let kb = 0;
    for (const pid of this.treePids()) kb += readStatusKb(pid, 'VmHWM:');
    return Math.ceil(kb / 1024);
  }
}

function readStatusKb(pid: number, field: string): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'latin1');
    const i = text.indexOf(field);
    if (i < 0) return 0;
    return Number.parseInt(text.slice(i + field.length).trimStart(), 10) || 0;
  } catch {
    return 0;
  }
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
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
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
}
