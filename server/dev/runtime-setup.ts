// What the functions run on, set up at start-up: the interpreter of each runtime (--runtime-path,
// version managers, --fetch-runtimes; one warning per function whose runtime's version or
// architecture cannot be honoured, an error with --strict-runtimes), their dependencies installed as
// sam build does (--build-dependencies), and where @aws-sdk/* comes from when a function lacks it.
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { FunctionConfig, TemplateWarning } from '../model.ts';
import { OptionsError, type Options } from '../options.ts';
import { RuntimeResolver } from '../environment/interpreters/runtime-resolver.ts';
import { underHostTmp } from '../environment/namespace-sandbox.ts';
import { EPHEMERA_ROOT } from '../environment/runtimes.ts';
import { dependenciesCacheDir, runtimesCacheDir } from '../build/cache-dirs.ts';
import { DependencyBuilds } from '../build/dependency-builds.ts';

export interface RuntimeSetup {
  runtimes: RuntimeResolver;
  dependencies?: DependencyBuilds;
  /** The project's folder (the template's), then ephemera's own: where @aws-sdk/* falls back to. */
  sdkDirs: string[];
  /** The runtime warnings known now (all of them, unless Node majors are being fetched). */
  warnings: TemplateWarning[];
  /** Settles once fetches and dependency builds are done; resolves with the warnings known only then. */
  ready: Promise<TemplateWarning[]>;
}

export function runtimeSetup(options: Options, functions: readonly FunctionConfig[], logger: Logger): RuntimeSetup {
  const runtimes = new RuntimeResolver({
    paths: options.runtimePaths, fetch: options.fetchRuntimes, cacheDir: runtimesCacheDir(), env: process.env,
  });
  const dependencies = options.buildDependencies ? new DependencyBuilds({ cacheDir: dependenciesCacheDir(), runtimes, log: logger }) : undefined;
  const check = (): TemplateWarning[] => {
    const warnings = functions
      .map((fn) => ({ resource: fn.logicalId, message: runtimes.problem(fn) }))
      .filter((w): w is TemplateWarning => w.message !== undefined);
    if (options.strictRuntimes && warnings.length > 0) {
      throw new OptionsError(`--strict-runtimes: ${warnings.map((w) => `${w.resource}: ${w.message}`).join('; ')}`);
    }
    return warnings;
  };
  const fetching = options.fetchRuntimes;
  const warnings = fetching ? [] : check();
  const fetched = fetching
    ? runtimes.prepare(functions.map((f) => f.runtime), ({ major, done, error }) => {
      if (error) logger.warn(`could not fetch Node ${major} from the npm registry: ${error}`);
      else if (done) logger.info(`fetched Node ${done}`);
      else logger.info(`fetching Node ${major} from the npm registry (node-linux-${process.arch}@${major}) for the functions that need it`);
    }).then(check)
    : Promise.resolve([]);
  const ready = fetched.then(async (late) => {
    await Promise.all(functions.map((fn) => dependencies?.forFunction(fn)));
    return late;
  });
  return { runtimes, dependencies, sdkDirs: sdkDirsFor(options.template), warnings, ready };
}

/** Where @aws-sdk/* falls back to for a function that lacks it: the project's folder, then ephemera's own. */
export function sdkDirsFor(template: string): string[] {
  return [dirname(template), EPHEMERA_ROOT];
}

/**
 * The start-up warning when a sandbox's private /tmp (namespace and cgroup isolation mount a tmpfs
 * over /tmp) hides folders the functions fall back to for @aws-sdk/*; undefined when none is hidden.
 */
export function hiddenSdkDirsWarning(level: string, sdkDirs: readonly string[]): string | undefined {
  if (level === 'process') return undefined;
  const hidden = sdkDirs.filter(underHostTmp);
  if (hidden.length === 0) return undefined;
  return `${level} isolation gives every environment its own /tmp, which hides ${hidden.join(' and ')} from the functions: ` +
    'a Node.js function without its own @aws-sdk/* cannot fall back to the copy there (its own node_modules work). ' +
    'Keep ephemera and the project outside /tmp, or use --isolation process';
}
