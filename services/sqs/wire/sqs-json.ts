// The SQS JSON protocol (current SDKs): `X-Amz-Target: AmazonSQS.<Action>`, JSON 1.0 bodies, errors as
// `{"__type":"com.amazonaws.sqs#<Type>","message":...}` plus the `x-amzn-query-error` header that
// query-compatible clients map back to the old error codes.
import { randomUUID } from 'node:crypto';
import { jsonAnswer, jsonErrorAnswer, readJsonObject } from '../../wire/query-compatible-json.ts';
import type { WireAnswer, WireRequest } from '../../wire/wire-contract.ts';
import type { EmbeddedQueues } from '../embedded-queues.ts';
import { SqsError, messageTooLong } from '../sqs-error.ts';
import type { Input } from './sqs-input.ts';
import { runAction } from './sqs-queue-actions.ts';
import { decodeUtf8 } from './wire-text.ts';

export const renderJsonError = (err: SqsError, requestId: string): WireAnswer<string> =>
  jsonErrorAnswer('com.amazonaws.sqs', { status: err.status, type: err.type, queryCode: err.queryCode, fault: err.fault, message: err.message }, requestId);

/** A request over the wire body limit: what SQS answers for a message over the maximum size. */
export const sqsJsonTooLarge = (): WireAnswer<string> => renderJsonError(messageTooLong(), randomUUID());

export function sqsJsonHandler(queues: EmbeddedQueues, onInternalError: (err: unknown) => void) {
  return async (req: WireRequest): Promise<WireAnswer<string>> => {
    const requestId = randomUUID();
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.slice(target.indexOf('.') + 1);
    const host = String(req.headers.host ?? 'localhost');
    try {
      const input = readJsonObject(decodeUtf8(req.body),
        () => new SqsError('InvalidParameterValueException', 'The request body is not valid JSON.'),
        () => new SqsError('InvalidParameterValueException', 'The request body must be a JSON object.'));
      return jsonAnswer(await runAction({ queues, host, signal: req.signal }, action, input as Input), requestId);
    } catch (err) {
      if (err instanceof SqsError) return renderJsonError(err, requestId);
      onInternalError(err);
      return renderJsonError(new SqsError('InternalError', 'We encountered an internal error. Please try again.'), requestId);
    }
  };
}
