// External extensions (executables in /opt/extensions, i.e. the `extensions/` folder of the
// function's layers; later layers win): found on disk, and started before the runtime by a small
// launcher script in the environment's process group, so freeze, thaw and kill reach them too.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ExternalExtension {
  name: string;
  /** Host path of the executable. */
  hostPath: string;
}

/** The executables directly in each layer's `extensions/` folder (no recursion), later layers winning. */
export function findExtensions(layers: string[] | undefined): ExternalExtension[] {
  const byName = new Map<string, ExternalExtension>();
  for (const layer of layers ?? []) {
    const dir = join(layer, 'extensions');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const hostPath = join(dir, name);
      const st = statSync(hostPath, { throwIfNoEntry: false });
      if (st?.isFile() && (st.mode & 0o111) !== 0) byName.set(name, { name, hostPath });
    }
  }
  return [...byName.values()].slice(0, 10);
}

/** Lambda strips these (and every `_`-prefixed variable) from an extension's environment. */
const NOT_FOR_EXTENSIONS = [
  'AWS_EXECUTION_ENV', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_XRAY_CONTEXT_MISSING',
];

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * argv that starts each extension in the background (output on fd 4), waits for the emulator's
 * go on fd 3, then execs the runtime command.
 */
export function launcherArgv(extensionPaths: string[], env: Record<string, string>, runtime: string[]): string[] {
  const unset = [...NOT_FOR_EXTENSIONS, ...Object.keys(env).filter((k) => k.startsWith('_'))].map((k) => `-u ${quote(k)}`).join(' ');
  const script = [
    // Extensions get neither the go pipe (3) nor the runtime client's settings (6).
    ...extensionPaths.map((p) => `/usr/bin/env ${unset} ${quote(p)} 3<&- 6<&- >&4 2>&4 &`),
    'read _ <&3',
    'exec 3<&- 4>&-',
    'exec "$@"',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'ephemera-launcher', ...runtime];
}
