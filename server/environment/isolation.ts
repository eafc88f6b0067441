// Isolation levels (design §3, docs/isolation.md): `process` (own process group, a child subreaper,
// private TMPDIR) everywhere, and `namespace` (the sandbox of namespace-sandbox.ts: private mount
// and PID namespaces) where unshare works. `cgroup` (opt-in) adds a cgroup per environment (see
// cgroup.ts) to the namespace sandbox, or to process isolation where unshare does not work.
// Detection runs the real sandbox once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { type CgroupRoot, probeCgroups } from './cgroup.ts';
import {
  LANG_DIR, LAYERS_DIR, ROOTLESS, RUNTIME_DIR, SANDBOX_BOUNDING_SET, TASK_ROOT, namespaceArgs,
} from './namespace-sandbox.ts';
import { subreaperPrefix } from './subreaper.ts';
import { tmpDirPrefix } from '../temp-dirs.ts';

export type IsolationLevel = 'process' | 'namespace' | 'cgroup';
export type IsolationRequest = 'auto' | IsolationLevel;

export interface IsolationInfo {
  level: IsolationLevel;
  /** Why this level: shown at start-up and in /_ephemera/health. */
  reason: string;
  /**
   * argv prefix that kills a worker when the emulator dies, even by SIGKILL (`setpriv --pdeathsig`):
   * a frozen worker would otherwise stay stopped forever. Empty where setpriv is missing.
   */
  parentDeathGuard: string[];
  /** cgroup isolation: the emulator's parent cgroup, which makes the environments' cgroups. */
  cgroup?: CgroupRoot;
}

export class IsolationUnavailableError extends Error {
  readonly code = 'EPH_ERR_ISOLATION_UNAVAILABLE';
}

export function detectIsolation(requested: IsolationRequest): IsolationInfo {
  const parentDeathGuard = detectParentDeathGuard();
  if (requested === 'cgroup') {
    const { root, namespaceProblem: problem } = cgroupIsolation();
    const sandbox = problem ? `no mount namespace (${problem}); ${processSandbox()}` : 'private mount and PID namespaces per environment';
    return { level: 'cgroup', reason: `${root.describe()}: MemorySize limit, CPU share, freezer, exact peak memory; ${sandbox}`, parentDeathGuard, cgroup: root };
  }
  if (requested === 'process') return { level: 'process', reason: `requested with --isolation process; ${processSandbox()}`, parentDeathGuard };
  const problem = namespaceProblem();
  if (!problem) {
    const caps = sandboxBoundingSet() ? "Docker's default capabilities" : 'capabilities kept (setpriv cannot drop them here)';
    const user = ROOTLESS ? ', in a user namespace (rootless)' : '';
    return {
      level: 'namespace',
      reason: `private mount and PID namespaces per environment${user} (own /proc, tmpfs /tmp, code at /var/task, layers at /opt; ${caps})`,
      parentDeathGuard,
    };
  }
  if (requested === 'namespace') throw new IsolationUnavailableError(`--isolation namespace is not available here: ${problem}`);
  return { level: 'process', reason: `namespace isolation unavailable (${problem}); ${processSandbox()}`, parentDeathGuard };
}

/** What process isolation has here, for the reason shown at start-up. */
function processSandbox(): string {
  const reaper = subreaperPrefix().length > 0 ? 'the runtime is a child subreaper' : 'no child subreaper (perl missing)';
  return `/tmp is a private TMPDIR, ${reaper}`;
}

let cgroupSetup: { root: CgroupRoot; namespaceProblem: string | undefined } | undefined;

/**
 * cgroup isolation's parts, detected once per emulator process (its parent cgroup is named after the
 * pid): the root, and whether the environments also get a private mount namespace. Throws
 * IsolationUnavailableError with the exact reason where no writable hierarchy exists.
 */
export function cgroupIsolation(): { root: CgroupRoot; namespaceProblem: string | undefined } {
  if (!cgroupSetup) {
    const probe = probeCgroups();
    if ('problem' in probe) throw new IsolationUnavailableError(`--isolation cgroup is not available here: ${probe.problem}`);
    cgroupSetup = { root: probe.root, namespaceProblem: namespaceProblem() };
  }
  return cgroupSetup;
}

/** Does an environment at this level run in a private mount namespace (/var/task, tmpfs /tmp...)? */
export function usesMountNamespace(level: IsolationLevel): boolean {
  return level === 'namespace' || (level === 'cgroup' && cgroupIsolation().namespaceProblem === undefined);
}

let guard: string[] | undefined;

/** `setpriv --pdeathsig KILL --`: the argv prefix that ends a process with its parent; empty where setpriv is missing. */
export function detectParentDeathGuard(): string[] {
  if (!guard) {
    const prefix = ['setpriv', '--pdeathsig', 'KILL', '--'];
    const r = spawnSync(prefix[0], [...prefix.slice(1), 'true'], { timeout: 5000 });
    guard = r.status === 0 ? prefix : [];
  }
  return guard;
}

let boundingSet: string | undefined;

/** The capability bounding set the sandbox gives a runtime ('' keeps them), found by namespaceProblem(). */
export function sandboxBoundingSet(): string {
  if (boundingSet === undefined) namespaceProblem();
  return boundingSet ?? '';
}

/**
 * Why the namespace sandbox cannot be made here, or undefined when it can: tried for real, with
 * Docker's default capabilities and, where setpriv cannot drop them, without.
 */
function namespaceProblem(): string | undefined {
  try {
    for (const dir of [TASK_ROOT, RUNTIME_DIR, LANG_DIR, LAYERS_DIR]) mkdirSync(dir, { recursive: true });
  } catch (err) {
    // Rootless, the sandbox makes /var's mount points on a tmpfs of its own; /opt it cannot make.
    if (!ROOTLESS || !existsSync(LAYERS_DIR)) {
      return `cannot create mount points ${TASK_ROOT}, ${RUNTIME_DIR}, ${LANG_DIR} and ${LAYERS_DIR}: ${(err as Error).message}`;
    }
  }
  const probe = mkdtempSync(`${tmpDirPrefix('probe')}-`);
  try {
    // PID 1 of the namespace is the sandbox's init, and /proc shows that namespace.
    const command = ['/bin/sh', '-c', `test -d ${TASK_ROOT} && : > /tmp/x && grep -q ephemera-sandbox /proc/1/cmdline`];
    let problem: string | undefined;
    for (const caps of [SANDBOX_BOUNDING_SET, '']) {
      const r = spawnSync('unshare', namespaceArgs({ codeDir: probe, runtimeDir: probe, tmpMB: 1, command, boundingSet: caps }), {
        encoding: 'utf8',
        timeout: 5000,
      });
      if (r.error) return `unshare: ${r.error.message}`;
      if (r.status === 0) {
        boundingSet = caps;
        return undefined;
      }
      problem ??= `unshare failed: ${(r.stderr || '').trim() || `exit ${r.status}`}`;
    }
    return problem;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
