// FilterCriteria: EventBridge pattern operators, the SQS body / Kinesis data rules and the patterns
// rejected with `Invalid filter pattern definition.` (pollers/filter-criteria.ts, filter-pattern.ts).
import { describe, expect, it } from 'vitest';
import { EsmError } from '../../pollers/esm/esm-error.ts';
import { compileFilters, validateFilterPattern } from '../../pollers/filter-criteria.ts';

const sqs = (body: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  messageId: 'm-1', body, attributes: { ApproximateReceiveCount: '1', MessageGroupId: 'g1' }, messageAttributes: {},
  eventSource: 'aws:sqs', awsRegion: 'us-east-1', ...extra,
});

/** Does the SQS record with this body pass a single pattern? */
function passes(pattern: unknown, body: unknown, extra?: Record<string, unknown>): boolean {
  const f = compileFilters({ Filters: [{ Pattern: JSON.stringify(pattern) }] }, 'sqs');
  if (!f) throw new Error('no filter compiled');
  return f(sqs(typeof body === 'string' ? body : JSON.stringify(body), extra));
}

function rejected(pattern: unknown, kind: 'sqs' | 'kinesis' | 'dynamodb' = 'sqs'): string | undefined {
  try {
    validateFilterPattern(typeof pattern === 'string' ? pattern : JSON.stringify(pattern), kind);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(EsmError);
    expect((err as EsmError).type).toBe('InvalidParameterValueException');
    return (err as Error).message;
  }
}

describe('exact values', () => {
  it('strings compare exactly (case and type)', () => {
    expect(passes({ body: { a: ['x'] } }, { a: 'x' })).toBe(true);
    expect(passes({ body: { a: ['x'] } }, { a: 'X' })).toBe(false);
    expect(passes({ body: { a: ['5'] } }, { a: 5 })).toBe(false);
  });
  it('numbers match numbers only, booleans match booleans', () => {
    expect(passes({ body: { a: [5] } }, { a: 5 })).toBe(true);
    expect(passes({ body: { a: [5] } }, { a: '5' })).toBe(false);
    expect(passes({ body: { a: [true] } }, { a: true })).toBe(true);
    expect(passes({ body: { a: [true] } }, { a: 'true' })).toBe(false);
  });
  it('null matches null only; "" matches the empty string only', () => {
    expect(passes({ body: { a: [null] } }, { a: null })).toBe(true);
    expect(passes({ body: { a: [null] } }, {})).toBe(false);
    expect(passes({ body: { a: [null] } }, { a: '' })).toBe(false);
    expect(passes({ body: { a: [''] } }, { a: '' })).toBe(true);
    expect(passes({ body: { a: [''] } }, { a: null })).toBe(false);
  });
  it('a list is OR; several keys are AND', () => {
    const p = { body: { a: ['x', 'y'], b: [1] } };
    expect(passes(p, { a: 'y', b: 1 })).toBe(true);
    expect(passes(p, { a: 'z', b: 1 })).toBe(false);
    expect(passes(p, { a: 'x' })).toBe(false);
  });
  it('an array in the event matches when any element does', () => {
    expect(passes({ body: { tags: ['b'] } }, { tags: ['a', 'b'] })).toBe(true);
    expect(passes({ body: { tags: ['c'] } }, { tags: ['a', 'b'] })).toBe(false);
  });
  it('nested objects, and arrays of objects (one element must match the whole sub-pattern)', () => {
    expect(passes({ body: { a: { b: { c: ['d'] } } } }, { a: { b: { c: 'd' } } })).toBe(true);
    expect(passes({ body: { a: { b: { c: ['d'] } } } }, { a: { b: 'd' } })).toBe(false);
    const p = { body: { items: { k: ['x'], v: [1] } } };
    expect(passes(p, { items: [{ k: 'y', v: 1 }, { k: 'x', v: 1 }] })).toBe(true);
    expect(passes(p, { items: [{ k: 'x', v: 2 }, { k: 'y', v: 1 }] })).toBe(false);
  });
  it('a duplicate key in the pattern: the last one wins', () => {
    const f = compileFilters({ Filters: [{ Pattern: '{"body":{"a":["x"],"a":["y"]}}' }] }, 'sqs')!;
    expect(f(sqs('{"a":"y"}'))).toBe(true);
    expect(f(sqs('{"a":"x"}'))).toBe(false);
  });
});

