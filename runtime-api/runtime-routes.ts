// The Runtime API (2018-06-01) for one environment: parks the runtime's /next, hands it events,
// takes responses, errors and init errors, and enforces RIE's state and request-id rules.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { type Body, readBody } from '../lib/read-body.ts';
import type { InvokeEvent, RuntimeApiHost } from './host.ts';
import type { Reply } from '../lib/lean-http.ts';
import {
  MAX_RESPONSE_BYTES, accepted, invalidRequestId, invalidStateTransition, methodNotAllowed, notFound,
  payloadTooLarge, responseTooLargePayload, sendError,
} from './render.ts';
import { type RuntimeCall, type RuntimeState, nextState } from './runtime-state.ts';
import { RESPONSE_MODE_HEADER, StreamedResponse, bufferStream, responseMode } from './streaming-response.ts';

export const RUNTIME_PREFIX = '/2018-06-01/runtime/';
const INVOCATION = 'invocation/';
const ERROR_CAUSE_TYPE = 'application/vnd.aws.lambda.error.cause+json';

/** What the Runtime API tells the listener that mounts it. */
export interface RuntimeListener extends Pick<RuntimeApiHost, 'invocationResponse' | 'invocationError' | 'initError' | 'invocationStream' | 'restoreNext' | 'restoreError'> {
  /** The runtime asked for work after starting or after answering (a repeated /next mid-invocation is not this). */
  runtimeNext(): void;
}

export class RuntimeSession {
  state: RuntimeState = 'RuntimeStartedState';
  private parked: Reply | undefined;
  private current: InvokeEvent | undefined;
  private queued: InvokeEvent | undefined;
  /** A streamed response still coming in: the runtime's return to /next counts only once it is over. */
  private streaming: StreamedResponse | undefined;
  private nextAfterStream = false;
  private readonly host: RuntimeListener;

  constructor(host: RuntimeListener) {
    this.host = host;
  }

  /** Hand an event to the runtime: now if it is parked in /next, else when it gets there. */
  dispatch(event: InvokeEvent): void {
    const res = this.parked;
    if (res && this.state === 'RuntimeReadyState') {
      this.parked = undefined;
      this.deliver(res, event);
    } else {
      this.queued = event;
    }
  }

  /** The request id the runtime is working on, if any. */
  get currentRequestId(): string | undefined {
    return this.current?.requestId;
  }

  handle(req: IncomingMessage, res: ServerResponse, path: string): void {
    routeRuntimeCall(req, res, path, this.routes);
  }

  /**
   * The calls of every invoke, read by hand (lean-http.ts): GET next, and a buffered POST response or
   * error (`path` after the prefix). The handler once the body is in, or undefined for node:http.
   */
  leanCall(method: string, path: string, headers: IncomingHttpHeaders): ((body: Buffer, reply: Reply) => void) | undefined {
    if (path === 'invocation/next') return method === 'GET' ? (_body, reply) => this.next(reply) : undefined;
    if (method !== 'POST' || !path.startsWith(INVOCATION) || headers[RESPONSE_MODE_HEADER] !== undefined) return undefined;
    const rest = path.slice(INVOCATION.length);
    const slash = rest.indexOf('/');
    const kind = rest.slice(slash + 1);
    if (slash <= 0 || (kind !== 'response' && kind !== 'error')) return undefined;
    let id: string;
    try {
      id = decodeURIComponent(rest.slice(0, slash));
    } catch {
      return undefined;
    }
    return (body, reply) => this.answered(reply, { headers }, id, kind, { data: body, size: body.length, tooLarge: body.length > MAX_RESPONSE_BYTES });
  }

  private readonly routes: RuntimeRoutes = {
    next: (res) => this.next(res),
    initError: (req, res) => this.initError(req, res),
    answer: (req, res, id, kind) => this.answer(req, res, id, kind),
    stream: (req, res, id) => this.stream(req, res, id),
    restoreNext: (res) => this.restoreNext(res),
    restoreError: (req, res) => this.restoreError(req, res),
  };

  private next(res: Reply): void {
    const t = nextState(this.state, 'Next');
    if (!t.ok) return invalidStateTransition(res, this.state, t.target);
    if (this.state === 'RuntimeRunningState' && this.current) {
      // RIE re-delivers the current event to a runtime that asks again while running.
      return this.deliver(res, this.current);
    }
    const finished = this.state === 'RuntimeStartedState' || this.state === 'RuntimeRestoreReadyState' || this.state === 'RuntimeResponseSentState';
    this.state = 'RuntimeReadyState';
    this.current = undefined;
    if (this.parked && this.parked !== res) this.parked.destroy();
    this.parked = res;
    res.once('close', () => {
      if (this.parked === res) this.parked = undefined;
    });
    if (finished && this.streaming) this.nextAfterStream = true;
    else if (finished) this.host.runtimeNext();
    const queued = this.queued;
    if (queued && this.parked === res) {
      this.queued = undefined;
      this.parked = undefined;
      this.deliver(res, queued);
    }
  }

