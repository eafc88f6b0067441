// Which processes make up one environment, as the host sees them, and how every one of them is
// frozen, thawed and killed, daemons (setsid, double fork) included. Namespace sandbox: the PID
// namespace, i.e. the tree under its init (orphans reparent to it); ephemera's own unshare and init
// are helpers, never the function's. Process isolation: the tree under the runtime (a child
// subreaper keeps orphans in it; with a keeper, subreaper.ts, the runtime is the keeper's child and
// leads a group of its own, which is the one stopped), and once the runtime is gone the processes last
// seen in it, each checked by start time (a pid may be reused), which the watchdog also kills if the
// emulator dies.
// Namespace sandbox: its init leads the group that is stopped (never unshare, the emulator's child).
// Nothing is signalled through the process group once its leader is reaped, nor by a remembered pid
// without checking its start time: a pid may be reused.
import { ProcFiles, parseChildren, parseStat, parseStatus, peakKbOf, readStat } from './proc-fs.ts';
import type { ProcessWatchdog } from './process-watchdog.ts';

export type SandboxKind = 'namespace' | 'process';

const signal = (pid: number, sig: NodeJS.Signals | 0): boolean => {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
};

export class EnvironmentProcesses {
  readonly leader: number;
  readonly kind: SandboxKind;
  /** Process isolation: the leader is a keeper (subreaper.ts) whose child, the runtime, leads the group frozen. */
  private readonly keeper: boolean;
  private readonly proc = new ProcFiles();
  private init: number | undefined;
  private runtime: number | undefined;
  private runtimeGone = false;
  private leaderGone = false;
  /** Frozen: every member found is stopped (see members()). */
  private frozen = false;
  /**
   * Members outside the leader's process group at the last walk (a daemon called setsid; a runtime
   * may too), with their start times: the group's SIGSTOP misses them, so they are stopped one by one.
   */
  private stragglers = new Map<number, number>();
  /** The stragglers stopped since the freeze, with their start times. */
  private stopped = new Map<number, number>();
  /** Process isolation: the members at the last look, with their start times. */
  private seen = new Map<number, number>();
  /** The last walk's members and the sum of their peak RSS (VmHWM, kB), read by the same reads. */
  private lastWalk: { pids: number[]; peakKb: number } | undefined;
  private readonly watchdog: ProcessWatchdog | undefined;

  constructor(leader: number, kind: SandboxKind, watchdog?: ProcessWatchdog, keeper = false) {
    this.leader = leader;
    this.kind = kind;
    this.keeper = kind === 'process' && keeper;
    this.watchdog = kind === 'process' ? watchdog : undefined;
  }

  /** The runtime has ended (its status is known); its pid may be reused from now on. */
  runtimeEnded(): void {
    this.runtimeGone = true;
  }

  /** The leader has been reaped: nothing is signalled by a remembered pid but verified members. */
  leaderEnded(): void {
    this.leaderGone = true;
    this.runtimeGone = true;
  }

  /** The sandbox's PID 1 (namespace): unshare's only child. */
  initPid(): number | undefined {
    if (this.kind !== 'namespace' || this.leaderGone) return undefined;
    this.init ??= parseChildren(this.proc.read(`/proc/${this.leader}/task/${this.leader}/children`))[0];
    return this.init;
  }

  /** The runtime's host pid while it runs: the leader, the keeper's child, or the init's first child (forked first). */
  runtimePid(): number | undefined {
    if (this.runtimeGone) return undefined;
    if (this.kind === 'process' && !this.keeper) return this.leader;
    const parent = this.keeper ? this.leader : this.initPid();
    this.runtime ??= parent ? parseChildren(this.proc.read(`/proc/${parent}/task/${parent}/children`))[0] : undefined;
    return this.runtime;
  }

  /** The process group that freeze() stops: the init's (namespace-sandbox.ts), the runtime's under a keeper, else the leader's. */
  private group(): number | undefined {
    if (this.kind === 'namespace') return this.initPid();
    return this.keeper ? this.runtimePid() : this.leader;
  }

  /** ephemera's own processes in the environment: never leaks, never counted as memory. */
  helpers(): number[] {
    if (this.keeper) return [this.leader];
    const init = this.initPid();
    return this.kind === 'namespace' ? [this.leader, ...(init ? [init] : [])] : [];
  }

  /**
   * Every process of the environment but the helpers. `allThreads` also reads the children of every
   * thread (a child spawned from a worker thread is listed under that thread): exact, and dearer.
   * Each walk notes which members are outside the process group. While the environment is frozen, a
   * straggler found that is not stopped yet is stopped here, and the walk is repeated until it finds
   * none (a process not yet stopped may have forked).
   */
  members(allThreads = false): number[] {
    let pids = this.walk(allThreads);
    this.noteStragglers(pids);
    for (let round = 0; this.frozen && round < 16; round++) {
      const fresh = [...this.stragglers].filter(([pid]) => !this.stopped.has(pid));
      if (fresh.length === 0) break;
      for (const [pid, start] of fresh) if (signal(pid, 'SIGSTOP')) this.stopped.set(pid, start);
      pids = this.walk(allThreads);
      this.noteStragglers(pids);
    }
    return pids;
  }

