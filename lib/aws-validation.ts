// AWS's model validation in one vocabulary: a member's constraints as the service model states them
// (required, length, value range, pattern, enum) and the sentences AWS's service framework writes for
// them ("1 validation error detected: Value 'x' at 'functionName' failed to satisfy constraint: ...").
// Every API renders its validation messages here; callers wrap them in their own error type. Pure.

/** One member's constraints, as the model states them. */
export interface MemberRule {
  required?: boolean;
  /** Length of a string, list, map or blob. */
  minLength?: number;
  maxLength?: number;
  /** Value of a number. */
  minValue?: number;
  maxValue?: number;
  /** The model's regular expression, matched against the whole value (and written verbatim in the message). */
  pattern?: string;
  enum?: readonly string[];
}

export const NOT_NULL = 'Member must not be null';
export const lengthAtMost = (n: number): string => `Member must have length less than or equal to ${n}`;
export const lengthAtLeast = (n: number): string => `Member must have length greater than or equal to ${n}`;
export const valueAtMost = (n: number | string): string => `Member must have value less than or equal to ${n}`;
export const valueAtLeast = (n: number | string): string => `Member must have value greater than or equal to ${n}`;
export const matchesPattern = (pattern: string): string => `Member must satisfy regular expression pattern: ${pattern}`;
export const inEnum = (values: readonly string[]): string => `Member must satisfy enum value set: [${values.join(', ')}]`;
/**
 * A value of the wrong JSON kind (`an integer`, `a string`, `a boolean`, `a list`, `a map`, `a structure`,
 * `a timestamp`). AWS's framework refuses these before validation, in words no recording pins down;
 * ephemera words them as one more constraint so the message keeps the framework's shape.
 */
export const ofKind = (kind: string): string => `Member must be ${kind}`;
/** The members of a list or map failed their own constraints: `Member must satisfy constraint: [a, b]`. */
export const membersSatisfy = (constraints: readonly string[]): string => `Member must satisfy constraint: [${constraints.join(', ')}]`;

/**
 * A value as the framework prints it: `null`, `'text'`, `'5'`, `'[a, b]'`, `'{k=v}'`. Doubles print
 * as Java does (`2.0`); blobs as the Java buffer they became.
 */
export function shown(value: unknown, opts: { double?: boolean } = {}): string {
  if (value === undefined || value === null) return 'null';
  return `'${plain(value, opts)}'`;
}

function plain(value: unknown, opts: { double?: boolean }): string {
  if (Buffer.isBuffer(value)) return `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`;
  if (Array.isArray(value)) return `[${value.map((v) => plain(v, opts)).join(', ')}]`;
  if (typeof value === 'number' && opts.double && Number.isInteger(value)) return value.toFixed(1);
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${k}=${plain(v, opts)}`).join(', ')}}`;
  }
  return String(value);
}

/** One failed constraint: `Value 'x' at 'path' failed to satisfy constraint: <constraint>`. */
export function violation(value: unknown, path: string, constraint: string, opts: { double?: boolean } = {}): string {
  return shownViolation(shown(value, opts), path, constraint);
}

/** The same sentence with the value already printed (a service that prints some values its own way). */
export function shownViolation(printed: string, path: string, constraint: string): string {
  return `Value ${printed} at '${path}' failed to satisfy constraint: ${constraint}`;
}

/** A constraint on a structure or map as a whole, written without its value: `Value at 'path' failed to ...`. */
export function wholeViolation(path: string, constraint: string): string {
  return `Value at '${path}' failed to satisfy constraint: ${constraint}`;
}

/** `1 validation error detected: a` / `2 validation errors detected: a; b` (the framework lists ten at most). */
export function validationMessage(violations: readonly string[]): string {
  const listed = violations.slice(0, 10);
  return `${listed.length} validation error${listed.length === 1 ? '' : 's'} detected: ${listed.join('; ')}`;
}

const sizeOf = (v: unknown): number | undefined => {
  if (typeof v === 'string' || Array.isArray(v) || Buffer.isBuffer(v)) return v.length;
  if (v !== null && typeof v === 'object') return Object.keys(v).length;
  return undefined;
};

const compiled = new Map<string, RegExp>();
/** The model's pattern as a whole-value match (`u`: the models use `\p{L}` classes). */
export function wholeMatch(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    compiled.set(pattern, re);
  }
  return re;
}

/**
 * The violations of one value, in the order the framework reports them: not-null, then pattern, enum,
 * length and value range. An absent optional member has none.
 */
export function check(value: unknown, rule: MemberRule, path: string): string[] {
  if (value === undefined || value === null) return rule.required ? [violation(value, path, NOT_NULL)] : [];
  const out: string[] = [];
  const fail = (constraint: string): void => {
    out.push(violation(value, path, constraint));
  };
  if (rule.pattern !== undefined && typeof value === 'string' && !wholeMatch(rule.pattern).test(value)) fail(matchesPattern(rule.pattern));
  if (rule.enum !== undefined && !(typeof value === 'string' && rule.enum.includes(value))) fail(inEnum(rule.enum));
  const size = sizeOf(value);
  if (size !== undefined && rule.minLength !== undefined && size < rule.minLength) fail(lengthAtLeast(rule.minLength));
  if (size !== undefined && rule.maxLength !== undefined && size > rule.maxLength) fail(lengthAtMost(rule.maxLength));
  if (typeof value === 'number' && rule.minValue !== undefined && value < rule.minValue) fail(valueAtLeast(rule.minValue));
  if (typeof value === 'number' && rule.maxValue !== undefined && value > rule.maxValue) fail(valueAtMost(rule.maxValue));
  return out;
}

/** Members checked in the order given (the model's member order): `[path, value, rule]`. */
export function checkAll(members: ReadonlyArray<readonly [string, unknown, MemberRule]>): string[] {
  return members.flatMap(([path, value, rule]) => check(value, rule, path));
}
