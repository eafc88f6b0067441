// The durable execution API's own error types (Lambda service model): rendered like every other
// Lambda API error by http/error-handler.ts, and the message AWS's SDK keys on for a stale token.
import { InvalidParameterValueException, LambdaApiError } from '../errors.ts';

export class CallbackTimeoutException extends LambdaApiError {
  readonly statusCode = 400;
  override readonly messageKey = 'Message';
}

export class DurableExecutionAlreadyStartedException extends LambdaApiError {
  readonly statusCode = 409;
  override readonly messageKey = 'Message';
}

/**
 * A checkpoint token that is not the current one. The SDK ends the invocation (not the execution) on an
 * InvalidParameterValueException whose message starts with exactly "Invalid Checkpoint Token".
 */
export const invalidToken = (why: string): InvalidParameterValueException =>
  new InvalidParameterValueException(`Invalid Checkpoint Token: ${why}`);
