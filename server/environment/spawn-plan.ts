// How one environment's runtime is started under the chosen isolation: the argv (parent-death
// guard, the mount-namespace sandbox or not), its cwd, the task root and runtime dir it sees, and
// its Lambda environment variables.
import type { FunctionVersion } from '../model.ts';
import { type InitializationType, buildEnv, logStreamName } from './env-vars.ts';
import { type IsolationLevel, RUNTIME_DIR, TASK_ROOT, namespaceArgs } from './isolation.ts';
import type { RuntimeLaunch } from './runtimes.ts';
import type { SpawnPlan } from './worker-process.ts';
import { type ExternalExtension, launcherArgv } from './extension-launch.ts';

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
}

export function spawnPlan(i: SpawnInput): SpawnPlan {
  const { config, version } = i.fn;
  const namespaced = i.isolation === 'namespace';
  const taskRoot = namespaced ? TASK_ROOT : config.codeDir;
  const runtimeDir = namespaced ? RUNTIME_DIR : i.launch.runtimeDir;
  const env = buildEnv({
    fn: config, version, region: i.region, runtimeApi: i.runtimeApi, taskRoot, runtimeDir, tmpDir: i.tmpDir,
    initType: i.initType, logStreamName: logStreamName(version, i.envId), extra: i.extraEnv,
  });
  const exts = i.extensions ?? [];
  const runtime = exts.length === 0 ? i.launch.command(runtimeDir, taskRoot) : launcherArgv(
    exts.map((e) => (namespaced ? `/opt/extensions/${e.name}` : e.hostPath)), env, i.launch.command(runtimeDir, taskRoot),
  );
  const argv = [
    ...i.parentDeathGuard,
    ...(namespaced ? ['unshare', ...namespaceArgs(config.codeDir, i.launch.runtimeDir, config.ephemeralStorage, runtime, config.layers)] : runtime),
  ];
  return { command: argv[0], args: argv.slice(1), cwd: config.codeDir, env, extensionPipes: exts.length > 0 };
}
