// A SnapStart environment's worker: a fork of the version's zygote (zygote-control.ts), so a copy of
// the initialised runtime's memory, adopted by pid. It leads its own session and process group, so it
// is frozen, thawed, walked and killed like a spawned worker (environment-processes.ts, process
// isolation); its output arrives on the socket it connected; the zygote, its parent, reports its end.
import type { Socket } from 'node:net';
import { EnvironmentProcesses } from './environment-processes.ts';
import type { ProcessWatchdog } from './process-watchdog.ts';
import { type ExitInfo, type OutputSource, type Worker, splitLines } from './worker-process.ts';
import type { ZygoteFork } from './zygote-control.ts';

export class RestoredWorker implements Worker {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private stopped = false;
  private readonly processes: EnvironmentProcesses;
  private output: Socket | undefined;
  private flushPartial: () => void = () => {};

  constructor(fork: ZygoteFork, onLine: (line: string, stream: OutputSource) => void, watchdog?: ProcessWatchdog) {
    this.pid = fork.pid;
    this.processes = new EnvironmentProcesses(fork.pid, 'process', watchdog);
    this.processes.members();
    this.exited = fork.exited.then((info) => {
      this.exitInfo = info;
      this.processes.leaderEnded();
      return info;
    });
    fork.output.then((socket) => {
      this.output = socket;
      socket.on('error', () => {});
      this.flushPartial = splitLines(socket, (l) => onLine(l, 'stdout'));
    }, () => {});
  }

  flushPartialLines(): void {
    this.flushPartial();
  }

  /** A restored runtime is already running: there is no launcher to tell. */
  startRuntime(): void {}

  runtimePid(): number | undefined {
    return this.alive ? this.pid : undefined;
  }

  rootPid(): number | undefined {
    return this.runtimePid();
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  get exitStatus(): ExitInfo | undefined {
    return this.exitInfo;
  }

  freeze(): void {
    if (!this.stopped && this.processes.freeze()) this.stopped = true;
  }

  thaw(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.processes.thaw();
  }

  get frozen(): boolean {
    return this.stopped;
  }

  /** SIGKILL every process of the environment and wait until the zygote has reaped the runtime. */
  async kill(): Promise<ExitInfo> {
    this.processes.killAll();
    this.stopped = false;
    return this.exited;
  }

  /** A reset's first step: a restored environment has no init of its own, so every process goes. */
  killMembers(): void {
    this.processes.killAll();
  }

  anyProcess(): boolean {
    return this.processes.anyMember();
  }

  treePids(allThreads = false): number[] {
    return this.processes.members(allThreads);
  }

  peakMemoryMB(pids: number[] = this.treePids()): number {
    return this.processes.peakMemoryMB(pids);
  }

  commandLine(pid: number): string | undefined {
    return this.processes.running(pid) ? this.processes.commandLine(pid) : undefined;
  }

  release(): void {
    this.processes.release();
    this.output?.destroy();
  }
}
