// A subscription's filter policy, compiled once into a predicate over a message: on its attributes
// (FilterPolicyScope MessageAttributes: String → a string, Number → a number, String.Array → its JSON
// elements; Binary attributes are ignored) or on its body (MessageBody: a JSON object, nested keys, and
// `a.b` keys equal to nesting on both sides). Within an array of objects, the keys of one branch of the
// policy must match in the same element. The policy must be valid (filter-policy-validate.ts).
import { BlockList, isIP } from 'node:net';
import type { FilterPolicyScope } from './filter-policy-validate.ts';
import type { SnsAttribute } from './sns-message.ts';

type Leaf = string | number | boolean | null;
type Test = (value: unknown) => boolean;
type LeafTest = (v: Leaf) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a subscription's policy decides: deliver this message or not. */
export type MessageFilter = (message: { body: string; attributes: Record<string, SnsAttribute> }) => boolean;

export function compileFilterPolicy(policy: Record<string, unknown>, scope: FilterPolicyScope): MessageFilter {
  const test = compileNode(expandKeys(policy));
  if (scope === 'MessageAttributes') return (m) => test(attributeView(m.attributes));
  return (m) => {
    const body = parseObject(m.body);
    return body !== undefined && test(expandKeys(body));
  };
}

/** The attributes as the policy sees them; undefined for a String.Array that is not a JSON array. */
export function attributeView(attributes: Record<string, SnsAttribute>): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(attributes)) {
    const type = a.DataType;
    if (type.startsWith('Binary') || a.StringValue === undefined) continue;
    if (type === 'String.Array') {
      const parsed = parseJson(a.StringValue);
      view[name] = Array.isArray(parsed) ? parsed : undefined;
    } else if (type.startsWith('Number')) {
      view[name] = Number(a.StringValue);
    } else {
      view[name] = a.StringValue;
    }
  }
  return view;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  const v = parseJson(text);
  return isObject(v) ? v : undefined;
}

/**
 * `{"a.b": x}` → `{"a": {"b": x}}`, recursively (through arrays too); two values that land on the same
 * key are both kept (objects merged, anything else as an array of both).
 */
export function expandKeys(value: unknown): any {
  if (Array.isArray(value)) return value.map(expandKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, raw] of Object.entries(value)) {
    const path = key === '$or' ? [key] : key.split('.');
    let holder = out;
    for (const part of path.slice(0, -1)) {
      if (!isObject(holder[part])) holder[part] = holder[part] === undefined ? Object.create(null) : merge(holder[part], Object.create(null));
      holder = isObject(holder[part]) ? holder[part] as Record<string, unknown> : (holder[part] as unknown[]).at(-1) as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    const v = expandKeys(raw);
    holder[last] = holder[last] === undefined ? v : merge(holder[last], v);
  }
  return out;
}

function merge(a: unknown, b: unknown): unknown {
  if (isObject(a) && isObject(b)) {
    for (const [k, v] of Object.entries(b)) a[k] = a[k] === undefined ? v : merge(a[k], v);
    return a;
  }
  return [...(Array.isArray(a) ? a : [a]), ...(Array.isArray(b) ? b : [b])];
}

/** A policy object: every key must match (an array of objects matches when one element does). */
function compileNode(node: Record<string, unknown>): Test {
  const tests: Test[] = [];
  for (const [key, spec] of Object.entries(node)) {
    if (key === '$or') {
      const alternatives = (spec as Record<string, unknown>[]).map((alt) => compileNode(expandKeys(alt)));
      tests.push((v) => alternatives.some((t) => t(v)));
    } else if (Array.isArray(spec)) {
      const field = compileRules(spec);
      tests.push((v) => field(isObject(v) ? v[key] : undefined));
    } else {
      const nested = compileNode(spec as Record<string, unknown>);
      tests.push((v) => nested(isObject(v) ? v[key] : undefined));
    }
  }
  const all: Test = (v) => tests.every((t) => t(v));
  return (v) => (Array.isArray(v) ? v.flat(Infinity).some((e) => isObject(e) && all(e)) || (!v.some(isObject) && all(undefined)) : all(v));
}

/** The scalar values of a field: itself, or the elements of its (nested) arrays; objects have none. */
function leaves(v: unknown): Leaf[] {
  if (Array.isArray(v)) return v.flat(Infinity).filter((e) => !isObject(e) && !Array.isArray(e)) as Leaf[];
  return v === undefined || isObject(v) ? [] : [v as Leaf];
}

/** A field's rules (OR): `exists` looks at presence; every other rule needs a value that matches. */
function compileRules(rules: unknown[]): Test {
  const presence: boolean[] = [];
  const tests: LeafTest[] = [];
  for (const rule of rules) {
    if (isObject(rule) && 'exists' in rule) presence.push(rule.exists as boolean);
    else tests.push(compileRule(rule));
  }
  return (field) => {
    const values = leaves(field);
    const present = values.length > 0;
    return presence.some((want) => want === present) || values.some((v) => tests.some((t) => t(v)));
  };
}

function compileRule(rule: unknown): LeafTest {
  if (!isObject(rule)) return (v) => v === rule;
  const [op] = Object.keys(rule);
  const arg = rule[op];
  switch (op) {
    case 'prefix': return (v) => typeof v === 'string' && v.startsWith(arg as string);
    case 'suffix': return (v) => typeof v === 'string' && v.endsWith(arg as string);
    case 'equals-ignore-case': {
      const want = (arg as string).toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === want;
    }
    case 'numeric': return numeric(arg as unknown[]);
    case 'cidr': return cidr(arg as string);
    case 'anything-but': return anythingBut(arg);
    default: return () => false;
  }
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b, '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
};

/** Numbers only: a String attribute holding digits is text, as SNS treats it. */
function numeric(terms: unknown[]): LeafTest {
  const pairs: Array<[string, number]> = [];
  for (let i = 0; i + 1 < terms.length; i += 2) pairs.push([terms[i] as string, terms[i + 1] as number]);
  return (v) => typeof v === 'number' && pairs.every(([op, n]) => COMPARE[op](v, n));
}

function cidr(range: string): LeafTest {
  const [address, mask] = range.split('/');
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  list.addSubnet(address, Number(mask), type);
  return (v) => typeof v === 'string' && isIP(v) !== 0 && list.check(v, isIP(v) === 6 ? 'ipv6' : 'ipv4');
}

/** `anything-but`: a value, a list of values, or `{"prefix": p}`; a value must be there to match. */
function anythingBut(arg: unknown): LeafTest {
  if (isObject(arg)) {
    const prefix = arg.prefix as string;
    return (v) => typeof v === 'string' && !v.startsWith(prefix);
  }
  const excluded = Array.isArray(arg) ? arg : [arg];
  return (v) => !excluded.some((x) => x === v);
}
