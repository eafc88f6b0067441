// --watch: chokidar on every function's code directory and layers. After a change (debounced), the
// affected functions' environments are recycled: idle ones shut down now, busy ones retire after
// their current invoke, so the next invoke is a cold start of the new code. One log line per reload.
import { relative, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import type { Logger } from 'pino';
import type { FunctionConfig } from '../model.ts';
import { defaultCacheDir } from '../build/typescript-bundle.ts';

export interface Recycler {
  /** Retire every environment of a function; resolves with how many there were. */
  recycle(functionName: string, reason: string): Promise<number>;
}

export interface Reload {
  functions: string[];
  /** Changed paths (relative to the code dir or layer they are in). */
  files: string[];
  environments: number;
}

/** Paths never watched: VCS data, build output, and code dirs' node_modules (layers keep theirs); also the bundle cache. */
const ALWAYS_IGNORED = /(^|[\\/])(\.git|\.aws-sam|\.hg|\.svn)([\\/]|$)/;
const NODE_MODULES = /(^|[\\/])node_modules([\\/]|$)/;

export class CodeWatcher {
  /** Settles once the initial scan is done (changes before it may be missed). */
  readonly ready: Promise<void>;
  private readonly watcher: FSWatcher;
  private readonly roots: Array<{ dir: string; functions: string[]; layer: boolean }> = [];
  private readonly pending = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly recycler: Recycler;
  private readonly logger: Logger;
  private readonly debounceMs: number;
  /** The bundle cache and --data-dir may sit inside a code dir: their writes are the emulator's own. */
  private readonly ownDirs: string[];
  private readonly reloadListeners = new Set<(r: Reload) => void>();

  constructor(functions: readonly FunctionConfig[], recycler: Recycler, logger: Logger, debounceMs = 50, ownDirs: readonly string[] = []) {
    this.ownDirs = [defaultCacheDir(), ...ownDirs];
    this.recycler = recycler;
    this.logger = logger;
    this.debounceMs = debounceMs;
    const add = (dir: string, fn: string, layer: boolean): void => {
      const root = this.roots.find((r) => r.dir === dir);
      if (root) {
        if (!root.functions.includes(fn)) root.functions.push(fn);
        root.layer ||= layer;
      } else {
        this.roots.push({ dir, functions: [fn], layer });
      }
    };
    for (const fn of functions) {
      add(fn.codeDir, fn.name, false);
      for (const layer of fn.layers ?? []) add(layer, fn.name, true);
    }
    this.watcher = watch(this.roots.map((r) => r.dir), {
      ignoreInitial: true,
      ignored: (path: string) => this.ignored(path),
    });
    this.ready = new Promise((resolve) => this.watcher.once('ready', () => resolve()));
    this.watcher.on('all', (event, path) => {
      if (event === 'add' || event === 'change' || event === 'unlink' || event === 'addDir' || event === 'unlinkDir') this.changed(path);
    });
    this.watcher.on('error', (err) => this.logger.warn({ err }, 'watch: error while watching function code'));
  }
  /** Calls `listener` after each reload (tests, the bench); returns what removes it. */
  onReload(listener: (r: Reload) => void): () => void {
    this.reloadListeners.add(listener);
    return () => this.reloadListeners.delete(listener);
  }


  /** How many directories are watched (code dirs and layers). */
  get directories(): number {
    return this.roots.length;
  }

  private ignored(path: string): boolean {
    // The TypeScript bundle cache ($EPHEMERA_CACHE_DIR) or --data-dir may sit inside a code dir: their writes are ours.
    if (this.ownDirs.some((d) => path === d || path.startsWith(d + sep))) return true;
    const roots = this.rootsOf(path);
    const inside = (re: RegExp): boolean => roots.some((r) => re.test(relative(r.dir, path)));
    if (inside(ALWAYS_IGNORED)) return true;
    // node_modules inside a layer is the layer's content; inside a code dir it is not watched.
    return !roots.some((r) => r.layer) && inside(NODE_MODULES);
  }

  private rootsOf(path: string): Array<{ dir: string; functions: string[]; layer: boolean }> {
    return this.roots.filter((r) => path === r.dir || path.startsWith(r.dir + sep));
  }

  private changed(path: string): void {
    for (const root of this.rootsOf(path)) {
      for (const fn of root.functions) {
        const files = this.pending.get(fn) ?? new Set<string>();
        files.add(relative(root.dir, path) || '.');
        this.pending.set(fn, files);
      }
    }
    if (this.pending.size === 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.flush().catch((err: unknown) => this.logger.error({ err }, 'reload failed; the next change tries again'));
    }, this.debounceMs);
  }

  private async flush(): Promise<void> {
    if (this.closed) return;
    const batch = [...this.pending];
    this.pending.clear();
    const files = [...new Set(batch.flatMap(([, f]) => [...f]))].sort();
    const functions = batch.map(([fn]) => fn).sort();
    let environments = 0;
    for (const fn of functions) environments += await this.recycler.recycle(fn, `code changed (${files[0]})`);
    const shown = files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');
    this.logger.info({ functions, files, environments }, `reload: ${functions.join(', ')} (${shown} changed; ${environments} environment${environments === 1 ? '' : 's'} retired)`);
    for (const listener of this.reloadListeners) listener({ functions, files, environments });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.watcher.close();
  }
}
