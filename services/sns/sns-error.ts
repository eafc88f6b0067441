// SNS errors as AWS returns them: the query protocol's code (`<Code>`, and `x-amzn-query-error` on the
// JSON protocol), the JSON protocol's shape name, the HTTP status; from the botocore `sns` model.
import { NOT_NULL, validationMessage, violation } from '../../lib/aws-validation.ts';

/** Query code → [JSON shape name, HTTP status]. */
const SHAPES: Readonly<Record<string, [string, number]>> = {
  InvalidParameter: ['InvalidParameterException', 400],
  ParameterValueInvalid: ['InvalidParameterValueException', 400],
  NotFound: ['NotFoundException', 404],
  ResourceNotFound: ['ResourceNotFoundException', 404],
  ValidationError: ['ValidationException', 400],
  TooManyEntriesInBatchRequest: ['TooManyEntriesInBatchRequestException', 400],
  EmptyBatchRequest: ['EmptyBatchRequestException', 400],
  BatchEntryIdsNotDistinct: ['BatchEntryIdsNotDistinctException', 400],
  InvalidBatchEntryId: ['InvalidBatchEntryIdException', 400],
  BatchRequestTooLong: ['BatchRequestTooLongException', 400],
  TagLimitExceeded: ['TagLimitExceededException', 400],
  InvalidAction: ['InvalidAction', 400],
  InternalError: ['InternalErrorException', 500],
};

export class SnsError extends Error {
  /** The query protocol's code (`NotFound`, `InvalidParameter`, ...). */
  readonly code: string;
  /** The JSON protocol's `__type` (`NotFoundException`, ...). */
  readonly type: string;
  readonly status: number;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'SnsError';
    const [type, status] = SHAPES[code] ?? [code, 400];
    this.code = code;
    this.type = type;
    this.status = status;
  }

  /** `Sender` for client faults, `Receiver` for ours. */
  get fault(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

export const invalidParameter = (message: string): SnsError => new SnsError('InvalidParameter', message);
export const parameterValueInvalid = (message: string): SnsError => new SnsError('ParameterValueInvalid', message);
export const notFound = (message: string): SnsError => new SnsError('NotFound', message);
export const topicNotFound = (): SnsError => notFound('Topic does not exist');

/** A required member missing, as the service's validation layer words it (`name`, `topicArn`, ...). */
export const missingMember = (member: string): SnsError => new SnsError('ValidationError', validationMessage([violation(null, member, NOT_NULL)]));

/** "Invalid parameter: <Param> Reason: An ARN must have at least 6 elements, not <n>" for a malformed ARN. */
export function checkArn(arn: string | undefined, param: string): string {
  const value = arn ?? '';
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') {
    throw invalidParameter(`Invalid parameter: ${param} Reason: An ARN must have at least 6 elements, not ${parts.length}`);
  }
  return value;
}
