// The namespace sandbox of a blank (a runtime started before its function is known: see
// blank-plan.ts). Made ahead: the mount and PID namespaces, the private /proc, /var/runtime,
// /var/lang and the runtime itself, blocked reading fd 6. At assignment the function's own mounts
// (code at /var/task, layers at /opt, the tmpfs /tmp, in namespace-sandbox.ts's order) are made by a
// helper that still holds the capabilities the runtime dropped; it then passes the rest on and exits.
import {
  BEFORE_RUNTIME, INIT_SHELL, INIT_TAIL, OPT_MOUNT, RUNTIME_MOUNTS, SCRIPT_START, STATUS_FD, TASK_MOUNT, TMP_MOUNT, functionMounts, unshareOptions,
} from './namespace-sandbox.ts';

// The same start as a spawned sandbox (robind; rootless, the mount points made under a tmpfs /var).
// Positional parameters as namespace-sandbox.ts's script has them ($3 runtime, $4 the /tmp made ahead
// in MB, $5 interpreter, $8 capabilities, ${10} stay), the function's ones empty. The tmpfs /tmp is
// made ahead (nothing writes to it before the assignment): kept as it is, resized, or, when the
// function's code or layers are under the host's /tmp, unmounted and made again after their mounts. The helper is the left side of a pipe
// whose right side is the runtime: it reads the function's mounts (one line each) from fd 6, mounts
// them, then `cat` hands the rest (the runtime's settings and assignment) to the runtime's fd 6 and
// ends. The runtime reads fd 6 to its end: it goes on only once every mount is made and the helper
// is gone. Its stdin is /dev/null, as in a normal sandbox.
const BLANK_SCRIPT = [
  ...SCRIPT_START,
  ...RUNTIME_MOUNTS,
  ...TMP_MOUNT,
  'cd /',
  ...BEFORE_RUNTIME,
  '{',
  '  read -r c; read -r d; read -r t; read -r ok; read -r oa; read -r tmp',
  // The function's code under the host's /tmp: the blank's tmpfs goes first (a new one comes after).
  '  if [ "$tmp" = new ]; then umount /tmp; fi',
  `  set -- "$c" "$d" '' "$t" '' "$ok" "$oa"`,
  ...TASK_MOUNT,
  ...OPT_MOUNT,
  '  if [ "$tmp" = new ]; then',
  ...TMP_MOUNT,
  '  elif [ "$tmp" = resize ]; then mount -o "remount,size=$4m" /tmp; fi',
  '  exec cat',
  `} <&6 2>&9 6<&- 9>&- ${STATUS_FD}>&- | (exec "$@" 2>&9 9>&- ${STATUS_FD}>&- 6<&0 0</dev/null) || s=$?`,
  ...INIT_TAIL,
].join('\n');

/** The size of the /tmp a blank makes ahead: EphemeralStorage's default. */
export const BLANK_TMP_MB = 512;

export interface BlankSandboxSpec {
  runtimeDir: string;
  langDir?: string;
  boundingSet?: string;
  command: string[];
}

/** `unshare` arguments of a blank's sandbox (its init stays after the runtime, as an environment's does). */
export function blankNamespaceArgs(spec: BlankSandboxSpec): string[] {
  return [
    ...unshareOptions(),
    ...INIT_SHELL, BLANK_SCRIPT, 'ephemera-sandbox',
    '', '', spec.runtimeDir, String(BLANK_TMP_MB), spec.langDir ?? '', '', '', spec.boundingSet ?? '', '', '1', ...spec.command,
  ];
}

export interface FunctionMountSpec {
  codeDir: string;
  dependencyDir?: string;
  layers?: readonly string[];
  tmpMB: number;
  /** Code, dependencies or a layer lie under the host's /tmp (their real paths). */
  underTmp: boolean;
}

/** What the helper reads at assignment, before the runtime's part: one line per mount parameter. */
export function blankMountLines(spec: FunctionMountSpec): string {
  const [code, deps, optKind, optArg] = functionMounts(spec);
  const tmp = spec.underTmp ? 'new' : spec.tmpMB === BLANK_TMP_MB ? 'keep' : 'resize';
  return [code, deps, String(spec.tmpMB), optKind, optArg, tmp].map((l) => `${l}\n`).join('');
}
