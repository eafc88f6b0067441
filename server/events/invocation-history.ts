// The recent invocations (GET /_ephemera/invocations and the web view): a bounded ring, newest last,
// so the emulator's memory does not grow with the number of invocations. Logs are kept as their
// LogBuffer (already bounded) and joined only when someone asks.
import type { LogBuffer } from '../environment/function-log.ts';
import type { EventBus, InvocationRecord } from './event-bus.ts';

export type PendingRecord = Omit<InvocationRecord, 'log' | 'type'> & { log: LogBuffer };

export class InvocationHistory {
  private readonly ring: Array<PendingRecord | undefined>;
  private next = 0;
  private count = 0;
  private readonly bus: EventBus | undefined;

  constructor(capacity = 100, bus?: EventBus) {
    this.ring = new Array<PendingRecord | undefined>(Math.max(1, capacity));
    this.bus = bus;
  }

  get capacity(): number {
    return this.ring.length;
  }

  add(record: PendingRecord): void {
    this.ring[this.next] = record;
    this.next = (this.next + 1) % this.ring.length;
    if (this.count < this.ring.length) this.count++;
    if (this.bus?.active) this.bus.publish(render(record));
  }

  /** Newest first, at most `limit`, optionally of one function. */
  list(opts: { function?: string; limit?: number } = {}): InvocationRecord[] {
    const out: InvocationRecord[] = [];
    const limit = opts.limit ?? this.ring.length;
    for (let i = 1; i <= this.count && out.length < limit; i++) {
      const r = this.ring[(this.next - i + this.ring.length) % this.ring.length]!;
      if (opts.function === undefined || r.function === opts.function) out.push(render(r));
    }
    return out;
  }
}

function render(r: PendingRecord): InvocationRecord {
  return { type: 'invocation', ...r, log: r.log.text() };
}
