// CapacityProviderConfig in the Lambda API (CreateFunction, UpdateFunctionConfiguration): Lambda Managed
// Instances configuration read and checked as AWS checks it; the rules are in environment/managed-instances.ts.
import { InvalidParameterValueException, ValidationException } from '../errors.ts';
import { managedInstancesProblem, readCapacityProviderConfig } from '../environment/managed-instances.ts';
import type { FunctionConfig, ManagedInstancesConfig } from '../model.ts';

type Body = Record<string, unknown>;

/**
 * The function's managed-instances configuration after a create (`before` undefined) or an update. The
 * compute type is chosen at creation: an update can change the settings, not add or remove the provider.
 */
export function capacityProviderInput(body: Body, config: FunctionConfig, before?: FunctionConfig): ManagedInstancesConfig | undefined {
  const raw = body.CapacityProviderConfig;
  let cfg = before ? before.managedInstances : undefined;
  if (raw !== undefined && raw !== null) {
    const read = readCapacityProviderConfig(raw, false);
    if (typeof read === 'string') throw new ValidationException(`1 validation error detected: ${read}`);
    if (before && !before.managedInstances) {
      throw new InvalidParameterValueException('CapacityProviderConfig can only be set when the function is created.');
    }
    cfg = read;
  }
  if (!cfg) return undefined;
  const problem = managedInstancesProblem(config, cfg, true);
  if (problem) {
    if (problem.startsWith('1 validation error')) throw new ValidationException(problem);
    throw new InvalidParameterValueException(problem);
  }
  return cfg;
}

/** PutProvisionedConcurrencyConfig on a managed-instances function: refused (its environments come from the capacity provider). */
export function checkProvisionable(config: FunctionConfig): void {
  if (config.managedInstances) {
    throw new InvalidParameterValueException('Provisioned concurrency is not supported for Lambda Managed Instances functions: environments are started by the capacity provider.');
  }
}

/** CapacityProviderConfig as GetFunctionConfiguration answers it. */
export function capacityProviderOutput(cfg: ManagedInstancesConfig): Record<string, unknown> {
  return {
    LambdaManagedInstancesCapacityProviderConfig: {
      CapacityProviderArn: cfg.capacityProviderArn,
      ...(cfg.perEnvironmentMaxConcurrency !== undefined ? { PerExecutionEnvironmentMaxConcurrency: cfg.perEnvironmentMaxConcurrency } : {}),
      ...(cfg.memoryGiBPerVCpu !== undefined ? { ExecutionEnvironmentMemoryGiBPerVCpu: cfg.memoryGiBPerVCpu } : {}),
    },
  };
}
