// Errors of the event-source-mapping API as AWS names them; the server renders them with the same
// status, x-amzn-ErrorType and message (pollers/ does not import the server's error classes).
import { validationMessage, violation } from '../../lib/aws-validation.ts';

export type EsmErrorType =
  | 'InvalidParameterValueException'
  | 'ValidationException'
  | 'ResourceConflictException'
  | 'ResourceNotFoundException'
  | 'ResourceInUseException';

const STATUS: Record<EsmErrorType, number> = {
  InvalidParameterValueException: 400,
  ValidationException: 400,
  ResourceConflictException: 409,
  ResourceNotFoundException: 404,
  ResourceInUseException: 400,
};

export class EsmError extends Error {
  readonly type: EsmErrorType;
  readonly statusCode: number;
  constructor(type: EsmErrorType, message: string) {
    super(message);
    this.type = type;
    this.statusCode = STATUS[type];
    this.name = type;
  }
}

export const invalid = (message: string): EsmError => new EsmError('InvalidParameterValueException', message);

/** AWS's model-validation wording (lib/aws-validation.ts): `1 validation error detected: Value '<v>' at '<field>' ...`. */
export function validationError(field: string, value: unknown, constraint: string): EsmError {
  const shown = value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
  return new EsmError('ValidationException', validationMessage([violation(shown, field, constraint)]));
}
