// The pieces the AWS JSON-protocol endpoints (Kinesis JSON 1.1, DynamoDB Streams JSON 1.0) share:
// dispatch by X-Amz-Target, body parsing, input validation, `{__type, message}` error rendering.
// Requests and answers are the services' wire contract (../wire/wire-contract.ts).
import { randomUUID } from 'node:crypto';
import type { WireAnswer, WireRequest } from '../wire/wire-contract.ts';
import { StreamError } from './stream.ts';
import { type Members, validateInput } from './coral-validate.ts';

export type Json = Record<string, unknown>;
export type Operation = (input: Json) => Json | Promise<Json>;

/** The `__type` of an error: Kinesis writes the bare name, DynamoDB Streams a namespace per kind. */
export type TypeName = (type: string) => string;

/**
 * Dispatch `<prefix><Action>` to `operations[Action]` with its input checked against `shapes[Action]`
 * (Coral's type and constraint checks); errors become `{__type, message}` answers.
 */
export async function handleJson(
  req: WireRequest, prefix: string, contentType: string, shapes: Readonly<Record<string, Members>>,
  operations: Record<string, Operation>, typeName: TypeName = (type) => type,
): Promise<WireAnswer<string>> {
  const answer = (status: number, body: Json, errorType?: string): WireAnswer<string> => ({
    status,
    headers: { 'Content-Type': contentType, 'x-amzn-RequestId': randomUUID(), ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}) },
    body: JSON.stringify(body),
  });
  // Coral capitalises the message key of a SerializationException only.
  const fail = (type: string, message: string, status = 400) =>
    answer(status, { __type: typeName(type), [type === 'SerializationException' ? 'Message' : 'message']: message }, type);
  const target = String(req.headers['x-amz-target'] ?? '');
  const action = target.slice(prefix.length);
  const op = Object.hasOwn(operations, action) ? operations[action] : undefined;
  if (!op) return fail('UnknownOperationException', `Unknown operation ${target}`);
  let input: unknown;
  try {
    input = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
  } catch {
    return fail('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail('SerializationException', 'Start of structure or map found where not expected.');
  }
  try {
    return answer(200, await op(validateInput(input as Json, shapes[action] ?? {})));
  } catch (err) {
    if (err instanceof StreamError) return fail(err.type, err.message, err.type === 'InternalFailureException' ? 500 : 400);
    return fail('InternalFailureException', err instanceof Error ? err.message : String(err), 500);
  }
}

/** Epoch seconds with milliseconds, as the JSON protocols send timestamps. */
export const epochSeconds = (ms: number): number => Math.round(ms) / 1000;
