// The namespace sandbox (namespace isolation, and cgroup isolation where unshare works): one mount
// and PID namespace per environment with a private /proc, tmpfs /tmp sized by EphemeralStorage, code
// read-only at /var/task (with the dependencies built for it, as a deployment package has them),
// runtime at /var/runtime, the interpreter's install at /var/lang, layers merged read-only at /opt; its
// PID 1 is a small shell init that runs the runtime, reaps orphans and reports how the runtime ended.
import { realpathSync } from 'node:fs';
import { constants } from 'node:os';

export const TASK_ROOT = '/var/task';
export const RUNTIME_DIR = '/var/runtime';
/** Where the runtime's interpreter is installed (Lambda's /var/lang/bin/node, /var/lang/bin/python3.12). */
export const LANG_DIR = '/var/lang';
export const LAYERS_DIR = '/opt';

/**
 * An emulator that is not root makes each sandbox in a user namespace of its own, its user mapped to
 * root inside (the mount and PID namespaces need CAP_SYS_ADMIN, which the user namespace gives).
 */
export const ROOTLESS = (process.getuid?.() ?? 0) !== 0;

/** The worker's fd on which the sandbox's init writes the runtime's exit status (`137\n`). */
export const STATUS_FD = 5;

/**
 * Docker's default capability set: what a root function keeps in the sandbox. Without CAP_SYS_ADMIN
 * it cannot unmount the private /proc (the host's is underneath), mount or enter other namespaces.
 */
export const SANDBOX_BOUNDING_SET = [
  'chown', 'dac_override', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap', 'net_bind_service',
  'net_raw', 'sys_chroot', 'mknod', 'audit_write', 'setfcap',
].reduce((spec, cap) => `${spec},+${cap}`, '-all');

/**
 * `robind <dir> <mount point>`: a read-only bind. The remount carries the flags the source's mount has
 * (nosuid, nodev, noexec, atime): in a user namespace (rootless) they are locked, and a remount
 * without them fails; as root, keeping them is what the bind had anyway.
 */
const READ_ONLY_BIND = [
  'robind() {',
  '  mount --bind "$1" "$2"',
  '  o=',
  '  while read -r _ _ _ _ at opts _; do if [ "$at" = "$2" ]; then o=$opts; fi; done < /proc/self/mountinfo',
  '  o=${o#rw}; o=${o#ro}',
  '  mount -o "remount,bind,ro$o" "$2"',
  '}',
];

/**
 * Rootless, where /var/task, /var/runtime or /var/lang does not exist (only root can make them on the
 * host): a tmpfs on /var with every entry of the host's /var bound back (directories recursively,
 * symlinks copied), and the mount points made in it. The host's /var stays the cwd while its path is
 * covered, and `--no-canonicalize` lets the kernel resolve the relative sources against it.
 */
const VAR_MOUNT_POINTS = [
  `if [ ! -d ${TASK_ROOT} ] || [ ! -d ${RUNTIME_DIR} ] || [ ! -d ${LANG_DIR} ]; then`,
  '  cd /var',
  '  mount -t tmpfs -o mode=755 ephemera-var /var',
  '  for e in * .[!.]*; do',
  '    if [ -L "$e" ]; then ln -s "$(readlink "$e")" "/var/$e"',
  '    elif [ -d "$e" ]; then mkdir "/var/$e"; mount --no-canonicalize --rbind "$e" "/var/$e"',
  '    elif [ -e "$e" ]; then : > "/var/$e"; mount --no-canonicalize --bind "$e" "/var/$e"; fi',
  '  done',
  `  mkdir -p ${TASK_ROOT} ${RUNTIME_DIR} ${LANG_DIR}`,
  '  cd /',
  'fi',
];

