// The configuration fields of CreateFunction and UpdateFunctionConfiguration, checked as Lambda checks
// them (types, ranges, runtimes, reserved variables, the 4 KB environment, layers, dead-letter target)
// with AWS's error types and messages, and turned into FunctionConfig changes.
import { InvalidParameterValueException, InvalidRequestContentException, ValidationException } from '../errors.ts';
import type { FunctionConfig } from '../model.ts';
import type { Registry } from '../registry/registry.ts';
import { RESERVED_ENV_VARS } from '../template/function-properties.ts';

/** Runtimes the service model accepts (ephemera runs nodejs, python and provided; others fail at invoke). */
const RUNTIMES = [
  'nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x', 'python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13',
  'python3.14', 'provided', 'provided.al2', 'provided.al2023', 'java8.al2', 'java11', 'java17', 'java21', 'java25', 'dotnet8',
  'dotnet10', 'ruby3.2', 'ruby3.3', 'ruby3.4',
];
/** Runtimes AWS no longer accepts for creating or updating functions. */
const DEPRECATED = new Set([
  'nodejs', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x',
  'python2.7', 'python3.6', 'python3.7', 'python3.8', 'java8', 'dotnetcore1.0', 'dotnetcore2.0', 'dotnetcore2.1', 'dotnetcore3.1',
  'dotnet6', 'ruby2.5', 'ruby2.7', 'go1.x',
]);
const ROLE_PATTERN = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';
const ENV_NAME = /^[a-zA-Z]([a-zA-Z0-9_])+$/;

export type Body = Record<string, unknown>;

/** A management request's JSON body (the app hands every body over as bytes). */
export function jsonBody(raw: unknown): Body {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  if (buf.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new InvalidRequestContentException(`Could not parse request body into json: ${(err as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InvalidRequestContentException('Could not parse request body into json: not an object');
  return v as Body;
}

const invalid = (field: string, value: unknown, constraint: string): ValidationException =>
  new ValidationException(`1 validation error detected: Value '${value === null ? 'null' : String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);

export function intIn(body: Body, key: string, field: string, min: number, max: number): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(field, v, 'Member must be an integer');
  if (v < min) throw invalid(field, v, `Member must have value greater than or equal to ${min}`);
  if (v > max) throw invalid(field, v, `Member must have value less than or equal to ${max}`);
  return v;
}

export function str(body: Body, key: string, field: string, max = 256): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(field, JSON.stringify(v), 'Member must be a string');
  if (v.length > max) throw invalid(field, v, `Member must have length less than or equal to ${max}`);
  return v;
}

export function checkRuntime(runtime: string): string {
  if (DEPRECATED.has(runtime)) {
    throw new InvalidParameterValueException(`The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`);
  }
  if (!RUNTIMES.includes(runtime)) {
    throw new InvalidParameterValueException(`Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${RUNTIMES.join(', ')}] or be a valid ARN`);
  }
  return runtime;
}

export function checkRole(role: unknown): string {
  if (role === undefined || role === null) throw new ValidationException("1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null");
  if (typeof role !== 'string' || !new RegExp(`^${ROLE_PATTERN}$`).test(role)) {
    throw invalid('role', role, `Member must satisfy regular expression pattern: ${ROLE_PATTERN}`);
  }
  return role;
}

export function checkArchitectures(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length !== 1) throw invalid('architectures', `[${String(v)}]`, 'Member must have length less than or equal to 1');
  if (v[0] !== 'x86_64' && v[0] !== 'arm64') {
    throw invalid('architectures', `[${String(v)}]`, 'Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]');
  }
  return v[0] as string;
}

