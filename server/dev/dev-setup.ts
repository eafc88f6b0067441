// The dev loop's start-up part: --env-vars applied to the template's functions, the --debug target
// resolved (its function limited to one environment, as there is one inspector port), and the
// context environments get (bundle cache, debug target).
import type { FunctionConfig } from '../model.ts';
import type { Options } from '../options.ts';
import type { DevContext } from '../build/prepare-launch.ts';
import { debugTarget } from './debug.ts';
import { applyEnvVarsFile, loadEnvVarsFile } from './env-vars-file.ts';

export interface DevSetup {
  context: DevContext;
  /** For the start-up warning. */
  warnings: string[];
}

/** Applies --env-vars and --debug to the functions (in place) and returns the environments' context. */
export function devSetup(options: Options, functions: FunctionConfig[]): DevSetup {
  const warnings = options.envVars === undefined ? [] : applyEnvVarsFile(functions, loadEnvVarsFile(options.envVars));
  const debug = debugTarget(options.debug, options.debugPort, functions);
  if (debug) {
    const fn = functions.find((f) => f.name === debug.functionName)!;
    if (fn.reservedConcurrency !== 0) fn.reservedConcurrency = 1;
    if (fn.provisionedConcurrency) {
      warnings.push(`--debug ${fn.name}: provisioned concurrency is not applied while debugging (one environment at a time)`);
      delete fn.provisionedConcurrency;
    }
  }
  return { context: debug ? { debug } : {}, warnings };
}
