// --watch for routes: a change to the template file reloads the front door's APIs and template
// function URLs (debounced; a template that no longer loads keeps the routes it had, with an error line).
import { type FSWatcher, watch } from 'chokidar';
import type { Logger } from 'pino';

export class TemplateWatcher {
  readonly ready: Promise<void>;
  private readonly watcher: FSWatcher;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly reloadListeners = new Set<(ok: boolean) => void>();

  constructor(files: readonly string[], reload: () => string, logger: Logger, debounceMs = 50) {
    this.watcher = watch([...files], { ignoreInitial: true });
    this.ready = new Promise((resolve) => this.watcher.once('ready', () => resolve()));
    this.watcher.on('all', (event) => {
      if (event !== 'change' && event !== 'add') return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        if (this.closed) return;
        try {
          logger.info(`reload: routes (${reload()})`);
          for (const listener of this.reloadListeners) listener(true);
        } catch (err) {
          logger.error(`reload: the template does not load, routes unchanged: ${(err as Error).message}`);
          for (const listener of this.reloadListeners) listener(false);
        }
      }, debounceMs);
    });
    this.watcher.on('error', (err) => logger.warn({ err }, 'watch: error while watching the template'));
  }

  /** Calls `listener` after each reload attempt, with whether the template loaded (tests); returns what removes it. */
  onReload(listener: (ok: boolean) => void): () => void {
    this.reloadListeners.add(listener);
    return () => this.reloadListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.watcher.close();
  }
}
