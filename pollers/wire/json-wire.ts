// The pieces the AWS JSON-protocol endpoints (Kinesis JSON 1.1, DynamoDB Streams JSON 1.0) share:
// request/answer shapes (structurally the server's WireRequest/HttpAnswer), body parsing, error rendering.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { StreamError } from '../sources/stream.ts';

export interface JsonWireRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface JsonWireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Json = Record<string, unknown>;
export type Operation = (input: Json) => Json | Promise<Json>;

/** Dispatch `<prefix><Action>` to `operations[Action]`; errors become `{__type, message}` answers. */
export async function handleJson(
  req: JsonWireRequest, prefix: string, contentType: string, operations: Record<string, Operation>,
  typePrefix = '',
): Promise<JsonWireAnswer> {
  const answer = (status: number, body: Json, errorType?: string): JsonWireAnswer => ({
    status,
    headers: { 'Content-Type': contentType, 'x-amzn-RequestId': randomUUID(), ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}) },
    body: JSON.stringify(body),
  });
  const fail = (type: string, message: string, status = 400) => answer(status, { __type: `${typePrefix}${type}`, message }, type);
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
    return answer(200, await op(input as Json));
  } catch (err) {
    if (err instanceof StreamError) return fail(err.type, err.message, err.type === 'InternalFailureException' ? 500 : 400);
    return fail('InternalFailureException', err instanceof Error ? err.message : String(err), 500);
  }
}

/** AWS's model-validation message for one field. */
export function validation(field: string, value: unknown, constraint: string): StreamError {
  const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  return new StreamError('ValidationException', `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`);
}

export function requireString(input: Json, key: string, field: string, min = 1, max = Infinity): string {
  const v = input[key];
  if (v === undefined || v === null) throw validation(field, v, 'Member must not be null');
  if (typeof v !== 'string') throw new StreamError('SerializationException', `Unexpected value type for ${key}`);
  if (v.length < min) throw validation(field, v, `Member must have length greater than or equal to ${min}`);
  if (v.length > max) throw validation(field, v, `Member must have length less than or equal to ${max}`);
  return v;
}

export function optionalInt(input: Json, key: string, field: string, min: number, max: number): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new StreamError('SerializationException', `Unexpected value type for ${key}`);
  if (v < min) throw validation(field, v, `Member must have value greater than or equal to ${min}`);
  if (v > max) throw validation(field, v, `Member must have value less than or equal to ${max}`);
  return v;
}

/** Epoch seconds with milliseconds, as the JSON protocols send timestamps. */
export const epochSeconds = (ms: number): number => Math.round(ms) / 1000;
