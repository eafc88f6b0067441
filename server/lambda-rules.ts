// Lambda's rules in one table: the service model's member patterns and limits, the runtimes AWS
// accepts (in the order its error message lists them), those it no longer accepts, and which ones
// ephemera runs. The management API, the template loader and start-up warnings all read this file.
import type { MemberRule } from '../lib/aws-validation.ts';

const REGION = '(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}';

/** The model's patterns (botocore lambda 2015-03-31, 2026-08): they appear verbatim in AWS's messages. */
export const PATTERNS = {
  /** CreateFunction, UpdateFunction*, aliases, concurrency: no dots, `$LATEST` or an alias/version. */
  functionName: `(arn:(aws[a-zA-Z-]*)?:lambda:)?(${REGION}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
  /** GetFunction, DeleteFunction, Invoke, event invoke configs: dotted names and `$LATEST.PUBLISHED`. */
  namespacedFunctionName: `(arn:(aws[a-zA-Z-]*)?:lambda:${REGION}:\\d{12}:|((${REGION}:)?(\\d{12}:)?))(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?`,
  /** Function URL configs: a name of at most 64 characters, an alias but no version. */
  functionUrlFunctionName: `(arn:(aws[a-zA-Z-]*)?:lambda:)?(${REGION}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]{1,64})(:((?!\\d+$)[0-9a-zA-Z-_]+))?`,
  /** Operations on a whole function (UpdateFunctionCode's own check when a qualifier is given). */
  unqualifiedFunctionName: `(arn:(aws[a-zA-Z-]*)?:lambda:)?(${REGION}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)`,
  /** Qualifier of GetFunction, DeleteFunction, Invoke. */
  qualifier: '\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+',
  /** Qualifier of the provisioned concurrency operations. */
  plainQualifier: '(|[a-zA-Z0-9$_-]+)',
  alias: '(?!^[0-9]+$)([a-zA-Z0-9-_]+)',
  urlQualifier: '((?!^\\d+$)^[0-9a-zA-Z-_]+$)',
  role: 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+',
  taggableResource: `arn:(aws[a-zA-Z-]*):lambda:${REGION}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?` +
    '|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}' +
    '|(capacity-provider|network-connector):[a-zA-Z0-9-_]{1,64})',
  destinationArn: `$|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:(${REGION})?:(\\d{12})?:(.*)`,
  /** ResourceArn and KMSKeyArn: any ARN, or empty. */
  resourceArn: '(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()',
  /** The durable execution APIs (2025-12-01). */
  durableExecutionName: '[a-zA-Z0-9-_]+',
  handler: '[^\\s]+',
  environmentVariableName: '[a-zA-Z]([a-zA-Z0-9_])+',
  additionalVersion: '[0-9]+',
} as const;

/** Members as the model constrains them, for the validation vocabulary (lib/aws-validation.ts). */
export const RULES = {
  functionName: { required: true, pattern: PATTERNS.functionName, minLength: 1, maxLength: 140 },
  namespacedFunctionName: { required: true, pattern: PATTERNS.namespacedFunctionName, minLength: 1, maxLength: 256 },
  functionUrlFunctionName: { required: true, pattern: PATTERNS.functionUrlFunctionName, minLength: 1, maxLength: 140 },
  qualifier: { pattern: PATTERNS.qualifier, minLength: 1, maxLength: 128 },
  role: { required: true, pattern: PATTERNS.role },
  aliasName: { required: true, pattern: PATTERNS.alias, minLength: 1, maxLength: 128 },
  urlQualifier: { pattern: PATTERNS.urlQualifier, minLength: 1, maxLength: 128 },
  taggableResource: { required: true, pattern: PATTERNS.taggableResource, minLength: 1, maxLength: 10000 },
  destination: { pattern: PATTERNS.destinationArn, maxLength: 350 },
  resourceArn: { pattern: PATTERNS.resourceArn, minLength: 0, maxLength: 10000 },
  logFormat: { enum: ['JSON', 'Text'] },
  durableExecutionName: { pattern: PATTERNS.durableExecutionName, minLength: 1, maxLength: 64 },
  /** ExecutionStatusList (each member one of the statuses: the caller checks that). */
  executionStatuses: { minLength: 1, maxLength: 10 },
  /** ItemCount, the durable APIs' MaxItems. */
  itemCount: { minValue: 0, maxValue: 1000 },
} as const satisfies Record<string, MemberRule>;

/**
 * Function limits ephemera applies (the service's own; the 2026 model allows MemorySize up to 32768 and
 * Timeout up to 5400 for capacity-provider functions, which ephemera does not have).
 */
export const FUNCTION_LIMITS = {
  memorySize: { min: 128, max: 10240, default: 128 },
  timeout: { min: 1, max: 900, default: 3 },
  ephemeralStorage: { min: 512, max: 10240, default: 512 },
  /** JSON of the variables, in bytes. */
  environmentBytes: 4096,
  layers: 5,
  tags: 50,
  functionNameLength: 64,
} as const;

/** The runtimes AWS accepts, in the order its InvalidParameterValueException lists them (recorded 2026-01). */
export const ACCEPTED_RUNTIMES = [
  'nodejs20.x', 'python3.14', 'provided.al2023', 'python3.12', 'python3.13', 'nodejs24.x', 'nodejs22.x', 'java25', 'python3.10',
  'python3.11', 'java21', 'ruby3.3', 'ruby3.4', 'ruby3.2', 'python3.8', 'python3.9', 'java17', 'nodejs16.x', 'dotnet10', 'dotnet8',
  'java11', 'dotnet6', 'nodejs18.x', 'provided.al2', 'java8.al2',
] as const;

/** Runtimes AWS no longer accepts for creating or updating functions. */
export const DEPRECATED_RUNTIMES: ReadonlySet<string> = new Set([
  'nodejs', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'python2.7', 'python3.6',
  'python3.7', 'java8', 'dotnetcore1.0', 'dotnetcore2.0', 'dotnetcore2.1', 'dotnetcore3.1', 'ruby2.5', 'ruby2.7', 'go1.x', 'provided',
]);

/** The runtimes ephemera runs: Node (its own client), Python (its own client), provided (the function's bootstrap). */
export const RUNNABLE_RUNTIMES = /^(nodejs(18|20|22|24)\.x|python3\.([89]|1[0-4])|provided(\.al2|\.al2023)?)$/;

export type RuntimeStatus = 'runs' | 'accepted' | 'deprecated' | 'unknown';

/** Where a runtime stands: ephemera runs it, AWS accepts it (ephemera cannot run it), AWS retired it, or no such runtime. */
export function runtimeStatus(runtime: string): RuntimeStatus {
  if (DEPRECATED_RUNTIMES.has(runtime)) return 'deprecated';
  if (!(ACCEPTED_RUNTIMES as readonly string[]).includes(runtime)) return RUNNABLE_RUNTIMES.test(runtime) ? 'runs' : 'unknown';
  return RUNNABLE_RUNTIMES.test(runtime) ? 'runs' : 'accepted';
}

/** The one warning for a function whose runtime ephemera cannot run (template start-up and CreateFunction alike). */
export function unrunnableRuntimeWarning(runtime: string): string | undefined {
  if (RUNNABLE_RUNTIMES.test(runtime)) return undefined;
  return `runtime ${runtime} is not supported by ephemera: invoking the function returns Runtime.InvalidRuntime`;
}
