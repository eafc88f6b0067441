// Input validation of AWS's JSON protocols as their service framework (Coral) does it, from a shape per
// operation: first each member's JSON type (SerializationException with Coral's own sentences), then the
// model's constraints, every failure listed ("2 validation errors detected: Value ... at 'a.b' failed to
// satisfy constraint: ...; ...", in lib/aws-validation.ts's words). Wording from kinesalite's tests, which run
// against Kinesis itself.
import {
  NOT_NULL, inEnum, lengthAtLeast, lengthAtMost, matchesPattern, shown as shownValue, shownViolation, validationMessage, valueAtLeast, valueAtMost, wholeMatch,
} from '../../lib/aws-validation.ts';
import { StreamError } from './stream.ts';

export type Shape =
  | { type: 'string'; required?: boolean; min?: number; max?: number; pattern?: string; enum?: readonly string[] }
  | { type: 'integer'; required?: boolean; min?: number; max?: number }
  | { type: 'boolean'; required?: boolean }
  | { type: 'blob'; required?: boolean; max?: number }
  | { type: 'timestamp'; required?: boolean }
  | { type: 'list'; required?: boolean; min?: number; max?: number; member: Shape; memberStr?: string }
  | { type: 'map'; required?: boolean; min?: number; max?: number; value: Shape }
  | { type: 'structure'; required?: boolean; members: Members };

export type Members = Readonly<Record<string, Shape>>;
type Json = Record<string, unknown>;

const TRUNCATING = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber';
const serialization = (message: string): StreamError => new StreamError('SerializationException', message);

/** What a JSON value of the wrong kind is called in Coral's messages. */
function misfit(v: unknown, target: string): StreamError {
  if (Array.isArray(v)) return serialization('Start of list found where not expected');
  if (typeof v === 'object') return serialization('Start of structure or map found where not expected.');
  const cls = typeof v === 'boolean' ? 'class java.lang.Boolean' : typeof v === 'number' ? TRUNCATING : 'class java.lang.String';
  return serialization(`${cls} can not be converted to ${target}`);
}

/** Base64 as Coral reads it: length a multiple of 4, the alphabet, `=` only as trailing padding, canonical last digit. */
function blob(v: string): Buffer {
  const bad = (why: string) => serialization(`'${v}' can not be converted to a Blob: ${why}`);
  if (v.length % 4 !== 0) throw bad(`Base64 encoded length is expected a multiple of 4 bytes but found: ${v.length}`);
  const odd = /[^a-zA-Z0-9+/=]|=[^=]/.exec(v);
  if (odd) throw bad(`Invalid Base64 character: '${odd[0][0]}'`);
  const bytes = Buffer.from(v, 'base64');
  if (bytes.toString('base64') !== v) throw bad('Invalid last non-pad Base64 character dectected'); // sic
  return bytes;
}

/** Pass 1: JSON types. Returns the input with blobs as Buffers, integers truncated, unknown members dropped. */
function convert(v: unknown, shape: Shape): unknown {
  if (v === undefined || v === null) return undefined;
  switch (shape.type) {
    case 'string':
      if (typeof v !== 'string') throw misfit(v, 'an String');
      return v;
    case 'integer':
      if (typeof v !== 'number') throw misfit(v, 'an Integer');
      return Math.min(Math.trunc(v), 2147483647);
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') {
        const s = v.toLowerCase();
        if (['true', 'false', 'yes', 'no', '1', '0'].includes(s)) return s === 'true' || s === 'yes' || s === '1';
        throw serialization(`'${v.toUpperCase()}' can not be converted to an Boolean`);
      }
      throw misfit(v, 'an Boolean');
    case 'blob':
      if (typeof v !== 'string') throw misfit(v, 'a Blob');
      return blob(v);
    case 'timestamp':
      if (typeof v !== 'number') throw misfit(v, 'milliseconds since epoch');
      return v;
    case 'list':
      if (!Array.isArray(v)) throw typeof v === 'object' ? misfit(v, '') : serialization('Expected list or null');
      return v.map((x) => convert(x, shape.member));
    case 'map':
      if (typeof v !== 'object' || Array.isArray(v)) throw Array.isArray(v) ? misfit(v, '') : serialization('Expected map or null');
      return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, convert(x, shape.value)]));
    case 'structure':
      if (typeof v !== 'object' || Array.isArray(v)) throw Array.isArray(v) ? misfit(v, '') : serialization('Expected null');
      return convertMembers(v as Json, shape.members);
  }
}

function convertMembers(input: Json, members: Members): Json {
  const out: Json = {};
  for (const [name, shape] of Object.entries(members)) {
    const v = convert(input[name], shape);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** The value as Coral prints it in a validation message (a list of structures by its members' fixed text). */
function shown(v: unknown, shape: Shape): string {
  if (Array.isArray(v) && shape.type === 'list' && shape.memberStr) return `'[${v.map(() => shape.memberStr).join(', ')}]'`;
  return shownValue(v);
}

const lowerFirst = (s: string): string => s[0].toLowerCase() + s.slice(1);
const lengthOf = (v: unknown): number => (Buffer.isBuffer(v) || Array.isArray(v) || typeof v === 'string' ? v.length : Object.keys(v as Json).length);

/** Pass 2: the model's constraints (lib/aws-validation.ts words them); each failure one sentence, in member order. */
function check(v: unknown, shape: Shape, path: string, errors: string[]): void {
  const fail = (constraint: string) => errors.push(shownViolation(shown(v, shape), path, constraint));
  if (v === undefined) {
    if (shape.required) fail(NOT_NULL);
    return;
  }
  if (shape.type === 'integer') {
    if (shape.min !== undefined && (v as number) < shape.min) fail(valueAtLeast(shape.min));
    if (shape.max !== undefined && (v as number) > shape.max) fail(valueAtMost(shape.max));
    return;
  }
  if (shape.type === 'string') {
    if (shape.pattern !== undefined && !wholeMatch(shape.pattern).test(v as string)) fail(matchesPattern(shape.pattern));
    if (shape.enum && !shape.enum.includes(v as string)) fail(inEnum(shape.enum));
  }
  if ('min' in shape && shape.min !== undefined && lengthOf(v) < shape.min) fail(lengthAtLeast(shape.min));
  if ('max' in shape && shape.max !== undefined && lengthOf(v) > shape.max) fail(lengthAtMost(shape.max));
  if (shape.type === 'list') (v as unknown[]).forEach((x, i) => check(x, shape.member, `${path}.${i + 1}.member`, errors));
  if (shape.type === 'map') for (const [k, x] of Object.entries(v as Json)) check(x, shape.value, `${path}.${k}.member`, errors);
  if (shape.type === 'structure') for (const [name, s] of Object.entries(shape.members)) check((v as Json)[name], s, `${path}.${lowerFirst(name)}`, errors);
}

/**
 * The input of one operation, typed and checked against its members (declared in the order AWS
 * reports them). Throws SerializationException or ValidationException; returns the converted input.
 */
export function validateInput(input: Json, members: Members): Json {
  const out = convertMembers(input, members);
  const errors: string[] = [];
  for (const [name, shape] of Object.entries(members)) check(out[name], shape, lowerFirst(name), errors);
  if (errors.length > 0) throw new StreamError('ValidationException', validationMessage(errors));
  return out;
}
