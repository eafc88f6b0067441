// What an environment used and left behind, measured: peak memory (the cgroup's, else the process
// tree's VmHWM, which is monotonic so a late read is still right), OOM kills (cgroup), and the
// processes each invocation left running (one walk of the tree as it ends serves both).
import type { HandleLeak } from '../../runtime-api/host.ts';
import type { EnvironmentCgroup } from './cgroup.ts';
import { exitMessage } from './platform-errors.ts';
import { ProcessLedger } from './process-ledger.ts';
import type { ExitInfo, Worker } from './worker-process.ts';

export class EnvironmentMeter {
  maxMemoryMB = 0;
  /** Process leaks: processes invocations started and left running. */
  readonly processes = new ProcessLedger();
  private oomKillsSeen = 0;
  private readonly worker: () => Worker | undefined;
  private readonly cgroup: () => EnvironmentCgroup | undefined;

  constructor(worker: () => Worker | undefined, cgroup: () => EnvironmentCgroup | undefined) {
    this.worker = worker;
    this.cgroup = cgroup;
  }

  /** The tree after INIT: nothing in it is any invocation's leak. */
  baseline(): void {
    this.processes.baseline(this.worker()?.treePids() ?? []);
  }

  /**
   * Peak memory so far. `idle`: no invocation runs, so OOM kills seen now belong to none. `pids`: the
   * tree as an earlier walk found it (leftRunning), else it is walked now.
   */
  measure(idle: boolean, pids?: number[]): number {
    const cg = this.cgroup();
    const worker = this.worker();
    if (cg) {
      this.maxMemoryMB = Math.max(this.maxMemoryMB, cg.peakMemoryMB());
      if (idle) this.oomKillsSeen = cg.oomKills();
    } else if (worker?.alive) {
      this.maxMemoryMB = Math.max(this.maxMemoryMB, worker.peakMemoryMB(pids));
    }
    return this.maxMemoryMB;
  }

  /**
   * After invocation `requestId`: the processes it started and left running, from one walk of the tree (also
   * returned). `allThreads`: the runtime spawns from several threads (Lambda Managed Instances' Node workers).
   */
  leftRunning(requestId: string, runtimeApi: string, allThreads = false): { leaks: HandleLeak[]; pids: number[] | undefined } {
    const worker = this.worker();
    if (!worker?.alive) return { leaks: [], pids: undefined };
    const pids = worker.treePids(allThreads);
    return { leaks: this.processes.afterInvoke(requestId, pids, (pid) => worker.commandLine(pid), runtimeApi), pids };
  }

  /**
   * The runtime died: Runtime.ExitError with the exit's message, or, when the kernel's OOM killer
   * killed in the cgroup since the last look, Runtime.OutOfMemory and `signal: killed` (its SIGKILL,
   * whatever a wrapper such as unshare made of it), as Lambda answers.
   */
  exitFailure(requestId: string | undefined, info: ExitInfo): { errorType: string; message: string } {
    const cg = this.cgroup();
    if (cg && cg.oomKills() > this.oomKillsSeen) {
      return { errorType: 'Runtime.OutOfMemory', message: exitMessage(requestId, { code: null, signal: 'SIGKILL' }) };
    }
    return { errorType: 'Runtime.ExitError', message: exitMessage(requestId, info) };
  }
}
