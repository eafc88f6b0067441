// The Invoke API's SnapStart errors (botocore's Lambda model: status codes and documented meanings),
// rendered like every LambdaApiError by http/error-handler.ts.
import { LambdaApiError } from '../errors.ts';

/** An after-restore runtime hook failed (the restored runtime posted /runtime/restore/error). */
export class SnapStartException extends LambdaApiError {
  readonly statusCode = 400;
  override readonly messageKey = 'Message';
  constructor(message = 'The afterRestore() runtime hook encountered an error. For more information, check the Amazon CloudWatch logs.') {
    super(message);
  }
}

/** The restore did not finish within the Restore phase's limit. */
export class SnapStartTimeoutException extends LambdaApiError {
  readonly statusCode = 408;
  override readonly messageKey = 'Message';
  constructor(message = "Lambda couldn't restore the snapshot within the timeout limit.") {
    super(message);
  }
}
