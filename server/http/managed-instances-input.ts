// CapacityProviderConfig in the Lambda API (CreateFunction, UpdateFunctionConfiguration): Lambda Managed
// Instances configuration read and checked as AWS checks it; the rules are in environment/managed-instances.ts.
import { InvalidParameterValueException, invalidInput } from '../errors.ts';
import { NOT_NULL, check, valueAtLeast, valueAtMost, violation } from '../../lib/aws-validation.ts';
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
  const problem = managedInstancesProblem(config, cfg);
  if (problem) throw new InvalidParameterValueException(problem);
  return cfg;
}

const PREFIX = 'capacityProviderConfig.lambdaManagedInstancesCapacityProviderConfig';
/** The service model's pattern for CapacityProviderArn. */
const ARN_PATTERN = 'arn:aws[a-zA-Z-]*:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:capacity-provider:[a-zA-Z0-9-_]+';

/** The service model's constraints (the Lambda API reference), in the validation layer's words. */
function checkShape(raw: unknown): void {
  const inner = typeof raw === 'object' && raw !== null ? (raw as Body).LambdaManagedInstancesCapacityProviderConfig : undefined;
  if (typeof inner !== 'object' || inner === null) throw invalidInput([violation(null, PREFIX, NOT_NULL)]);
  const { CapacityProviderArn: arn, PerExecutionEnvironmentMaxConcurrency: max, ExecutionEnvironmentMemoryGiBPerVCpu: ratio } = inner as Body;
  const ratioPath = `${PREFIX}.executionEnvironmentMemoryGiBPerVCpu`;
  const violations = [
    ...check(arn, { required: true, minLength: 1, maxLength: 140, pattern: ARN_PATTERN }, `${PREFIX}.capacityProviderArn`),
    ...(typeof ratio === 'number' && ratio < 2 ? [violation(ratio, ratioPath, valueAtLeast('2.0'), { double: true })] : []),
    ...(typeof ratio === 'number' && ratio > 8 ? [violation(ratio, ratioPath, valueAtMost('8.0'), { double: true })] : []),
    ...check(max, { minValue: 1, maxValue: 1600 }, `${PREFIX}.perExecutionEnvironmentMaxConcurrency`),
  ];
  if (violations.length > 0) throw invalidInput(violations);
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
