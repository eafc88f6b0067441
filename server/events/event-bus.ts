// What the web view watches live: environment state changes (INIT, INVOKE, frozen, shut down) and
// finished invocations, fanned out to subscribers (GET /_ephemera/events). Publishers check `active`
// first, so with nobody listening an event costs one property read and no allocation.
import type { HandleLeak } from '../../runtime-api/host.ts';

/** An environment's state as the web view names it. */
export type EnvironmentPhase = 'initializing' | 'invoking' | 'idle' | 'frozen' | 'failed' | 'shutting-down' | 'terminated';

export interface EnvironmentEvent {
  type: 'environment';
  /** Epoch milliseconds. */
  at: number;
  id: string;
  function: string;
  version: string;
  phase: EnvironmentPhase;
  /** The state machine's own name (Initializing, Idle, Invoking...). */
  state: string;
  frozen: boolean;
  pid: number | null;
  invocations: number;
  /** Invocations running now, and how many the environment runs at once (1; more on Lambda Managed Instances). */
  inFlight: number;
  capacity: number;
  /** The invocation being run (phase invoking). */
  requestId?: string;
  reason?: string;
}

export interface InvocationRecord {
  type: 'invocation';
  requestId: string;
  function: string;
  version: string;
  environment: string;
  cold: boolean;
  /** success, error (the function's), timeout, failure (the platform's: crash, init failure...). */
  status: string;
  errorType?: string;
  /** Epoch milliseconds: when the invocation started and when its REPORT was written. */
  startedAt: number;
  endedAt: number;
  durationMs: number;
  initDurationMs?: number;
  maxMemoryUsedMB: number;
  leaks: HandleLeak[];
  /** The invocation's log, INIT_START/START … REPORT (the last 8 KB). */
  log: string;
}

/** One request through the HTTP front door (API Gateway APIs and function URLs, server/front-door/). */
export interface HttpRequestRecord {
  type: 'http';
  /** Epoch milliseconds the request arrived. */
  at: number;
  /** REST API, HTTP API or function URL. */
  door: 'REST' | 'HTTP' | 'URL';
  /** The API's logical id, or the function of a function URL. */
  target: string;
  method: string;
  /** Path and query as sent. */
  path: string;
  status: number;
  /** The matched route key (`GET /pets/{id}`, `$default`). */
  route?: string;
  /** The invocation the request ran (its request id), if any. */
  invocationId?: string;
  durationMs: number;
  /** Why the front door answered itself (no route, authorizer denied, malformed response...). */
  detail?: string;
}

export type EphemeraEvent = EnvironmentEvent | InvocationRecord | HttpRequestRecord;
export type Listener = (event: EphemeraEvent) => void;

/** The part of an execution environment an EnvironmentEvent is made of. */
export interface EnvironmentLike {
  readonly id: string;
  readonly fn: { config: { name: string }; version: string };
  readonly state: string;
  readonly frozen: boolean;
  readonly pid: number | undefined;
  readonly invocations: number;
  readonly inFlight?: number;
  readonly capacity?: number;
}

export function phaseOf(state: string, frozen: boolean): EnvironmentPhase {
  switch (state) {
    case 'Created':
    case 'Initializing': return 'initializing';
    case 'Invoking': return 'invoking';
    case 'Idle': return frozen ? 'frozen' : 'idle';
    case 'InitFailed':
    case 'Failed': return 'failed';
    case 'ShuttingDown': return 'shutting-down';
    default: return 'terminated';
  }
}

export class EventBus {
  private readonly listeners = new Set<Listener>();

  /** Someone listens: worth building an event. */
  get active(): boolean {
    return this.listeners.size > 0;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: EphemeraEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a subscriber's failure (a closed stream) is its own business
      }
    }
  }

  /** Publish an environment's current state (call only when `active`). */
  environment(env: EnvironmentLike, extra: { requestId?: string; reason?: string; frozen?: boolean } = {}): void {
    const frozen = extra.frozen ?? env.frozen;
    this.publish({
      type: 'environment', at: Date.now(), id: env.id, function: env.fn.config.name, version: env.fn.version,
      phase: phaseOf(env.state, frozen), state: env.state, frozen, pid: env.pid ?? null, invocations: env.invocations,
      inFlight: env.inFlight ?? (env.state === 'Invoking' ? 1 : 0), capacity: env.capacity ?? 1,
      requestId: extra.requestId, reason: extra.reason,
    });
  }
}
