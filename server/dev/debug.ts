// --debug <function> / --debug-port <port>: which function's Node runtime starts with the inspector,
// checked against the template's functions (the launch itself is build/inspector.ts).
import type { DebugTarget } from '../build/inspector.ts';
import type { FunctionConfig } from '../model.ts';
import { OptionsError } from '../options.ts';

export const DEFAULT_DEBUG_PORT = 9229;

/**
 * The debug target from --debug and --debug-port, checked against the template's functions: the
 * named function (or the only one, when just a port is given) must exist and run on Node.
 */
export function debugTarget(functionName: string | undefined, port: number | undefined, functions: readonly FunctionConfig[]): DebugTarget | undefined {
  if (functionName === undefined && port === undefined) return undefined;
  let fn: FunctionConfig | undefined;
  if (functionName === undefined) {
    if (functions.length !== 1) {
      throw new OptionsError(`--debug-port needs --debug <function> when the template has ${functions.length} functions (${functions.map((f) => f.name).join(', ')})`);
    }
    fn = functions[0];
  } else {
    fn = functions.find((f) => f.name === functionName || f.logicalId === functionName);
    if (!fn) throw new OptionsError(`--debug ${functionName}: no such function in the template (${functions.map((f) => f.name).join(', ')})`);
  }
  if (!fn.runtime.startsWith('nodejs')) throw new OptionsError(`--debug ${fn.name}: only Node.js functions can be debugged (this one runs ${fn.runtime})`);
  const p = port ?? DEFAULT_DEBUG_PORT;
  if (p < 1 || p > 65535) throw new OptionsError(`--debug-port must be from 1 to 65535, got ${p}`);
  return { functionName: fn.name, port: p };
}
