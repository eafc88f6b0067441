// --debug <function> / --debug-port <port>: which function's runtime listens for a debugger (Node's
// inspector; for Python, debugpy, when the function's interpreter has it), checked against the
// template's functions (the launch itself is build/inspector.ts and build/prepare-launch.ts).
import type { DebugTarget } from '../build/inspector.ts';
import type { InterpreterSource } from '../environment/runtimes.ts';
import type { FunctionConfig } from '../model.ts';
import { OptionsError } from '../options.ts';

export const DEFAULT_DEBUG_PORT = 9229;

/**
 * The debug target from --debug and --debug-port, checked against the template's functions: the
 * named function (or the only one, when just a port is given) must exist and run on Node, or on a
 * Python that has debugpy.
 */
export function debugTarget(
  functionName: string | undefined, port: number | undefined, functions: readonly FunctionConfig[], runtimes?: InterpreterSource,
): DebugTarget | undefined {
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
  if (fn.runtime.startsWith('python')) {
    const python = runtimes?.resolve(fn.runtime);
    if (python && 'interpreter' in python && !python.interpreter.modules?.includes('debugpy')) {
      const exe = python.interpreter.path;
      throw new OptionsError(
        `--debug ${fn.name}: Python functions are debugged with debugpy, and ${exe} (Python ${python.interpreter.version}, which runs ${fn.runtime}) ` +
        `does not have it: install it with \`${exe} -m pip install debugpy\` (or Debian's python3-debugpy for /usr/bin/python3)`,
      );
    }
  } else if (!fn.runtime.startsWith('nodejs')) {
    throw new OptionsError(`--debug ${fn.name}: only Node.js and Python functions can be debugged (this one runs ${fn.runtime})`);
  }
  const p = port ?? DEFAULT_DEBUG_PORT;
  if (p < 1 || p > 65535) throw new OptionsError(`--debug-port must be from 1 to 65535, got ${p}`);
  return { functionName: fn.name, port: p };
}
