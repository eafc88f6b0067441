// --env-vars file.json in SAM's format: `{"<logical id or function name>": {"VAR": "v"}, "Parameters":
// {"VAR": "v"}}`. As `sam local` does: Parameters apply to every function, a function's own entry
// wins over them, values are stringified as SAM does. Unlike `sam local`, which only overrides the
// variables a function declares in Environment.Variables (silently dropping the others, a common
// surprise), a variable the template does not declare is added, and said so at start-up. Lambda's
// reserved variables cannot be set (as in the template).
import { readFileSync } from 'node:fs';
import type { FunctionConfig } from '../model.ts';
import { OptionsError } from '../options.ts';
import { RESERVED_VARS } from '../environment/env-vars.ts';

export type EnvVarsFile = Record<string, Record<string, unknown>>;

/** Read and check the file: a JSON object whose every value is an object of variables. */
export function loadEnvVarsFile(path: string): EnvVarsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OptionsError(`--env-vars: cannot read ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new OptionsError(`--env-vars: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(data)) throw new OptionsError(`--env-vars: ${path} must hold a JSON object like {"MyFunction": {"VAR": "value"}, "Parameters": {"VAR": "value"}}`);
  for (const [key, value] of Object.entries(data)) {
    if (!isObject(value)) throw new OptionsError(`--env-vars: environment variables ${JSON.stringify(key)}: ${JSON.stringify(value)} in incorrect format (expected an object of variables)`);
  }
  return data as EnvVarsFile;
}

/**
 * The function's variables with the file's values applied: Parameters, then the function's entry
 * (logical id first, else function name); declared variables overridden, others added, reserved ones left out.
 */
export function overriddenEnvironment(fn: FunctionConfig, file: EnvVarsFile): Record<string, string> {
  const overrides = { ...file.Parameters, ...(file[fn.logicalId] ?? file[fn.name]) };
  const env = { ...fn.environment };
  for (const [name, value] of Object.entries(overrides)) if (!RESERVED_VARS.has(name)) env[name] = stringify(value);
  return env;
}

export interface EnvVarsOutcome {
  /** Entries that change nothing (no such function, a reserved variable). */
  warnings: string[];
  /** Variables added that the template does not declare (sam local would ignore them). */
  notes: string[];
}

/** Apply the file to every function (in place). */
export function applyEnvVarsFile(functions: FunctionConfig[], file: EnvVarsFile): EnvVarsOutcome {
  const warnings: string[] = [];
  const notes: string[] = [];
  for (const key of Object.keys(file)) {
    if (key !== 'Parameters' && !functions.some((f) => f.logicalId === key || f.name === key)) {
      warnings.push(`--env-vars: ${JSON.stringify(key)} matches no function of the template; ignored`);
    }
    const reserved = Object.keys(file[key]).filter((v) => RESERVED_VARS.has(v));
    if (reserved.length) warnings.push(`--env-vars: ${reserved.join(', ')} for ${key} not set: reserved by Lambda (the platform sets them)`);
  }
  for (const fn of functions) {
    const before = fn.environment;
    fn.environment = overriddenEnvironment(fn, file);
    const added = Object.keys(fn.environment).filter((v) => !Object.hasOwn(before, v));
    if (added.length) notes.push(`--env-vars: ${added.join(', ')} added to ${fn.logicalId} (its template does not declare ${added.length === 1 ? 'it' : 'them'}; sam local would only override declared variables)`);
  }
  return { warnings, notes };
}

/** SAM: objects, lists and null become "", booleans "true"/"false", other scalars their text. */
function stringify(value: unknown): string {
  if (value === null || typeof value === 'object') return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