  /**
   * One read of /proc/<pid>/status per member (kept open): its state, process group and peak RSS (kept
   * for peakMemoryMB); /proc/<pid>/stat only for a member outside the group (its start time names it).
   */
  private noteStragglers(pids: number[]): void {
    this.stragglers.clear();
    const group = this.group();
    let peakKb = 0;
    for (const pid of pids) {
      const status = this.proc.read(`/proc/${pid}/status`) ?? '';
      peakKb += peakKbOf(status);
      const st = parseStatus(status) ?? parseStat(this.proc.read(`/proc/${pid}/stat`) ?? '');
      if (!st) continue;
      if (st.pgid === group || st.state === 'Z') continue;
      const startTime = parseStat(this.proc.read(`/proc/${pid}/stat`) ?? '')?.startTime;
      if (startTime !== undefined) this.stragglers.set(pid, startTime);
    }
    this.lastWalk = { pids, peakKb };
  }

  private walk(allThreads: boolean): number[] {
    if (this.kind === 'namespace') {
      const init = this.initPid();
      if (!init) return [];
      const pids = this.proc.tree(init, allThreads).slice(1);
      // Once the runtime is gone the init no longer reaps: a zombie is not a member.
      return this.runtimeGone ? pids.filter(alive) : pids;
    }
    if (!this.leaderGone) {
      const root = this.keeper ? this.runtimePid() : this.leader;
      const pids = root ? this.proc.tree(root, allThreads) : [];
      this.remember(pids);
      return pids;
    }
    return this.verifiedSeen().filter(alive);
  }

  /** The members now, with start times (read once per process); the watchdog's list when it changed. */
  private remember(pids: number[]): void {
    if (pids.length === this.seen.size && pids.every((p) => this.seen.has(p))) return;
    this.seen = new Map(pids.map((p) => [p, this.seen.get(p) ?? readStat(p)?.startTime ?? -1]));
    this.watchdog?.track(this, this.seen);
  }

  /** Anything of the environment's still running (the helpers aside)? */
  anyMember(): boolean {
    return this.members().length > 0;
  }

  /**
   * SIGSTOP the process group, and one by one the stragglers of the last walk that are still the
   * same processes: no walk on the invoke path. A straggler started since is stopped by the next walk
   * (the one after each invocation), which members() does while frozen.
   */
  freeze(): boolean {
    const leader = this.leaderGone ? undefined : this.group();
    if (leader === undefined) return false;
    const group = signal(-leader, 'SIGSTOP');
    this.frozen = true;
    this.stopped = new Map([...this.stragglers].filter(([pid, start]) => this.same(pid, start) && signal(pid, 'SIGSTOP')));
    return group || this.stopped.size > 0;
  }

  thaw(): void {
    this.frozen = false;
    const leader = this.leaderGone ? undefined : this.group();
    if (leader !== undefined) signal(-leader, 'SIGCONT');
    for (const [pid, start] of this.stopped) if (this.same(pid, start)) signal(pid, 'SIGCONT');
    this.stopped.clear();
  }

  private same(pid: number, start: number): boolean {
    return parseStat(this.proc.read(`/proc/${pid}/stat`) ?? '')?.startTime === start;
  }

  /**
   * SIGKILL everything. Namespace: the init (the kernel then kills the whole PID namespace) and the
   * group. Process: frozen first and walked through every thread until nothing new is found (so
   * nothing forks meanwhile), then every member, the process group, and the members seen before that
   * are still the same processes.
   */
  killAll(): void {
    if (this.kind === 'namespace') {
      // The group first: unshare dies before it can see its child killed (and complain about it).
      const init = this.initPid();
      if (this.leaderGone) return; // the init died first: the kernel has ended the namespace
      signal(-this.leader, 'SIGKILL');
      if (init) signal(init, 'SIGKILL');
      return;
    }
    let pids: number[] = [];
    if (!this.leaderGone) {
      this.freeze();
      pids = this.members(true);
    }
    const group = this.leaderGone ? undefined : this.group();
    if (group !== undefined && group !== this.leader) signal(-group, 'SIGKILL');
    if (!this.leaderGone) signal(-this.leader, 'SIGKILL');
    for (const pid of new Set([...pids, ...this.verifiedSeen()])) signal(pid, 'SIGKILL');
    this.watchdog?.untrack(this);
  }

  /**
   * Namespace: SIGKILL every process but the helpers, the group stopped meanwhile so that nothing forks
   * out of reach. The init stays, and with it the namespace and its tmpfs /tmp (a reset keeps it).
   */
  killMembers(): void {
    if (this.kind !== 'namespace' || this.leaderGone) return;
    const wasFrozen = this.frozen;
    this.freeze();
    for (const pid of this.members(true)) signal(pid, 'SIGKILL');
    if (!wasFrozen) this.thaw();
  }

  private verifiedSeen(): number[] {
    return [...this.seen].filter(([pid, start]) => readStat(pid)?.startTime === start).map(([pid]) => pid);
  }

  /**
   * Sum of each member's peak RSS (VmHWM), in MB rounded up: `pids` as the last walk found them are
   * summed from its reads (made as the invocation ended), any other list is read now.
   */
  peakMemoryMB(pids: number[]): number {
    this.proc.keepOnly([...pids, ...this.helpers()]);
    if (this.lastWalk?.pids === pids) return Math.ceil(this.lastWalk.peakKb / 1024);
    let kb = 0;
    for (const pid of pids) kb += peakKbOf(this.proc.read(`/proc/${pid}/status`) ?? '');
    return Math.ceil(kb / 1024);
  }

  /** Not a zombie, not gone (an orphan's zombie stays under a runtime that does not reap it). */
  running(pid: number): boolean {
    return alive(pid);
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
}

function alive(pid: number): boolean {
  const state = readStat(pid)?.state;
  return state !== undefined && state !== 'Z' && state !== 'X';
}
