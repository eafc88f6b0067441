// What ephemera does with each property of a function resource: uses it now ('used'), keeps it for a
// feature that is coming ('later': stored and warned about), or ignores it locally ('ignored').

export type PropertyUse = 'used' | 'later' | 'ignored';

const COMMON: Record<string, PropertyUse> = {
  FunctionName: 'used', Handler: 'used', Runtime: 'used', MemorySize: 'used', Timeout: 'used',
  Environment: 'used', EphemeralStorage: 'used', Description: 'used', Architectures: 'used',
  LoggingConfig: 'used', ReservedConcurrentExecutions: 'used', PackageType: 'used', Layers: 'used',
  Role: 'ignored', Tags: 'ignored', VpcConfig: 'ignored', KmsKeyArn: 'ignored', ImageConfig: 'ignored',
  CodeSigningConfigArn: 'ignored', FileSystemConfigs: 'ignored', SnapStart: 'used',
  RuntimeManagementConfig: 'ignored', RecursiveLoop: 'ignored', CapacityProviderConfig: 'used',
  FunctionScalingConfig: 'ignored', TenancyConfig: 'ignored', DurableConfig: 'used',
};

const SERVERLESS: Record<string, PropertyUse> = {
  ...COMMON,
  CodeUri: 'used', InlineCode: 'used', ImageUri: 'used',
  Events: 'later', AutoPublishAlias: 'used', ProvisionedConcurrencyConfig: 'used',
  EventInvokeConfig: 'used', DeadLetterQueue: 'used', FunctionUrlConfig: 'used',
  Policies: 'ignored', Tracing: 'ignored', PermissionsBoundary: 'ignored', DeploymentPreference: 'ignored',
  AssumeRolePolicyDocument: 'ignored', RolePath: 'ignored',
  AutoPublishCodeSha256: 'ignored', AutoPublishAliasAllProperties: 'ignored', VersionDescription: 'ignored',
  VersionDeletionPolicy: 'ignored', SourceKMSKeyArn: 'ignored', PropagateTags: 'ignored',
};

const LAMBDA: Record<string, PropertyUse> = {
  ...COMMON,
  Code: 'used',
  DeadLetterConfig: 'used',
  TracingConfig: 'ignored',
};

/** How ephemera treats property `prop` of a function of `type`; undefined for an unknown property. */
export function functionPropertyUse(type: string, prop: string): PropertyUse | undefined {
  const table = type === 'AWS::Serverless::Function' ? SERVERLESS : LAMBDA;
  return Object.hasOwn(table, prop) ? table[prop] : undefined;
}

/** Event source types of AWS::Serverless::Function Events that become event source mappings. */
export const ESM_EVENT_TYPES: ReadonlySet<string> = new Set(['SQS', 'Kinesis', 'DynamoDB']);

/** Event source types of AWS::Serverless::Function Events that become EventBridge rules or Scheduler schedules (template/event-rules.ts). */
export const RULE_EVENT_TYPES: ReadonlySet<string> = new Set(['Schedule', 'ScheduleV2', 'EventBridgeRule', 'CloudWatchEvent']);
/** Event source types of AWS::Serverless::Function Events that subscribe the function to a topic (template/sns-resources.ts). */
export const SNS_EVENT_TYPES: ReadonlySet<string> = new Set(['SNS']);

/** Event source types of AWS::Serverless::Function Events that the HTTP front door serves (template/apis.ts). */
export const API_EVENT_TYPES: ReadonlySet<string> = new Set(['Api', 'HttpApi']);

/** Keys of LoggingConfig that ephemera uses. */
export const USED_LOGGING_KEYS: ReadonlySet<string> = new Set(['LogFormat']);

/**
 * Variables Lambda reserves for itself (AWS rejects a function that sets them). TZ is left out:
 * AWS lists it but accepts it.
 */
export const RESERVED_ENV_VARS: ReadonlySet<string> = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_LAMBDA_RUNTIME_API', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