/** Environment.Variables → the function's variables; reserved names and the 4 KB limit as AWS rejects them. */
function environment(v: unknown): Record<string, string> {
  if (v === null || v === undefined) return {};
  const vars = (v as { Variables?: unknown }).Variables;
  if (vars === undefined || vars === null) return {};
  if (typeof vars !== 'object' || Array.isArray(vars)) throw new InvalidParameterValueException('Environment.Variables must be a map of strings');
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(vars as Record<string, unknown>)) {
    if (!ENV_NAME.test(k)) throw invalid('environment.variables', k, 'Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+');
    if (typeof value !== 'string') throw new InvalidParameterValueException(`Environment variable ${k} must be a string`);
    out[k] = value;
  }
  const reserved = Object.keys(out).filter((k) => RESERVED_ENV_VARS.has(k));
  if (reserved.length > 0) {
    throw new InvalidParameterValueException('Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. ' +
      `Reserved keys used in this request: ${reserved.join(', ')}`);
  }
  const measured = JSON.stringify(out);
  if (Buffer.byteLength(measured) > 4096) {
    throw new InvalidParameterValueException(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`);
  }
  return out;
}

/** Layer ARNs → their folders: the template's layers are the ones ephemera knows. */
function layers(reg: Registry, v: unknown): { dirs: string[]; arns: string[] } {
  if (!Array.isArray(v)) throw invalid('layers', JSON.stringify(v), 'Member must be a list');
  if (v.length > 5) throw new InvalidParameterValueException('Cannot reference more than 5 layers.');
  const dirs = v.map((arn) => {
    const dir = typeof arn === 'string' ? reg.layers.get(arn) : undefined;
    if (!dir) throw new InvalidParameterValueException(`Layer version ${String(arn)} does not exist.`);
    return dir;
  });
  return { dirs, arns: v as string[] };
}

export interface ConfigChanges {
  changes: Partial<FunctionConfig>;
  role?: string;
  layerArns?: string[];
}

/** The configuration fields both operations share; only what the body contains is changed. */
export function configChanges(reg: Registry, body: Body): ConfigChanges {
  const changes: Partial<FunctionConfig> = {};
  const out: ConfigChanges = { changes };
  if (body.Role !== undefined) out.role = checkRole(body.Role);
  const runtime = str(body, 'Runtime', 'runtime');
  if (runtime !== undefined) changes.runtime = checkRuntime(runtime);
  const handler = str(body, 'Handler', 'handler', 128);
  if (handler !== undefined) {
    if (!/^[^\s]+$/.test(handler)) throw invalid('handler', handler, 'Member must satisfy regular expression pattern: [^\\s]+');
    changes.handler = handler;
  }
  const description = str(body, 'Description', 'description', 256);
  if (description !== undefined) changes.description = description;
  const timeout = intIn(body, 'Timeout', 'timeout', 1, 900);
  if (timeout !== undefined) changes.timeout = timeout;
  const memory = intIn(body, 'MemorySize', 'memorySize', 128, 10240);
  if (memory !== undefined) changes.memorySize = memory;
  if (body.Environment !== undefined) changes.environment = environment(body.Environment);
  if (body.EphemeralStorage !== undefined && body.EphemeralStorage !== null) {
    const size = intIn(body.EphemeralStorage as Body, 'Size', 'ephemeralStorage.size', 512, 10240);
    if (size === undefined) throw new ValidationException("1 validation error detected: Value null at 'ephemeralStorage.size' failed to satisfy constraint: Member must not be null");
    changes.ephemeralStorage = size;
  }
  if (body.DeadLetterConfig !== undefined && body.DeadLetterConfig !== null) {
    const target = (body.DeadLetterConfig as Body).TargetArn;
    if (target !== undefined && typeof target !== 'string') throw invalid('deadLetterConfig.targetArn', target, 'Member must be a string');
    if (typeof target === 'string' && target !== '' && !/^arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*$/.test(target)) {
      throw invalid('deadLetterConfig.targetArn', target, 'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()');
    }
    changes.deadLetterTargetArn = target ? target : undefined;
  }
  if (body.LoggingConfig !== undefined && body.LoggingConfig !== null) {
    const format = (body.LoggingConfig as Body).LogFormat;
    if (format !== undefined && format !== 'Text' && format !== 'JSON') throw invalid('loggingConfig.logFormat', format, 'Member must satisfy enum value set: [JSON, Text]');
    if (format !== undefined) changes.logFormat = format as 'Text' | 'JSON';
  }
  if (body.DurableConfig !== undefined && body.DurableConfig !== null) {
    const d = body.DurableConfig as Body;
    const timeout = intIn(d, 'ExecutionTimeout', 'durableConfig.executionTimeout', 1, 31_622_400);
    const retention = intIn(d, 'RetentionPeriodInDays', 'durableConfig.retentionPeriodInDays', 1, 90);
    if (timeout === undefined) throw new InvalidParameterValueException('DurableConfig.ExecutionTimeout is required.');
    changes.durableConfig = { ExecutionTimeout: timeout, RetentionPeriodInDays: retention ?? 14 };
  }
  if (body.Layers !== undefined && body.Layers !== null) {
    const l = layers(reg, body.Layers);
    changes.layers = l.dirs.length ? l.dirs : undefined;
    out.layerArns = l.arns;
  }
  return out;
}
