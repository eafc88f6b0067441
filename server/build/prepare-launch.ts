// What an environment actually starts, given the dev loop's settings: a TypeScript handler's code
// dir becomes its esbuild bundle (with --enable-source-maps), and the debugged function's Node
// runtime gets --inspect on the debug port. Everything else is started exactly as configured.
import type { FunctionVersion } from '../model.ts';
import type { RuntimeLaunch } from '../environment/runtimes.ts';
import { bundlePlan } from './bundle-plan.ts';
import { bundle, defaultCacheDir, holdBundle } from './typescript-bundle.ts';
import { type DebugTarget, waitPortFree } from './inspector.ts';

export interface DevContext {
  /** Where TypeScript bundles are cached (default: defaultCacheDir()). */
  cacheDir?: string;
  /** --debug / --debug-port: the function whose runtime listens for a debugger. */
  debug?: DebugTarget;
}

export type Prepared =
  | { fn: FunctionVersion; launch: RuntimeLaunch; /** Call when the environment is gone (its bundle may be pruned). */ release?: () => void }
  | { errorType: string; message: string; trace: string[] };

export async function prepareLaunch(fn: FunctionVersion, launch: RuntimeLaunch, dev: DevContext | undefined): Promise<Prepared> {
  let config = fn.config;
  let release: (() => void) | undefined;
  const planned = bundlePlan(config);
  if ('error' in planned) return { errorType: 'Runtime.ImportModuleError', message: `Error: cannot bundle the handler: ${planned.error}`, trace: [] };
  if ('plan' in planned) {
    const built = await bundle(config.codeDir, planned.plan, dev?.cacheDir ?? defaultCacheDir());
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
  let run = launch;
  const port = dev?.debug && dev.debug.functionName === fn.config.name ? dev.debug.port : undefined;
  if (port !== undefined && fn.config.runtime.startsWith('nodejs')) {
    // The previous environment's inspector may still be closing.
    await waitPortFree(port, 3000);
    run = {
      ...launch,
      command: (runtimeDir, taskRoot) => {
        const [node, ...rest] = launch.command(runtimeDir, taskRoot);
        return [node, `--inspect=127.0.0.1:${port}`, ...rest];
      },
    };
  }
  return config === fn.config && run === launch ? { fn, launch } : { fn: { ...fn, config }, launch: run, release };
}
