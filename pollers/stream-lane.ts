// One ordered lane of a shard (ParallelizationFactor lanes per shard; a partition key always maps to the
// same lane): gathers batches (BatchSize, MaximumBatchingWindowInSeconds, the 6 MB cap, one tumbling
// window at a time), runs them one after another, and closes tumbling windows with a final invoke.
import { type BatchContext, type Item, runBatch } from './stream-batch.ts';
import { type Window, stateTooLarge, windowEnvelope, windowOf } from './tumbling-window.ts';

/** Lambda's invoke payload limit; a batch's event stays under it. */
export const MAX_BATCH_BYTES = 6 * 1024 * 1024;
const ENVELOPE_RESERVE = 2048;

interface Queued extends Item {
  queuedAt: number;
}

export class StreamLane {
  private readonly ctx: BatchContext;
  private readonly items: Queued[] = [];
  /** Sum of `size` over `items`. */
  private bytes = 0;
  /** When the reader last saw the shard's end (no backlog), epoch ms. */
  private readonly caughtUpAt: () => number;
  private readonly onDrain: () => void;
  private wakeUp?: () => void;
  private window?: { w: Window; state: Record<string, unknown> };
  private ending = false;

  constructor(ctx: BatchContext, caughtUpAt: () => number, onDrain: () => void) {
    this.ctx = ctx;
    this.caughtUpAt = caughtUpAt;
    this.onDrain = onDrain;
  }

  push(items: Item[]): void {
    const now = this.ctx.deps.clock.now();
    for (const i of items) {
      this.items.push({ ...i, queuedAt: now });
      this.bytes += i.size;
    }
    this.wake();
  }

  /** No more records will come (the shard ended, or the poller stops): return once the queue is empty. */
  end(): void {
    this.ending = true;
    this.wake();
  }

  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  pending(): number {
    return this.items.length;
  }

  /** Event bytes of the records not yet resolved. */
  pendingBytes(): number {
    return this.bytes;
  }

  /** The sequence number of the oldest record not yet resolved (in flight counts as pending). */
  firstPending(): string | undefined {
    return this.items[0]?.record.sequenceNumber;
  }

  /** Wait for new records, a wake-up, or `ms` (capped), whichever comes first. */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.ctx.deps.clock.setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, Math.max(1, Math.min(ms, 60_000)));
      this.wakeUp = () => {
        cancel();
        resolve();
      };
    });
  }

  async run(): Promise<void> {
    const { config, deps: { clock } } = this.ctx;
    const tumbling = config.tumblingWindowInSeconds;
    const batchWindowMs = config.maximumBatchingWindowInSeconds * 1000;
    while (!this.ctx.stopped()) {
      if (this.window && this.windowClosed()) {
        if (!(await this.finalInvoke(false))) return;
        continue;
      }
      if (this.items.length === 0) {
        if (this.ending) {
          if (this.window) await this.finalInvoke(false);
          return;
        }
        await this.idle(this.window ? this.window.w.end - clock.now() + 1 : 60_000);
        continue;
      }
      const head = this.items[0];
      const w = tumbling > 0 ? windowOf(head.record.arrival, tumbling) : undefined;
      const { count, full } = this.batchExtent(w);
      const waitLeft = head.queuedAt + batchWindowMs - clock.now();
      if (!full && waitLeft > 0) {
        await this.idle(waitLeft);
        continue;
      }
      const batch = this.items.slice(0, count);
      if (w && (!this.window || this.window.w.start !== w.start)) this.window = { w, state: {} };
      const current = this.window;
      const shardId = this.ctx.shardId;
      const result = await runBatch(this.ctx, batch, current ? {
        state: current.state,
        envelope: (state) => windowEnvelope(current.w, state, shardId, this.ctx.streamArn, false, false),
      } : undefined);
      for (const done of this.items.splice(0, result.resolved)) this.bytes -= done.size;
      this.onDrain();
      if (current && result.state) {
        current.state = result.state;
        if (stateTooLarge(current.state) && !(await this.finalInvoke(true))) return;
      }
    }
  }

  /** How many head records form the next batch, and whether it is full (no reason to wait longer). */
  private batchExtent(w: Window | undefined): { count: number; full: boolean } {
    const limit = MAX_BATCH_BYTES - ENVELOPE_RESERVE - (this.window ? Buffer.byteLength(JSON.stringify(this.window.state)) : 0);
    let bytes = 0;
    let count = 0;
    for (const item of this.items) {
      if (count >= this.ctx.config.batchSize) return { count, full: true };
      if (w && item.record.arrival >= w.end) return { count, full: true };
      if (count > 0 && bytes + item.size > limit) return { count, full: true };
      bytes += item.size;
      count++;
    }
    return { count, full: count >= this.ctx.config.batchSize };
  }

  /** The current tumbling window is over: a later record is queued, or time passed its end and the reader caught up. */
  private windowClosed(): boolean {
    const w = this.window!.w;
    const head = this.items[0];
    if (head) return head.record.arrival >= w.end;
    return this.ctx.deps.clock.now() >= w.end && this.caughtUpAt() >= w.end;
  }

  /** The window's last invoke: no records, the aggregated state, isFinalInvokeForWindow; retried until it succeeds. */
  private async finalInvoke(early: boolean): Promise<boolean> {
    const { config, deps, counters } = this.ctx;
    const current = this.window!;
    const payload = Buffer.from(JSON.stringify({
      Records: [], ...windowEnvelope(current.w, current.state, this.ctx.shardId, this.ctx.streamArn, true, early),
    }));
    let attempt = 0;
    while (!this.ctx.stopped()) {
      counters.invocations = (counters.invocations ?? 0) + 1;
      try {
        const out = await deps.invoker.invoke(config.functionArn, payload);
        if (!out.functionError) {
          counters.windowsClosed = (counters.windowsClosed ?? 0) + 1;
          this.window = early ? { w: current.w, state: {} } : undefined;
          return true;
        }
      } catch (err) {
        deps.logger.warn(`stream mapping ${config.uuid} ${this.ctx.shardId}: final window invoke did not run: ${(err as Error).message}`);
      }
      this.ctx.setResult('PROBLEM: Function call failed');
      attempt++;
      await this.ctx.sleep(Math.min(1000 * 2 ** (attempt - 1), 30_000) * deps.timeScale);
    }
    return false;
  }
}
