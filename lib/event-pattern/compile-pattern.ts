// An EventBridge event pattern (the language Lambda's filter criteria share) compiled once to a
// predicate over a JSON value: every field must match (AND), a field's list is an OR, `$or` holds
// alternatives, nested objects address nested fields, and a dotted key ("a.b") addresses the same
// field as nesting does. Invalid patterns throw PatternError with AWS's reason.
import { type NumberRules } from './numeric-range.ts';
import { type Json, type Leaf, isObject, reject } from './pattern-error.ts';
import { compileField } from './value-matchers.ts';

export type ObjectTest = (value: Json | undefined) => boolean;
export type { NumberRules };

/** Operator names a field inside `$or` may not have (they would read as operators). */
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case', 'date-after', 'date-on-or-after',
  'date-before', 'date-on-or-before', 'in-date-range', 'ip-address-in-range', 'ip-address-not-in-range',
]);

/** Compile a parsed pattern object (the top level of a pattern, or a nested object of one). */
export function compileObject(pattern: unknown, rules: NumberRules = {}): ObjectTest {
  if (!isObject(pattern)) reject('Filter is not an object');
  return compileFields(pattern as Record<string, Json>, rules, false);
}

function compileFields(pattern: Record<string, Json>, rules: NumberRules, insideOr: boolean): ObjectTest {
  const entries = Object.entries(pattern);
  if (entries.length === 0) reject('Empty objects are not allowed');
  const tests: ObjectTest[] = [];
  for (const [key, spec] of entries) {
    if (key === '$or') {
      tests.push(compileOr(spec, rules));
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) reject(`${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    // "a.b" is the field b of a: nest it so one code path addresses both spellings.
    const parts = key.split('.');
    const dotted = parts.length > 1 && parts.every((p) => p !== '');
    const nestedSpec = dotted ? parts.slice(1).reduceRight<Json>((inner, k) => ({ [k]: inner }), spec) : spec;
    tests.push(compileMember(dotted ? parts[0] : key, nestedSpec, key, rules, insideOr));
  }
  return (value) => tests.every((t) => t(value));
}

function compileMember(name: string, spec: Json, shownName: string, rules: NumberRules, insideOr: boolean): ObjectTest {
  if (Array.isArray(spec)) {
    const field = compileField(spec, rules);
    return (value) => field(leavesOf(isObject(value) ? value[name] : undefined));
  }
  if (isObject(spec)) {
    const nested = compileFields(spec, rules, insideOr);
    return (value) => {
      const v = isObject(value) ? value[name] : undefined;
      // An array of objects matches when one element matches the whole sub-pattern.
      return Array.isArray(v) && v.some(isObject) ? v.some((e) => nested(e)) : nested(v);
    };
  }
  return reject(`"${shownName}" must be an object or an array`);
}

function compileOr(spec: Json, rules: NumberRules): ObjectTest {
  if (!Array.isArray(spec)) reject('It must be an Array followed with $or.');
  const alternatives = (spec as Json[]).map((alt) => {
    if (!isObject(alt)) reject('Only JSON object is allowed in array of $or relationship.');
    return compileFields(alt as Record<string, Json>, rules, true);
  });
  if (alternatives.length < 2) reject('There must have at least 2 Objects in $or relationship.');
  return (value) => alternatives.some((t) => t(value));
}

/** A field's leaf values: itself, or the leaves of an array (any of which may match); objects have none. */
function leavesOf(v: Json | undefined): Leaf[] {
  if (v === undefined || isObject(v)) return [];
  if (!Array.isArray(v)) return [v];
  return v.flatMap((e) => leavesOf(e));
}

/**
 * The event as the engine addresses it: a key written with dots ("state.status") is the same field as
 * the nested one. Returns the value itself when it has no such key (the common case costs one scan).
 */
export function withDottedKeysNested(v: Json): Json {
  if (Array.isArray(v)) {
    const mapped = v.map(withDottedKeysNested);
    return mapped.every((e, i) => e === v[i]) ? v : mapped;
  }
  if (!isObject(v)) return v;
  let out: Record<string, Json> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const inner = withDottedKeysNested(x);
    const dotted = k.includes('.') && k.split('.').every((p) => p !== '');
    if (!dotted && inner === x && out === undefined) continue;
    out ??= copyUntil(v, k);
    if (dotted) mergeAt(out, k.split('.'), inner);
    else out[k] = inner;
  }
  return out ?? v;
}

function copyUntil(v: Record<string, Json>, stop: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === stop) break;
    out[k] = x;
  }
  return out;
}

function mergeAt(target: Record<string, Json>, path: string[], value: Json): void {
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if (!(head in target)) target[head] = value;
    return;
  }
  const existing = target[head];
  const next: Record<string, Json> = isObject(existing) ? { ...existing } : {};
  if (existing !== undefined && !isObject(existing)) return;
  mergeAt(next, rest, value);
  target[head] = next;
}