// PID 1 of the environment (unshare has mounted its /proc). $1 code dir, $2 the dependencies built
// for it ('' none: /var/task is a read-only bind of the code; else an overlay, the code on top), $3
// runtime dir, $4 /tmp size in MB, $5 the interpreter's install ('' none) for /var/lang, $6 how layers
// go to /opt ('' none, 'bind' one layer, 'overlay' several), $7 the layer dir or the overlay options,
// $8 the capability bounding set ('' keeps it), $9 a folder whose content the new /tmp starts with (''
// none: the /tmp an environment reset by a timeout or crash kept), ${10} '1' when the init stays after
// the runtime has gone until the emulator ends it (an environment: its /tmp may be kept), then the
// command. Mounts come
// before /opt (code or runtime may live under /opt) and before the tmpfs (code, layers or the seed may
// live under /tmp: the seed is entered first, and copied from its cwd once the tmpfs hides its path).
// `cd` leaves OLDPWD behind in dash: it goes (Lambda has none).
// The runtime runs in the foreground (a background job would ignore SIGINT and SIGQUIT), in a
// subshell that execs it (the shell's redirections stay out of the init), so it is not PID 1: it gets its signals as on Lambda, and while the shell waits for it, it reaps every
// orphan (a daemon's zombie) too. Its status goes to fd 5 ($? is 128+n for signal n). The init then
// stays, without reaping, while anything else runs (extensions get SHUTDOWN after the runtime has
// gone) or when told to (${10}); the emulator ends it, and the kernel ends everything in the namespace with it.
/** Code at /var/task ($1 code, $2 built dependencies): a read-only bind, or an overlay, the code on top. */
export const TASK_MOUNT = [
  'if [ -n "$2" ]; then',
  `  mount -t overlay -o "lowerdir=$1:$2" ephemera-task ${TASK_ROOT}`,
  'else',
  `  robind "$1" ${TASK_ROOT}`,
  'fi',
];
/** Runtime at /var/runtime ($3), the interpreter's install at /var/lang ($5, '' none). */
export const RUNTIME_MOUNTS = [
  `robind "$3" ${RUNTIME_DIR}`,
  `if [ -n "$5" ]; then robind "$5" ${LANG_DIR}; fi`,
];
/** Layers at /opt ($6 '' none, 'bind' one layer, 'overlay' several; $7 the layer dir or the overlay options). */
export const OPT_MOUNT = [
  `if [ "$6" = overlay ]; then mount -t overlay -o "$7" ephemera-layers ${LAYERS_DIR}; elif [ "$6" = bind ]; then robind "$7" ${LAYERS_DIR}; fi`,
];
/** The tmpfs /tmp of $4 MB. */
export const TMP_MOUNT = ['mount -t tmpfs -o "size=$4m,mode=1777" ephemera-tmp /tmp'];
/** What every sandbox script starts with: `robind`, and the mount points made where they are missing. */
export const SCRIPT_START = ['set -e', ...READ_ONLY_BIND, ...VAR_MOUNT_POINTS];
/**
 * Before the runtime: `cd` leaves OLDPWD behind; the command ($11 on) runs with $8's bounding set
 * (${10}: the init stays); the shell's own stderr goes, its notes ("Killed" when the runtime dies by a
 * signal) are not the function's output (fd 9 keeps the runtime's).
 */
export const BEFORE_RUNTIME = [
  'unset OLDPWD',
  'caps=$8',
  'stay=${10}',
  'shift 10',
  'if [ -n "$caps" ]; then set -- setpriv --inh-caps -all --bounding-set "$caps" -- "$@"; fi',
  'exec 9>&2 2>/dev/null',
  's=0',
];
/**
 * After the runtime (its status $s): the status to fd 5; the init stays while anything else runs or
 * when told to ($stay), else ends with the runtime's status.
 */
export const INIT_TAIL = [
  `echo "$s" >&${STATUS_FD} || :`,
  `exec ${STATUS_FD}>&- 9>&-`,
  'set -- /proc/[0-9]*',
  '[ $# -gt 1 ] || [ -n "$stay" ] || exit "$s"',
  'exec sleep 2147483647',
];

const SANDBOX_SCRIPT = [
  ...SCRIPT_START,
  ...TASK_MOUNT,
  ...RUNTIME_MOUNTS,
  ...OPT_MOUNT,
  'if [ -n "$9" ]; then cd "$9"; fi',
  ...TMP_MOUNT,
  'if [ -n "$9" ]; then cp -a . /tmp/ || :; fi',
  `cd ${TASK_ROOT}`,
  ...BEFORE_RUNTIME,
  `(exec "$@" 2>&9 9>&- ${STATUS_FD}>&-) || s=$?`,
  ...INIT_TAIL,
].join('\n');

