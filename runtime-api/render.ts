// Runtime/Extensions API answers (design §7, vocabulary 3): `{errorMessage, errorType}` bodies with
// the status RIE uses, and the small success bodies. One named helper per situation.
import type { Reply } from '../lib/lean-http.ts';

const JSON_TYPE = 'application/json';

export function sendJson(res: Reply, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: Reply, status: number, errorType: string, errorMessage: string): void {
  sendJson(res, status, { errorMessage, errorType });
}

const ACCEPTED = Buffer.from('{"status":"OK"}');
const ACCEPTED_HEADERS = { 'Content-Type': JSON_TYPE, 'Content-Length': ACCEPTED.length };

export function accepted(res: Reply): void {
  res.writeHead(202, ACCEPTED_HEADERS);
  res.end(ACCEPTED);
}

export const invalidRequestId = (res: Reply): void =>
  sendError(res, 400, 'InvalidRequestID', 'Invalid request ID');

export function invalidStateTransition(res: Reply, from: string, to: string): void {
  sendError(res, 403, 'InvalidStateTransition',
    `State transition from ${from} to ${to} failed for runtime. Error: State transition is not allowed`);
}

export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

export const payloadTooLarge = (res: Reply): void =>
  sendError(res, 413, 'RequestEntityTooLarge', `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`);

export const notFound = (res: Reply): void => sendError(res, 404, 'NotFound', 'Not Found');

export const methodNotAllowed = (res: Reply): void =>
  sendError(res, 405, 'MethodNotAllowed', 'Method Not Allowed');

export const internalError = (res: Reply): void =>
  sendError(res, 500, 'InternalServerError', 'Internal Server Error');

/** The payload a caller gets when the runtime's response was over the limit. */
export function responseTooLargePayload(): Buffer {
  return Buffer.from(JSON.stringify({
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
    errorType: 'Function.ResponseSizeTooLarge',
  }));
}