  private deliver(res: Reply, event: InvokeEvent): void {
    this.state = 'RuntimeRunningState';
    this.current = event;
    deliverEvent(res, event);
  }

  private async answer(req: IncomingMessage, res: ServerResponse, id: string, kind: 'response' | 'error'): Promise<void> {
    this.answered(res, req, id, kind, await readBody(req, MAX_RESPONSE_BYTES));
  }

  private answered(res: Reply, req: { headers: IncomingHttpHeaders }, id: string, kind: 'response' | 'error', body: Body): void {
    if (!this.current || id !== this.current.requestId) {
      // A second answer for the id we just finished is a state error, anything else an unknown id.
      if (this.state === 'RuntimeResponseSentState' && id === this.lastAnswered) {
        return invalidStateTransition(res, this.state, kind === 'response' ? 'InvocationResponse' : 'InvocationErrorResponse');
      }
      return invalidRequestId(res);
    }
    const call: RuntimeCall = kind === 'response' ? 'InvocationResponse' : 'InvocationErrorResponse';
    const t = nextState(this.state, call);
    if (!t.ok) return invalidStateTransition(res, this.state, t.target);
    this.state = t.to;
    this.lastAnswered = id;
    this.current = undefined;
    if (body.tooLarge) {
      payloadTooLarge(res);
      return this.host.invocationError(id, responseTooLargePayload(), 'Function.ResponseSizeTooLarge');
    }
    accepted(res);
    if (kind === 'response') return this.host.invocationResponse(id, body.data);
    const { payload, errorType } = errorPayload(req, body.data);
    this.host.invocationError(id, payload, errorType);
  }

  private lastAnswered: string | undefined;

  /** A streamed response: checked like any answer before a byte is read, then handed over as it comes. */
  private stream(req: IncomingMessage, res: ServerResponse, id: string): void {
    const drop = (): void => void req.resume();
    if (responseMode(req.headers[RESPONSE_MODE_HEADER]) === 'invalid') {
      drop();
      return sendError(res, 400, 'InvalidFunctionResponseMode', 'Invalid function response mode');
    }
    if (!this.current || id !== this.current.requestId) {
      drop();
      if (this.state === 'RuntimeResponseSentState' && id === this.lastAnswered) return invalidStateTransition(res, this.state, 'InvocationResponse');
      return invalidRequestId(res);
    }
    const t = nextState(this.state, 'InvocationResponse');
    if (!t.ok) {
      drop();
      return invalidStateTransition(res, this.state, t.target);
    }
    this.state = t.to;
    this.lastAnswered = id;
    this.current = undefined;
    const stream = new StreamedResponse(req, res, () => {
      if (this.streaming !== stream) return;
      this.streaming = undefined;
      if (this.nextAfterStream) {
        this.nextAfterStream = false;
        this.host.runtimeNext();
      }
    });
    this.streaming = stream;
    if (this.host.invocationStream) return this.host.invocationStream(id, stream);
    // A host that takes no streams gets the whole body (up to the buffered limit) as one response.
    void bufferStream(stream, MAX_RESPONSE_BYTES).then((body) => {
      if (body === undefined) this.host.invocationError(id, responseTooLargePayload(), 'Function.ResponseSizeTooLarge');
      else this.host.invocationResponse(id, body);
    });
  }

  private async initError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_RESPONSE_BYTES);
    const t = nextState(this.state, 'InitError');
    if (!t.ok) return invalidStateTransition(res, this.state, t.target);
    this.state = t.to;
    accepted(res);
    const { payload, errorType } = errorPayload(req, body.data);
    this.host.initError(payload, errorType);
  }

  /** SnapStart: the snapshot point. Answered at once: the snapshot is the runtime's own process (a zygote), and a restored copy asks again on its own listener. */
  private restoreNext(res: ServerResponse): void {
    const t = nextState(this.state, 'RestoreNext');
    if (!t.ok) return invalidStateTransition(res, this.state, t.target);
    this.state = t.to;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 0 });
    res.end();
    this.host.restoreNext?.();
  }

  private async restoreError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_RESPONSE_BYTES);
    const t = nextState(this.state, 'RestoreError');
    if (!t.ok) return invalidStateTransition(res, this.state, t.target);
    this.state = t.to;
    accepted(res);
    const { payload, errorType } = errorPayload(req, body.data);
    this.host.restoreError?.(payload, errorType);
  }

  /** Forget the parked /next (the environment is going away). */
  abandon(): void {
    this.parked?.destroy();
    this.parked = undefined;
  }
}

