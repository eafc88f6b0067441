// The configuration fields of CreateFunction and UpdateFunctionConfiguration, checked as Lambda checks
// them (types, ranges, runtimes, reserved variables, the 4 KB environment, layers, dead-letter target)
// with AWS's error types and messages, and turned into FunctionConfig changes.
import { check, inEnum, lengthAtMost, matchesPattern, membersSatisfy, NOT_NULL, ofKind, shownViolation, valueAtLeast, valueAtMost, violation, wholeMatch } from '../../lib/aws-validation.ts';
import { InvalidParameterValueException, InvalidRequestContentException, invalidInput, type ValidationException } from '../errors.ts';
import { ACCEPTED_RUNTIMES, DEPRECATED_RUNTIMES, FUNCTION_LIMITS, PATTERNS, RULES } from '../lambda-rules.ts';
import type { FunctionConfig } from '../model.ts';
import type { Registry } from '../registry/registry.ts';
import { RESERVED_ENV_VARS } from '../template/function-properties.ts';
import { APPLY_ON, parseApplyOn } from '../environment/snap-start.ts';

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

const invalid = (field: string, value: unknown, constraint: string): ValidationException => invalidInput([violation(value, field, constraint)]);

export function intIn(body: Body, key: string, field: string, min: number, max: number): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(field, v, ofKind('an integer'));
  if (v < min) throw invalid(field, v, valueAtLeast(min));
  if (v > max) throw invalid(field, v, valueAtMost(max));
  return v;
}

export function str(body: Body, key: string, field: string, max = 256): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(field, JSON.stringify(v), ofKind('a string'));
  if (v.length > max) throw invalid(field, v, lengthAtMost(max));
  return v;
}

export function checkRuntime(runtime: string): string {
  if (DEPRECATED_RUNTIMES.has(runtime)) {
    throw new InvalidParameterValueException(`The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`);
  }
  if (!(ACCEPTED_RUNTIMES as readonly string[]).includes(runtime)) {
    // The service's own check, not the framework's: the value unquoted, the sentence without a count.
    throw new InvalidParameterValueException(shownViolation(runtime, 'runtime', `${inEnum(ACCEPTED_RUNTIMES)} or be a valid ARN`));
  }
  return runtime;
}

/** The role's violations (the framework reports them with the other members'). */
export function roleViolations(role: unknown): string[] {
  return check(typeof role === 'string' || role === undefined || role === null ? role : JSON.stringify(role), RULES.role, 'role');
}

export function checkRole(role: unknown): string {
  const problems = roleViolations(role);
  if (problems.length > 0) throw invalidInput(problems);
  return role as string;
}

/** Architectures: one of x86_64 and arm64 (the list's member constraint reads as one nested sentence). */
export function architectureViolations(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > 1) return [violation(v, 'architectures', lengthAtMost(1))];
  if (v.length === 1 && v[0] !== 'x86_64' && v[0] !== 'arm64') {
    return [violation(v, 'architectures', membersSatisfy([inEnum(['x86_64', 'arm64']), NOT_NULL]))];
  }
  return [];
}

export function checkArchitectures(v: unknown): string | undefined {
  const problems = architectureViolations(v);
  if (problems.length > 0) throw invalidInput(problems);
  return Array.isArray(v) && v.length === 1 ? (v[0] as string) : undefined;
}

/** Environment.Variables → the function's variables; reserved names and the 4 KB limit as AWS rejects them. */
function environment(v: unknown): Record<string, string> {
  if (v === null || v === undefined) return {};
  const vars = (v as { Variables?: unknown }).Variables;
  if (vars === undefined || vars === null) return {};
  if (typeof vars !== 'object' || Array.isArray(vars)) throw new InvalidParameterValueException('Environment.Variables must be a map of strings');
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(vars as Record<string, unknown>)) {
    if (!wholeMatch(PATTERNS.environmentVariableName).test(k)) throw invalid('environment.variables', k, matchesPattern(PATTERNS.environmentVariableName));
    if (typeof value !== 'string') throw new InvalidParameterValueException(`Environment variable ${k} must be a string`);
    out[k] = value;
  }
  const reserved = Object.keys(out).filter((k) => RESERVED_ENV_VARS.has(k));
  if (reserved.length > 0) {
    throw new InvalidParameterValueException('Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. ' +
      `Reserved keys used in this request: ${reserved.join(', ')}`);
  }
  const measured = JSON.stringify(out);
  if (Buffer.byteLength(measured) > FUNCTION_LIMITS.environmentBytes) {
    throw new InvalidParameterValueException(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`);
  }
  return out;
}

/** Layer ARNs → their folders: the template's layers are the ones ephemera knows. */
function layers(reg: Registry, v: unknown): { dirs: string[]; arns: string[] } {
  if (!Array.isArray(v)) throw invalid('layers', JSON.stringify(v), ofKind('a list'));
  if (v.length > FUNCTION_LIMITS.layers) throw new InvalidParameterValueException(`Cannot reference more than ${FUNCTION_LIMITS.layers} layers.`);
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
    if (!wholeMatch(PATTERNS.handler).test(handler)) throw invalid('handler', handler, matchesPattern(PATTERNS.handler));
    changes.handler = handler;
  }
  const description = str(body, 'Description', 'description', 256);
  if (description !== undefined) changes.description = description;
  const { timeout: t, memorySize: m, ephemeralStorage: e } = FUNCTION_LIMITS;
  const timeout = intIn(body, 'Timeout', 'timeout', t.min, t.max);
  if (timeout !== undefined) changes.timeout = timeout;
  const memory = intIn(body, 'MemorySize', 'memorySize', m.min, m.max);
  if (memory !== undefined) changes.memorySize = memory;
  if (body.Environment !== undefined && body.Environment !== null) {
    changes.environment = environment(body.Environment);
    changes.environmentSet = true;
  }
  if (body.EphemeralStorage !== undefined && body.EphemeralStorage !== null) {
    const size = intIn(body.EphemeralStorage as Body, 'Size', 'ephemeralStorage.size', e.min, e.max);
    if (size === undefined) throw invalid('ephemeralStorage.size', null, NOT_NULL);
    changes.ephemeralStorage = size;
  }
  if (body.SnapStart !== undefined && body.SnapStart !== null) {
    const given = (body.SnapStart as Body).ApplyOn;
    const applyOn = parseApplyOn(given);
    if (applyOn === undefined) throw invalid('snapStart.applyOn', given, inEnum(APPLY_ON));
    changes.snapStart = applyOn;
  }
  if (body.DeadLetterConfig !== undefined && body.DeadLetterConfig !== null) {
    const target = (body.DeadLetterConfig as Body).TargetArn;
    if (target !== undefined && typeof target !== 'string') throw invalid('deadLetterConfig.targetArn', target, ofKind('a string'));
    const bad = check(target, RULES.resourceArn, 'deadLetterConfig.targetArn');
    if (bad.length > 0) throw invalidInput(bad);
    changes.deadLetterTargetArn = target ? target : undefined;
  }
  if (body.LoggingConfig !== undefined && body.LoggingConfig !== null) {
    const format = (body.LoggingConfig as Body).LogFormat;
    const bad = check(format, RULES.logFormat, 'loggingConfig.logFormat');
    if (bad.length > 0) throw invalidInput(bad);
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
