// The contract between a Runtime API listener and the execution environment that owns it.
// runtime-api/ imports nothing from server/: the environment implements RuntimeApiHost.

/** One invocation as the runtime sees it on GET /runtime/invocation/next. */
export interface InvokeEvent {
  requestId: string;
  payload: Buffer;
  /** Epoch milliseconds. */
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId?: string;
  /** Decoded JSON text of X-Amz-Client-Context. */
  clientContext?: string;
  cognitoIdentity?: string;
  tenantId?: string;
}

/** What the listener reports to its environment. Calls are synchronous notifications. */
export interface RuntimeApiHost {
  /** The runtime is parked in /next: the first time INIT is done, later the previous invoke is. */
  runtimeNext(): void;
  /** The runtime posted a response for the current invocation. */
  invocationResponse(requestId: string, payload: Buffer): void;
  /** The runtime posted an error for the current invocation (or the platform derived one). */
  invocationError(requestId: string, payload: Buffer, errorType: string): void;
  /** The runtime posted /runtime/init/error before its first /next. */
  initError(payload: Buffer, errorType: string): void;
  /** An extension registered (Extensions API). */
  extensionRegistered?(ext: { id: string; name: string; events: string[]; external: boolean }): void;
  /** An extension is parked in /event/next with nothing queued: INIT or its part of an invoke is done. */
  extensionNext?(id: string): void;
  /** Our runtime clients' leak report for an invocation (private endpoint, ephemera only). */
  leakReport?(requestId: string, leaks: HandleLeak[]): void;
  /** An extension posted init/error or exit/error. */
  extensionError?(id: string, kind: 'init' | 'exit', errorType: string, payload: Buffer): void;
}

/** Work an invocation left pending, as our runtime clients report it. */
export interface HandleLeak {
  kind: string;
  count: number;
  /** Top user stack frame where it was created (`file:line:col`), when known. */
  createdAt: string | null;
  detail: string;
}