/** What a Runtime API session does with each call (one invocation at a time, or several: concurrent-runtime.ts). */
export interface RuntimeRoutes {
  next(res: ServerResponse): void;
  initError(req: IncomingMessage, res: ServerResponse): Promise<void>;
  answer(req: IncomingMessage, res: ServerResponse, requestId: string, kind: 'response' | 'error'): Promise<void>;
  /** A streamed response (Lambda-Runtime-Function-Response-Mode); a session without it reads the body buffered. */
  stream?(req: IncomingMessage, res: ServerResponse, requestId: string): void;
  /** SnapStart's restore/next and restore/error; a session without them answers 404. */
  restoreNext?(res: ServerResponse): void;
  restoreError?(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Route one Runtime API call (`path` after the 2018-06-01 prefix) to its session, with RIE's 404/405 answers. */
export function routeRuntimeCall(req: IncomingMessage, res: ServerResponse, path: string, routes: RuntimeRoutes): void {
  if (path === 'invocation/next') {
    if (req.method !== 'GET') return methodNotAllowed(res);
    return routes.next(res);
  }
  if (path === 'init/error') {
    if (req.method !== 'POST') return methodNotAllowed(res);
    return void routes.initError(req, res).catch(() => res.destroy());
  }
  if (path === 'restore/next' && routes.restoreNext) {
    if (req.method !== 'GET') return methodNotAllowed(res);
    return routes.restoreNext(res);
  }
  if (path === 'restore/error' && routes.restoreError) {
    if (req.method !== 'POST') return methodNotAllowed(res);
    return void routes.restoreError(req, res).catch(() => res.destroy());
  }
  if (path.startsWith(INVOCATION)) {
    const rest = path.slice(INVOCATION.length);
    const slash = rest.indexOf('/');
    const kind = rest.slice(slash + 1);
    if (slash > 0 && (kind === 'response' || kind === 'error')) {
      if (req.method !== 'POST') return methodNotAllowed(res);
      const id = decodeURIComponent(rest.slice(0, slash));
      const mode = req.headers[RESPONSE_MODE_HEADER];
      if (routes.stream && kind === 'response' && mode !== undefined && responseMode(mode) !== 'buffered') return routes.stream(req, res, id);
      return void routes.answer(req, res, id, kind).catch(() => res.destroy());
    }
  }
  notFound(res);
}

/** Answer a GET /next with an event: its payload and the Lambda-Runtime-* headers. */
export function deliverEvent(res: Reply, event: InvokeEvent): void {
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': event.payload.length,
    'Lambda-Runtime-Aws-Request-Id': event.requestId,
    'Lambda-Runtime-Deadline-Ms': event.deadlineMs,
    'Lambda-Runtime-Invoked-Function-Arn': event.invokedFunctionArn,
  };
  if (event.traceId) headers['Lambda-Runtime-Trace-Id'] = event.traceId;
  if (event.clientContext) headers['Lambda-Runtime-Client-Context'] = event.clientContext;
  if (event.cognitoIdentity) headers['Lambda-Runtime-Cognito-Identity'] = event.cognitoIdentity;
  if (event.tenantId) headers['Lambda-Runtime-Aws-Tenant-Id'] = event.tenantId;
  res.writeHead(200, headers);
  res.end(event.payload);
}

/** The error type comes from the header when sent (our clients), else from the body (AWS's Node client). */
export function errorPayload(req: { headers: IncomingHttpHeaders }, data: Buffer): { payload: Buffer; errorType: string } {
  const header = req.headers['lambda-runtime-function-error-type'];
  let errorType = typeof header === 'string' && header ? header : '';
  let payload = data;
  const needsBody = !errorType || req.headers['content-type'] === ERROR_CAUSE_TYPE;
  if (needsBody && data.length > 0) {
    try {
      const parsed: unknown = JSON.parse(data.toString('utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const record = parsed as Record<string, unknown>;
        if (!errorType && typeof record.errorType === 'string') errorType = record.errorType;
        if ('errorCause' in record) {
          delete record.errorCause;
          payload = Buffer.from(JSON.stringify(record));
        }
      }
    } catch {
      // Not JSON: the body still goes to the caller verbatim.
    }
  }
  return { payload, errorType: errorType || 'Runtime.Unknown' };
}
