// AWS::Serverless::Function / AWS::Lambda::Function (Globals already merged) → FunctionConfig:
// resolves and validates every property ephemera uses, warns about the others.

import type { FunctionConfig, ManagedInstancesConfig } from '../model.ts';
import { managedInstancesProblem, readCapacityProviderConfig } from '../environment/managed-instances.ts';
import { functionEnvironment } from './function-environment.ts';
import { codeLocation } from './code-location.ts';
import { FUNCTION_LIMITS, unrunnableRuntimeWarning } from '../lambda-rules.ts';
import { API_EVENT_TYPES, ESM_EVENT_TYPES, functionPropertyUse, RULE_EVENT_TYPES, SNS_EVENT_TYPES, USED_LOGGING_KEYS } from './function-properties.ts';
import type { Resolver } from './intrinsics.ts';
import { functionLayers, type LayerInfo } from './layers.ts';
import { isRecord, type NodePath } from './node-path.ts';
import { NO_VALUE } from './references.ts';
import type { WarningCollector } from './warnings.ts';
import { parseApplyOn, restoresFromSnapshot } from '../environment/snap-start.ts';

export interface FunctionInput {
  logicalId: string;
  type: string;
  /** Properties with Globals merged in, intrinsics not yet resolved. */
  properties: Record<string, unknown>;
  /** Where a top-level property is written: in the resource, or in Globals.Function. */
  origin(prop: string): NodePath;
}

export interface FunctionContext {
  templateDir: string;
  resolver: Resolver;
  warnings: WarningCollector;
  fail(path: NodePath, message: string): never;
  /** The template's layers by ARN (what `Ref` to a layer gives). */
  layers: ReadonlyMap<string, LayerInfo>;
}

export interface BuiltFunction {
  /** Undefined when the function cannot run locally (the reason is in the warnings). */
  config: FunctionConfig | undefined;
  /** Resolved properties ephemera uses or will use. */
  properties: Record<string, unknown>;
}

const FUNCTION_NAME = new RegExp(`^[a-zA-Z0-9_-]{1,${FUNCTION_LIMITS.functionNameLength}}$`);

