// The dev loop's start-up part: --env-vars applied to the template's functions, what the functions
// run on (runtime-setup.ts), the --debug target resolved (its function limited to one environment, as
// there is one debug port), and the context environments get (runtimes, dependencies, bundle cache,
// leak tracking, debug target).
import type { Logger } from 'pino';
import type { FunctionConfig, TemplateWarning } from '../model.ts';
import type { Options } from '../options.ts';
import type { DevContext } from '../build/prepare-launch.ts';
import { debugTarget } from './debug.ts';
import { applyEnvVarsFile, loadEnvVarsFile } from './env-vars-file.ts';
import { runtimeSetup } from './runtime-setup.ts';

export interface DevSetup {
  context: DevContext;
  /** For the start-up warning. */
  warnings: string[];
  /** Worth a line at start-up (variables --env-vars added). */
  notes: string[];
  /** One per function whose runtime cannot be honoured (known at start-up). */
  runtimeWarnings: TemplateWarning[];
  /** Settles once Node majors are fetched (--fetch-runtimes) and dependencies built; with the warnings known only then. */
  ready: Promise<TemplateWarning[]>;
}

/** Applies --env-vars and --debug to the functions (in place) and returns the environments' context. */
export function devSetup(options: Options, functions: FunctionConfig[], logger: Logger): DevSetup {
  const { warnings, notes } = options.envVars === undefined ? { warnings: [], notes: [] } : applyEnvVarsFile(functions, loadEnvVarsFile(options.envVars));
  const runtimes = runtimeSetup(options, functions, logger);
  const debug = debugTarget(options.debug, options.debugPort, functions, runtimes.runtimes);
  if (debug) {
    const fn = functions.find((f) => f.name === debug.functionName)!;
    if (fn.reservedConcurrency !== 0) fn.reservedConcurrency = 1;
    if (fn.provisionedConcurrency) {
      warnings.push(`--debug ${fn.name}: provisioned concurrency is not applied while debugging (one environment at a time)`);
      delete fn.provisionedConcurrency;
    }
  }
  const context: DevContext = {
    runtimes: runtimes.runtimes, dependencies: runtimes.dependencies, sdkDirs: runtimes.sdkDirs, leaks: options.leaks !== 'off', ...(debug ? { debug } : {}),
  };
  return { context, warnings, notes, runtimeWarnings: runtimes.warnings, ready: runtimes.ready };
}
