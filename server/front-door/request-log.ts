// The front door's recent HTTP requests (GET /_ephemera/http-requests and the web view's live feed):
// a bounded ring, published on the event bus when someone listens.
import type { EventBus, HttpRequestRecord } from '../events/event-bus.ts';
import { Ring } from '../events/ring.ts';

export class RequestLog {
  private readonly ring: Ring<HttpRequestRecord>;
  private readonly bus: EventBus | undefined;

  constructor(capacity = 100, bus?: EventBus) {
    this.ring = new Ring(capacity);
    this.bus = bus;
  }

  add(record: HttpRequestRecord): void {
    this.ring.push(record);
    if (this.bus?.active) this.bus.publish(record);
  }

  /** Newest first, at most `limit`. */
  list(limit?: number): HttpRequestRecord[] {
    return this.ring.newest(limit);
  }
}
