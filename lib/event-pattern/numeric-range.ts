// The `numeric` operator: `["=", n]`, one bound (`[">", n]`, `["<=", n]`, ...), or a lower bound then an
// upper bound (`[">", 0, "<=", 5]`), validated in the order and words of AWS's matching engine.
import { type Json, type Leaf, reject } from './pattern-error.ts';

export interface NumberRules {
  /** Largest magnitude a pattern number may have (Lambda's filter criteria: 5.0e9); unlimited when unset. */
  limit?: number;
}

const shown = (v: Json | undefined): string => (v === undefined ? ']' : typeof v === 'string' ? v : JSON.stringify(v));

export function checkNumber(n: number, rules: NumberRules): void {
  if (rules.limit !== undefined && (n < -rules.limit || n > rules.limit)) {
    reject(`Value must be between ${-rules.limit} and ${rules.limit}, inclusive`);
  }
}

/** Compile `{"numeric": arg}`; the test is true for numbers in the range only. */
export function compileNumeric(arg: Json, rules: NumberRules): (v: Leaf) => boolean {
  if (!Array.isArray(arg)) reject('Value of numeric must be an array.');
  const terms = arg as Json[];
  const op = terms[0];
  if (typeof op !== 'string') reject(`Invalid member in numeric match: ${shown(op)}`);
  const n = terms[1];
  const operator = op as string;
  if (!['=', '<', '<=', '>', '>='].includes(operator)) reject(`Unrecognized numeric range operator: ${operator}`);
  if (typeof n !== 'number') reject(`Value of ${operator === '=' ? 'equals' : operator} must be numeric`);
  const low = n as number;
  checkNumber(low, rules);
  if (operator === '=' || operator === '<' || operator === '<=') {
    if (terms.length > 2) reject('Too many elements in numeric expression');
    if (operator === '=') return (v) => typeof v === 'number' && v === low;
    return operator === '<' ? (v) => typeof v === 'number' && v < low : (v) => typeof v === 'number' && v <= low;
  }
  const openLow = operator === '>';
  const above = (v: number): boolean => (openLow ? v > low : v >= low);
  if (terms.length === 2) return (v) => typeof v === 'number' && above(v);
  const op2 = terms[2];
  if (typeof op2 !== 'string') reject(`Bad value in numeric range: ${shown(op2)}`);
  if (op2 !== '<' && op2 !== '<=') reject(`Bad numeric range operator: ${op2 as string}`);
  const top = terms[3];
  if (typeof top !== 'number') reject(`Value of ${op2 as string} must be numeric`);
  if (terms.length > 4) reject('Too many terms in numeric range expression');
  checkNumber(top as number, rules);
  const high = top as number;
  if (!(low < high)) reject('Bottom must be less than top');
  const below = (v: number): boolean => (op2 === '<' ? v < high : v <= high);
  return (v) => typeof v === 'number' && above(v) && below(v);
}
