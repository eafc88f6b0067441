// Isolation levels (design §3): `process` (own process group, private TMPDIR) everywhere, and
// `namespace` (private mount namespace: tmpfs /tmp sized by EphemeralStorage, code read-only at
// /var/task, runtime at /var/runtime) where unshare works. Detection runs the real sandbox script once.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type IsolationLevel = 'process' | 'namespace';
export type IsolationRequest = 'auto' | IsolationLevel | 'cgroup';

export interface IsolationInfo {
  level: IsolationLevel;
  /** Why this level: shown at start-up and in /_ephemera/health. */
  reason: string;
  /**
   * argv prefix that kills a worker when the emulator dies, even by SIGKILL (`setpriv --pdeathsig`):
   * a frozen worker would otherwise stay stopped forever. Empty where setpriv is missing.
   */
  parentDeathGuard: string[];
}

export const TASK_ROOT = '/var/task';
export const RUNTIME_DIR = '/var/runtime';

// $1 code dir, $2 runtime dir, $3 /tmp size in MB, then the command. Binds come before the tmpfs so
// code that itself lives under /tmp stays reachable.
const SANDBOX_SCRIPT = [
  'set -e',
  `mount --bind "$1" ${TASK_ROOT}`,
  `mount -o remount,bind,ro ${TASK_ROOT}`,
  `mount --bind "$2" ${RUNTIME_DIR}`,
  `mount -o remount,bind,ro ${RUNTIME_DIR}`,
  'mount -t tmpfs -o "size=$3m,mode=1777" ephemera-tmp /tmp',
  `cd ${TASK_ROOT}`,
  'shift 3',
  'exec "$@"',
].join('\n');

export class IsolationUnavailableError extends Error {}

export function detectIsolation(requested: IsolationRequest): IsolationInfo {
  if (requested === 'cgroup') {
    throw new IsolationUnavailableError(
      '--isolation cgroup is not available in this version of ephemera; use auto, process or namespace');
  }
  const parentDeathGuard = detectParentDeathGuard();
  if (requested === 'process') return { level: 'process', reason: 'requested with --isolation process', parentDeathGuard };
  const problem = namespaceProblem();
  if (!problem) {
    return { level: 'namespace', reason: 'private mount namespace per environment (tmpfs /tmp, code at /var/task)', parentDeathGuard };
  }
  if (requested === 'namespace') throw new IsolationUnavailableError(`--isolation namespace is not available here: ${problem}`);
  return { level: 'process', reason: `namespace isolation unavailable (${problem}); /tmp is a private TMPDIR`, parentDeathGuard };
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
    mkdirSync(TASK_ROOT, { recursive: true });
    mkdirSync(RUNTIME_DIR, { recursive: true });
  } catch (err) {
    return `cannot create mount points ${TASK_ROOT} and ${RUNTIME_DIR}: ${(err as Error).message}`;
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

export function namespaceArgs(codeDir: string, runtimeDir: string, tmpMB: number, command: string[]): string[] {
  return [
    '--mount', '--propagation', 'private', '--fork', '--kill-child',
    '/bin/sh', '-c', SANDBOX_SCRIPT, 'ephemera-sandbox', codeDir, runtimeDir, String(tmpMB), ...command,
  ];
}
