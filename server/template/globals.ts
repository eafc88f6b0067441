// SAM's Globals section: which properties each Globals section may carry and how a resource's own
// properties are merged over them (scalars: resource wins; maps: merged key by key; lists: appended).

import { isRecord } from './node-path.ts';

/** Properties SAM accepts in Globals.Function. */
export const GLOBAL_FUNCTION_PROPERTIES: ReadonlySet<string> = new Set([
  'Handler', 'Runtime', 'CodeUri', 'DeadLetterQueue', 'Description', 'MemorySize', 'Timeout', 'VpcConfig',
  'Environment', 'Tags', 'PropagateTags', 'Tracing', 'KmsKeyArn', 'AutoPublishAlias',
  'AutoPublishAliasAllProperties', 'Layers', 'DeploymentPreference', 'RolePath', 'PermissionsBoundary',
  'ReservedConcurrentExecutions', 'ProvisionedConcurrencyConfig', 'AssumeRolePolicyDocument',
  'EventInvokeConfig', 'FileSystemConfigs', 'CodeSigningConfigArn', 'Architectures', 'SnapStart',
  'EphemeralStorage', 'FunctionUrlConfig', 'RuntimeManagementConfig', 'LoggingConfig', 'RecursiveLoop',
  'SourceKMSKeyArn',
]);

/** Properties SAM accepts in Globals.LayerVersion. */
export const GLOBAL_LAYER_PROPERTIES: ReadonlySet<string> = new Set([
  'PublishLambdaVersion', 'RetentionPolicy', 'CompatibleRuntimes', 'CompatibleArchitectures', 'LicenseInfo',
]);

/** Properties SAM accepts in Globals.Api. */
export const GLOBAL_API_PROPERTIES: ReadonlySet<string> = new Set([
  'Auth', 'Name', 'DefinitionUri', 'CacheClusterEnabled', 'CacheClusterSize', 'MergeDefinitions', 'Variables',
  'EndpointConfiguration', 'MethodSettings', 'BinaryMediaTypes', 'MinimumCompressionSize', 'Cors', 'GatewayResponses',
  'AccessLogSetting', 'CanarySetting', 'TracingEnabled', 'OpenApiVersion', 'Domain', 'AlwaysDeploy', 'PropagateTags',
]);

/** Properties SAM accepts in Globals.HttpApi. */
export const GLOBAL_HTTP_API_PROPERTIES: ReadonlySet<string> = new Set([
  'Auth', 'AccessLogSettings', 'StageVariables', 'Tags', 'CorsConfiguration', 'DefaultRouteSettings', 'Domain',
  'RouteSettings', 'FailOnWarnings', 'PropagateTags',
]);

/** Resource type each Globals section applies to. */
export const GLOBAL_SECTIONS: Readonly<Record<string, { type: string; properties: ReadonlySet<string> }>> = {
  Function: { type: 'AWS::Serverless::Function', properties: GLOBAL_FUNCTION_PROPERTIES },
  LayerVersion: { type: 'AWS::Serverless::LayerVersion', properties: GLOBAL_LAYER_PROPERTIES },
  Api: { type: 'AWS::Serverless::Api', properties: GLOBAL_API_PROPERTIES },
  HttpApi: { type: 'AWS::Serverless::HttpApi', properties: GLOBAL_HTTP_API_PROPERTIES },
};

/** SAM treats a single-key map whose key is an intrinsic function as a scalar. */
function isIntrinsic(v: unknown): boolean {
  if (!isRecord(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}

type Kind = 'scalar' | 'list' | 'map';
const kindOf = (v: unknown): Kind =>
  Array.isArray(v) ? 'list' : isRecord(v) && !isIntrinsic(v) ? 'map' : 'scalar';

/** Merges a resource's value over the global one, SAM's way. */
export function mergeGlobal(global: unknown, local: unknown): unknown {
  const kind = kindOf(local);
  if (kind !== kindOf(global)) return local;
  if (kind === 'list') return [...(global as unknown[]), ...(local as unknown[])];
  if (kind === 'map') {
    const g = global as Record<string, unknown>;
    const l = local as Record<string, unknown>;
    const out: Record<string, unknown> = { ...g };
    for (const key of Object.keys(l)) out[key] = Object.hasOwn(g, key) ? mergeGlobal(g[key], l[key]) : l[key];
    return out;
  }
  return local;
}

/** A resource's properties with the section's globals merged in. */
export function withGlobals(
  globals: Record<string, unknown>,
  properties: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...globals };
  for (const key of Object.keys(properties)) {
    out[key] = Object.hasOwn(globals, key) ? mergeGlobal(globals[key], properties[key]) : properties[key];
  }
  return out;
}
