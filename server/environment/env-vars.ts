// The environment a function's processes get: Lambda's reserved variables and defaults plus the
// function's own; never the emulator's own environment (credentials above all) nor its internal
// settings (those reach our runtime clients on an fd: see runtime-settings). In a namespace sandbox
// the paths are Lambda's own (/var/lang, /var/runtime, /var/task, layers merged at /opt); in process
// isolation each is the host folder mounted there instead (the interpreter's install for /var/lang),
// and each layer's own folders go on NODE_PATH, PYTHONPATH, PATH and LD_LIBRARY_PATH, later layers first.
import type { FunctionConfig } from '../model.ts';
import { LANG_DIR, RUNTIME_DIR, TASK_ROOT } from './namespace-sandbox.ts';
import { managedInstancesEnv } from './managed-instances.ts';

/** Variables Lambda reserves: a function may not set them (the template loader warns). */
export const RESERVED_VARS = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR', 'AWS_LAMBDA_MAX_CONCURRENCY',
]);

export type InitializationType = 'on-demand' | 'provisioned-concurrency' | 'lambda-managed-instances' | 'snap-start';

export interface EnvVarInput {
  fn: FunctionConfig;
  version: string;
  region: string;
  runtimeApi: string;
  taskRoot: string;
  runtimeDir: string;
  /** The interpreter's install dir as the process sees it (/var/lang in a sandbox); none for provided runtimes. */
  langDir?: string;
  /** Private TMPDIR in process isolation; undefined when /tmp itself is private. */
  tmpDir?: string;
  initType: InitializationType;
  logStreamName: string;
  /** Variables the user passed on explicitly (--inherit-env, --env-vars): they win over defaults. */
  extra?: Record<string, string>;
}

/** `2026/11/24/[$LATEST]<32 hex>`: the log stream name Lambda gives an environment. */
export function logStreamName(version: string, envId: string, now = new Date()): string {
  const d = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${d}/[${version}]${envId}`;
}

export function executionEnv(runtime: string): string | undefined {
  return runtime.startsWith('provided') ? undefined : `AWS_Lambda_${runtime}`;
}

export function buildEnv(i: EnvVarInput): Record<string, string> {
  const { fn } = i;
  const nodeMajor = /^nodejs(\d+)/.exec(fn.runtime)?.[1];
  const python = /^python(\d+\.\d+)/.exec(fn.runtime)?.[1];
  // Namespace isolation (the sandbox's own paths): the layers are merged at /opt.
  const sandboxed = i.taskRoot === TASK_ROOT && i.runtimeDir === RUNTIME_DIR;
  const layers = sandboxed ? [] : [...(fn.layers ?? [])].reverse();
  const lang = sandboxed ? LANG_DIR : i.langDir;
  const paths = (...parts: (string | string[] | undefined)[]): string => parts.flat().filter((p) => p !== undefined).join(':');
  const env: Record<string, string> = {
    // Defaults a function may override, as Lambda has them (`/usr/bin/` with its slash).
    PATH: paths(lang && `${lang}/bin`, '/usr/local/bin', '/usr/bin/', '/bin', layers.map((l) => `${l}/bin`), '/opt/bin'),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LD_LIBRARY_PATH: paths(
      lang && `${lang}/lib`, '/lib64', '/usr/lib64', i.runtimeDir, `${i.runtimeDir}/lib`, i.taskRoot, `${i.taskRoot}/lib`,
      layers.map((l) => `${l}/lib`), '/opt/lib',
    ),
    ...(nodeMajor ? {
      NODE_PATH: paths(
        layers.flatMap((l) => [`${l}/nodejs/node${nodeMajor}/node_modules`, `${l}/nodejs/node_modules`]),
        `/opt/nodejs/node${nodeMajor}/node_modules`, '/opt/nodejs/node_modules', `${i.runtimeDir}/node_modules`, i.runtimeDir, i.taskRoot,
      ),
    } : {}),
    ...(python ? {
      PYTHONPATH: paths(layers.flatMap((l) => [`${l}/python`, `${l}/python/lib/python${python}/site-packages`]), i.runtimeDir),
    } : {}),
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: '169.254.100.1:2000',
    _AWS_XRAY_DAEMON_ADDRESS: '169.254.100.1',
    _AWS_XRAY_DAEMON_PORT: '2000',
    PWD: i.taskRoot,
    SHLVL: '0',
    ...(i.tmpDir ? { TMPDIR: i.tmpDir } : {}),
    ...i.extra,
  };
  for (const [k, v] of Object.entries(fn.environment)) if (!RESERVED_VARS.has(k)) env[k] = v;
  // Reserved: always the platform's values.
  Object.assign(env, {
    _HANDLER: fn.handler,
    AWS_REGION: i.region,
    AWS_DEFAULT_REGION: i.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: i.version,
    AWS_LAMBDA_INITIALIZATION_TYPE: i.initType,
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: i.logStreamName,
    AWS_LAMBDA_RUNTIME_API: i.runtimeApi,
    LAMBDA_TASK_ROOT: i.taskRoot,
    LAMBDA_RUNTIME_DIR: i.runtimeDir,
    // Placeholder role credentials: the shape Lambda provides, never the host's own.
    AWS_ACCESS_KEY_ID: 'AKIAEPHEMERALOCAL000',
    AWS_SECRET_ACCESS_KEY: 'ephemera-local-secret-access-key',
    AWS_SESSION_TOKEN: 'ephemera-local-session-token',
  });
  // SnapStart: one snapshot serves every environment, which have no log group or stream of their own.
  if (i.initType === 'snap-start') {
    delete env.AWS_LAMBDA_LOG_GROUP_NAME;
    delete env.AWS_LAMBDA_LOG_STREAM_NAME;
  }
  const exec = executionEnv(fn.runtime);
  if (exec) env.AWS_EXECUTION_ENV = exec;
  if (fn.logFormat === 'JSON') env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
  if (fn.managedInstances) Object.assign(env, managedInstancesEnv(fn));
  return env;
}
