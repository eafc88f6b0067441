// How each runtime family is started: where its runtime client lives and the command line. Our own
// Node client for nodejs*, the function's `bootstrap` for provided*.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionConfig } from '../model.ts';
import { RUNNABLE_RUNTIMES } from '../lambda-rules.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const NODE_RUNTIME_DIR = join(REPO, 'runtime-api/bootstrap/nodejs');
export const PYTHON_RUNTIME_DIR = join(REPO, 'runtime-api/bootstrap/python');

export interface RuntimeLaunch {
  /** Host directory with the runtime's own files (mounted at /var/runtime in namespace mode). */
  runtimeDir: string;
  /** `nodejs:24.11.1`: shown in INIT_START. */
  version: string;
  /** argv, given the runtime dir and task root as the process will see them. */
  command: (runtimeDir: string, taskRoot: string) => string[];
}

export type LaunchError = { error: string; errorType: string };

export function runtimeLaunch(fn: FunctionConfig): RuntimeLaunch | LaunchError {
  // The one table decides (server/lambda-rules.ts): what it cannot run fails as its warning says.
  if (!RUNNABLE_RUNTIMES.test(fn.runtime)) return invalidRuntime(fn.runtime);
  if (fn.runtime.startsWith('nodejs')) {
    return {
      runtimeDir: NODE_RUNTIME_DIR,
      version: `nodejs:${process.versions.node}`,
      command: (runtimeDir) => [process.execPath, join(runtimeDir, 'index.mjs')],
    };
  }
  if (fn.runtime.startsWith('python')) {
    const python = hostPython();
    if ('error' in python) return python;
    return {
      runtimeDir: PYTHON_RUNTIME_DIR,
      version: `python:${python.version}`,
      // -u: every write reaches the pipe at once (AWS's runtime makes stdout/stderr unbuffered);
      // -B: no __pycache__ written into the function's code (read-only /var/task on AWS).
      command: (runtimeDir) => [python.path, '-u', '-B', join(runtimeDir, 'bootstrap.py')],
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
  return invalidRuntime(fn.runtime);
}

const invalidRuntime = (runtime: string): LaunchError => ({ errorType: 'Runtime.InvalidRuntime', error: `Runtime ${runtime} is not supported by this version of ephemera` });

/**
 * What a python3.x function gets told at start-up: why it cannot run (no interpreter), or that it runs
 * on another minor version than its runtime names (the container image has Debian's Python 3.11).
 */
export function pythonRuntimeProblem(runtime: string): string | undefined {
  const python = hostPython();
  if ('error' in python) return `${python.error}: invoking it returns ${python.errorType}`;
  return pythonVersionMismatch(runtime, python);
}

/** `python3.12` on Python 3.11.2: a warning naming both, or undefined when the minor versions match. */
export function pythonVersionMismatch(runtime: string, python: HostPython): string | undefined {
  const wanted = /^python(3\.\d+)$/.exec(runtime)?.[1];
  const running = /^3\.\d+/.exec(python.version)?.[0];
  if (!wanted || wanted === running) return undefined;
  return `${runtime} runs on Python ${python.version} (${python.path}), not Python ${wanted}: ` +
    `code that needs ${wanted}'s language or standard library fails here; set EPHEMERA_PYTHON to a Python ${wanted} interpreter`;
}

export type HostPython = { path: string; version: string };
let python: HostPython | LaunchError | undefined;

/**
 * The Python that runs python3.x functions, found once: $EPHEMERA_PYTHON when set, else
 * /usr/bin/python3, else the first python3 on the emulator's PATH that is not a pyenv-style shim
 * (a shim picks its Python from the cwd and HOME, which a function does not have). Made absolute
 * but not symlink-resolved (a venv's bin/python3 must stay itself); its version (`3.11.2`) is read
 * by running it once.
 */
export function hostPython(): HostPython | LaunchError {
  python ??= findPython();
  return python;
}

function findPython(): HostPython | LaunchError {
  const override = process.env.EPHEMERA_PYTHON;
  const candidates = override
    ? [override]
    : ['/usr/bin/python3', ...(process.env.PATH ?? '').split(delimiter).filter((d) => isAbsolute(d) && !/(^|\/)shims$/.test(d)).map((d) => join(d, 'python3'))];
  for (const candidate of candidates) {
    let path: string;
    try {
      accessSync(candidate, constants.X_OK);
      path = resolve(candidate);
    } catch {
      continue;
    }
    try {
      const version = execFileSync(path, ['-S', '-E', '-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], {
        encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      if (/^3\.\d+\.\d+$/.test(version)) return { path, version };
    } catch {
      // not a working Python 3: try the next one
    }
  }
  return {
    errorType: 'Runtime.InvalidRuntime',
    error: override
      ? `EPHEMERA_PYTHON=${override} is not a working Python 3 interpreter`
      : 'No Python 3 interpreter found for python3.x functions: install python3 (/usr/bin/python3 or on PATH), or set EPHEMERA_PYTHON',
  };
}
