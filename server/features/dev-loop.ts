// The dev loop while the emulator runs: --watch redeploys a function when its code or layers change
// (like `sam sync`: AutoPublishAlias functions get a new version and the alias moves; environments
// are recycled). Its start-up part (--env-vars, --debug) is applied to the template in base.ts.
import type { DebugTarget } from '../build/inspector.ts';
import { CodeWatcher } from '../dev/code-watcher.ts';
import { republishAutoAliases } from '../registry/template-versions.ts';
import type { Base } from './base.ts';
import type { Feature } from './feature.ts';
import type { InvocationCore } from './invocation-core.ts';

export class DevLoop implements Feature {
  /** --watch: the code watcher (its `ready` settles once the initial scan is done). */
  readonly watcher: CodeWatcher | undefined;
  /** --debug / --debug-port: the function whose runtime listens for a debugger, and the port. */
  readonly debugTarget: DebugTarget | undefined;
  /** Settles once Node majors are fetched (--fetch-runtimes) and dependencies built (--build-dependencies). */
  readonly ready: Promise<void>;

  constructor(base: Base, core: InvocationCore) {
    const { options, template, logger } = base;
    const { registry, pool } = core;
    this.debugTarget = base.dev.debug;
    this.ready = base.devReady;
    const recycler = {
      recycle: (name: string, reason: string): Promise<number> => {
        const version = republishAutoAliases(registry, template, name);
        if (version) logger.info(`${name}: published version ${version} for its AutoPublishAlias`);
        // A changed requirements.txt or package.json: its dependencies are installed again, starting now.
        const config = registry.entry(name)?.latest.fv.config;
        if (config) void base.dev.dependencies?.forFunction(config);
        return pool.recycle(name, reason);
      },
    };
    this.watcher = options.watch
      ? new CodeWatcher(template.functions, recycler, logger, undefined, options.dataDir === undefined ? [] : [options.dataDir])
      : undefined;
  }

  async close(): Promise<void> {
    await this.watcher?.close();
  }
}
