// SNS over the AWS JSON 1.0 protocol: `X-Amz-Target: AmazonSimpleNotificationService.<Action>` (the
// service's Smithy name, as SQS's JSON protocol uses `AmazonSQS.`), query-compatible errors
// (`__type`, and `x-amzn-query-error: <code>;<fault>`). The SDKs of today send SNS the query protocol;
// this is for clients generated with the JSON protocol.
import { randomUUID } from 'node:crypto';
import { decodeUtf8 } from '../../sqs/wire/wire-text.ts';
import { jsonAnswer, jsonErrorAnswer, readJsonObject } from '../../wire/query-compatible-json.ts';
import type { WireAnswer, WireRequest } from '../../wire/wire-contract.ts';
import { invalidParameter, SnsError } from '../sns-error.ts';
import { type Input, runAction, type SnsContext } from './sns-actions.ts';

export const SNS_TARGET = 'AmazonSimpleNotificationService.';

const renderJsonError = (err: SnsError, requestId: string): WireAnswer<string> =>
  jsonErrorAnswer('com.amazonaws.sns', { status: err.status, type: err.type, queryCode: err.code, fault: err.fault, message: err.message }, requestId);

export const snsJsonTooLarge = (): WireAnswer<string> => renderJsonError(invalidParameter('Invalid parameter: Message too long'), randomUUID());

export function snsJsonHandler(ctx: SnsContext, onInternalError: (err: unknown) => void) {
  return async (req: WireRequest): Promise<WireAnswer<string>> => {
    const requestId = randomUUID();
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.slice(target.indexOf('.') + 1);
    try {
      const input = readJsonObject(decodeUtf8(req.body),
        () => invalidParameter('Invalid parameter: the request body is not valid JSON'),
        () => invalidParameter('Invalid parameter: the request body must be a JSON object'));
      return jsonAnswer(await runAction(ctx, action, input as Input), requestId);
    } catch (err) {
      if (err instanceof SnsError) return renderJsonError(err, requestId);
      onInternalError(err);
      return renderJsonError(new SnsError('InternalError', 'We encountered an internal error. Please try again.'), requestId);
    }
  };
}
