// What an environment actually starts, given the emulator's launch context: the dependencies built
// for the function, a TypeScript handler's code dir turned into its esbuild bundle (with
// --enable-source-maps), the settings our runtime clients read (leak tracking, where @aws-sdk/* is
// found), and the debugged function's runtime listening for a debugger (Node's inspector, debugpy).
import type { FunctionVersion } from '../model.ts';
import type { RuntimeLaunch, InterpreterSource, RuntimeSettings } from '../environment/runtimes.ts';
import { bundlePlan } from './bundle-plan.ts';
import { bundle, defaultCacheDir, holdBundle } from './typescript-bundle.ts';
import type { DependencyBuilds } from './dependency-builds.ts';
import { type DebugTarget, waitPortFree } from './inspector.ts';

export interface DevContext {
  /** Where TypeScript bundles are cached (default: defaultCacheDir()). */
  cacheDir?: string;
  /** --debug / --debug-port: the function whose runtime listens for a debugger. */
  debug?: DebugTarget;
  /** Which interpreter runs each runtime (default: runtimes.ts's defaultRuntimes()). */
  runtimes?: InterpreterSource;
  /** --build-dependencies: dependencies installed for functions as sam build does. */
  dependencies?: DependencyBuilds;
  /** Our runtime clients track leaks (--leaks warn|error). */
  leaks?: boolean;
  /** Where @aws-sdk/* is found when a function's code does not carry it: the project's folder, then ephemera's. */
  sdkDirs?: string[];
}

export type Prepared =
  | { fn: FunctionVersion; launch: RuntimeLaunch; /** Call when the environment is gone (its bundle may be pruned). */ release?: () => void }
  | { errorType: string; message: string; trace: string[] };

export async function prepareLaunch(fn: FunctionVersion, launch: RuntimeLaunch, dev: DevContext | undefined): Promise<Prepared> {
  let config = fn.config;
  let release: (() => void) | undefined;
  const dependencyDir = await dev?.dependencies?.forFunction(config);
  const planned = bundlePlan(config);
  if ('error' in planned) return { errorType: 'Runtime.ImportModuleError', message: `Error: cannot bundle the handler: ${planned.error}`, trace: [] };
  if ('plan' in planned) {
    const nodePaths = dependencyDir ? [`${dependencyDir}/node_modules`] : [];
    const built = await bundle(config.codeDir, planned.plan, dev?.cacheDir ?? defaultCacheDir(), nodePaths);
    if ('errors' in built) {
      const first = built.errors[0];
      const more = built.errors.filter((l) => !l.startsWith('    ')).length - 1;
      const message = `SyntaxError: esbuild could not bundle ${planned.plan.entryPoints.join(', ')}: ${first}${more > 0 ? ` (and ${more} more)` : ''}`;
      return { errorType: 'Runtime.UserCodeSyntaxError', message, trace: built.errors };
    }
    release = holdBundle(built.dir);
    const environment = { ...config.environment };
    if (planned.plan.sourcemap) environment.NODE_OPTIONS = [environment.NODE_OPTIONS, '--enable-source-maps'].filter(Boolean).join(' ');
    config = { ...config, codeDir: built.dir, environment };
  }
  let run: RuntimeLaunch = launch.family === 'provided' ? launch : { ...launch, settings: settingsFor(launch, dev), ...(dependencyDir ? { dependencyDir } : {}) };
  const port = dev?.debug && dev.debug.functionName === fn.config.name ? dev.debug.port : undefined;
  if (port !== undefined && launch.family !== 'provided') {
    // The previous environment's debugger may still be closing.
    await waitPortFree(port, 3000);
    run = { ...run, command: debugCommand(run, port) };
  }
  return config === fn.config && run === launch ? { fn, launch } : { fn: { ...fn, config }, launch: run, release };
}

function settingsFor(launch: RuntimeLaunch, dev: DevContext | undefined): RuntimeSettings {
  return {
    ...(dev?.leaks ? { leaks: true } : {}),
    ...(launch.family === 'nodejs' && dev?.sdkDirs?.length ? { sdkDirs: dev.sdkDirs } : {}),
  };
}

/**
 * The command with the debugger: Node's `--inspect=127.0.0.1:<port>`, or debugpy's `-m debugpy
 * --listen 127.0.0.1:<port>` for Python (from 3.11 with frozen modules off, as debugpy asks, or it may
 * miss breakpoints). Both go before the runtime's script, which stays last (as a wrapper expects it).
 */
function debugCommand(launch: RuntimeLaunch, port: number): RuntimeLaunch['command'] {
  const frozen = /^python:3\.(\d+)/.exec(launch.version);
  const debugpy = [...(frozen && Number(frozen[1]) >= 11 ? ['-X', 'frozen_modules=off'] : []), '-m', 'debugpy', '--listen', `127.0.0.1:${port}`];
  const debugArgs = launch.family === 'nodejs' ? [`--inspect=127.0.0.1:${port}`] : debugpy;
  return (runtimeDir, taskRoot, langDir, heapLimits) => {
    const command = launch.command(runtimeDir, taskRoot, langDir, heapLimits);
    // Node: right after the interpreter; Python: interpreter options first, `-m debugpy` then runs the script.
    const at = launch.family === 'nodejs' ? 1 : command.length - 1;
    return [...command.slice(0, at), ...debugArgs, ...command.slice(at)];
  };
}
