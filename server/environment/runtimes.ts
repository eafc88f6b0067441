// How each runtime family is started: where its runtime client lives, the interpreter that runs it
// (interpreters/runtime-resolver.ts: the runtime's own version where one is found) and the command
// line, as Lambda's /var/runtime/bootstrap has it. Our own clients for nodejs* and python3.*, the
// function's `bootstrap` for provided*.
import { accessSync, constants } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionConfig } from '../model.ts';
import { RUNNABLE_RUNTIMES } from '../lambda-rules.ts';
import { RuntimeResolver } from './interpreters/runtime-resolver.ts';
import { runtimesCacheDir } from '../build/cache-dirs.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const NODE_RUNTIME_DIR = join(REPO, 'runtime-api/bootstrap/nodejs');
export const PYTHON_RUNTIME_DIR = join(REPO, 'runtime-api/bootstrap/python');
/** The folder @aws-sdk/* falls back to last: ephemera's own (its node_modules, or the one it is installed in). */
export const EPHEMERA_ROOT = REPO;

/** What our runtime clients are told on fd 6 (runtime-api/bootstrap/*: runtime-settings). */
export interface RuntimeSettings {
  leaks?: boolean;
  /** Where @aws-sdk/* is resolved from when the function's code cannot (the project's folder, ephemera's). */
  sdkDirs?: string[];
  /** Folders of dependencies built for the function, searched after its own code (process isolation). */
  dependencyDirs?: string[];
}

export interface RuntimeLaunch {
  family: 'nodejs' | 'python' | 'provided';
  /** Host directory with the runtime's own files (mounted at /var/runtime in namespace mode). */
  runtimeDir: string;
  /** `nodejs:22.23.5`: shown in INIT_START. */
  version: string;
  /**
   * argv, given the runtime dir, task root and (namespace) the interpreter's install dir as the process
   * sees them; `heapLimits`: Node gets Lambda's heap flags (see runtimeLaunch).
   */
  command: (runtimeDir: string, taskRoot: string, langDir?: string, heapLimits?: boolean) => string[];
  /** Host directory of the interpreter's installation: mounted at /var/lang in a namespace sandbox, as on Lambda. */
  langDir?: string;
  /** Our runtime client's settings (prepareLaunch fills them in); none for provided runtimes. */
  settings?: RuntimeSettings;
  /** Dependencies built for the function (the build cache): part of /var/task in a namespace sandbox. */
  dependencyDir?: string;
}

export type LaunchError = { error: string; errorType: string };

/** Where a runtime's interpreter comes from (the app's RuntimeResolver). */
export type InterpreterSource = Pick<RuntimeResolver, 'resolve'>;

let fallbackResolver: RuntimeResolver | undefined;

/** The resolver environments use when none was given (no --runtime-path, no fetching). */
export function defaultRuntimes(): RuntimeResolver {
  fallbackResolver ??= new RuntimeResolver({ cacheDir: runtimesCacheDir(), env: process.env });
  return fallbackResolver;
}

export function runtimeLaunch(fn: FunctionConfig, runtimes: InterpreterSource = defaultRuntimes()): RuntimeLaunch | LaunchError {
  if (fn.runtime.startsWith('provided') && RUNNABLE_RUNTIMES.test(fn.runtime)) {
    const bootstrap = join(fn.codeDir, 'bootstrap');
    try {
      accessSync(bootstrap, constants.X_OK);
    } catch {
      return { errorType: 'Runtime.InvalidEntrypoint', error: `Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]` };
    }
    return {
      family: 'provided',
      runtimeDir: NODE_RUNTIME_DIR,
      version: `${fn.runtime}:ephemera`,
      command: (_runtimeDir, taskRoot) => [join(taskRoot, 'bootstrap')],
    };
  }
  if (!RUNNABLE_RUNTIMES.test(fn.runtime)) {
    return { errorType: 'Runtime.InvalidRuntime', error: `Runtime ${fn.runtime} is not supported by this version of ephemera` };
  }
  const resolved = runtimes.resolve(fn.runtime);
  if ('error' in resolved) return resolved;
  const { path, version } = resolved.interpreter;
  // <prefix>/bin/node: the prefix is mounted at /var/lang (its node at /var/lang/bin/node); else the host path.
  const langDir = basename(dirname(path)) === 'bin' ? dirname(dirname(path)) : undefined;
  const interpreter = (lang?: string): string => (lang && langDir ? join(lang, relative(langDir, path)) : path);
  if (fn.runtime.startsWith('nodejs')) {
    // Lambda's bootstrap: --expose-gc and the V8 heap sized by the memory (a tenth for the young
    // generation). Any of those V8 flags makes Node drop its built-in code cache (~10 ms of CPU more per
    // start, measured 2026-12-06), so they come only where Lambda's memory limits are applied (cgroup
    // isolation); the header limit costs nothing and is always Lambda's.
    // Fewer threads (Node's options, not V8 flags: the code cache stays): freezing between invokes
    // stops and continues every thread of the process, ~12 µs of CPU each per invoke (measured
    // 2026-12-06). One V8 helper instead of four (Lambda gives ≤ 1 vCPU up to 1769 MB), and where
    // Node has it, no SIGUSR1 watchdog thread (--debug starts the inspector with --inspect).
    const threads = ['--v8-pool-size=1', ...(knowsDisableSigusr1(version) ? ['--disable-sigusr1'] : [])];
    const young = Math.floor(fn.memorySize / 10);
    const heap = ['--expose-gc', `--max-semi-space-size=${Math.max(1, Math.floor(young / 2))}`, `--max-old-space-size=${fn.memorySize - young}`];
    return {
      family: 'nodejs', runtimeDir: NODE_RUNTIME_DIR, version: `nodejs:${version}`, langDir,
      command: (runtimeDir, _taskRoot, lang, heapLimits) => [
        interpreter(lang), ...(heapLimits ? heap.slice(0, 1) : []), '--max-http-header-size', '81920', ...threads, ...(heapLimits ? heap.slice(1) : []),
        join(runtimeDir, 'index.mjs'),
      ],
    };
  }
  return {
    family: 'python', runtimeDir: PYTHON_RUNTIME_DIR, version: `python:${version}`, langDir,
    // -u: every write reaches the pipe at once (AWS's runtime makes stdout/stderr unbuffered);
    // -B: no __pycache__ written into the function's code (read-only /var/task on AWS).
    command: (runtimeDir, _taskRoot, lang) => [interpreter(lang), '-u', '-B', join(runtimeDir, 'bootstrap.py')],
  };
}

/** Node 22.14+ and 23.7+ take --disable-sigusr1 (older ones refuse to start with it). */
export function knowsDisableSigusr1(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 7) || (major === 22 && minor >= 14);
}
