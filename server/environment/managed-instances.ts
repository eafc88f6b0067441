// Lambda Managed Instances as rules: the capacity-provider configuration a function carries (SAM or
// CloudFormation shape), what AWS accepts for it, and how many invocations one environment may run at
// once. Pure functions; the facts and their sources are in docs/reference/managed-instances-facts.md.

import type { FunctionConfig, ManagedInstancesConfig } from '../model.ts';

export type { ManagedInstancesConfig } from '../model.ts';

/** The environment variable value AWS sets for this model (the managed-instances RIE). */
export const MANAGED_INIT_TYPE = 'lambda-managed-instances';

const MIN_MEMORY_MB = 2048;
const RATIOS = [2, 4, 8];

/** Default requests per vCPU (AWS runtime pages): Node.js 64, Python 16, Java and .NET 32. */
function defaultPerVCpu(runtime: string): number {
  if (runtime.startsWith('nodejs')) return 64;
  if (runtime.startsWith('python')) return 16;
  return 32;
}

/** Node.js 22+, Python 3.13+, Java 21+, .NET 8+, provided.al2023 (Lambda Managed Instances runtimes). */
export function supportsManagedInstances(runtime: string): boolean {
  const m = /^(nodejs|python3\.|java|dotnet)(\d+)/.exec(runtime);
  if (!m) return runtime === 'provided.al2023';
  const n = Number(m[2]);
  return m[1] === 'nodejs' ? n >= 22 : m[1] === 'python3.' ? n >= 13 : m[1] === 'java' ? n >= 21 : n >= 8;
}

/** vCPUs of one environment: memory over the memory-per-vCPU ratio, at least one. */
export function environmentVCpus(memoryMB: number, cfg: ManagedInstancesConfig): number {
  return Math.max(1, Math.floor(memoryMB / 1024 / (cfg.memoryGiBPerVCpu ?? 2)));
}

/** Invocations one environment serves at once: the configured maximum, else the runtime's default per vCPU. */
export function maxConcurrency(runtime: string, memoryMB: number, cfg: ManagedInstancesConfig): number {
  return cfg.perEnvironmentMaxConcurrency ?? defaultPerVCpu(runtime) * environmentVCpus(memoryMB, cfg);
}

/** How many invocations an environment of this function runs at once: 1 unless it is on managed instances. */
export function environmentCapacity(fn: Pick<FunctionConfig, 'runtime' | 'memorySize' | 'managedInstances'>): number {
  return fn.managedInstances ? maxConcurrency(fn.runtime, fn.memorySize, fn.managedInstances) : 1;
}

/**
 * What Lambda sets for a managed-instances runtime (the managed-instances RIE): the initialization type, the
 * environment's maximum concurrency (the Node client starts worker threads, the Python one processes), and
 * always the JSON log format, so that every line carries its request id.
 */
export function managedInstancesEnv(fn: Pick<FunctionConfig, 'runtime' | 'memorySize' | 'managedInstances'>): Record<string, string> {
  return { AWS_LAMBDA_INITIALIZATION_TYPE: MANAGED_INIT_TYPE, AWS_LAMBDA_MAX_CONCURRENCY: String(environmentCapacity(fn)), AWS_LAMBDA_LOG_FORMAT: 'JSON' };
}

/**
 * Read CapacityProviderConfig as written: SAM's `{Arn, PerExecutionEnvironmentMaxConcurrency,
 * ExecutionEnvironmentMemoryGiBPerVCpu}` or CloudFormation's / the API's `{LambdaManagedInstancesCapacityProviderConfig:
 * {CapacityProviderArn, ...}}`. Returns the config or the problem in words.
 */
export function readCapacityProviderConfig(value: unknown, sam: boolean): ManagedInstancesConfig | string {
  if (!isRecord(value)) return 'CapacityProviderConfig must be a mapping';
  const inner = sam ? value : value.LambdaManagedInstancesCapacityProviderConfig;
  if (!isRecord(inner)) return 'CapacityProviderConfig must contain LambdaManagedInstancesCapacityProviderConfig';
  const arn = sam ? inner.Arn : inner.CapacityProviderArn;
  const arnKey = sam ? 'Arn' : 'CapacityProviderArn';
  if (typeof arn !== 'string' || arn === '') return `CapacityProviderConfig.${arnKey} is required`;
  const cfg: ManagedInstancesConfig = { capacityProviderArn: arn };
  const max = inner.PerExecutionEnvironmentMaxConcurrency;
  if (max !== undefined) {
    const n = Number(max);
    if (!Number.isInteger(n) || n < 1 || n > 1600) return `PerExecutionEnvironmentMaxConcurrency must be an integer from 1 to 1600; got ${JSON.stringify(max)}`;
    cfg.perEnvironmentMaxConcurrency = n;
  }
  const ratio = inner.ExecutionEnvironmentMemoryGiBPerVCpu;
  if (ratio !== undefined) {
    const r = Number(ratio);
    if (!RATIOS.includes(r)) return `ExecutionEnvironmentMemoryGiBPerVCpu must be 2, 4 or 8; got ${JSON.stringify(ratio)}`;
    cfg.memoryGiBPerVCpu = r;
  }
  return cfg;
}

/** What AWS refuses for a managed-instances function (InvalidParameterValueException), or undefined. */
export function managedInstancesProblem(fn: { runtime: string; memorySize: number; provisionedConcurrency?: number }, cfg: ManagedInstancesConfig): string | undefined {
  if (!supportsManagedInstances(fn.runtime)) {
    return `Runtime ${fn.runtime} is not supported for Lambda Managed Instances. Supported: nodejs22.x and later, python3.13 and later, java21 and later, dotnet8 and later, provided.al2023.`;
  }
  if (fn.memorySize < MIN_MEMORY_MB) {
    return `MemorySize ${fn.memorySize} MB is below the ${MIN_MEMORY_MB} MB that Lambda Managed Instances functions need.`;
  }
  const ratio = cfg.memoryGiBPerVCpu ?? 2;
  if (fn.memorySize < ratio * 1024) {
    return `MemorySize ${fn.memorySize} MB is less than ExecutionEnvironmentMemoryGiBPerVCpu (${ratio} GiB): an environment needs at least one vCPU.`;
  }
  if (fn.provisionedConcurrency !== undefined && fn.provisionedConcurrency > 0) {
    return 'Provisioned concurrency is not supported for Lambda Managed Instances functions: environments are started by the capacity provider.';
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
