// The values a field of a pattern lists (an OR): exact values and the operators of the EventBridge
// pattern language (prefix, suffix, equals-ignore-case, wildcard, numeric, cidr, exists, anything-but),
// compiled once, validated in the order and words of AWS's matching engine (event-ruler).
import { compileCidr, compileIpLiteral } from './ip-match.ts';
import { checkNumber, compileNumeric, type NumberRules } from './numeric-range.ts';
import { type Json, type Leaf, isObject, reject } from './pattern-error.ts';
import { compileWildcard } from './wildcard.ts';

/** A field's test: its leaf values (empty when the field is missing or holds no leaf). */
export type FieldTest = (values: readonly Leaf[]) => boolean;
type LeafTest = (v: Leaf) => boolean;

const isString = (v: Leaf): v is string => typeof v === 'string';

/** A field's list of alternatives. */
export function compileField(spec: Json[], rules: NumberRules): FieldTest {
  if (spec.length === 0) reject('Empty arrays are not allowed');
  const presence: boolean[] = [];
  const tests: LeafTest[] = [];
  for (const item of spec) {
    if (isObject(item) && Object.keys(item)[0] === 'exists') {
      presence.push(existsValue(item));
    } else {
      tests.push(compileValue(item, rules));
    }
  }
  return (values) => presence.some((want) => want === values.length > 0) || values.some((v) => tests.some((t) => t(v)));
}

function existsValue(item: Record<string, Json>): boolean {
  if (typeof item.exists !== 'boolean') reject('exists match pattern must be either true or false.');
  if (Object.keys(item).length > 1) reject('Only one key allowed in match expression');
  return item.exists as boolean;
}

function compileValue(item: Json, rules: NumberRules): LeafTest {
  if (typeof item === 'string') {
    const ip = compileIpLiteral(item);
    return ip ? (v) => isString(v) && ip(v) : (v) => v === item;
  }
  if (typeof item === 'number') {
    checkNumber(item, rules);
    return (v) => typeof v === 'number' && v === item;
  }
  if (item === null || typeof item === 'boolean') return (v) => v === item;
  if (Array.isArray(item)) return reject('Match value must be String, number, true, false, or null');
  return compileOperator(item, rules);
}

/** `{operator: argument}`: the first key names the operator. */
function compileOperator(item: Record<string, Json>, rules: NumberRules): LeafTest {
  const keys = Object.keys(item);
  if (keys.length === 0) reject('Match expression name not found');
  const [op] = keys;
  const arg = item[op];
  const single = (): void => {
    if (keys.length > 1) reject(op === 'numeric' || op === 'anything-but' ? 'Too many elements in numeric expression' : 'Only one key allowed in match expression');
  };
  switch (op) {
    case 'exactly': {
      if (typeof arg !== 'string') reject('exact match pattern must be a string');
      single();
      return (v) => v === arg;
    }
    case 'prefix':
    case 'suffix': {
      const test = affix(op, arg);
      single();
      return (v) => isString(v) && test(v);
    }
    case 'equals-ignore-case': {
      if (typeof arg !== 'string') reject('equals-ignore-case match pattern must be a string');
      single();
      const want = (arg as string).toLowerCase();
      return (v) => isString(v) && v.toLowerCase() === want;
    }
    case 'wildcard': {
      if (typeof arg !== 'string') reject('wildcard match pattern must be a string');
      const test = compileWildcard(arg as string);
      single();
      return (v) => isString(v) && test(v);
    }
    case 'numeric': {
      const test = compileNumeric(arg, rules);
      single();
      return test;
    }
    case 'cidr': {
      if (typeof arg !== 'string') reject('prefix match pattern must be a string');
      const test = compileCidr(arg as string);
      single();
      return (v) => isString(v) && test(v);
    }
    case 'anything-but': {
      const test = anythingBut(arg, rules);
      single();
      return test;
    }
    default:
      return reject(`Unrecognized match type ${op}`);
  }
}

/** prefix / suffix: a string, or `{"equals-ignore-case": string}`. */
function affix(op: 'prefix' | 'suffix', arg: Json): (s: string) => boolean {
  const has = op === 'prefix' ? (s: string, p: string) => s.startsWith(p) : (s: string, p: string) => s.endsWith(p);
  if (typeof arg === 'string') return (s) => has(s, arg);
  if (!isObject(arg)) return reject(`${op} match pattern must be a string`);
  const [inner] = Object.keys(arg);
  if (inner === undefined) reject(`${op === 'prefix' ? 'Prefix' : 'Suffix'} expression name not found`);
  if (inner !== 'equals-ignore-case') reject(`Unsupported ${op} pattern: ${inner}`);
  if (typeof arg[inner] !== 'string') reject('equals-ignore-case match pattern must be a string');
  if (Object.keys(arg).length > 1) reject('Only one key allowed in match expression');
  const want = (arg[inner] as string).toLowerCase();
  return (s) => has(s.toLowerCase(), want);
}

/**
 * `anything-but`: a string or number, a list of strings or of numbers, or one of equals-ignore-case,
 * prefix, suffix, wildcard over a string or a list of strings. It needs a value to be there; a value of
 * another type than the operator's (a number against a prefix, null) is not excluded, so it matches.
 */
function anythingBut(arg: Json, rules: NumberRules): LeafTest {
  if (isObject(arg)) return anythingButOperator(arg);
  if (typeof arg === 'string' || typeof arg === 'number') {
    if (typeof arg === 'number') checkNumber(arg, rules);
    return (v) => v !== arg;
  }
  if (!Array.isArray(arg)) return reject('Value of anything-but must be an array or single string/number value.');
  if (arg.some((x) => typeof x !== 'string' && typeof x !== 'number')) reject('Inside anything but list, start|null|boolean is not supported.');
  const strings = arg.every((x) => typeof x === 'string');
  const numbers = arg.every((x) => typeof x === 'number');
  if (arg.length === 0 || (!strings && !numbers)) reject('Inside anything but list, either all values are number or string, mixed type is not supported');
  if (numbers) (arg as number[]).forEach((n) => checkNumber(n, rules));
  const excluded = new Set<Leaf>(arg as Leaf[]);
  return (v) => !excluded.has(v);
}

function anythingButOperator(arg: Record<string, Json>): LeafTest {
  const [op] = Object.keys(arg);
  if (op === undefined) reject('Anything-But expression name not found');
  if (!['equals-ignore-case', 'prefix', 'suffix', 'wildcard'].includes(op)) reject(`Unsupported anything-but pattern: ${op}`);
  const inner = arg[op];
  if (!Array.isArray(inner) && typeof inner !== 'string' && typeof inner !== 'number') {
    reject('Value of anything-but must be an array or single string/number value.');
  }
  const list = Array.isArray(inner) ? inner : [inner];
  const tests = list.map((x): ((s: string) => boolean) => {
    if (typeof x !== 'string') {
      if (op === 'equals-ignore-case') reject('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
      reject(op === 'wildcard' ? 'wildcard match pattern must be a string' : 'prefix/suffix match pattern must be a string');
    }
    const s = x as string;
    if ((op === 'prefix' || op === 'suffix') && s === '') reject('Null prefix/suffix not allowed');
    if (op === 'wildcard') return compileWildcard(s);
    if (op === 'prefix') return (v) => v.startsWith(s);
    if (op === 'suffix') return (v) => v.endsWith(s);
    const lower = s.toLowerCase();
    return (v) => v.toLowerCase() === lower;
  });
  if (Object.keys(arg).length > 1) reject('Too many elements in numeric expression');
  return (v) => !isString(v) || !tests.some((t) => t(v));
}