describe('operators', () => {
  it('prefix and suffix (plain and ignoring case), strings only', () => {
    expect(passes({ body: { r: [{ prefix: 'us-' }] } }, { r: 'us-east-1' })).toBe(true);
    expect(passes({ body: { r: [{ prefix: 'us-' }] } }, { r: 'eu-west-1' })).toBe(false);
    expect(passes({ body: { r: [{ prefix: { 'equals-ignore-case': 'US-' } }] } }, { r: 'us-east-1' })).toBe(true);
    expect(passes({ body: { f: [{ suffix: '.png' }] } }, { f: 'a.png' })).toBe(true);
    expect(passes({ body: { f: [{ suffix: '.png' }] } }, { f: 'a.PNG' })).toBe(false);
    expect(passes({ body: { f: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, { f: 'a.PNG' })).toBe(true);
    expect(passes({ body: { n: [{ prefix: '1' }] } }, { n: 12 })).toBe(false);
  });
  it('equals-ignore-case', () => {
    expect(passes({ body: { s: [{ 'equals-ignore-case': 'alice' }] } }, { s: 'ALICE' })).toBe(true);
    expect(passes({ body: { s: [{ 'equals-ignore-case': 'alice' }] } }, { s: 'alic' })).toBe(false);
  });
  it('wildcard: * spans any run, \\* is a literal star, regex characters are literal', () => {
    const p = (w: string) => ({ body: { p: [{ wildcard: w }] } });
    expect(passes(p('dir/*.png'), { p: 'dir/a/b.png' })).toBe(true);
    expect(passes(p('dir/*.png'), { p: 'dir/a.jpg' })).toBe(false);
    expect(passes(p('*'), { p: '' })).toBe(true);
    expect(passes(p('a\\*b'), { p: 'a*b' })).toBe(true);
    expect(passes(p('a\\*b'), { p: 'axb' })).toBe(false);
    expect(passes(p('a.c(d)'), { p: 'a.c(d)' })).toBe(true);
    expect(passes(p('a.c'), { p: 'abc' })).toBe(false);
  });
  it('numeric: equality, one bound, a range; numbers only', () => {
    const range = { body: { n: [{ numeric: ['>', 0, '<=', 5] }] } };
    expect(passes(range, { n: 5 })).toBe(true);
    expect(passes(range, { n: 0 })).toBe(false);
    expect(passes(range, { n: 5.0001 })).toBe(false);
    expect(passes(range, { n: '3' })).toBe(false);
    expect(passes({ body: { n: [{ numeric: ['=', 300] }] } }, { n: 300.0 })).toBe(true);
    expect(passes({ body: { n: [{ numeric: ['>=', -10.5] }] } }, { n: -10.5 })).toBe(true);
    expect(passes({ body: { n: [{ numeric: ['<', 10] }] } }, { n: 10 })).toBe(false);
  });
  it('exists true / false (leaves only)', () => {
    expect(passes({ body: { a: [{ exists: true }] } }, { a: 'x' })).toBe(true);
    expect(passes({ body: { a: [{ exists: true }] } }, { a: null })).toBe(true);
    expect(passes({ body: { a: [{ exists: true }] } }, { b: 1 })).toBe(false);
    expect(passes({ body: { a: [{ exists: true }] } }, { a: { b: 1 } })).toBe(false);
    expect(passes({ body: { a: [{ exists: false }] } }, { b: 1 })).toBe(true);
    expect(passes({ body: { a: [{ exists: false }] } }, { a: 0 })).toBe(false);
    expect(passes({ body: { a: { b: [{ exists: false }] } } }, { c: 1 })).toBe(true);
  });
  it('anything-but: a value, a list, numbers; the field must exist', () => {
    expect(passes({ body: { s: [{ 'anything-but': 'init' }] } }, { s: 'running' })).toBe(true);
    expect(passes({ body: { s: [{ 'anything-but': 'init' }] } }, { s: 'init' })).toBe(false);
    expect(passes({ body: { s: [{ 'anything-but': 'init' }] } }, {})).toBe(false);
    expect(passes({ body: { s: [{ 'anything-but': ['a', 'b'] }] } }, { s: 'b' })).toBe(false);
    expect(passes({ body: { s: [{ 'anything-but': ['a', 'b'] }] } }, { s: 'c' })).toBe(true);
    expect(passes({ body: { n: [{ 'anything-but': [1, 2] }] } }, { n: 3 })).toBe(true);
    expect(passes({ body: { n: [{ 'anything-but': 1 }] } }, { n: 1 })).toBe(false);
  });
  it('anything-but prefix / suffix / equals-ignore-case / wildcard', () => {
    expect(passes({ body: { r: [{ 'anything-but': { prefix: 'us-' } }] } }, { r: 'eu-west-1' })).toBe(true);
    expect(passes({ body: { r: [{ 'anything-but': { prefix: 'us-' } }] } }, { r: 'us-east-1' })).toBe(false);
    expect(passes({ body: { f: [{ 'anything-but': { suffix: '.png' } }] } }, { f: 'a.png' })).toBe(false);
    expect(passes({ body: { f: [{ 'anything-but': { suffix: '.png' } }] } }, { f: 'a.jpg' })).toBe(true);
    expect(passes({ body: { s: [{ 'anything-but': { 'equals-ignore-case': ['A', 'b'] } }] } }, { s: 'B' })).toBe(false);
    expect(passes({ body: { s: [{ 'anything-but': { 'equals-ignore-case': 'a' } }] } }, { s: 'c' })).toBe(true);
    expect(passes({ body: { p: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, { p: 'x/lib/y' })).toBe(false);
    expect(passes({ body: { p: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, { p: 'x/src/y' })).toBe(true);
  });
  it('$or at the top level and inside the body', () => {
    const p = { body: { $or: [{ a: ['1'] }, { b: [{ numeric: ['>', 10] }] }] } };
    expect(passes(p, { a: '1' })).toBe(true);
    expect(passes(p, { b: 11 })).toBe(true);
    expect(passes(p, { a: '2', b: 3 })).toBe(false);
    const top = { $or: [{ body: { a: ['1'] } }, { messageId: ['m-1'] }] };
    expect(passes(top, { a: '0' })).toBe(true);
    expect(passes(top, { a: '0' }, { messageId: 'm-2' })).toBe(false);
  });
  it('several filters: a record is kept when any filter matches', () => {
    const f = compileFilters({ Filters: [{ Pattern: '{"body":{"a":["1"]}}' }, { Pattern: '{"body":{"a":["2"]}}' }] }, 'sqs')!;
    expect(f(sqs('{"a":"2"}'))).toBe(true);
    expect(f(sqs('{"a":"3"}'))).toBe(false);
  });
  it('metadata keys match the record itself', () => {
    expect(passes({ attributes: { MessageGroupId: ['g1'] } }, 'plain')).toBe(true);
    expect(passes({ attributes: { MessageGroupId: ['g2'] } }, 'plain')).toBe(false);
  });
});

describe('SQS body: plain string vs JSON', () => {
  it('a list pattern matches a plain-string body', () => {
    expect(passes({ body: ['hello'] }, 'hello')).toBe(true);
    expect(passes({ body: [{ prefix: 'Result: ' }] }, 'Result: ok')).toBe(true);
    expect(passes({ body: ['hello'] }, 'bye')).toBe(false);
  });
  it('a JSON body with a plain-string pattern is dropped, and the other way round', () => {
    expect(passes({ body: [{ prefix: '{' }] }, { a: 1 })).toBe(false);
    expect(passes({ body: [{ 'anything-but': 'x' }] }, { a: 1 })).toBe(false);
    expect(passes({ body: { a: [{ exists: false }] } }, 'plain text')).toBe(false);
    expect(passes({ body: { a: ['1'] } }, '{"a":"1"')).toBe(false);
  });
  it('a bare JSON scalar body counts as plain text', () => {
    expect(passes({ body: ['123'] }, '123')).toBe(true);
  });
  it('no body pattern: the body format does not matter', () => {
    expect(passes({ eventSource: ['aws:sqs'] }, { a: 1 })).toBe(true);
    expect(passes({ eventSource: ['aws:sqs'] }, 'plain')).toBe(true);
  });
  it('no filters: nothing is compiled', () => {
    expect(compileFilters(undefined, 'sqs')).toBeUndefined();
    expect(compileFilters({ Filters: [] }, 'sqs')).toBeUndefined();
  });
});

describe('streams', () => {
  it('Kinesis data is base64-decoded JSON', () => {
    const f = compileFilters({ Filters: [{ Pattern: '{"data":{"n":[{"numeric":[">",9999]}]},"kinesis":{"partitionKey":["1"]}}' }] }, 'kinesis')!;
    const rec = (data: unknown, pk = '1') => ({ kinesis: { partitionKey: pk, data: Buffer.from(JSON.stringify(data)).toString('base64') }, eventSource: 'aws:kinesis' });
    expect(f(rec({ n: 10000 }))).toBe(true);
    expect(f(rec({ n: 5 }))).toBe(false);
    expect(f(rec({ n: 10000 }, '2'))).toBe(false);
    expect(f({ kinesis: { partitionKey: '1', data: Buffer.from('not json').toString('base64') } })).toBe(false);
  });
  it('DynamoDB records match on their dynamodb key as is', () => {
    const f = compileFilters({ Filters: [{ Pattern: '{"eventName":["INSERT"],"dynamodb":{"NewImage":{"id":{"N":["1"]}}}}' }] }, 'dynamodb')!;
    expect(f({ eventName: 'INSERT', dynamodb: { NewImage: { id: { N: '1' } } } })).toBe(true);
    expect(f({ eventName: 'MODIFY', dynamodb: { NewImage: { id: { N: '1' } } } })).toBe(false);
  });
  it('a plain-string data pattern is rejected for streams, accepted for SQS body', () => {
    expect(rejected({ data: ['x'] }, 'kinesis')).toBe('Invalid filter pattern definition.');
    expect(rejected({ body: ['x'] }, 'sqs')).toBeUndefined();
  });
});

describe('validation', () => {
  it.each([
    ['not JSON', '{"body":'],
    ['an array', '[]'],
    ['a scalar value', { body: { a: 'x' } }],
    ['an empty list', { body: { a: [] } }],
    ['an array value', { body: { a: [['x']] } }],
    ['an unknown operator', { body: { a: [{ contains: 'x' }] } }],
    ['two operators in one object', { body: { a: [{ prefix: 'a', suffix: 'b' }] } }],
    ['prefix of a number', { body: { a: [{ prefix: 1 }] } }],
    ['exists of a string', { body: { a: [{ exists: 'yes' }] } }],
    ['numeric with a bad operator', { body: { a: [{ numeric: ['!=', 1] }] } }],
    ['numeric with an upper bound first', { body: { a: [{ numeric: ['<', 10, '>', 0] }] } }],
    ['numeric with an empty range', { body: { a: [{ numeric: ['>', 10, '<', 5] }] } }],
    ['numeric out of range', { body: { a: [{ numeric: ['>', 6e9] }] } }],
    ['numeric with three pairs', { body: { a: [{ numeric: ['>', 1, '<', 5, '=', 3] }] } }],
    ['anything-but of mixed types', { body: { a: [{ 'anything-but': ['a', 1] }] } }],
    ['anything-but of an empty list', { body: { a: [{ 'anything-but': [] }] } }],
    ['anything-but of null', { body: { a: [{ 'anything-but': null }] } }],
    ['anything-but numeric', { body: { a: [{ 'anything-but': { numeric: ['>', 1] } }] } }],
    ['wildcard with **', { body: { a: [{ wildcard: 'a**b' }] } }],
    ['wildcard with a bad escape', { body: { a: [{ wildcard: 'a\\b' }] } }],
    ['$or with one alternative', { $or: [{ body: { a: ['x'] } }] }],
    ['$or that is not a list', { body: { $or: { a: ['x'] } } }],
    ['an empty nested object', { body: {} }],
  ])('rejects %s', (_why, pattern) => {
    expect(rejected(pattern)).toBe('Invalid filter pattern definition.');
  });
  it('accepts every documented form', () => {
    expect(rejected({ body: { a: [null, '', 'x', 1, true, { prefix: 'p' }, { suffix: 's' }, { 'equals-ignore-case': 'e' },
      { wildcard: 'w*' }, { numeric: ['>=', 0, '<', 1] }, { exists: true }, { 'anything-but': { prefix: 'q' } }] } })).toBeUndefined();
  });
});
