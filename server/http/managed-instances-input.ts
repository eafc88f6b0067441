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
    checkShape(raw);
    const read = readCapacityProviderConfig(raw, false);
    if (typeof read === 'string') throw new InvalidParameterValueException(read);
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

const PREFIX = 'capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig';
const invalid = (field: string, value: unknown, constraint: string): ValidationException =>
  new ValidationException(`1 validation error detected: Value '${String(value)}' at '${PREFIX}.${field}' failed to satisfy constraint: ${constraint}`);

/** The service model's constraints (botocore's lambda model), answered as the API's validation layer answers them. */
function checkShape(raw: unknown): void {
  const inner = typeof raw === 'object' && raw !== null ? (raw as Body).LambdaManagedInstancesCapacityProviderConfig : undefined;
  if (typeof inner !== 'object' || inner === null) {
    throw new ValidationException("1 validation error detected: Value null at 'capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig' failed to satisfy constraint: Member must not be null");
  }
  const { CapacityProviderArn: arn, PerExecutionEnvironmentMaxConcurrency: max, ExecutionEnvironmentMemoryGiBPerVCpu: ratio } = inner as Body;
  if (arn === undefined || arn === null) {
    throw new ValidationException(`1 validation error detected: Value null at '${PREFIX}.capacityProviderArn' failed to satisfy constraint: Member must not be null`);
  }
  if (typeof arn === 'string' && arn.length > 140) throw invalid('capacityProviderArn', arn, 'Member must have length less than or equal to 140');
  if (typeof max === 'number' && max < 1) throw invalid('perExecutionEnvironmentMaxConcurrency', max, 'Member must have value greater than or equal to 1');
  if (typeof max === 'number' && max > 1600) throw invalid('perExecutionEnvironmentMaxConcurrency', max, 'Member must have value less than or equal to 1600');
  if (typeof ratio === 'number' && ratio < 2) throw invalid('executionEnvironmentMemoryGiBPerVCpu', ratio, 'Member must have value greater than or equal to 2.0');
  if (typeof ratio === 'number' && ratio > 8) throw invalid('executionEnvironmentMemoryGiBPerVCpu', ratio, 'Member must have value less than or equal to 8.0');
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