export interface SandboxSpec {
  /** In a user namespace of its own (default: when the emulator is not root). */
  userNamespace?: boolean;
  codeDir: string;
  /** Dependencies built for the function: merged under the code at /var/task (the code wins). */
  dependencyDir?: string;
  runtimeDir: string;
  /** The interpreter's install dir, mounted read-only at /var/lang (the command names it there). */
  langDir?: string;
  tmpMB: number;
  command: string[];
  /** Host dirs of the function's layers, in its order. */
  layers?: readonly string[];
  /** setpriv's --bounding-set for the runtime; '' or absent keeps the capabilities. */
  boundingSet?: string;
  /** A host folder whose content the new /tmp starts with (a reset environment's kept /tmp). */
  tmpSeed?: string;
  /** The init stays after the runtime has gone, until killed (an environment, whose /tmp a reset keeps). */
  stay?: boolean;
}

/** overlayfs options: `:`, `,` and `\` in a path are escaped. */
const overlayPath = (d: string): string => d.replace(/[\\:,]/g, (c) => `\\${c}`);

/** unshare's options: the namespaces of a sandbox (and a user namespace when the emulator is not root). */
export function unshareOptions(userNamespace = ROOTLESS): string[] {
  return [
    ...(userNamespace ? ['--user', '--map-root-user'] : []),
    '--mount', '--pid', '--mount-proc', '--propagation', 'private', '--fork', '--kill-child',
  ];
}

/**
 * What unshare runs as the sandbox's init: `setsid` (in place: unshare's child leads no group) makes the
 * init lead a process group of its own, the one a freeze stops, so unshare, the emulator's child, is
 * never stopped: a stopped or continued child would send the emulator SIGCHLD, and libuv then
 * waitpid()s every child process it has (see subreaper.ts for process isolation's keeper).
 */
export const INIT_SHELL = ['setsid', '/bin/sh', '-c'];

/**
 * `unshare` arguments that run `command` in the sandbox (layers: see functionMounts). `--kill-child`:
 * when unshare dies (the emulator died: see the parent-death guard), its child, the init, dies, and
 * with it the whole PID namespace.
 */
export function namespaceArgs(spec: SandboxSpec): string[] {
  const [code, deps, optKind, optArg] = functionMounts(spec);
  return [
    ...unshareOptions(spec.userNamespace),
    ...INIT_SHELL, SANDBOX_SCRIPT, 'ephemera-sandbox', code, deps, spec.runtimeDir,
    String(spec.tmpMB), spec.langDir ?? '', optKind, optArg, spec.boundingSet ?? '', spec.tmpSeed ?? '', spec.stay ? '1' : '', ...spec.command,
  ];
}

/**
 * The function's own mounts as the scripts take them: code and dependencies ($1 $2 of TASK_MOUNT),
 * layers ($6 $7 of OPT_MOUNT). Layers are merged read-only at /opt, later layers winning (one layer: a
 * read-only bind; several: an overlay with no upper dir); without layers /opt is the host's.
 */
export function functionMounts(spec: Pick<SandboxSpec, 'codeDir' | 'dependencyDir' | 'layers'>): [string, string, string, string] {
  const layers = spec.layers ?? [];
  // The same dir twice makes overlayfs fail (ELOOP); its last place is the one that counts.
  const dirs = layers.filter((d, i) => layers.lastIndexOf(d) === i);
  // overlayfs: the first lowerdir is the top one.
  const opt = dirs.length === 0 ? ['', ''] : dirs.length === 1 ? ['bind', dirs[0]] : ['overlay', `lowerdir=${[...dirs].reverse().map(overlayPath).join(':')}`];
  const deps = spec.dependencyDir ? overlayPath(spec.dependencyDir) : '';
  return [deps ? overlayPath(spec.codeDir) : spec.codeDir, deps, opt[0], opt[1]];
}

/** Is the folder (or what its path leads to) under the host's /tmp, which a sandbox's own /tmp hides? */
export function underHostTmp(dir: string): boolean {
  const under = (p: string): boolean => p === '/tmp' || p.startsWith('/tmp/');
  try {
    return under(dir) || under(realpathSync(dir));
  } catch {
    return under(dir);
  }
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

/**
 * The runtime's end from the status the init reports: the shell's 128+n for signal n (a runtime
 * that itself exits with 129..159 reads as that signal: the shell cannot tell them apart).
 */
export function decodeSandboxStatus(status: number): { code: number | null; signal: NodeJS.Signals | null } {
  const signal = status > 128 ? SIGNAL_NAMES.get(status - 128) : undefined;
  return signal ? { code: null, signal } : { code: status, signal: null };
}
