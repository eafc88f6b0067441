// --env-vars file.json in SAM's format: `{"<logical id or function name>": {"VAR": "v"}, "Parameters":
// {"VAR": "v"}}`. As `sam local` does: Parameters apply to every function, a function's own entry
// wins over them, and only variables the function declares (Environment.Variables) are overridden.
import { readFileSync } from 'node:fs';
import type { FunctionConfig } from '../model.ts';
import { OptionsError } from '../options.ts';

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
 * (logical id first, else function name), for declared variables only; values stringified as SAM does.
 */
export function overriddenEnvironment(fn: FunctionConfig, file: EnvVarsFile): Record<string, string> {
  const overrides = { ...file.Parameters, ...(file[fn.logicalId] ?? file[fn.name]) };
  const env = { ...fn.environment };
  for (const name of Object.keys(env)) {
    if (Object.hasOwn(overrides, name)) env[name] = stringify(overrides[name]);
  }
  return env;
}

/** Apply the file to every function (in place); returns warnings for entries that change nothing. */
export function applyEnvVarsFile(functions: FunctionConfig[], file: EnvVarsFile): string[] {
  const warnings: string[] = [];
  for (const key of Object.keys(file)) {
    if (key === 'Parameters') continue;
    const fn = functions.find((f) => f.logicalId === key) ?? functions.find((f) => f.name === key);
    if (!fn) {
      warnings.push(`--env-vars: ${JSON.stringify(key)} matches no function of the template; ignored`);
      continue;
    }
    const undeclared = Object.keys(file[key]).filter((v) => !Object.hasOwn(fn.environment, v));
    if (undeclared.length) {
      warnings.push(`--env-vars: ${undeclared.join(', ')} for ${key} not set: only variables the function declares in Environment.Variables are overridden (as in sam local)`);
    }
  }
  for (const fn of functions) fn.environment = overriddenEnvironment(fn, file);
  return warnings;
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
