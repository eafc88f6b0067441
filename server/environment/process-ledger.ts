// Which processes of an environment each invocation started and left running (process leaks): the
// tree after INIT is the baseline; after each invoke, processes not seen before are that invoke's,
// tracked until they exit. A process talking to the Runtime API (a shell runtime's `curl .../next`)
// is the runtime's own, not a leak.
import type { HandleLeak } from '../../runtime-api/host.ts';

export interface OpenProcess {
  pid: number;
  command: string;
  requestId: string;
}

export class ProcessLedger {
  /** Processes started by earlier invocations and still alive at the last look. */
  open: OpenProcess[] = [];
  private known = new Set<number>();

  /** The tree after INIT: nothing in it is anyone's leak. */
  baseline(pids: number[]): void {
    this.known = new Set(pids);
  }

  /**
   * After invocation `requestId`: the processes it left running, given the environment's processes
   * now. `commandLine` is undefined for a process that is not running (a zombie nobody reaps yet).
   */
  afterInvoke(requestId: string, pids: number[], commandLine: (pid: number) => string | undefined, runtimeApi: string): HandleLeak[] {
    const alive = new Set(pids);
    this.open = this.open.filter((p) => alive.has(p.pid));
    const leaks: HandleLeak[] = [];
    for (const pid of pids) {
      if (this.known.has(pid)) continue;
      const command = commandLine(pid);
      if (command === undefined || command.includes(runtimeApi)) continue;
      this.open.push({ pid, command, requestId });
      leaks.push({ kind: 'process', count: 1, createdAt: null, detail: `pid ${pid} ${JSON.stringify(command)}` });
    }
    this.known = alive;
    return leaks;
  }
}
