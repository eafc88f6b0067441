// Blank sandboxes (server/pool/sandbox-pool.ts): runtimes started before their function is known,
// then assigned one at its cold start. Pure decisions: which cold starts may take a blank (what acts
// only at a process's start falls back to a normal spawn), the key blanks are kept under, the
// blank's own spawn plan, and what the runtime is told at assignment.
import type { InitializationType } from './env-vars.ts';
import type { IsolationLevel } from './isolation.ts';
import { LANG_DIR, RUNTIME_DIR, TASK_ROOT } from './namespace-sandbox.ts';
import { type FunctionMountSpec, blankMountLines, blankNamespaceArgs } from './namespace-blank.ts';
import type { RuntimeLaunch } from './runtimes.ts';
import { withSubreaper } from './subreaper.ts';
import type { SpawnPlan } from './worker-process.ts';

/** How a blank is started: everything that does not depend on the function. */
export interface BlankSpec {
  /** Blanks are interchangeable when their keys are equal. */
  key: string;
  isolation: 'process' | 'namespace';
  /** The runtime's argv, as it sees its paths. */
  command: string[];
  /** Host folders: the runtime client, the interpreter's install. */
  runtimeDir: string;
  langDir?: string;
  /** The environment the runtime starts with (the function's replaces it at assignment). */
  env: Record<string, string>;
}

/** What decides whether a cold start can take a blank. */
export interface BlankRequest {
  isolation: IsolationLevel;
  launch: RuntimeLaunch;
  /** The environment a normal spawn would give the runtime (spawn-plan.ts). */
  env: Record<string, string>;
  initType: InitializationType;
  externalExtensions: number;
  managedInstances: boolean;
  debugged: boolean;
  /** Namespace isolation: the environment starts with a reset environment's /tmp. */
  tmpSeed: boolean;
  /** Host paths the namespace helper reads one per line. */
  mountPaths: readonly string[];
  /** Host folders on the function's LD_LIBRARY_PATH (code, code/lib, layers' lib): see below. */
  libraryDirs: readonly string[];
  /** The function (or --env-vars) sets LD_LIBRARY_PATH itself. */
  ownLibraryPath: boolean;
  /** Does a folder hold shared objects? (I/O: the caller's.) */
  hasSharedObjects: (dir: string) => boolean;
}

/**
 * Variables a process reads only as it starts (Node's options, libuv's thread pool, the dynamic
 * loader, malloc, the locale, process isolation's perl, Python's PYTHON* but PYTHONPATH): set by a
 * function (or --env-vars), they make its cold start a normal spawn. NODE_PATH and PYTHONPATH are
 * applied at assignment, and TZ (Node re-reads it; Python's time.tzset); NODE_OPTIONS of
 * `--enable-source-maps` alone is applied at assignment.
 */
const START_ONLY = /^(NODE_(?!PATH$)|PYTHON(?!PATH$)|UV_|LD_(?!LIBRARY_PATH$)|MALLOC_|GLIBC_TUNABLES$|LC_|PERL5OPT$|PERL_BADLANG$|OPENSSL_|AWS_LAMBDA_EXEC_WRAPPER$)/;
const SOURCE_MAPS_ONLY = /^\s*(--enable-source-maps\s*)+$/;
/** What the blank starts with: Lambda's defaults that a function's runtime reads at start. */
const BLANK_BASE_ENV = { PATH: '/usr/local/bin:/usr/bin/:/bin', LANG: 'en_US.UTF-8', TZ: ':UTC' };

