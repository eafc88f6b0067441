// Checks a subscription's FilterPolicy as SNS does before accepting it: the keys limit (5), the
// complexity limit (150 combinations), nesting only for the MessageBody scope, and each match rule,
// with AWS's messages ("FilterPolicy: Unrecognized match type wildcard", ...). Throws FilterPolicyError
// with the message after SNS's "Invalid parameter: " / "Invalid parameter: Attributes Reason: " prefix.
import { isIP } from 'node:net';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

export class FilterPolicyError extends Error {}

const MAX_KEYS = 5;
const MAX_COMBINATIONS = 150;
const fail = (message: string): never => {
  throw new FilterPolicyError(`FilterPolicy: ${message}`);
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks a FilterPolicy attribute value; returns the policy object. */
export function validateFilterPolicy(text: string, scope: FilterPolicyScope): Record<string, unknown> {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch (err) {
    throw new FilterPolicyError(`FilterPolicy: failed to parse JSON. ${(err as Error).message}`);
  }
  if (!isObject(policy)) return fail('Filter policy must be a JSON object');
  if (Object.keys(policy).length > MAX_KEYS) fail(`Filter policy can not have more than ${MAX_KEYS} keys`);
  const { rules, combinations } = aggregate(policy, 1, 1, scope);
  if (combinations > MAX_COMBINATIONS) fail('Filter policy is too complex');
  for (const list of rules) for (const rule of list) checkRule(rule);
  return policy;
}

/**
 * The rule lists of a policy and its number of combinations: the product, over the arrays, of their
 * length times their nesting depth; the alternatives of `$or` add up (SNS's documented arithmetic).
 */
function aggregate(node: Record<string, unknown>, depth: number, combinations: number, scope: FilterPolicyScope): { rules: unknown[][]; combinations: number } {
  const rules: unknown[][] = [];
  for (const [key, value] of Object.entries(node)) {
    if (isObject(value)) {
      const inner = aggregate(value, depth + 1, combinations, scope);
      rules.push(...inner.rules);
      combinations = inner.combinations;
    } else if (Array.isArray(value)) {
      if (value.length === 0) fail('Empty arrays are not allowed');
      if (key === '$or') {
        let sum = 0;
        for (const alternative of value) {
          if (!isObject(alternative)) fail('"$or" must hold objects');
          const inner = aggregate(alternative as Record<string, unknown>, depth, combinations, scope);
          rules.push(...inner.rules);
          sum += inner.combinations;
        }
        combinations = sum;
      } else {
        rules.push(value);
        combinations = combinations * value.length * depth;
      }
    } else {
      fail(`"${key}" must be an object or an array`);
    }
  }
  if (scope === 'MessageAttributes' && depth > 1) fail('Filter policy scope MessageAttributes does not support nested filter policy');
  return { rules, combinations };
}

function checkRule(rule: unknown): void {
  if (rule === null || typeof rule === 'string' || typeof rule === 'boolean' || typeof rule === 'number') return;
  if (!isObject(rule)) return fail('Match value must be String, number, true, false, or null');
  const keys = Object.keys(rule);
  if (keys.length !== 1) fail('Only one key allowed in match expression');
  const [op] = keys;
  const value = rule[op];
  switch (op) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      if (typeof value !== 'string') fail(`${op} match pattern must be a string`);
      return;
    case 'anything-but':
      if (Array.isArray(value)) {
        value.forEach(checkRule);
        return;
      }
      if (isObject(value)) {
        const inner = Object.keys(value).find((k) => k !== 'prefix');
        if (inner !== undefined) fail(`Unsupported anything-but pattern: ${inner}`);
      }
      checkRule(value);
      return;
    case 'exists':
      if (typeof value !== 'boolean') fail('exists match pattern must be either true or false.');
      return;
    case 'numeric': return checkNumeric(value);
    case 'cidr': return checkCidr(value);
    default: fail(`Unrecognized match type ${op}`);
  }
}

const OPERATORS = new Set(['<', '<=', '=', '>', '>=']);

/** `["op", n]` or `[">"|">=", low, "<"|"<=", high]`, with SNS's message for each way it can be wrong. */
function checkNumeric(value: unknown): void {
  if (!Array.isArray(value) || value.length === 0) return fail('Invalid member in numeric match: ]');
  const terms = [...value];
  const op = terms.shift();
  if (typeof op !== 'string') fail(`Invalid member in numeric match: ${String(op)}`);
  if (!OPERATORS.has(op as string)) fail(`Unrecognized numeric range operator: ${String(op)}`);
  const low = terms.shift();
  if (typeof low !== 'number') fail(`Value of ${op === '=' ? 'equals' : String(op)} must be numeric`);
  if (terms.length === 0) return;
  if (op !== '>' && op !== '>=') fail('Too many elements in numeric expression');
  const op2 = terms.shift();
  if (typeof op2 !== 'string') fail(`Bad value in numeric range: ${String(op2)}`);
  if (op2 !== '<' && op2 !== '<=') fail(`Bad numeric range operator: ${String(op2)}`);
  const high = terms.shift();
  if (typeof high !== 'number') fail(`Value of ${String(op2)} must be numeric`);
  if ((high as number) <= (low as number)) fail('Bottom must be less than top');
  if (terms.length > 0) fail('Too many terms in numeric range expression');
}

function checkCidr(value: unknown): void {
  // SNS words a non-string CIDR as it words a non-string prefix.
  if (typeof value !== 'string') return fail('prefix match pattern must be a string');
  const parts = value.split('/');
  if (parts.length !== 2) fail("Malformed CIDR, one '/' required");
  const [address, mask] = parts;
  if (!/^\d+$/.test(mask)) fail('Malformed CIDR, mask bits must be an integer');
  const family = isIP(address);
  if (family === 0 || Number(mask) > (family === 4 ? 32 : 128)) fail(`Nonstandard IP address: ${address}`);
}
