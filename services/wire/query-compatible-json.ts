// The AWS JSON 1.0 protocol of services that came from the query protocol (SQS, SNS): a JSON object in,
// a JSON object out, and errors as `{"__type":"com.amazonaws.<service>#<Type>","message"}` with the
// `x-amzn-query-error: <query code>;<fault>` header that query-compatible clients map back to the old
// error codes (so the SDK's err.name and err.Code match AWS's).
import type { WireAnswer } from './wire-contract.ts';

export const JSON_1_0 = 'application/x-amz-json-1.0';

/** What an error of such a service carries on this protocol. */
export interface QueryCompatibleError {
  status: number;
  /** The JSON protocol's shape name (`QueueDoesNotExist`, `NotFoundException`). */
  type: string;
  /** The query protocol's code (`AWS.SimpleQueueService.NonExistentQueue`, `NotFound`). */
  queryCode: string;
  fault: 'Sender' | 'Receiver';
  message: string;
}

/** `namespace`: the service's Smithy namespace (`com.amazonaws.sqs`). */
export function jsonErrorAnswer(namespace: string, err: QueryCompatibleError, requestId: string): WireAnswer<string> {
  return {
    status: err.status,
    headers: { 'Content-Type': JSON_1_0, 'x-amzn-RequestId': requestId, 'x-amzn-query-error': `${err.queryCode};${err.fault}` },
    body: JSON.stringify({ __type: `${namespace}#${err.type}`, message: err.message }),
  };
}

export function jsonAnswer(result: unknown, requestId: string): WireAnswer<string> {
  return { status: 200, headers: { 'Content-Type': JSON_1_0, 'x-amzn-RequestId': requestId }, body: JSON.stringify(result) };
}

/** The request's text as a JSON object (blank is `{}`); invalid JSON throws `notJson()`, any other value `notObject()`. */
export function readJsonObject(text: string, notJson: () => Error, notObject: () => Error): Record<string, unknown> {
  if (text.trim() === '') return {};
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    throw notJson();
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw notObject();
  return input as Record<string, unknown>;
}
