// cgroup isolation (design §3): one cgroup per environment under `<own cgroup>/<owner tag>` (the
// emulator's `ephemera-<pid>.<start time>.<pid namespace>`, server/temp-dirs.ts) in each hierarchy (v1:
// memory, cpu, freezer; v2: the unified one), with a memory limit of MemorySize (swap cannot hide an
// OOM), a CPU quota proportional to memory (1 vCPU at 1769 MB), the freezer, the exact peak memory and
// the OOM-kill count. The worker enters its cgroup before it runs anything (see `enterArgs`); killing
// walks cgroup.procs, so processes that left the process group die too. The parent exists while at
// least one environment cgroup does. A frozen task ignores even SIGKILL until thawed, so a watchdog
// outside the cgroups thaws, kills and removes whatever is left when the emulator dies (even by SIGKILL).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentCgroup } from './environment-cgroup.ts';
import { killPid, readPids, sleepSync, tryRmdir, tryWrite } from './cgroup-fs.ts';
import { namedOwnerGone, ownerTag } from '../temp-dirs.ts';

export { EnvironmentCgroup } from './environment-cgroup.ts';
export { cpuQuotaUs } from './cgroup-fs.ts';

// The watchdog: stdin is a pipe whose other end only the emulator holds, so `read` returns when the
// emulator is gone, however it went. Then, for each parent dir (freezer first: thawing is what lets
// SIGKILL work), every environment cgroup's tasks are killed and thawed until it can be removed.
const WATCHDOG_SCRIPT = [
  'read _',
  'for d; do',
  '  for c in "$d"/*/; do',
  '    [ -d "$c" ] || continue',
  '    i=0',
  '    while [ $i -lt 40 ]; do',
  '      p=$(cat "$c/cgroup.procs" 2>/dev/null)',
  '      [ -z "$p" ] && break',
  '      kill -9 $p 2>/dev/null',
  '      echo THAWED > "$c/freezer.state" 2>/dev/null || echo 0 > "$c/cgroup.freeze" 2>/dev/null',
  '      sleep 0.05; i=$((i + 1))',
  '    done',
  '    rmdir "$c" 2>/dev/null',
  '  done',
  '  rmdir "$d" 2>/dev/null',
  'done',
  'exit 0',
].join('\n');


interface Layout {
  version: 1 | 2;
  /** The emulator's own cgroup dir per hierarchy (v1: memory, freezer, cpu if mounted; v2: one). */
  own: { memory: string; freezer: string; cpu?: string };
}

/**
 * A process's cgroup directories (default: the emulator's own), from /proc/<pid>/cgroup and our
 * /proc/self/mountinfo.
 */
export function cgroupDirs(pid: number | 'self' = 'self'): { v1?: Layout['own']; v2?: string; problems: string[] } {
  const problems: string[] = [];
  const paths = new Map<string, string>(); // controller (v1) or '' (v2) -> own path
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '') paths.set('', m[2]);
    else for (const c of m[1].split(',')) paths.set(c, m[2]);
  }
  const mounts = new Map<string, { root: string; point: string }>(); // controller or '' -> mount
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-');
    if (dash < 0) continue;
    const fstype = f[dash + 1];
    const at = { root: unescape(f[3]), point: unescape(f[4]) };
    if (fstype === 'cgroup2') mounts.set('', mounts.get('') ?? at);
    else if (fstype === 'cgroup') for (const c of (f[dash + 3] ?? '').split(',')) if (!mounts.has(c)) mounts.set(c, at);
  }
  const dirOf = (key: string): string | undefined => {
    const own = paths.get(key);
    const mount = mounts.get(key);
    if (own === undefined || !mount) return undefined;
    const root = mount.root === '/' ? '' : mount.root;
    if (root && own !== root && !own.startsWith(`${root}/`)) {
      problems.push(`own ${key || 'unified'} cgroup ${own} is outside the mounted part ${mount.root}`);
      return undefined;
    }
    return join(mount.point, own.slice(root.length)).replace(/(.)\/$/, '$1');
  };
  const memory = dirOf('memory');
  const freezer = dirOf('freezer');
  const v1 = memory && freezer ? { memory, freezer, cpu: dirOf('cpu') } : undefined;
  if (!v1) problems.push(`cgroup v1: ${[!memory && 'memory', !freezer && 'freezer'].filter(Boolean).join(' and ')} hierarchy not mounted`);
  return { v1, v2: dirOf(''), problems };
}

