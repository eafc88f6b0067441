// How one environment's runtime is started under the chosen isolation: the argv (parent-death
// guard, entering its cgroup, the namespace sandbox or the child subreaper, an
// AWS_LAMBDA_EXEC_WRAPPER as Lambda's bootstrap runs it), its cwd, the task root and runtime dir it
// sees, its Lambda environment variables, and the settings our runtime clients read on fd 6.
import type { FunctionVersion } from '../model.ts';
import { type InitializationType, buildEnv, logStreamName } from './env-vars.ts';
import { type IsolationLevel, sandboxBoundingSet } from './isolation.ts';
import { LANG_DIR, RUNTIME_DIR, TASK_ROOT, namespaceArgs } from './namespace-sandbox.ts';
import { subreaperPrefix, withSubreaper } from './subreaper.ts';
import type { RuntimeLaunch } from './runtimes.ts';
import type { SpawnPlan } from './worker-process.ts';
import { type ExternalExtension, launcherArgv } from './extension-launch.ts';
import { execWrapperArgv, hostWrapperPath } from './exec-wrapper.ts';

export interface SpawnInput {
  fn: FunctionVersion;
  envId: string;
  isolation: IsolationLevel;
  parentDeathGuard: string[];
  region: string;
  runtimeApi: string;
  launch: RuntimeLaunch;
  initType: InitializationType;
  /** Private TMPDIR (process isolation). */
  tmpDir?: string;
  extraEnv?: Record<string, string>;
  /** External extensions to start before the runtime. */
  extensions?: ExternalExtension[];
  /** A private mount namespace (default: isolation is 'namespace'; cgroup isolation decides itself). */
  namespaced?: boolean;
  /** cgroup isolation: the cgroup.procs files the worker writes its own pid into before anything else. */
  cgroupProcs?: string[];
  /** Namespace isolation: a host folder whose content the new /tmp starts with (a reset environment's /tmp). */
  tmpSeed?: string;
}

// $1 how many cgroup.procs files follow, then the files, then the command. The shell moves itself
// into every hierarchy's cgroup and only then execs: nothing of the function's runs outside it.
const CGROUP_ENTER_SCRIPT = [
  'n=$1; shift',
  'while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n - 1)); done',
  'exec "$@"',
].join('\n');

/** argv prefix that runs the rest of an argv inside a cgroup (the pid stays the same: exec). */
export function cgroupEnterArgs(procsFiles: string[]): string[] {
  return ['/bin/sh', '-c', CGROUP_ENTER_SCRIPT, 'ephemera-cgroup', String(procsFiles.length), ...procsFiles];
}

export function spawnPlan(i: SpawnInput): SpawnPlan {
  const { config, version } = i.fn;
  const { launch } = i;
  const namespaced = i.namespaced ?? i.isolation === 'namespace';
  const taskRoot = namespaced ? TASK_ROOT : config.codeDir;
  const runtimeDir = namespaced ? RUNTIME_DIR : launch.runtimeDir;
  const langDir = namespaced && launch.langDir ? LANG_DIR : launch.langDir;
  const env = buildEnv({
    fn: config, version, region: i.region, runtimeApi: i.runtimeApi, taskRoot, runtimeDir, langDir, tmpDir: i.tmpDir,
    initType: i.initType, logStreamName: logStreamName(version, i.envId), extra: i.extraEnv,
  });
  // Our runtime clients' settings (process isolation: the built dependencies are searched after the code).
  const settings = launch.family === 'provided' ? undefined : {
    ...launch.settings,
    ...(launch.dependencyDir && !namespaced ? { dependencyDirs: [launch.dependencyDir] } : {}),
  };
  // Managed runtimes start through AWS_LAMBDA_EXEC_WRAPPER when the function sets it (provided ones do not).
  // Lambda's Node heap limits where its memory limit is applied (cgroup isolation): see runtimes.ts.
  const command = launch.command(runtimeDir, taskRoot, langDir, i.isolation === 'cgroup');
  const wrapper = env.AWS_LAMBDA_EXEC_WRAPPER && (namespaced ? env.AWS_LAMBDA_EXEC_WRAPPER : hostWrapperPath(env.AWS_LAMBDA_EXEC_WRAPPER, config.codeDir, config.layers));
  const runtime = launch.family === 'provided' ? command : execWrapperArgv(wrapper, command);
  const exts = i.extensions ?? [];
  const started = exts.length === 0 ? runtime : launcherArgv(exts.map((e) => (namespaced ? `/opt/extensions/${e.name}` : e.hostPath)), env, runtime);
  const sandboxed = namespaced
    ? ['unshare', ...namespaceArgs({
      codeDir: config.codeDir, dependencyDir: launch.dependencyDir, runtimeDir: launch.runtimeDir, langDir: launch.langDir,
      tmpMB: config.ephemeralStorage, command: started, layers: config.layers, boundingSet: sandboxBoundingSet(), tmpSeed: i.tmpSeed, stay: true,
    })]
    : withSubreaper(subreaperPrefix(), env, started);
  const keeper = !namespaced && subreaperPrefix().length > 0;
  const argv = [...i.parentDeathGuard, ...(i.cgroupProcs?.length ? cgroupEnterArgs(i.cgroupProcs) : []), ...sandboxed];
  return {
    command: argv[0], args: argv.slice(1), cwd: config.codeDir, env, extensionPipes: exts.length > 0, sandbox: namespaced ? 'namespace' : 'process', keeper,
    ...(settings ? { settings: JSON.stringify(settings) } : {}),
  };
}