export function buildFunction(input: FunctionInput, ctx: FunctionContext): BuiltFunction {
  const { logicalId: id, type, properties, origin } = input;
  const resourcePath = ['Resources', id];
  const stored: Record<string, unknown> = {};
  const has = (prop: string): boolean => Object.hasOwn(properties, prop);
  const get = (prop: string): unknown => {
    if (!has(prop)) return undefined;
    const v = ctx.resolver.resolve(properties[prop], { resource: id, path: origin(prop) });
    if (v === NO_VALUE) return undefined;
    stored[prop] = v;
    return v;
  };
  const fail = (prop: string, message: string): never => ctx.fail(has(prop) ? origin(prop) : resourcePath, message);

  for (const prop of Object.keys(properties)) {
    const use = functionPropertyUse(type, prop);
    if (use === 'used') continue;
    if (use === 'ignored') ctx.warnings.add(id, origin(prop), 'ignored locally');
    else if (use === undefined) ctx.warnings.add(id, origin(prop), `not a property of ${type} known to ephemera; ignored`);
    else if (prop === 'Events') warnEvents(id, get(prop), origin(prop), ctx);
    else {
      get(prop);
      ctx.warnings.add(id, origin(prop), 'not yet supported by ephemera (ignored for now)');
    }
  }

  const skip = (reason: string): BuiltFunction => {
    ctx.warnings.add(id, resourcePath, `function skipped: ${reason}`);
    return { config: undefined, properties: stored };
  };
  if (get('PackageType') === 'Image' || has('ImageUri')) return skip('container image functions are not supported locally');
  if (has('InlineCode')) return skip('InlineCode is not supported locally (put the code in a directory and use CodeUri)');
  const codeProp = type === 'AWS::Serverless::Function' ? 'CodeUri' : 'Code';
  if (codeProp === 'Code' && !has('Code')) fail('Code', 'Code is required');
  const code = codeLocation(codeProp, get(codeProp), ctx.templateDir, (m) => fail(codeProp, m));
  if ('skip' in code) return skip(code.skip);

  const runtime = get('Runtime');
  if (runtime === undefined) {
    const where = type === 'AWS::Serverless::Function' ? ' (on the function or in Globals.Function)' : '';
    fail('Runtime', `Runtime is required for a Zip function; set it${where}`);
  }
  if (typeof runtime !== 'string' || runtime === '') fail('Runtime', 'Runtime must be a non-empty string');
  const rt = runtime as string;
  // The one warning for a runtime ephemera cannot run (server/lambda-rules.ts; CreateFunction gives the same).
  const unrunnable = unrunnableRuntimeWarning(rt);
  if (unrunnable) ctx.warnings.add(id, origin('Runtime'), unrunnable);
  const handler = get('Handler');
  if (handler === undefined && !rt.startsWith('provided')) fail('Handler', `Handler is required for runtime ${rt}`);
  if (handler !== undefined && (typeof handler !== 'string' || handler === '')) fail('Handler', 'Handler must be a non-empty string');

  const name = get('FunctionName') ?? id;
  if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
    fail('FunctionName', `FunctionName '${String(name)}' is not valid: 1 to ${FUNCTION_LIMITS.functionNameLength} characters from [a-zA-Z0-9-_]`);
  }
  const int = (prop: string, v: unknown, min: number, max: number, unit: string, path?: NodePath): number => {
    const n = toInt(v);
    if (n === undefined || n < min || n > max) {
      const msg = `${prop} must be an integer from ${min} to ${max} (${unit}); got ${JSON.stringify(v)}`;
      return path ? ctx.fail(path, msg) : fail(prop, msg);
    }
    return n;
  };
  const optionalInt = (prop: string, min: number, max: number, unit: string): number | undefined => {
    const v = get(prop);
    return v === undefined ? undefined : int(prop, v, min, max, unit);
  };
  const { memorySize: mem, timeout: time, ephemeralStorage: tmp } = FUNCTION_LIMITS;
  const memorySize = optionalInt('MemorySize', mem.min, mem.max, 'MB') ?? mem.default;
  const timeout = optionalInt('Timeout', time.min, time.max, 'seconds') ?? time.default;

  let ephemeralStorage: number = tmp.default;
  const storage = get('EphemeralStorage');
  if (storage !== undefined) {
    if (!isRecord(storage) || !Object.hasOwn(storage, 'Size')) fail('EphemeralStorage', 'EphemeralStorage must be a mapping with Size');
    const size = (storage as Record<string, unknown>).Size;
    ephemeralStorage = int('EphemeralStorage.Size', size, tmp.min, tmp.max, 'MB', [...origin('EphemeralStorage'), 'Size']);
  }

  const description = get('Description') ?? '';
  if (typeof description !== 'string') fail('Description', 'Description must be a string');

  const arch = get('Architectures') ?? ['x86_64'];
  if (!Array.isArray(arch) || arch.length !== 1 || (arch[0] !== 'x86_64' && arch[0] !== 'arm64')) {
    fail('Architectures', `Architectures must be [x86_64] or [arm64]; got ${JSON.stringify(arch)}`);
  }

  let logFormat: 'Text' | 'JSON' = 'Text';
  const logging = get('LoggingConfig');
  if (logging !== undefined) {
    if (!isRecord(logging)) fail('LoggingConfig', 'LoggingConfig must be a mapping');
    const lc = logging as Record<string, unknown>;
    for (const key of Object.keys(lc)) {
      if (!USED_LOGGING_KEYS.has(key)) ctx.warnings.add(id, [...origin('LoggingConfig'), key], 'ignored locally');
    }
    const f = lc.LogFormat ?? 'Text';
    if (f !== 'Text' && f !== 'JSON') ctx.fail([...origin('LoggingConfig'), 'LogFormat'], `LogFormat must be Text or JSON; got ${JSON.stringify(f)}`);
    logFormat = f as 'Text' | 'JSON';
  }

  const config: FunctionConfig = {
    name: name as string,
    logicalId: id,
    codeDir: code.dir,
    handler: (handler as string | undefined) ?? '',
    runtime: rt,
    memorySize,
    timeout,
    environment: functionEnvironment(get('Environment'), {
      resource: id, path: has('Environment') ? origin('Environment') : resourcePath, warnings: ctx.warnings, fail: ctx.fail,
    }),
    ephemeralStorage,
    description: description as string,
    architecture: (arch as string[])[0],
    logFormat,
  };
  const snapStart = get('SnapStart');
  if (snapStart !== undefined) {
    const applyOn = parseApplyOn(isRecord(snapStart) ? snapStart.ApplyOn : undefined);
    if (!isRecord(snapStart) || applyOn === undefined) fail('SnapStart', `SnapStart.ApplyOn must be PublishedVersions or None; got ${JSON.stringify(isRecord(snapStart) ? snapStart.ApplyOn : snapStart)}`);
    if (applyOn === 'PublishedVersions') config.snapStart = applyOn;
    if (applyOn === 'PublishedVersions' && !restoresFromSnapshot(rt)) {
      ctx.warnings.add(id, origin('SnapStart'), `ephemera restores python3.12+ functions from a snapshot; published versions of this ${rt} function run a normal INIT (AWS offers SnapStart for Java 11+, Python 3.12+ and .NET 8+)`);
    }
  }
  const reserved = optionalInt('ReservedConcurrentExecutions', 0, 1_000_000, 'concurrent executions');
  if (reserved !== undefined) config.reservedConcurrency = reserved;
  const eic = get('EventInvokeConfig');
  if (eic !== undefined) {
    if (!isRecord(eic)) fail('EventInvokeConfig', 'EventInvokeConfig must be a mapping');
    const e = eic as Record<string, unknown>;
    const at = (key: string): NodePath => [...origin('EventInvokeConfig'), key];
    config.eventInvokeConfig = {};
    if (e.MaximumRetryAttempts !== undefined) config.eventInvokeConfig.maximumRetryAttempts = int('EventInvokeConfig.MaximumRetryAttempts', e.MaximumRetryAttempts, 0, 2, 'retries', at('MaximumRetryAttempts'));
    if (e.MaximumEventAgeInSeconds !== undefined) config.eventInvokeConfig.maximumEventAgeInSeconds = int('EventInvokeConfig.MaximumEventAgeInSeconds', e.MaximumEventAgeInSeconds, 60, 21600, 'seconds', at('MaximumEventAgeInSeconds'));
    if (e.DestinationConfig !== undefined) {
      const dc = e.DestinationConfig;
      if (!isRecord(dc)) fail('EventInvokeConfig', 'EventInvokeConfig.DestinationConfig must be a mapping');
      for (const [key, field] of [['OnSuccess', 'onSuccess'], ['OnFailure', 'onFailure']] as const) {
        const d = (dc as Record<string, unknown>)[key];
        if (d === undefined || d === null) continue;
        const dest = isRecord(d) ? d.Destination : undefined;
        if (typeof dest === 'string' && dest !== '') config.eventInvokeConfig[field] = dest;
        else ctx.warnings.add(id, [...at('DestinationConfig'), key], 'a destination without a Destination ARN (SAM would create one) is not created locally; ignored');
      }
    }
  }
  for (const [prop, key] of [['DeadLetterQueue', 'TargetArn'], ['DeadLetterConfig', 'TargetArn']] as const) {
    const dlq = get(prop);
    if (dlq === undefined) continue;
    const target = isRecord(dlq) ? dlq[key] : undefined;
    if (typeof target !== 'string' || target === '') fail(prop, `${prop} must be a mapping with ${key}`);
    config.deadLetterTargetArn = target as string;
  }
  const provisioned = get('ProvisionedConcurrencyConfig');
  if (provisioned !== undefined) {
    if (!isRecord(provisioned) || !Object.hasOwn(provisioned, 'ProvisionedConcurrentExecutions')) {
      fail('ProvisionedConcurrencyConfig', 'ProvisionedConcurrencyConfig must be a mapping with ProvisionedConcurrentExecutions');
    }
    const n = int('ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions', (provisioned as Record<string, unknown>).ProvisionedConcurrentExecutions,
      1, 1000, 'environments', [...origin('ProvisionedConcurrencyConfig'), 'ProvisionedConcurrentExecutions']);
    if (reserved !== undefined && n > reserved) {
      fail('ProvisionedConcurrencyConfig', 'Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function');
    }
    config.provisionedConcurrency = n;
  }
  const capacity = get('CapacityProviderConfig');
  if (capacity !== undefined) config.managedInstances = capacityProviderConfig(capacity, type === 'AWS::Serverless::Function', config, (m) => fail('CapacityProviderConfig', m));
  const durable = get('DurableConfig');
  if (durable !== undefined) config.durableConfig = durableConfig(durable, origin('DurableConfig'), id, ctx, int);
  // FunctionUrlConfig: kept in the stored properties; template/function-urls.ts reads it.
  get('FunctionUrlConfig');
  // AutoPublishAlias: kept in the stored properties; registry/template-versions.ts publishes and aliases.
  const alias = get('AutoPublishAlias');
  if (alias !== undefined && (typeof alias !== 'string' || !/^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(alias))) {
    fail('AutoPublishAlias', `AutoPublishAlias must be an alias name ([a-zA-Z0-9-_]+, not only digits); got ${JSON.stringify(alias)}`);
  }
  const layerArns = get('Layers');
  if (layerArns !== undefined) {
    const layers = functionLayers(layerArns, {
      resource: id, path: origin('Layers'), layers: ctx.layers, warnings: ctx.warnings, fail: ctx.fail,
    });
    if (layers.length > 0) config.layers = layers;
  }
  return { config, properties: stored };
}

