// A published SNS message and the checks Publish and PublishBatch apply to it: message attributes
// (names, types, values, in AWS's order and words), the 256 KiB limit over the body and attributes,
// MessageStructure `json` (a `default` entry, per-protocol bodies).
import { invalidParameter, missingMember, parameterValueInvalid, SnsError } from './sns-error.ts';

/** A message attribute as Publish takes it (BinaryValue already decoded from base64). */
export interface SnsAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

/** A message accepted by a topic: what every subscription's delivery is built from. */
export interface SnsMessage {
  messageId: string;
  topicArn: string;
  /** The body every protocol gets, unless `perProtocol` has one for it (MessageStructure json). */
  message: string;
  perProtocol?: Record<string, string>;
  subject?: string;
  attributes: Record<string, SnsAttribute>;
  /** Epoch milliseconds, the envelope's Timestamp. */
  timestamp: number;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
}

/** The body a subscription of `protocol` gets. */
export function bodyFor(m: SnsMessage, protocol: string): string {
  return m.perProtocol?.[protocol] ?? m.message;
}

export const MAX_MESSAGE_BYTES = 262_144;
const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Checks message attributes as SNS does; `where` names the member in a ValidationError
 * (`messageAttributes` or `publishBatchRequestEntries.<n>.member.messageAttributes`).
 */
export function checkAttributes(attrs: Record<string, Partial<SnsAttribute>>, where: string): void {
  for (const [name, a] of Object.entries(attrs)) {
    if (Buffer.byteLength(name) > 256) throw parameterValueInvalid('Length of message attribute name must be less than 256 bytes.');
    checkName(name);
    const type = a.DataType;
    if (type === undefined || type === null) {
      throw missingMember(`${where}.${name}.member.dataType`);
    }
    if (!/^(String|Number|Binary)(\..+)?$/.test(type)) {
      throw parameterValueInvalid(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    if (a.StringValue === undefined && a.BinaryValue === undefined) {
      throw parameterValueInvalid(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    }
    const field = type.startsWith('Binary') ? 'Binary' : 'String';
    const value = field === 'Binary' ? a.BinaryValue : a.StringValue;
    if (value === undefined) throw parameterValueInvalid(`The message attribute '${name}' with type '${type}' must use field '${field}'.`);
    if (value.length === 0) {
      throw parameterValueInvalid(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    }
    if (type.startsWith('Number') && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(a.StringValue!)) {
      throw parameterValueInvalid(`Could not cast message attribute '${name}' value to number.`);
    }
  }
}

function checkName(name: string): void {
  if (NAME.test(name) && !name.startsWith('.') && !name.endsWith('.') && !name.includes('..')) return;
  if (name.startsWith('.')) throw parameterValueInvalid("Invalid message attribute name starting with character '.' was found.");
  if (name.endsWith('.')) throw parameterValueInvalid("Invalid message attribute name ending with character '.' was found.");
  for (const ch of name) {
    if (!/[A-Za-z0-9_.-]/.test(ch)) {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase();
      throw parameterValueInvalid(`Invalid non-alphanumeric character '#x${code}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`);
    }
  }
  throw parameterValueInvalid("Message attribute name can not have successive '.' character.");
}

/** Bytes counted against the 256 KiB limit: the body, and every attribute's name, type and value. */
export function publishSize(message: string, attrs: Record<string, SnsAttribute>): number {
  let size = Buffer.byteLength(message);
  for (const [name, a] of Object.entries(attrs)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size += a.BinaryValue !== undefined ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? '');
  }
  return size;
}

/** MessageStructure `json`: the per-protocol bodies (string values only), which must include `default`. */
export function parseStructured(message: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalidParameter('Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter('Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  const bodies: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') bodies[k] = v;
  if (bodies.default === undefined) throw invalidParameter('Invalid parameter: Message Structure - No default entry in JSON message body');
  return bodies;
}
