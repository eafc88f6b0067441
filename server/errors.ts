// Invoke/management API errors (design §7, vocabulary 1): one class per AWS wire type. The class
// name is the `x-amzn-ErrorType`; http/error-handler.ts renders them. Messages follow AWS's wording.
import { validationMessage } from '../lib/aws-validation.ts';

export type ErrorKey = 'Message' | 'message';

export interface ErrorOptions {
  /** The body carries no `Type` (a few of Lambda's answers, and every error its model does not declare). */
  untyped?: boolean;
}

export abstract class LambdaApiError extends Error {
  abstract readonly statusCode: number;
  /** Body key AWS uses for the message in this shape. */
  readonly messageKey: ErrorKey = 'message';
  /** `User` or `Service` (the body's `Type`); undefined when AWS sends no `Type`. */
  readonly faultType: 'User' | 'Service' | undefined;
  /** Extra body fields (e.g. TooManyRequestsException's Reason). */
  readonly extra: Record<string, unknown> = {};
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string> = {};

  constructor(message: string, opts: ErrorOptions = {}) {
    super(message);
    this.faultType = opts.untyped ? undefined : this.defaultFault();
  }

  /** The shapes Lambda's model declares carry `Type: User` (`Service` for ServiceException). */
  protected defaultFault(): 'User' | 'Service' | undefined {
    return 'User';
  }

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

/** Raised by the service framework, not declared in Lambda's model: its body is `{"message"}` only. */
export class ValidationException extends LambdaApiError {
  readonly statusCode = 400;
  protected override defaultFault(): undefined {
    return undefined;
  }
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

/** Not declared in Lambda's model: no `Type`. */
export class AccessDeniedException extends LambdaApiError {
  readonly statusCode = 403;
  override readonly messageKey = 'Message';
  protected override defaultFault(): undefined {
    return undefined;
  }
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
  protected override defaultFault(): 'Service' {
    return 'Service';
  }
}

/** The 404 message AWS gives for an unknown function, version or alias. */
export function functionNotFound(arn: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Function not found: ${arn}`);
}

/** The framework's validation failure: `N validation errors detected: ...` (lib/aws-validation.ts). */
export function invalidInput(violations: readonly string[]): ValidationException {
  return new ValidationException(validationMessage(violations));
}

export class ResourceInUseException extends LambdaApiError {
  readonly statusCode = 400;
  override readonly messageKey = 'Message';
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