/** A blank's spec for this cold start, or why it must be a normal spawn. */
export function blankFit(r: BlankRequest): { spec: BlankSpec } | { fallback: string } {
  const fallback = (why: string): { fallback: string } => ({ fallback: why });
  if (r.isolation !== 'process' && r.isolation !== 'namespace') {
    return fallback(`${r.isolation} isolation (the memory limit and Node's heap flags are set at start)`);
  }
  if (r.launch.family === 'provided') return fallback('custom runtime (its own bootstrap)');
  if (r.managedInstances) return fallback('lambda-managed-instances initialization');
  if (r.initType !== 'on-demand') return fallback(`${r.initType} initialization`);
  if (r.externalExtensions > 0) return fallback('external extensions (started before the runtime)');
  if (r.debugged) return fallback('debugger attached (--debug)');
  if (r.tmpSeed) return fallback("the /tmp of an environment that was reset");
  const late = Object.keys(r.env).find((k) => START_ONLY.test(k) && !(k === 'NODE_OPTIONS' && SOURCE_MAPS_ONLY.test(r.env[k])));
  if (late) return fallback(`${late} (read at process start)`);
  if (r.env.LANG !== BLANK_BASE_ENV.LANG) return fallback('LANG (read at process start)');
  if (r.mountPaths.some((p) => p.includes('\n'))) return fallback('a line break in a path');
  // The dynamic loader reads LD_LIBRARY_PATH once: the blank's has none of the function's folders, so a
  // function with shared objects there (a native addon's libraries) is started normally.
  if (r.ownLibraryPath) return fallback('LD_LIBRARY_PATH (read by the loader at process start)');
  const shared = r.libraryDirs.find((d) => r.hasSharedObjects(d));
  if (shared) return fallback(`shared objects in ${shared} (the loader reads LD_LIBRARY_PATH at start)`);
  const ns = r.isolation === 'namespace';
  const runtimeDir = ns ? RUNTIME_DIR : r.launch.runtimeDir;
  const langDir = ns && r.launch.langDir ? LANG_DIR : r.launch.langDir;
  const command = r.launch.command(runtimeDir, ns ? TASK_ROOT : '/', langDir, false);
  const libraryPath = [langDir && `${langDir}/lib`, '/lib64', '/usr/lib64', runtimeDir, `${runtimeDir}/lib`];
  const env = { ...BLANK_BASE_ENV, LD_LIBRARY_PATH: libraryPath.filter(Boolean).join(':') };
  const key = JSON.stringify([r.isolation, command, r.launch.runtimeDir, r.launch.langDir ?? '']);
  return { spec: { key, isolation: r.isolation, command, runtimeDir: r.launch.runtimeDir, ...(r.launch.langDir ? { langDir: r.launch.langDir } : {}), env } };
}

/** The blank's spawn plan: the runtime waits on fd 6 (SpawnPlan.deferredSettings) for its assignment. */
export function blankSpawnPlan(spec: BlankSpec, parentDeathGuard: string[], subreaper: string[], boundingSet: string): SpawnPlan {
  const started = spec.isolation === 'namespace'
    ? ['unshare', ...blankNamespaceArgs({ runtimeDir: spec.runtimeDir, langDir: spec.langDir, boundingSet, command: spec.command })]
    : withSubreaper(subreaper, spec.env, spec.command);
  const argv = [...parentDeathGuard, ...started];
  const keeper = spec.isolation === 'process' && subreaper.length > 0;
  return { command: argv[0], args: argv.slice(1), cwd: '/', env: spec.env, sandbox: spec.isolation, keeper, deferredSettings: true };
}

export interface AssignmentInput {
  isolation: 'process' | 'namespace';
  /** The normal spawn plan of this environment: its env, cwd and settings. */
  plan: Pick<SpawnPlan, 'env' | 'cwd' | 'settings'>;
  /** Namespace isolation: the function's mounts. */
  mounts?: FunctionMountSpec;
}

/** What the blank is sent on fd 6 to become this function's runtime (runtime-settings.mjs, assign.mjs). */
export function assignmentPayload(a: AssignmentInput): string {
  const ns = a.isolation === 'namespace';
  const settings = a.plan.settings ? JSON.parse(a.plan.settings) as object : {};
  const sourceMaps = a.plan.env.NODE_OPTIONS !== undefined;
  const assignment = { env: a.plan.env, cwd: ns ? TASK_ROOT : a.plan.cwd, ...(sourceMaps ? { sourceMaps } : {}) };
  const json = JSON.stringify({ ...settings, assignment });
  return ns && a.mounts ? blankMountLines(a.mounts) + json : json;
}
