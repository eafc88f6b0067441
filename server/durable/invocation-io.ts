// The two ends of one invocation of a durable function, as pure functions: the event Lambda hands
// the function (execution ARN, checkpoint token, the first page of its state, what changed), and
// what the function's answer means for the execution (done, failed, suspended, or a failed invocation
// to retry).
import { renderOperation } from './api-shapes.ts';
import { type ExecutionRecord, hasPendingWork, replayState } from './execution-record.ts';
import { marker } from './ids.ts';
import type { ErrorObject, Operation } from './wire.ts';

/** The first page of the state in the event: at most this many operations, and about this many bytes. */
export const INPUT_PAGE_ITEMS = 1000;
export const INPUT_PAGE_BYTES = 5 * 1024 * 1024;

export function stateScope(rec: ExecutionRecord): string {
  return `${rec.id}:${rec.sequence}`;
}

/** A page of the replay state from `offset`, bounded by items and bytes; `next` is the marker of the rest. */
export function statePage(rec: ExecutionRecord, offset: number, maxItems: number, maxBytes: number, unit: 's' | 'ms'): { operations: Record<string, unknown>[]; next?: string } {
  const all: Operation[] = replayState(rec);
  const operations: Record<string, unknown>[] = [];
  let bytes = 0;
  let i = offset;
  for (; i < all.length && operations.length < maxItems; i++) {
    const op = renderOperation(all[i], unit);
    const size = JSON.stringify(op).length;
    if (operations.length > 0 && bytes + size > maxBytes) break;
    operations.push(op);
    bytes += size;
  }
  return { operations, next: i < all.length ? marker(stateScope(rec), i) : undefined };
}

/** The event of an invocation. Everything in it counts as seen by the handler. */
export function invocationEvent(rec: ExecutionRecord, token: string, updatedOperationIds: string[], first: boolean): Record<string, unknown> {
  const page = statePage(rec, 0, INPUT_PAGE_ITEMS, INPUT_PAGE_BYTES, 'ms');
  rec.seen = rec.changes;
  return {
    DurableExecutionArn: rec.arn,
    CheckpointToken: token,
    ...(first ? {} : { UpdatedOperationIds: updatedOperationIds }),
    InitialExecutionState: { Operations: page.operations, ...(page.next ? { NextMarker: page.next } : {}) },
  };
}

export type Verdict =
  | { kind: 'succeeded'; result: string }
  | { kind: 'failed'; error: ErrorObject }
  | { kind: 'pending' }
  /** The invocation itself failed (threw, timed out, crashed, answered nonsense): the service retries it. */
  | { kind: 'invocation-error'; error: ErrorObject };

/** What the function's answer (a durable execution output, or a function error) means. */
export function readAnswer(rec: ExecutionRecord, answer: { payload: Buffer; functionError?: string }): Verdict {
  let body: unknown;
  try {
    body = JSON.parse(answer.payload.toString('utf8'));
  } catch {
    body = undefined;
  }
  if (answer.functionError) return { kind: 'invocation-error', error: functionErrorObject(body, answer.payload) };
  const out = (body && typeof body === 'object' ? body : {}) as { Status?: unknown; Result?: unknown; Error?: unknown };
  const invalid = (message: string): Verdict => ({ kind: 'invocation-error', error: { ErrorType: 'InvalidParameterValueException', ErrorMessage: message } });
  switch (out.Status) {
    case 'SUCCEEDED':
      if (out.Error != null) return invalid('Cannot provide an Error for SUCCEEDED status.');
      return { kind: 'succeeded', result: typeof out.Result === 'string' ? out.Result : out.Result === undefined ? '' : JSON.stringify(out.Result) };
    case 'FAILED':
      if (out.Result != null) return invalid('Cannot provide a Result for FAILED status.');
      return { kind: 'failed', error: (out.Error && typeof out.Error === 'object' ? out.Error : {}) as ErrorObject };
    case 'PENDING':
      return hasPendingWork(rec) ? { kind: 'pending' } : invalid('Cannot return PENDING status with no pending operations.');
    default:
      return invalid(`The function's answer is not a durable execution output (Status SUCCEEDED, FAILED or PENDING): ${answer.payload.toString('utf8').slice(0, 200)}`);
  }
}

/** A function error's payload ({errorType, errorMessage, stackTrace|trace}) as an ErrorObject. */
export function functionError(payload: Buffer): ErrorObject {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    body = undefined;
  }
  return functionErrorObject(body, payload);
}

function functionErrorObject(body: unknown, raw: Buffer): ErrorObject {
  if (body && typeof body === 'object') {
    const b = body as { errorType?: unknown; errorMessage?: unknown; stackTrace?: unknown; trace?: unknown };
    const trace = Array.isArray(b.stackTrace) ? b.stackTrace : Array.isArray(b.trace) ? b.trace : undefined;
    return {
      ...(typeof b.errorType === 'string' ? { ErrorType: b.errorType } : {}),
      ...(typeof b.errorMessage === 'string' ? { ErrorMessage: b.errorMessage } : {}),
      ...(trace ? { StackTrace: trace.map(String) } : {}),
    };
  }
  return { ErrorMessage: raw.toString('utf8').slice(0, 1000) };
}

/** The payload a synchronous caller gets for an execution that did not succeed: a function error's shape. */
export function errorPayload(error: ErrorObject | undefined, fallbackType: string): Buffer {
  return Buffer.from(JSON.stringify({
    errorType: error?.ErrorType ?? fallbackType,
    errorMessage: error?.ErrorMessage ?? '',
    ...(error?.ErrorData !== undefined ? { errorData: error.ErrorData } : {}),
    ...(error?.StackTrace ? { stackTrace: error.StackTrace } : {}),
  }));
}
