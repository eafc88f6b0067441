// One environment's cgroup (the CgroupRoot in cgroup.ts makes them): memory limit and CPU quota, the
// freezer, exact peak memory and OOM kills, every task (killing walks cgroup.procs), and removal.
import { closeSync, existsSync, mkdirSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupRoot } from './cgroup.ts';
import { CPU_PERIOD_US, cpuQuotaUs, killPid, MB, readPids, readText, sleep, sleepSync, tryRmdir } from './cgroup-fs.ts';

/** One environment's cgroup: limits, freezer, peak memory, OOM kills, every task. */
export class EnvironmentCgroup {
  readonly version: 1 | 2;
  /** Distinct dirs (memory, cpu, freezer in v1; one in v2). */
  readonly dirs: string[];
  private readonly memory: string;
  private readonly freezer: string;
  private readonly root: CgroupRoot;
  private stateFd: number | undefined;
  private readonly buf = Buffer.alloc(256);
  private generation = 0;
  private removed = false;

  constructor(root: CgroupRoot, name: string, memoryMB: number) {
    this.root = root;
    this.version = root.version;
    this.memory = join(root.parents.memory, name);
    this.freezer = join(root.parents.freezer, name);
    const cpu = root.parents.cpu ? join(root.parents.cpu, name) : undefined;
    this.dirs = [...new Set([this.memory, this.freezer, ...(cpu ? [cpu] : [])])];
    try {
      for (const dir of this.dirs) mkdirSync(dir);
      const bytes = String(memoryMB * MB);
      const quota = cpuQuotaUs(memoryMB);
      if (this.version === 1) {
        writeFileSync(join(this.memory, 'memory.limit_in_bytes'), bytes);
        // memsw is memory + swap: the same limit leaves no room for swap to hide an OOM.
        if (existsSync(join(this.memory, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(this.memory, 'memory.memsw.limit_in_bytes'), bytes);
        if (cpu) {
          writeFileSync(join(cpu, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
          writeFileSync(join(cpu, 'cpu.cfs_quota_us'), String(quota));
        }
        this.stateFd = openSync(join(this.freezer, 'freezer.state'), 'r+');
      } else {
        writeFileSync(join(this.memory, 'memory.max'), bytes);
        if (existsSync(join(this.memory, 'memory.swap.max'))) writeFileSync(join(this.memory, 'memory.swap.max'), '0');
        if (existsSync(join(this.memory, 'cpu.max'))) writeFileSync(join(this.memory, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
        this.stateFd = openSync(join(this.freezer, 'cgroup.freeze'), 'r+');
      }
    } catch (err) {
      this.closeState();
      for (const dir of this.dirs) tryRmdir(dir);
      throw err;
    }
  }

  /** The cgroup.procs files a process writes its pid into to enter this cgroup (all hierarchies). */
  get procsFiles(): string[] {
    return this.dirs.map((d) => join(d, 'cgroup.procs'));
  }

  /** PIDs of every process in the cgroup (whatever their process group or session). */
  pids(): number[] {
    return readPids(join(this.freezer, 'cgroup.procs'));
  }

  /**
   * Freeze every task. Resolves true once the kernel reports the cgroup frozen (bounded, ~1 s; v1
   * can linger in FREEZING, so FROZEN is written again), false if it did not get there or was thawed.
   */
  async freeze(): Promise<boolean> {
    const gen = ++this.generation;
    this.writeState(true);
    for (let i = 0; i < 200; i++) {
      if (gen !== this.generation || this.removed) return false;
      if (this.isFrozen()) return true;
      await sleep(i < 20 ? 1 : 5);
      if (i % 20 === 19 && gen === this.generation) this.writeState(true);
    }
    return false;
  }

  thaw(): void {
    this.generation++;
    this.writeState(false);
  }

  /** The kernel's view: every task frozen. */
  isFrozen(): boolean {
    if (this.version === 1) return this.readState() === 'FROZEN';
    return /^frozen 1$/m.test(readText(join(this.freezer, 'cgroup.events')) ?? '');
  }

  /** Peak memory of the cgroup since it was created, in MB rounded up (-1 if unreadable). */
  peakMemoryMB(): number {
    const text = readText(join(this.memory, this.version === 1 ? 'memory.max_usage_in_bytes' : 'memory.peak'));
    const bytes = text === undefined ? Number.NaN : Number(text.trim());
    return Number.isFinite(bytes) ? Math.ceil(bytes / MB) : -1;
  }

  /** How many processes the kernel's OOM killer has killed in this cgroup. */
  oomKills(): number {
    const text = readText(join(this.memory, this.version === 1 ? 'memory.oom_control' : 'memory.events')) ?? '';
    const m = /^oom_kill (\d+)$/m.exec(text);
    if (m) return Number(m[1]);
    // Kernels before 4.13 have no oom_kill line: hitting the limit is the best sign there is.
    return this.version === 1 ? Number(readText(join(this.memory, 'memory.failcnt')) ?? 0) : 0;
  }

  /** SIGKILL every task (frozen or not, in the process group or not) until the cgroup is empty. */
  async killAll(): Promise<void> {
    for (let i = 0; i < 300; i++) {
      const pids = this.pids();
      if (pids.length === 0) return;
      for (const pid of pids) killPid(pid);
      // A frozen v1 task only dies once thawed.
      this.thaw();
      await sleep(i < 20 ? 1 : 10);
    }
  }

  /** Kill every task, then remove the cgroup in each hierarchy (retrying while it empties). */
  async remove(): Promise<void> {
    if (this.removed) return;
    await this.killAll();
    for (let i = 0; i < 100 && !this.rmdirAll(); i++) await sleep(10);
    this.finishRemoval();
  }

  /** remove() for the start-up probe and failed creation (no tasks ever entered). */
  removeSync(): void {
    if (this.removed) return;
    for (let i = 0; i < 20 && !this.rmdirAll(); i++) sleepSync(5);
    this.finishRemoval();
  }

  private finishRemoval(): void {
    this.removed = true;
    this.generation++;
    this.closeState();
    this.root.released();
  }

  private closeState(): void {
    if (this.stateFd === undefined) return;
    try {
      closeSync(this.stateFd);
    } catch {
      // already closed
    }
    this.stateFd = undefined;
  }

  private rmdirAll(): boolean {
    return this.dirs.map((d) => tryRmdir(d)).every(Boolean);
  }

  private writeState(frozen: boolean): void {
    if (this.stateFd === undefined) return;
    try {
      writeSync(this.stateFd, this.version === 1 ? (frozen ? 'FROZEN' : 'THAWED') : frozen ? '1' : '0', 0);
    } catch {
      // the cgroup is being removed
    }
  }

  private readState(): string | undefined {
    if (this.stateFd === undefined) return undefined;
    try {
      return this.buf.toString('latin1', 0, readSync(this.stateFd, this.buf, 0, this.buf.length, 0)).trim();
    } catch {
      return undefined;
    }
  }
}
