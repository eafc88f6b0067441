// The recent invocations (GET /_ephemera/invocations and the web view): a bounded ring, newest last,
// so the emulator's memory does not grow with the number of invocations. Logs are kept as their
// LogBuffer (already bounded) and joined only when someone asks.
import type { LogBuffer } from '../environment/function-log.ts';
import type { EventBus, InvocationRecord } from './event-bus.ts';
import { Ring } from './ring.ts';

export type PendingRecord = Omit<InvocationRecord, 'log' | 'type'> & { log: LogBuffer };

export class InvocationHistory {
  private readonly ring: Ring<PendingRecord>;
  private readonly bus: EventBus | undefined;

  constructor(capacity = 100, bus?: EventBus) {
    this.ring = new Ring(capacity);
    this.bus = bus;
  }

  get capacity(): number {
    return this.ring.capacity;
  }

  add(record: PendingRecord): void {
    this.ring.push(record);
    if (this.bus?.active) this.bus.publish(render(record));
  }

  /** Newest first, at most `limit`, optionally of one function. */
  list(opts: { function?: string; limit?: number } = {}): InvocationRecord[] {
    return this.ring.newest(opts.limit, (r) => opts.function === undefined || r.function === opts.function).map(render);
  }
}

function render(r: PendingRecord): InvocationRecord {
  return { type: 'invocation', ...r, log: r.log.text() };
}
