// A function's Environment property → its own environment variables, checked as Lambda checks them:
// name pattern, reserved names, values stringified, 4 KB total.

import { isRecord, type NodePath } from './node-path.ts';
import { RESERVED_ENV_VARS } from './function-properties.ts';
import type { WarningCollector } from './warnings.ts';

const NAME = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const LIMIT = 4096;

export interface EnvironmentContext {
  resource: string;
  /** Path of the Environment property. */
  path: NodePath;
  warnings: WarningCollector;
  fail(path: NodePath, message: string): never;
}

/** Validates a resolved `Environment` value ({Variables: {...}}) and returns the variables as strings. */
export function functionEnvironment(value: unknown, ctx: EnvironmentContext): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) ctx.fail(ctx.path, 'Environment must be a mapping with Variables');
  const env = value as Record<string, unknown>;
  for (const key of Object.keys(env)) {
    if (key !== 'Variables') ctx.warnings.add(ctx.resource, [...ctx.path, key], 'not a property of Environment; ignored');
  }
  const vars = env.Variables;
  if (vars === undefined || vars === null) return {};
  const varsPath = [...ctx.path, 'Variables'];
  if (!isRecord(vars)) ctx.fail(varsPath, 'Environment.Variables must be a mapping of names to strings');
  const out: Record<string, string> = {};
  const reserved: string[] = [];
  for (const [name, v] of Object.entries(vars as Record<string, unknown>)) {
    const path = [...varsPath, name];
    if (!NAME.test(name)) {
      ctx.fail(path, `environment variable name '${name}' must match [a-zA-Z]([a-zA-Z0-9_])+ (a letter, then letters, digits or _; at least 2 characters)`);
    }
    if (RESERVED_ENV_VARS.has(name)) reserved.push(name);
    out[name] = envString(v, path, ctx);
  }
  if (reserved.length > 0) {
    ctx.warnings.add(ctx.resource, varsPath,
      'AWS would reject this function: "Lambda was unable to configure your environment variables because the ' +
      'environment variables you have provided contains reserved keys that are currently not supported for ' +
      `modification. Reserved keys used in this request: ${reserved.join(', ')}"`);
  }
  const measured = JSON.stringify(out);
  if (Buffer.byteLength(measured) > LIMIT) {
    ctx.fail(varsPath, 'Lambda was unable to configure your environment variables because the environment variables ' +
      `you have provided exceeded the 4KB limit. String measured: ${measured}`);
  }
  return out;
}

function envString(v: unknown, path: NodePath, ctx: EnvironmentContext): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) {
    ctx.warnings.add(ctx.resource, path, 'has no value; using an empty string');
    return '';
  }
  return ctx.fail(path, `environment variable values must be strings; got ${JSON.stringify(v)}`);
}
