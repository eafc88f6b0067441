// The emulator's domain types: function configuration as loaded from a template, and the
// results the invoke path hands back to HTTP. Plain data only; no behaviour lives here.
import type { StreamEnd } from '../runtime-api/streaming-response.ts';

export interface FunctionConfig {
  /** FunctionName from the template, else the logical id. */
  name: string;
  /** Logical id in the template (for messages). */
  logicalId: string;
  /** Absolute path of the function's code directory (CodeUri resolved against the template's folder). */
  codeDir: string;
  /** e.g. `index.handler`, `src/app.handler`. Optional for provided.* runtimes. */
  handler: string;
  /** e.g. `nodejs24.x`, `python3.12`, `provided.al2023`. */
  runtime: string;
  /** MB, 128–10240, default 128. */
  memorySize: number;
  /** seconds, 1–900, default 3. */
  timeout: number;
  /** The function's own environment variables (Environment.Variables). */
  environment: Record<string, string>;
  /** The API was given an Environment (even an empty one): AWS then echoes it back. */
  environmentSet?: boolean;
  /** MB of /tmp, 512–10240, default 512. */
  ephemeralStorage: number;
  description: string;
  /** `x86_64` | `arm64` (informational). */
  architecture: string;
  /** LoggingConfig.LogFormat: `Text` | `JSON`. */
  logFormat: 'Text' | 'JSON';
  /** ReservedConcurrentExecutions, undefined when unset. */
  reservedConcurrency?: number;
  /**
   * ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions: environments initialised at start-up
   * (applied to the version that runs; published versions and aliases come with the versions issue).
   */
  provisionedConcurrency?: number;
  /** EventInvokeConfig: retries (0-2, default 2) and maximum event age (60-21600 s, default 21600). */
  eventInvokeConfig?: {
    maximumRetryAttempts?: number;
    maximumEventAgeInSeconds?: number;
    /** DestinationConfig.OnSuccess.Destination / OnFailure.Destination: an SQS queue, function, SNS or EventBridge ARN. */
    onSuccess?: string;
    onFailure?: string;
    /** Epoch seconds of the last Put/Update (management API). */
    lastModified?: number;
  };
  /** DeadLetterConfig.TargetArn (SAM: DeadLetterQueue.TargetArn): asynchronous events that fail end here. */
  deadLetterTargetArn?: string;
  /** Absolute directories of the function's layers, in the template's order (later ones win at /opt). */
  layers?: string[];
  /** SAM `Metadata: BuildMethod: esbuild` with its BuildProperties: the code is bundled at cold start. */
  build?: FunctionBuild;
  /** SnapStart.ApplyOn = PublishedVersions: published versions restore from a snapshot (template/snap-start.ts). */
  snapStart?: 'PublishedVersions' | 'None';
  /** DurableConfig: the function is durable (server/durable/); timeout in seconds, retention in days (default 14). */
  durableConfig?: { ExecutionTimeout: number; RetentionPeriodInDays: number };
  /** CapacityProviderConfig: Lambda Managed Instances, environments serving several invocations at once. */
  managedInstances?: ManagedInstancesConfig;
}

/** A function attached to a capacity provider (server/environment/managed-instances.ts has the rules). */
export interface ManagedInstancesConfig {
  capacityProviderArn: string;
  /** PerExecutionEnvironmentMaxConcurrency (1-1600), when set. */
  perEnvironmentMaxConcurrency?: number;
  /** ExecutionEnvironmentMemoryGiBPerVCpu: 2, 4 or 8 (default 2). */
  memoryGiBPerVCpu?: number;
}

/** A function's resource-level build Metadata (SAM): only esbuild is applied locally. */
export interface FunctionBuild {
  method: string;
  /** BuildProperties as written (EntryPoints, External, Minify, Target, Sourcemap, Format...). */
  properties: Record<string, unknown>;
}

export interface TemplateWarning {
  /** Logical id of the resource the warning is about ('' for template-level). */
  resource: string;
  message: string;
  /** 1-based line in the template of the node the warning is about, when known. */
  line?: number;
}

/** A resource as the template declares it, intrinsics resolved, kept for features that consume it. */
export interface TemplateResource {
  Type: string;
  /**
   * Properties with intrinsics resolved. For functions: Globals merged in, and only the properties
   * ephemera uses or will use (properties ignored locally are left out).
   */
  Properties: Record<string, unknown>;
  /** 1-based line of the resource's logical id in the template. */
  line?: number;
}

export interface LoadedTemplate {
  /** Absolute path of the template file. */
  path: string;
  functions: FunctionConfig[];
  /** Unsupported resources/properties, collected for one start-up warning. */
  warnings: TemplateWarning[];
  /**
   * Resources by logical id: functions and the types later features consume (AWS::SQS::Queue,
   * AWS::Kinesis::Stream, AWS::DynamoDB::Table, layers, AWS::Lambda::EventSourceMapping).
   * Resources of types ephemera ignores are not included.
   */
  resources?: Record<string, TemplateResource>;
  /** Globals.Api and Globals.HttpApi, resolved: SAM applies them to implicit APIs too. */
  apiGlobals?: Record<string, Record<string, unknown>>;
}

/** Where the platform (not the function) produced the error, e.g. Sandbox.Timedout. */
export interface InvokeResult {
  requestId: string;
  /** Exact bytes for the caller. */
  payload: Buffer;
  /** Set when the function failed: the value of X-Amz-Function-Error. */
  functionError?: 'Unhandled';
  /** errorType of the failure, for REPORT / telemetry (not sent to the caller). */
  errorType?: string;
  executedVersion: string;
  /** The invocation's log (START..REPORT), present when the caller asked for Tail. */
  log?: string;
  /** The execution environment that ran the invocation, and whether it started cold for it. */
  environmentId?: string;
  coldStart?: boolean;
  /** The function streams its response (payload is then empty): read it as it comes. */
  stream?: StreamedResult;
}

/** A response body the function streams: read it once; `ended` says how it ended (never rejects). */
export interface ResponseBody extends AsyncIterable<Buffer> {
  readonly contentType: string;
  readonly ended: Promise<StreamEnd>;
}

/** A streamed response as the invoker hands it over. */
export interface StreamedResult {
  body: ResponseBody;
  /** Settles after the invocation's end (its REPORT): the log tail when the caller asked for Tail. */
  log(): Promise<string | undefined>;
}

/** One invocable version of a function: `$LATEST` or a published number. */
export interface FunctionVersion {
  config: FunctionConfig;
  version: string;
  /** Unqualified function ARN. */
  arn: string;
}

/** Leak reports: off (no tracking), warn (LEAK lines), error (a leak fails the invocation). */
export type LeakMode = 'off' | 'warn' | 'error';
