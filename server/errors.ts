// Invoke/management API errors (design §7, vocabulary 1): one class per AWS wire type. The class
// name is the `x-amzn-ErrorType`; http/error-handler.ts renders them. Messages follow AWS's wording.

export type ErrorKey = 'Message' | 'message';

export abstract class LambdaApiError extends Error {
  abstract readonly statusCode: number;
  /** Body key AWS uses for the message in this shape. */
  readonly messageKey: ErrorKey = 'message';
  /** `User` or `Service` (the body's `Type`). */
  readonly faultType: 'User' | 'Service' = 'User';
  /** Extra body fields (e.g. TooManyRequestsException's Reason). */
  readonly extra: Record<string, unknown> = {};
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string> = {};

  /** The wire type; subclasses may override when the wire name differs from the class name. */
  get wireType(): string {
    return this.constructor.name;
  }
}

export class ResourceNotFoundException extends LambdaApiError {
  readonly statusCode = 404;
  override readonly messageKey = 'Message';
}

export class InvalidParameterValueException extends LambdaApiError {
  readonly statusCode = 400;
}

export class ValidationException extends LambdaApiError {
  readonly statusCode = 400;
}

export class InvalidRequestContentException extends LambdaApiError {
  readonly statusCode = 400;
}

/** Modelled as RequestTooLargeException; AWS puts RequestEntityTooLargeException on the wire. */
export class RequestEntityTooLargeException extends LambdaApiError {
  readonly statusCode = 413;
  override readonly messageKey = 'Message';
}

export class UnsupportedMediaTypeException extends LambdaApiError {
  readonly statusCode = 415;
}

export class AccessDeniedException extends LambdaApiError {
  readonly statusCode = 403;
  override readonly messageKey = 'Message';
}

export type ThrottleReason =
  | 'ConcurrentInvocationLimitExceeded'
  | 'ReservedFunctionConcurrentInvocationLimitExceeded';

export class TooManyRequestsException extends LambdaApiError {
  readonly statusCode = 429;
  constructor(reason: ThrottleReason) {
    super('Rate Exceeded.');
    this.extra.Reason = reason;
  }
}

export class ResourceConflictException extends LambdaApiError {
  readonly statusCode = 409;
}

export class ServiceException extends LambdaApiError {
  readonly statusCode = 500;
  override readonly messageKey = 'Message';
  override readonly faultType = 'Service';
}

/** The 404 message AWS gives for an unknown function, version or alias. */
export function functionNotFound(arn: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Function not found: ${arn}`);
}

export class ResourceInUseException extends LambdaApiError {
  readonly statusCode = 400;
}

/** A RevisionId guard failed (PublishVersion, Update*, aliases). */
export class PreconditionFailedException extends LambdaApiError {
  readonly statusCode = 412;
}

export class ProvisionedConcurrencyConfigNotFoundException extends LambdaApiError {
  readonly statusCode = 404;
}

export const revisionMismatch = (): PreconditionFailedException => new PreconditionFailedException(
  'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
);
