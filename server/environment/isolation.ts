// Isolation levels (design §3): `process` (own process group, private TMPDIR) everywhere, and
// `namespace` (private mount namespace: tmpfs /tmp sized by EphemeralStorage, code read-only at
// /var/task, runtime at /var/runtime, layers merged read-only at /opt) where unshare works.
// `cgroup` (opt-in) adds a cgroup per environment (see cgroup.ts) to the namespace sandbox, or to
// process isolation where unshare does not work. Detection runs the real sandbox script once.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { type CgroupRoot, probeCgroups } from './cgroup.ts';

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

export const TASK_ROOT = '/var/task';
export const RUNTIME_DIR = '/var/runtime';
/** Where a function with layers sees the emulator's Node install (Lambda keeps its Node there too). */
export const LANG_DIR = '/var/lang';
export const LAYERS_DIR = '/opt';

/**
 * The emulator's Node install (the prefix of process.execPath, e.g. /opt/node24/package) and the
 * path of its node binary as seen in a sandbox with layers (/var/lang/bin/node). Mounting the layers
 * at /opt would hide a Node that lives under /opt, so such sandboxes run Node from /var/lang.
 */
export function sandboxNode(): { prefix: string; path: string } {
  const prefix = dirname(dirname(process.execPath));
  return { prefix, path: join(LANG_DIR, relative(prefix, process.execPath)) };
}

// $1 code dir, $2 runtime dir, $3 /tmp size in MB, $4 how layers go to /opt ('' none, 'bind' one
// layer, 'overlay' several), $5 Node install prefix (for /var/lang), $6 the layer dir or the overlay
// options, then the command. Binds come before /opt (code or runtime may live under /opt) and before
// the tmpfs (code or layers may live under /tmp).
const SANDBOX_SCRIPT = [
  'set -e',
  `mount --bind "$1" ${TASK_ROOT}`,
  `mount -o remount,bind,ro ${TASK_ROOT}`,
  `mount --bind "$2" ${RUNTIME_DIR}`,
  `mount -o remount,bind,ro ${RUNTIME_DIR}`,
  'if [ -n "$4" ]; then',
  `  mount -o bind,ro "$5" ${LANG_DIR}`,
  `  if [ "$4" = overlay ]; then mount -t overlay -o "$6" ephemera-layers ${LAYERS_DIR}; else mount -o bind,ro "$6" ${LAYERS_DIR}; fi`,
  'fi',
  'mount -t tmpfs -o "size=$3m,mode=1777" ephemera-tmp /tmp',
  `cd ${TASK_ROOT}`,
  'shift 6',
  'exec "$@"',
].join('\n');

export class IsolationUnavailableError extends Error {}

export function detectIsolation(requested: IsolationRequest): IsolationInfo {
  const parentDeathGuard = detectParentDeathGuard();
  if (requested === 'cgroup') {
    const { root, namespaceProblem: problem } = cgroupIsolation();
    const sandbox = problem ? `no mount namespace (${problem}), /tmp is a private TMPDIR` : 'private mount namespace per environment';
    return { level: 'cgroup', reason: `${root.describe()}: MemorySize limit, CPU share, freezer, exact peak memory; ${sandbox}`, parentDeathGuard, cgroup: root };
  }
  if (requested === 'process') return { level: 'process', reason: 'requested with --isolation process', parentDeathGuard };
  const problem = namespaceProblem();
  if (!problem) {
    return { level: 'namespace', reason: 'private mount namespace per environment (tmpfs /tmp, code at /var/task, layers at /opt)', parentDeathGuard };
  }
  if (requested === 'namespace') throw new IsolationUnavailableError(`--isolation namespace is not available here: ${problem}`);
  return { level: 'process', reason: `namespace isolation unavailable (${problem}); /tmp is a private TMPDIR`, parentDeathGuard };
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

function detectParentDeathGuard(): string[] {
  if (!guard) {
    const prefix = ['setpriv', '--pdeathsig', 'KILL', '--'];
    const r = spawnSync(prefix[0], [...prefix.slice(1), 'true'], { timeout: 5000 });
    guard = r.status === 0 ? prefix : [];
  }
  return guard;
}

/** Why a private mount namespace cannot be made here, or undefined when it can (tried for real). */
function namespaceProblem(): string | undefined {
  try {
    for (const dir of [TASK_ROOT, RUNTIME_DIR, LANG_DIR, LAYERS_DIR]) mkdirSync(dir, { recursive: true });
  } catch (err) {
    return `cannot create mount points ${TASK_ROOT}, ${RUNTIME_DIR}, ${LANG_DIR} and ${LAYERS_DIR}: ${(err as Error).message}`;
  }
  const probe = mkdtempSync(join(tmpdir(), 'ephemera-probe-'));
  try {
    const r = spawnSync('unshare', namespaceArgs(probe, probe, 1, ['/bin/sh', '-c', 'test -d /var/task && : > /tmp/x']), {
      encoding: 'utf8',
      timeout: 5000,
    });
    if (r.error) return `unshare: ${r.error.message}`;
    if (r.status !== 0) return `unshare failed: ${(r.stderr || '').trim() || `exit ${r.status}`}`;
    return undefined;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/**
 * `unshare` arguments that run `command` in a private mount namespace. With `layers` (host dirs in the
 * function's order), they are merged read-only at /opt, later layers winning (one layer: a read-only
 * bind; several: an overlay with no upper dir), and the emulator's Node (process.execPath in `command`)
 * runs as /var/lang/bin/node. Without layers, /opt and /var/lang are the host's.
 */
export function namespaceArgs(
  codeDir: string,
  runtimeDir: string,
  tmpMB: number,
  command: string[],
  layers: readonly string[] = [],
): string[] {
  // The same dir twice makes overlayfs fail (ELOOP); its last place is the one that counts.
  const dirs = layers.filter((d, i) => layers.lastIndexOf(d) === i);
  let opt = ['', '', ''];
  let cmd = command;
  if (dirs.length > 0) {
    const node = sandboxNode();
    // overlayfs: the first lowerdir is the top one; `:`, `,` and `\` in a path are escaped.
    const lower = [...dirs].reverse().map((d) => d.replace(/[\\:,]/g, (c) => `\\${c}`)).join(':');
    opt = dirs.length === 1 ? ['bind', node.prefix, dirs[0]] : ['overlay', node.prefix, `lowerdir=${lower}`];
    cmd = command.map((arg) => (arg === process.execPath ? node.path : arg));
  }
  return [
    '--mount', '--propagation', 'private', '--fork', '--kill-child',
    '/bin/sh', '-c', SANDBOX_SCRIPT, 'ephemera-sandbox', codeDir, runtimeDir, String(tmpMB), ...opt, ...cmd,
  ];
}
