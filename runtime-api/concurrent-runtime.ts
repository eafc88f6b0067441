// The Runtime API of a Lambda Managed Instances environment: the runtime holds several GET /next open at
// once (worker threads, processes), each gets its own event, and each request id is answered once, in any
// order. No INVOKE events go to extensions in this model, so an invocation is done when it is answered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../lib/read-body.ts';
import type { InvokeEvent } from './host.ts';
import { MAX_RESPONSE_BYTES, accepted, invalidRequestId, invalidStateTransition, payloadTooLarge, responseTooLargePayload } from './render.ts';
import { type RuntimeListener, type RuntimeRoutes, deliverEvent, errorPayload, routeRuntimeCall } from './runtime-routes.ts';

/** What the concurrent session tells its listener, besides what a one-at-a-time session does. */
export interface ConcurrentRuntimeListener extends RuntimeListener {
  /** The request id was answered: with no INVOKE subscribers in this model, the invocation is done. */
  invocationDone(requestId: string): void;
}

export class ConcurrentRuntimeSession {
  /** GET /next requests waiting for an event, oldest first. */
  private readonly parked: ServerResponse[] = [];
  /** Events handed over with no /next open to take them, oldest first. */
  private readonly queued: InvokeEvent[] = [];
  /** Request ids handed to the runtime and not yet answered. */
  private readonly inFlight = new Set<string>();
  private started = false;
  private initFailed = false;
  private readonly host: ConcurrentRuntimeListener;

  constructor(host: ConcurrentRuntimeListener) {
    this.host = host;
  }

  /** Invocations handed to the runtime and not answered yet. */
  get running(): number {
    return this.inFlight.size;
  }

  /** GET /next requests open now (the runtime's idle capacity). */
  get waiting(): number {
    return this.parked.length;
  }

  dispatch(event: InvokeEvent): void {
    const res = this.parked.shift();
    if (res) this.deliver(res, event);
    else this.queued.push(event);
  }

  handle(req: IncomingMessage, res: ServerResponse, path: string): void {
    routeRuntimeCall(req, res, path, this.routes);
  }

  private readonly routes: RuntimeRoutes = {
    next: (res) => this.next(res),
    initError: (req, res) => this.initError(req, res),
    answer: (req, res, id, kind) => this.answer(req, res, id, kind),
  };

  abandon(): void {
    for (const res of this.parked.splice(0)) res.destroy();
  }

  private next(res: ServerResponse): void {
    if (this.initFailed) return invalidStateTransition(res, 'RuntimeInitErrorState', 'RuntimeReadyState');
    if (!this.started) {
      // The first /next ends INIT (the managed-instances RIE marks the runtime ready once).
      this.started = true;
      this.host.runtimeNext();
    }
    const event = this.queued.shift();
    if (event) return this.deliver(res, event);
    this.parked.push(res);
    res.once('close', () => {
      const i = this.parked.indexOf(res);
      if (i >= 0) this.parked.splice(i, 1);
    });
  }

  private deliver(res: ServerResponse, event: InvokeEvent): void {
    this.inFlight.add(event.requestId);
    deliverEvent(res, event);
  }

  private async answer(req: IncomingMessage, res: ServerResponse, id: string, kind: 'response' | 'error'): Promise<void> {
    const body = await readBody(req, MAX_RESPONSE_BYTES);
    // An id never handed over, or one already answered: InvalidRequestID, as the managed-instances RIE answers.
    if (!this.inFlight.delete(id)) return invalidRequestId(res);
    if (body.tooLarge) {
      payloadTooLarge(res);
      this.host.invocationError(id, responseTooLargePayload(), 'Function.ResponseSizeTooLarge');
    } else {
      accepted(res);
      if (kind === 'response') this.host.invocationResponse(id, body.data);
      else {
        const { payload, errorType } = errorPayload(req, body.data);
        this.host.invocationError(id, payload, errorType);
      }
    }
    this.host.invocationDone(id);
  }

  private async initError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_RESPONSE_BYTES);
    if (this.started || this.initFailed) return invalidStateTransition(res, this.started ? 'RuntimeReadyState' : 'RuntimeInitErrorState', 'InitError');
    this.initFailed = true;
    accepted(res);
    const { payload, errorType } = errorPayload(req, body.data);
    this.host.initError(payload, errorType);
  }
}
