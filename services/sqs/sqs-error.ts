// SQS errors as AWS returns them: the JSON protocol's `__type` suffix, the query protocol's code (also
// sent as `x-amzn-query-error`), the HTTP status, and the few messages that differ between protocols.

const QUERY_CODES: Readonly<Record<string, [string, number]>> = {
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  QueueDeletedRecently: ['AWS.SimpleQueueService.QueueDeletedRecently', 400],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
  PurgeQueueInProgress: ['AWS.SimpleQueueService.PurgeQueueInProgress', 403],
  OverLimit: ['OverLimit', 403],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 400],
  InvalidAttributeName: ['InvalidAttributeName', 400],
  InvalidAttributeValue: ['InvalidAttributeValue', 400],
  InvalidMessageContents: ['InvalidMessageContents', 400],
  InvalidParameterValueException: ['InvalidParameterValue', 400],
  MissingRequiredParameterException: ['MissingParameter', 400],
  AccessDeniedException: ['AccessDenied', 403],
  ResourceNotFoundException: ['ResourceNotFoundException', 404],
  InvalidAction: ['InvalidAction', 400],
  InvalidAddress: ['InvalidAddress', 404],
  InternalError: ['InternalError', 500],
};

export class SqsError extends Error {
  /** The JSON protocol's error type (`com.amazonaws.sqs#<type>`). */
  readonly type: string;
  /** The query protocol's code (and the `x-amzn-query-error` header). */
  readonly queryCode: string;
  readonly status: number;
  /** The query protocol's message when it differs from the JSON one. */
  readonly queryMessage: string;

  constructor(type: string, message: string, queryMessage?: string) {
    super(message);
    this.name = 'SqsError';
    const [code, status] = QUERY_CODES[type] ?? [type, 400];
    this.type = type;
    this.queryCode = code;
    this.status = status;
    this.queryMessage = queryMessage ?? message;
  }

  /** `Sender` for client faults, `Receiver` for ours. */
  get fault(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

export const queueDoesNotExist = (): SqsError =>
  new SqsError('QueueDoesNotExist', 'The specified queue does not exist.', 'The specified queue does not exist for this wsdl version.');

export const invalidParameter = (message: string): SqsError => new SqsError('InvalidParameterValueException', message);

/** "Value <v> for parameter <p> is invalid. Reason: <reason>" */
export const invalidValue = (param: string, value: unknown, reason: string): SqsError =>
  invalidParameter(`Value ${String(value)} for parameter ${param} is invalid. Reason: ${reason}`);

export const missingParameter = (param: string): SqsError =>
  new SqsError('MissingRequiredParameterException', `The request must contain the parameter ${param}.`);

export const unknownAttribute = (name: string): SqsError => new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);

export const invalidAttributeValue = (name: string, detail = ''): SqsError =>
  new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.${detail ? ` Reason: ${detail}` : ''}`);

/** The largest message any queue takes (MaximumMessageSize's upper bound, and its default since 2025). */
export const MAX_MESSAGE_BYTES = 1_048_576;

/** "One or more parameters are invalid. Reason: Message must be shorter than <max> bytes." (AWS-recorded) */
export const messageTooLong = (maximum: number = MAX_MESSAGE_BYTES): SqsError =>
  invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${maximum} bytes.`);
