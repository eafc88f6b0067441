// The wait that ends an INIT or a SnapStart Restore: the first of the runtime reaching its gate, an
// error it posted, its worker's exit, or the phase's limit. The environment routes the runtime's
// signals to the attempt waiting (environment-init.ts, environment-restore.ts).
import type { ExitInfo } from './worker-process.ts';

/** What ends the wait for INIT's (or Restore's) gate. */
export type InitSignal =
  | { kind: 'ready' }
  | { kind: 'error'; payload: Buffer; errorType: string }
  | { kind: 'exit'; info: ExitInfo }
  | { kind: 'timeout' };

export class PhaseGate {
  private waiter: ((s: InitSignal) => void) | undefined;

  /** The worker runs and the phase waits for its gate. */
  get waiting(): boolean {
    return this.waiter !== undefined;
  }

  signal(s: InitSignal): void {
    this.waiter?.(s);
  }

  /** Arms the wait, then runs `start` (which starts the worker): the first signal or the limit ends it. */
  wait(limitMs: number, start: () => void): Promise<InitSignal> {
    return new Promise<InitSignal>((resolve) => {
      const timer = setTimeout(() => resolve({ kind: 'timeout' }), limitMs);
      this.waiter = (s) => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(s);
      };
      start();
    });
  }
}
