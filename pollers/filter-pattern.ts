// One EventBridge-syntax filter pattern (the syntax Lambda's FilterCriteria use): parsed and checked
// once, compiled to a predicate over a JSON value. Throws PatternError for a pattern AWS rejects.

export class PatternError extends Error {
  readonly code = 'EPH_ERR_FILTER_PATTERN';
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Leaf = null | boolean | number | string;
/** Matches one leaf value of the event (string, number, boolean or null). */
type LeafTest = (v: Leaf) => boolean;
/** Matches a field: `present` false when the field is missing (then `values` is empty). */
type FieldTest = (values: Leaf[], present: boolean) => boolean;
export type ObjectTest = (obj: Json | undefined) => boolean;

/** Numbers EventBridge accepts in patterns (±5.0e9). */
const NUM_LIMIT = 5e9;

const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (why: string): never => {
  throw new PatternError(why);
};

/** Compile a parsed pattern object: every key must match (AND); `$or` holds alternatives. */
export function compileObject(pattern: unknown): ObjectTest {
  if (!isObj(pattern)) fail('a pattern must be a JSON object');
  const tests: ObjectTest[] = [];
  for (const [key, spec] of Object.entries(pattern as Record<string, Json>)) {
    if (key === '$or') {
      if (!Array.isArray(spec) || spec.length < 2) fail('$or needs an array of at least two patterns');
      const alts = (spec as Json[]).map(compileObject);
      tests.push((obj) => alts.some((t) => t(obj)));
    } else if (Array.isArray(spec)) {
      const field = compileField(spec);
      tests.push((obj) => {
        const v = isObj(obj) ? obj[key] : undefined;
        const values = v === undefined ? [] : leaves(v);
        return field(values, values.length > 0);
      });
    } else if (isObj(spec)) {
      if (Object.keys(spec).length === 0) fail(`the pattern for "${key}" is an empty object`);
      const nested = compileObject(spec);
      tests.push((obj) => {
        const v = isObj(obj) ? obj[key] : undefined;
        if (Array.isArray(v)) return v.some((e) => nested(e));
        return nested(v);
      });
    } else {
      fail(`the value of "${key}" must be an array or an object`);
    }
  }
  return (obj) => tests.every((t) => t(obj));
}

/** The leaf values of a field: itself, or the elements of an array (arrays match when any element does). */
function leaves(v: Json): Leaf[] {
  if (Array.isArray(v)) return v.flatMap((e) => (Array.isArray(e) ? leaves(e) : isObj(e) ? [] : [e]));
  return isObj(v) ? [] : [v];
}

/** A field's array of alternatives (OR). */
function compileField(spec: Json[]): FieldTest {
  if (spec.length === 0) fail('a field needs at least one value to match');
  const presence: Array<(present: boolean) => boolean> = [];
  const leafTests: LeafTest[] = [];
  for (const item of spec) {
    if (isObj(item) && 'exists' in item) {
      if (Object.keys(item).length !== 1 || typeof item.exists !== 'boolean') fail('exists takes true or false');
      const want = item.exists as boolean;
      presence.push((present) => present === want);
    } else {
      leafTests.push(compileLeaf(item));
    }
  }
  return (values, present) => presence.some((p) => p(present)) || values.some((v) => leafTests.some((t) => t(v)));
}

function compileLeaf(item: Json): LeafTest {
  if (item === null || typeof item === 'string' || typeof item === 'boolean') return (v) => v === item;
  if (typeof item === 'number') {
    checkNumber(item);
    return (v) => typeof v === 'number' && v === item;
  }
  if (Array.isArray(item)) return fail('a value to match cannot be an array');
  const keys = Object.keys(item);
  if (keys.length !== 1) fail('an operator object holds exactly one operator');
  const op = keys[0];
  const arg = item[op];
  switch (op) {
    case 'prefix': return stringOp(arg, (s, p) => s.startsWith(p), true);
    case 'suffix': return stringOp(arg, (s, p) => s.endsWith(p), true);
    case 'equals-ignore-case': {
      if (typeof arg !== 'string') fail('equals-ignore-case takes a string');
      const want = (arg as string).toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase() === want;
    }
    case 'wildcard': {
      const re = wildcard(arg);
      return (v) => typeof v === 'string' && re.test(v);
    }
    case 'numeric': return numeric(arg);
    case 'anything-but': return anythingBut(arg);
    default: return fail(`unknown operator "${op}"`);
  }
}

/** prefix / suffix: a string, or `{"equals-ignore-case": "..."}`. */
function stringOp(arg: Json, test: (s: string, p: string) => boolean, allowIgnoreCase: boolean): LeafTest {
  if (typeof arg === 'string') return (v) => typeof v === 'string' && test(v, arg);
  if (allowIgnoreCase && isObj(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
    const p = (arg['equals-ignore-case'] as string).toLowerCase();
    return (v) => typeof v === 'string' && test(v.toLowerCase(), p);
  }
  return fail('prefix and suffix take a string or {"equals-ignore-case": string}');
}

function checkNumber(n: number): void {
  if (!Number.isFinite(n) || n < -NUM_LIMIT || n > NUM_LIMIT) fail(`number ${n} is outside ±5.0e9`);
}

/** `*` matches any run of characters; `\*` a literal star, `\\` a backslash; `**` is not allowed. */
function wildcard(arg: Json): RegExp {
  if (typeof arg !== 'string') return fail('wildcard takes a string');
  let out = '';
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if (c === '\\') {
      const next = arg[i + 1];
      if (next !== '*' && next !== '\\') fail('in a wildcard, \\ escapes only * and \\');
      out += `\\${next}`;
      i++;
    } else if (c === '*') {
      if (arg[i + 1] === '*') fail('a wildcard cannot hold consecutive *');
      out += '[\\s\\S]*';
    } else {
      out += c.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`, 'u');
}

const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);
const CMP: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b, '>': (a, b) => a > b, '>=': (a, b) => a >= b, '<': (a, b) => a < b, '<=': (a, b) => a <= b,
};

/** `{"numeric": ["=", 5]}`, `[">", 0]`, `[">", 0, "<=", 5]` (a lower bound, then an upper bound). */
function numeric(arg: Json): LeafTest {
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) return fail('numeric takes one or two [operator, number] pairs');
  const pairs: Array<[string, number]> = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const n = arg[i + 1];
    if (typeof op !== 'string' || !(op in CMP) || typeof n !== 'number') fail('numeric pairs are an operator (=, <, <=, >, >=) and a number');
    checkNumber(n as number);
    pairs.push([op as string, n as number]);
  }
  if (pairs.length === 2) {
    const [[lo, a], [hi, b]] = pairs;
    if (!LOWER.has(lo) || !UPPER.has(hi) || !(a < b)) fail('a numeric range is a lower bound (>, >=) then a larger upper bound (<, <=)');
  }
  return (v) => typeof v === 'number' && pairs.every(([op, n]) => CMP[op](v, n));
}

/** `anything-but`: a string, a number, a list of either, or one of prefix/suffix/equals-ignore-case/wildcard. */
function anythingBut(arg: Json): LeafTest {
  if (typeof arg === 'string' || typeof arg === 'number') {
    if (typeof arg === 'number') checkNumber(arg);
    return (v) => v !== arg;
  }
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail('anything-but needs at least one value');
    const allStrings = arg.every((x) => typeof x === 'string');
    const allNumbers = arg.every((x) => typeof x === 'number');
    if (!allStrings && !allNumbers) fail('anything-but takes a list of strings or a list of numbers');
    if (allNumbers) (arg as number[]).forEach(checkNumber);
    const set = new Set<Leaf>(arg as Leaf[]);
    return (v) => !set.has(v);
  }
  if (!isObj(arg) || Object.keys(arg).length !== 1) return fail('anything-but takes a value, a list or one operator');
  const [op] = Object.keys(arg);
  const inner = arg[op];
  let test: LeafTest;
  if (op === 'prefix' || op === 'suffix') {
    if (typeof inner !== 'string') fail(`anything-but ${op} takes a string`);
    test = stringOp(inner, op === 'prefix' ? (s, p) => s.startsWith(p) : (s, p) => s.endsWith(p), false);
  } else if (op === 'equals-ignore-case' || op === 'wildcard') {
    const list = Array.isArray(inner) ? inner : [inner];
    if (list.length === 0 || list.some((x) => typeof x !== 'string')) fail(`anything-but ${op} takes a string or a list of strings`);
    const tests = list.map((x) => compileLeaf({ [op]: x }));
    test = (v) => tests.some((t) => t(v));
  } else {
    return fail(`anything-but does not take "${op}"`);
  }
  return (v) => typeof v === 'string' && !test(v);
}
