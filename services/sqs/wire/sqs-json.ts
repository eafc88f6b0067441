// The SQS JSON protocol (current SDKs): `X-Amz-Target: AmazonSQS.<Action>`, JSON 1.0 bodies, errors as
// `{"__type":"com.amazonaws.sqs#<Type>","message":...}` plus the `x-amzn-query-error` header that
// query-compatible clients map back to the old error codes.
import { randomUUID } from 'node:crypto';
import type { WireAnswer, WireRequest } from '../../wire/wire-contract.ts';
import type { EmbeddedQueues } from '../embedded-queues.ts';
import { SqsError, messageTooLong } from '../sqs-error.ts';
import type { Input } from './sqs-input.ts';
import { runAction } from './sqs-queue-actions.ts';
import { decodeUtf8 } from './wire-text.ts';

const CONTENT_TYPE = 'application/x-amz-json-1.0';

export function renderJsonError(err: SqsError, requestId: string): WireAnswer<string> {
  return {
    status: err.status,
    headers: { 'Content-Type': CONTENT_TYPE, 'x-amzn-RequestId': requestId, 'x-amzn-query-error': `${err.queryCode};${err.fault}` },
    body: JSON.stringify({ __type: `com.amazonaws.sqs#${err.type}`, message: err.message }),
  };
}

/** A request over the wire body limit: what SQS answers for a message over the maximum size. */
export const sqsJsonTooLarge = (): WireAnswer<string> => renderJsonError(messageTooLong(), randomUUID());

export function sqsJsonHandler(queues: EmbeddedQueues, onInternalError: (err: unknown) => void) {
  return async (req: WireRequest): Promise<WireAnswer<string>> => {
    const requestId = randomUUID();
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.slice(target.indexOf('.') + 1);
    const host = String(req.headers.host ?? 'localhost');
    try {
      let input: unknown = {};
      const text = decodeUtf8(req.body);
      if (text.trim() !== '') {
        try {
          input = JSON.parse(text);
        } catch {
          throw new SqsError('InvalidParameterValueException', 'The request body is not valid JSON.');
        }
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new SqsError('InvalidParameterValueException', 'The request body must be a JSON object.');
      }
      const result = await runAction({ queues, host, signal: req.signal }, action, input as Input);
      return { status: 200, headers: { 'Content-Type': CONTENT_TYPE, 'x-amzn-RequestId': requestId }, body: JSON.stringify(result) };
    } catch (err) {
      if (err instanceof SqsError) return renderJsonError(err, requestId);
      onInternalError(err);
      return renderJsonError(new SqsError('InternalError', 'We encountered an internal error. Please try again.'), requestId);
    }
  };
}
