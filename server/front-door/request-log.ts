// The front door's recent HTTP requests (GET /_ephemera/http-requests and the web view's live feed):
// a bounded ring, newest last, published on the event bus when someone listens.
import type { EventBus, HttpRequestRecord } from '../events/event-bus.ts';

export class RequestLog {
  private readonly ring: Array<HttpRequestRecord | undefined>;
  private next = 0;
  private count = 0;
  private readonly bus: EventBus | undefined;

  constructor(capacity = 100, bus?: EventBus) {
    this.ring = new Array<HttpRequestRecord | undefined>(Math.max(1, capacity));
    this.bus = bus;
  }

  add(record: HttpRequestRecord): void {
    this.ring[this.next] = record;
    this.next = (this.next + 1) % this.ring.length;
    if (this.count < this.ring.length) this.count++;
    if (this.bus?.active) this.bus.publish(record);
  }

  /** Newest first, at most `limit`. */
  list(limit = this.ring.length): HttpRequestRecord[] {
    const out: HttpRequestRecord[] = [];
    for (let i = 1; i <= this.count && out.length < limit; i++) out.push(this.ring[(this.next - i + this.ring.length) % this.ring.length]!);
    return out;
  }
}