function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Why the v2 hierarchy at `own` cannot hold environment cgroups, or undefined when it can. */
function v2Problem(own: string): string | undefined {
  let controllers: string[];
  try {
    controllers = readFileSync(join(own, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
  } catch (err) {
    return `cgroup v2: ${(err as Error).message}`;
  }
  if (!controllers.includes('memory')) return `cgroup v2 at ${own}: the memory controller is not available (controllers: ${controllers.join(' ') || 'none'})`;
  return undefined;
}

/**
 * Really try: create `<own>/<owner tag>/probe` in each hierarchy, write a memory limit, check the
 * files this module needs, remove both. Returns the root, or the exact problem.
 */
export function probeCgroups(): { root: CgroupRoot } | { problem: string } {
  let found: ReturnType<typeof cgroupDirs>;
  try {
    found = cgroupDirs();
  } catch (err) {
    return { problem: `cannot read the emulator's cgroups: ${(err as Error).message}` };
  }
  const problems: string[] = [];
  const layouts: Layout[] = [];
  if (found.v2) {
    const p = v2Problem(found.v2);
    if (p) problems.push(p);
    else layouts.push({ version: 2, own: { memory: found.v2, freezer: found.v2, cpu: found.v2 } });
  }
  if (found.v1) layouts.push({ version: 1, own: found.v1 });
  else problems.push(...found.problems);
  for (const layout of layouts) {
    const root = new CgroupRoot(layout);
    const problem = root.probe();
    if (!problem) {
      root.removeStale();
      return { root };
    }
    problems.push(problem);
  }
  return { problem: problems.join('; ') || 'no cgroup hierarchy found' };
}

/** The emulator's parent cgroup(s), `<own>/<owner tag>`, and the factory of environment cgroups. */
export class CgroupRoot {
  readonly version: 1 | 2;
  /** Parent dirs (one per distinct hierarchy). */
  readonly parents: { memory: string; freezer: string; cpu?: string };
  private readonly own: Layout['own'];
  private live = 0;
  private watchdog = false;

  constructor(layout: Layout) {
    this.version = layout.version;
    this.own = layout.own;
    const name = ownerTag();
    this.parents = {
      memory: join(layout.own.memory, name),
      freezer: join(layout.own.freezer, name),
      cpu: layout.own.cpu ? join(layout.own.cpu, name) : undefined,
    };
  }

  /** One line for start-up and /_ephemera/health. */
  describe(): string {
    const ctl = this.version === 2 ? 'memory.max, cpu.max, cgroup.freeze' : `memory, ${this.parents.cpu ? 'cpu, ' : ''}freezer`;
    return `cgroup v${this.version} (${ctl}) under ${this.parents.memory}`;
  }

  private get parentDirs(): string[] {
    return [...new Set([this.parents.memory, this.parents.freezer, ...(this.parents.cpu ? [this.parents.cpu] : [])])];
  }

  /** Create an environment's cgroup with its limits. Throws with the failing path. */
  create(name: string, memoryMB: number): EnvironmentCgroup {
    this.live++;
    try {
      for (const dir of this.parentDirs) mkdirSync(dir, { recursive: true });
      if (this.version === 2) this.enableV2Controllers();
      const cg = new EnvironmentCgroup(this, name, memoryMB);
      this.startWatchdog();
      return cg;
    } catch (err) {
      this.released();
      throw err;
    }
  }

  /** Called when an environment cgroup is gone: the last one takes the parents with it. */
  released(): void {
    if (--this.live > 0) return;
    this.live = 0;
    for (const dir of this.parentDirs) tryRmdir(dir);
  }

  /** Once per emulator process, with the first environment (see WATCHDOG_SCRIPT). */
  private startWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = true;
    const dirs = [...new Set([this.parents.freezer, ...this.parentDirs])];
    const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'ephemera-cgroup-watchdog', ...dirs], {
      detached: true, stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.on('error', () => {});
    child.stdin!.on('error', () => {});
    // Neither the process nor the pipe keeps the emulator's event loop alive.
    child.unref();
    (child.stdin as unknown as { unref(): void }).unref();
  }

  /** v2: memory (and cpu) must be on in the subtree of our own cgroup and of the parent. */
  private enableV2Controllers(): void {
    const words = (dir: string, file: string): string[] => readFileSync(join(dir, file), 'utf8').trim().split(/\s+/);
    const want = words(this.own.memory, 'cgroup.controllers').filter((c) => c === 'memory' || c === 'cpu');
    for (const dir of [this.own.memory, this.parents.memory]) {
      const on = words(dir, 'cgroup.subtree_control');
      const add = want.filter((c) => !on.includes(c));
      if (add.length) writeFileSync(join(dir, 'cgroup.subtree_control'), add.map((c) => `+${c}`).join(' '));
    }
  }

  /** The start-up check (see probeCgroups). */
  probe(): string | undefined {
    let cg: EnvironmentCgroup | undefined;
    try {
      cg = this.create(`probe-${process.pid}`, 64);
      if (cg.peakMemoryMB() < 0) throw new Error('cannot read the peak memory');
      cg.oomKills();
      return undefined;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const hint = this.version === 2 && e.code === 'EBUSY' ? ' (the emulator\'s own cgroup has processes; run it in a delegated cgroup, e.g. systemd-run --scope -p Delegate=yes)' : '';
      return `cgroup v${this.version}: ${e.message}${hint}`;
    } finally {
      cg?.removeSync();
    }
  }

  /**
   * Parents left by an emulator that died without cleaning up (named by an owner that is gone: a pid
   * reused by another process since, or `ephemera-<pid>` of a dead pid from before the start time was
   * in the name; another PID namespace's are left alone): their tasks (escaped, frozen processes) are
   * killed and their cgroups removed. Best effort.
   */
  removeStale(): void {
    const owns = [...new Set([this.own.memory, this.own.freezer, ...(this.own.cpu ? [this.own.cpu] : [])])];
    for (const own of owns) {
      let entries: string[];
      try {
        entries = readdirSync(own).filter((n) => namedOwnerGone(n) || (/^ephemera-\d+$/.test(n) && !existsSync(`/proc/${n.slice(9)}`)));
      } catch {
        continue;
      }
      for (const entry of entries) {
        const parent = join(own, entry);
        let children: string[] = [];
        try {
          children = readdirSync(parent, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(parent, d.name));
        } catch {
          // gone meanwhile
        }
        for (const dir of children) {
          for (let i = 0; i < 20; i++) {
            const pids = readPids(join(dir, 'cgroup.procs'));
            if (pids.length === 0 && tryRmdir(dir)) break;
            for (const pid of pids) killPid(pid);
            tryWrite(join(dir, 'freezer.state'), 'THAWED');
            tryWrite(join(dir, 'cgroup.freeze'), '0');
            sleepSync(10);
          }
        }
        tryRmdir(parent);
      }
    }
  }
}
