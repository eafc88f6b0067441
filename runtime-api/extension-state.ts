// The extensions registered with one environment: who they are, which events they take, and
// whether each is parked in /event/next. Events are queued until the extension asks for them.
import type { ServerResponse } from 'node:http';

export type ExtensionEventType = 'INVOKE' | 'SHUTDOWN';

export interface ExtensionEvent {
  eventType: ExtensionEventType;
  deadlineMs: number;
  requestId?: string;
  invokedFunctionArn?: string;
  tracing?: { type: 'X-Amzn-Trace-Id'; value: string };
  shutdownReason?: 'spindown' | 'timeout' | 'failure';
}

export interface Extension {
  id: string;
  name: string;
  events: Set<ExtensionEventType>;
  /** Launched from /opt/extensions (else it registered from inside the runtime process). */
  external: boolean;
  parked: ServerResponse | undefined;
  queue: ExtensionEvent[];
  /** Called /event/next at least once (INIT waits for it). */
  readyOnce: boolean;
}

export const MAX_EXTENSIONS = 10;

export class ExtensionRegistry {
  readonly byId = new Map<string, Extension>();
  closed = false;

  get all(): Extension[] {
    return [...this.byId.values()];
  }

  subscribers(type: ExtensionEventType): Extension[] {
    return this.all.filter((e) => e.events.has(type));
  }

  /** Every extension has asked for its next event and none has one waiting. */
  allParked(type?: ExtensionEventType): boolean {
    if (this.byId.size === 0) return true; // the common case, on every invoke: no allocation
    const list = type ? this.subscribers(type) : this.all;
    return list.every((e) => e.parked !== undefined && e.queue.length === 0);
  }

  /** Queue an event for every subscriber and hand it over to those parked in /event/next. */
  post(event: ExtensionEvent, deliver: (res: ServerResponse, ext: Extension, event: ExtensionEvent) => void): void {
    for (const ext of this.subscribers(event.eventType)) {
      ext.queue.push(event);
      this.flush(ext, deliver);
    }
  }

  flush(ext: Extension, deliver: (res: ServerResponse, ext: Extension, event: ExtensionEvent) => void): void {
    const res = ext.parked;
    const event = ext.queue[0];
    if (!res || !event) return;
    ext.parked = undefined;
    ext.queue.shift();
    deliver(res, ext, event);
  }
}
