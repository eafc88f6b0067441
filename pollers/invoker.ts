// What pollers need from the emulator to run a function: a synchronous invoke by function name or ARN
// (qualified or not). The server supplies the implementation (server/invoke/poller-invoker.ts);
// pollers/ never imports server/.

export interface InvokeOutcome {
  requestId: string;
  /** The version that ran (`$LATEST`, `1`, ...). */
  executedVersion: string;
  /** 'Unhandled' when the function failed (error thrown, timeout, crash): the payload is the error. */
  functionError?: 'Unhandled' | 'Handled';
  /** errorType of a failure (e.g. `Error`, `Sandbox.Timedout`, `Runtime.ExitError`). */
  errorType?: string;
  /** The exact bytes the function (or the platform, on failure) answered. */
  payload: Buffer;
}

/** Why an invoke did not reach the function. `throttled`: retry later; `not-found`: the mapping's function is gone. */
export type InvokeFailureKind = 'throttled' | 'not-found' | 'service';

export class InvokeFailure extends Error {
  readonly code = 'EPH_ERR_INVOKE_FAILURE';
  readonly kind: InvokeFailureKind;
  constructor(kind: InvokeFailureKind, message: string) {
    super(message);
    this.kind = kind;
    this.name = 'InvokeFailure';
  }
}

export interface Invoker {
  /**
   * Invoke `functionRef` (name, partial or full ARN, optionally qualified) with RequestResponse semantics.
   * Resolves with the outcome whenever the function ran (including function errors); rejects with an
   * InvokeFailure when it did not run.
   */
  invoke(functionRef: string, payload: Buffer, opts?: { traceId?: string }): Promise<InvokeOutcome>;
}