/** CapacityProviderConfig (SAM or CloudFormation shape): Lambda Managed Instances, checked as AWS checks it. */
function capacityProviderConfig(value: unknown, sam: boolean, config: FunctionConfig, fail: (m: string) => never): ManagedInstancesConfig {
  const cfg = readCapacityProviderConfig(value, sam);
  if (typeof cfg === 'string') return fail(cfg);
  // An intrinsic (!GetAtt MyCapacityProvider.Arn) may resolve to a placeholder locally: no ARN pattern check.
  const problem = managedInstancesProblem(config, cfg);
  return problem ? fail(problem) : cfg;
}

type IntCheck = (prop: string, v: unknown, min: number, max: number, unit: string, path?: NodePath) => number;

/** DurableConfig (CloudFormation and SAM): ExecutionTimeout required, 1 to 31,622,400 s; RetentionPeriodInDays 1 to 90, default 14. */
function durableConfig(value: unknown, path: NodePath, id: string, ctx: FunctionContext, int: IntCheck): FunctionConfig['durableConfig'] {
  if (!isRecord(value) || value.ExecutionTimeout === undefined) ctx.fail(path, 'DurableConfig must be a mapping with ExecutionTimeout');
  const d = value as Record<string, unknown>;
  for (const key of Object.keys(d)) {
    if (key !== 'ExecutionTimeout' && key !== 'RetentionPeriodInDays') ctx.warnings.add(id, [...path, key], 'not a property of DurableConfig; ignored');
  }
  return {
    ExecutionTimeout: int('DurableConfig.ExecutionTimeout', d.ExecutionTimeout, 1, 31_622_400, 'seconds', [...path, 'ExecutionTimeout']),
    RetentionPeriodInDays: d.RetentionPeriodInDays === undefined ? 14
      : int('DurableConfig.RetentionPeriodInDays', d.RetentionPeriodInDays, 1, 90, 'days', [...path, 'RetentionPeriodInDays']),
  };
}

function warnEvents(id: string, events: unknown, path: NodePath, ctx: FunctionContext): void {
  if (!isRecord(events)) {
    ctx.warnings.add(id, path, 'not yet supported by ephemera (ignored for now)');
    return;
  }
  for (const [name, ev] of Object.entries(events)) {
    const type = isRecord(ev) ? String(ev.Type) : '?';
    // SQS, Kinesis and DynamoDB events become event source mappings (template/event-sources.ts).
    if (ESM_EVENT_TYPES.has(type)) continue;
    // Api and HttpApi events are routes of the HTTP front door (template/apis.ts).
    if (API_EVENT_TYPES.has(type)) continue;
    // Schedules and EventBridge rules are the embedded EventBridge's (template/event-rules.ts).
    if (RULE_EVENT_TYPES.has(type)) continue;
    // SNS events subscribe the function (or a queue it polls) to a topic (template/sns-resources.ts).
    if (SNS_EVENT_TYPES.has(type)) continue;
    ctx.warnings.add(id, [...path, name], `event source of type ${type} is not supported locally (ignored)`);
  }
}

/** An integer from a number or a numeric string (parameters are strings); undefined otherwise. */
export function toInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}
