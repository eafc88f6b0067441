// The contract between a Runtime API listener and the execution environment that owns it.
// runtime-api/ imports nothing from server/: the environment implements RuntimeApiHost.
import type { StreamedResponse } from './streaming-response.ts';

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

/**
 * What the listener asks of its environment: it reports the gates it keeps (readiness.ts) and what the
 * runtime and the extensions post. Calls are synchronous notifications.
 */
export interface RuntimeApiHost {
  /** INIT is done: the runtime and every registered extension have asked for their next event. */
  initReady(): void;
  /** The invocation is done: the runtime answered it and is back at /next, and so is every INVOKE subscriber. */
  invocationDone(requestId: string): void;
  /** Every external extension launched with the environment has registered: the runtime may start. */
  extensionsRegistered?(): void;
  /** The runtime posted a response for the current invocation. */
  invocationResponse(requestId: string, payload: Buffer): void;
  /**
   * The runtime started a streamed response (Lambda-Runtime-Function-Response-Mode: streaming): its body
   * arrives as the host reads it. A host without this gets the whole body through invocationResponse.
   */
  invocationStream?(requestId: string, stream: StreamedResponse): void;
  /** The runtime posted an error for the current invocation (or the platform derived one). */
  invocationError(requestId: string, payload: Buffer, errorType: string): void;
  /** The runtime posted /runtime/init/error before its first /next. */
  initError(payload: Buffer, errorType: string): void;
  /** SnapStart: the runtime called GET /runtime/restore/next (INIT and its before-snapshot hooks are done). */
  restoreNext?(): void;
  /** SnapStart: the runtime posted /runtime/restore/error (an after-restore hook failed). */
  restoreError?(payload: Buffer, errorType: string): void;
  /** An extension registered (Extensions API). */
  extensionRegistered?(ext: RegisteredExtension): void;
  /** Our runtime clients' leak report for an invocation (private endpoint, ephemera only). */
  leakReport?(requestId: string, leaks: HandleLeak[]): void;
  /** An extension posted init/error or exit/error. */
  extensionError?(ext: RegisteredExtension, kind: 'init' | 'exit', errorType: string, payload: Buffer): void;
}

/** An extension as its environment hears of it. */
export interface RegisteredExtension {
  id: string;
  name: string;
  events: string[];
  /** Launched from /opt/extensions (else it registered from inside the runtime process). */
  external: boolean;
}

/** Work an invocation left pending, as our runtime clients report it. */
export interface HandleLeak {
  kind: string;
  count: number;
  /** Top user stack frame where it was created (`file:line:col`), when known. */
  createdAt: string | null;
  detail: string;
}
