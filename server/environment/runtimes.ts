// How each runtime family is started: where its runtime client lives and the command line. Our own
// Node client for nodejs*, the function's `bootstrap` for provided*.
import { accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionConfig } from '../model.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const NODE_RUNTIME_DIR = join(REPO, 'runtime-api/bootstrap/nodejs');

export interface RuntimeLaunch {
  /** Host directory with the runtime's own files (mounted at /var/runtime in namespace mode). */
  runtimeDir: string;
  /** `nodejs:24.11.1`: shown in INIT_START. */
  version: string;
  /** argv, given the runtime dir and task root as the process will see them. */
  command: (runtimeDir: string, taskRoot: string) => string[];
}

export type LaunchError = { error: string; errorType: string };

export const SUPPORTED_RUNTIMES = /^(nodejs(18|20|22|24)\.x|provided(\.al2|\.al2023)?)$/;

export function runtimeLaunch(fn: FunctionConfig): RuntimeLaunch | LaunchError {
  if (fn.runtime.startsWith('nodejs')) {
    return {
      runtimeDir: NODE_RUNTIME_DIR,
      version: `nodejs:${process.versions.node}`,
      command: (runtimeDir) => [process.execPath, join(runtimeDir, 'index.mjs')],
    };
  }
  if (fn.runtime.startsWith('provided')) {
    const bootstrap = join(fn.codeDir, 'bootstrap');
    try {
      accessSync(bootstrap, constants.X_OK);
    } catch {
      return { errorType: 'Runtime.InvalidEntrypoint', error: `Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]` };
    }
    return {
      runtimeDir: NODE_RUNTIME_DIR,
      version: `${fn.runtime}:ephemera`,
      command: (_runtimeDir, taskRoot) => [join(taskRoot, 'bootstrap')],
    };
  }
  return { errorType: 'Runtime.InvalidRuntime', error: `Runtime ${fn.runtime} is not supported by this version of ephemera` };
}
