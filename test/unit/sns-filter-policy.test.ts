// SNS filter policies, table-driven: what SNS refuses (with AWS's recorded messages) and what a policy
// accepts, on message attributes (typed: String, Number, String.Array; Binary ignored) and on the
// message body (nesting, `a.b` keys, arrays of objects matched per element).
import { describe, expect, it } from 'vitest';
import { compileFilterPolicy } from '../../services/sns/filter-policy.ts';
import { FilterPolicyError, type FilterPolicyScope, validateFilterPolicy } from '../../services/sns/filter-policy-validate.ts';
import type { SnsAttribute } from '../../services/sns/sns-message.ts';

function refusal(policy: unknown, scope: FilterPolicyScope = 'MessageAttributes'): string | undefined {
  try {
    validateFilterPolicy(typeof policy === 'string' ? policy : JSON.stringify(policy), scope);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(FilterPolicyError);
    return (err as Error).message;
  }
}

const S = (v: string): SnsAttribute => ({ DataType: 'String', StringValue: v });
const N = (v: string): SnsAttribute => ({ DataType: 'Number', StringValue: v });
const A = (v: unknown[]): SnsAttribute => ({ DataType: 'String.Array', StringValue: JSON.stringify(v) });
const B = (v: string): SnsAttribute => ({ DataType: 'Binary', BinaryValue: Buffer.from(v) });

function onAttributes(policy: Record<string, unknown>, attributes: Record<string, SnsAttribute>): boolean {
  expect(refusal(policy)).toBeUndefined();
  return compileFilterPolicy(policy, 'MessageAttributes')({ body: 'x', attributes });
}

function onBody(policy: Record<string, unknown>, body: unknown): boolean {
  expect(refusal(policy, 'MessageBody')).toBeUndefined();
  return compileFilterPolicy(policy, 'MessageBody')({ body: typeof body === 'string' ? body : JSON.stringify(body), attributes: {} });
}

describe('policies SNS refuses (AWS-recorded messages)', () => {
  const cases: Array<[string, unknown, string]> = [
    ['a list in a list', { key: [['value']] }, 'FilterPolicy: Match value must be String, number, true, false, or null'],
    ['an unknown operator', { key: [{ 'wrong-operator': true }] }, 'FilterPolicy: Unrecognized match type wrong-operator'],
    ['wildcard (EventBridge only)', { key: [{ wildcard: 'a*' }] }, 'FilterPolicy: Unrecognized match type wildcard'],
    ['two operators in one object', { key: [{ suffix: 'value', prefix: 'value2' }] }, 'FilterPolicy: Only one key allowed in match expression'],
    ['an empty array', { key: [] }, 'FilterPolicy: Empty arrays are not allowed'],
    ['a numeric suffix', { key: [{ suffix: 100 }] }, 'FilterPolicy: suffix match pattern must be a string'],
    ['a null suffix', { key: [{ suffix: null }] }, 'FilterPolicy: suffix match pattern must be a string'],
    ['an operator outside a list', { key: { suffix: 'value' } }, 'FilterPolicy: "suffix" must be an object or an array'],
    ['a list of suffixes', { key: [{ suffix: ['test', 'test2'] }] }, 'FilterPolicy: suffix match pattern must be a string'],
    ['a string value', { key_a: 'value_one' }, 'FilterPolicy: "key_a" must be an object or an array'],
    ['a cidr list', { key: [{ cidr: ['bad-filter'] }] }, 'FilterPolicy: prefix match pattern must be a string'],
    ['a cidr without mask', { key: [{ cidr: 'bad-filter' }] }, "FilterPolicy: Malformed CIDR, one '/' required"],
    ['a cidr with a bad address', { key: [{ cidr: 'bad-filter/64' }] }, 'FilterPolicy: Nonstandard IP address: bad-filter'],
    ['a cidr with a bad mask', { key: [{ cidr: 'bad-/64filter' }] }, 'FilterPolicy: Malformed CIDR, mask bits must be an integer'],
    ['a cidr of a bad IPv4', { key: [{ cidr: 'xx.11.xx/8' }] }, 'FilterPolicy: Nonstandard IP address: xx.11.xx'],
    ['a cidr of a bad IPv6', { key: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] }, 'FilterPolicy: Nonstandard IP address: xxxx:db8:1234:1a00::'],
    ['an empty numeric', { key: [{ numeric: [] }] }, 'FilterPolicy: Invalid member in numeric match: ]'],
    ['an unknown numeric operator', { key: [{ numeric: ['operator'] }] }, 'FilterPolicy: Unrecognized numeric range operator: operator'],
    ['a number before its operator', { key: [{ numeric: [1, '<='] }] }, 'FilterPolicy: Invalid member in numeric match: 1'],
    ['a string to compare with', { key: [{ numeric: ['=', '000'] }] }, 'FilterPolicy: Value of equals must be numeric'],
    ['an operator without a value', { key: [{ numeric: ['>='] }] }, 'FilterPolicy: Value of >= must be numeric'],
    ['an upper bound first', { key: [{ numeric: ['<', 100, '>', 10] }] }, 'FilterPolicy: Too many elements in numeric expression'],
    ['two lower bounds', { key: [{ numeric: ['>=', 1, '>', 2] }] }, 'FilterPolicy: Bad numeric range operator: >'],
    ['bounds the wrong way round', { key: [{ numeric: ['>', 3, '<', 1] }] }, 'FilterPolicy: Bottom must be less than top'],
    ['a range without its top', { key: [{ numeric: ['>', 20, '<='] }] }, 'FilterPolicy: Value of <= must be numeric'],
    ['a range without its operator', { key: [{ numeric: ['>', 20, 30] }] }, 'FilterPolicy: Bad value in numeric range: 30'],
    ['a range with a bad operator', { key: [{ numeric: ['>', 20, 'test'] }] }, 'FilterPolicy: Bad numeric range operator: test'],
    ['a range of strings', { key: [{ numeric: ['>', '20', '<', '30'] }] }, 'FilterPolicy: Value of > must be numeric'],
    ['a range with a string top', { key: [{ numeric: ['>', 20, '<', '30'] }] }, 'FilterPolicy: Value of < must be numeric'],
    ['a range of three terms', { key: [{ numeric: ['>', 20, '<', 30, '<', 50] }] }, 'FilterPolicy: Too many terms in numeric range expression'],
    ['exists null', { key: [{ exists: null }] }, 'FilterPolicy: exists match pattern must be either true or false.'],
    ['exists "no"', { key: [{ exists: 'no' }] }, 'FilterPolicy: exists match pattern must be either true or false.'],
    ['anything-but of an unknown operator', { key: [{ 'anything-but': { 'wrong-operator': null } }] }, 'FilterPolicy: Unsupported anything-but pattern: wrong-operator'],
    ['anything-but suffix', { key: [{ 'anything-but': { suffix: 'test' } }] }, 'FilterPolicy: Unsupported anything-but pattern: suffix'],
    ['anything-but exists', { key: [{ 'anything-but': { exists: false } }] }, 'FilterPolicy: Unsupported anything-but pattern: exists'],
    ['anything-but prefix false', { key: [{ 'anything-but': { prefix: false } }] }, 'FilterPolicy: prefix match pattern must be a string'],
    ['151 values', { key: Array.from({ length: 151 }, (_, i) => `v${i}`) }, 'FilterPolicy: Filter policy is too complex'],
    ['100 × 51 values', { key1: Array.from({ length: 100 }, (_, i) => i), key2: Array.from({ length: 51 }, (_, i) => i) }, 'FilterPolicy: Filter policy is too complex'],
    ['six keys', { k1: ['1'], k2: ['2'], k3: ['3'], k4: ['4'], k5: ['5'], k6: ['6'] }, 'FilterPolicy: Filter policy can not have more than 5 keys'],
    ['nesting on attributes', { a: { b: ['c'] } }, 'FilterPolicy: Filter policy scope MessageAttributes does not support nested filter policy'],
    ['152 combinations through $or', {
      source: ['aws.cloudwatch', 'aws.events', 'aws.test', 'aws.test2'],
      $or: [{ metricName: ['a', 'b', 'c', 'd', 'e', 'f'] }, { metricType: ['1', '2', '3', '4'], $or: [{ metricId: [1, 2, 3, 4] }, { spaceId: [1, 2, 3, 4] }] }],
    }, 'FilterPolicy: Filter policy is too complex'],
  ];
  it.each(cases)('%s', (_, policy, message) => {
    expect(refusal(policy)).toBe(message);
  });

  it('accepts the same policies SNS accepts', () => {
    expect(refusal({ key: [{ 'anything-but': { prefix: 'test-' } }] })).toBeUndefined();
    expect(refusal({ key: [{ 'anything-but': ['test', 'test2'] }] })).toBeUndefined();
    expect(refusal({ key: [{ 'anything-but': 'test' }] })).toBeUndefined();
    expect(refusal({ a: { b: { c: ['1', '2', '3', '4'] } }, d: { e: ['1', '2', '3'] } }, 'MessageBody')).toBeUndefined();
    // (3 × 6) + (3 × 4 × 4) + (3 × 4 × 7) = 150: at the limit.
    expect(refusal({
      source: ['a', 'b', 'c'],
      $or: [{ metricName: ['1', '2', '3', '4', '5', '6'] }, { metricType: ['1', '2', '3', '4'], $or: [{ metricId: [1, 2, 3, 4] }, { spaceId: [1, 2, 3, 4, 5, 6, 7] }] }],
    })).toBeUndefined();
    expect(refusal('{"a": ')).toMatch(/^FilterPolicy: failed to parse JSON\. /);
  });
});

describe('on message attributes', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, SnsAttribute>, boolean]> = [
    ['exact string', { c: ['rugby', 'tennis'] }, { c: S('tennis') }, true],
    ['exact string, other value', { c: ['rugby'] }, { c: S('baseball') }, false],
    ['string matching is case-sensitive', { c: ['rugby'] }, { c: S('Rugby') }, false],
    ['String.Array: one element matches', { c: ['rugby'] }, { c: A(['soccer', 'rugby']) }, true],
    ['String.Array: none matches', { c: ['value1'] }, { c: A(['value2', 'value3']) }, false],
    ['String.Array of numbers', { p: [{ numeric: ['<', 60] }] }, { p: A([100, 50]) }, true],
    ['String.Array that is not JSON', { c: ['x'] }, { c: { DataType: 'String.Array', StringValue: 'x' } }, false],
    ['prefix', { c: [{ prefix: 'bas' }] }, { c: S('basketball') }, true],
    ['prefix, no match', { c: [{ prefix: 'bas' }] }, { c: S('rugby') }, false],
    ['suffix', { c: [{ suffix: 'ball' }] }, { c: S('football') }, true],
    ['equals-ignore-case', { c: [{ 'equals-ignore-case': 'RuGby' }] }, { c: S('rugby') }, true],
    ['anything-but a list', { c: [{ 'anything-but': ['rugby', 'tennis'] }] }, { c: S('baseball') }, true],
    ['anything-but a listed value', { c: [{ 'anything-but': ['rugby', 'tennis'] }] }, { c: S('rugby') }, false],
    ['anything-but with another element', { c: [{ 'anything-but': ['rugby', 'tennis'] }] }, { c: A(['rugby', 'baseball']) }, true],
    ['anything-but prefix', { e: [{ 'anything-but': { prefix: 'order-' } }] }, { e: S('order_number') }, true],
    ['anything-but prefix, prefixed', { e: [{ 'anything-but': { prefix: 'order-' } }] }, { e: S('order-cancelled') }, false],
    ['anything-but numbers', { p: [{ 'anything-but': [100, 500] }] }, { p: N('100.1') }, true],
    ['anything-but numbers, listed', { p: [{ 'anything-but': [100, 500] }] }, { p: N('100') }, false],
    ['anything-but needs the attribute', { a: [null, { 'anything-but': 'whatever' }] }, {}, false],
    ['numeric equals a Number (3.015e2)', { p: [{ numeric: ['=', 301.5] }] }, { p: N('3.015e2') }, true],
    ['numeric range, inside', { a: [{ numeric: ['>', 0, '<=', 100] }] }, { a: N('99') }, true],
    ['numeric range, outside', { a: [{ numeric: ['>', 0, '<=', 100] }] }, { a: N('111') }, false],
    ['numeric on a String attribute does not match', { a: [{ numeric: ['>', 0] }] }, { a: S('99') }, false],
    ['an exact number matches a Number', { a: [99] }, { a: N('99.0') }, true],
    ['an exact string does not match a Number', { a: ['99'] }, { a: N('99') }, false],
    ['custom Number type', { a: [{ numeric: ['<', 0] }] }, { a: { DataType: 'Number.float', StringValue: '-1.5' } }, true],
    ['exists: present', { store: [{ exists: true }] }, { store: N('99'), def: N('99') }, true],
    ['exists: absent', { store: [{ exists: true }] }, { attr1: N('111') }, false],
    ['exists false: absent', { store: [{ exists: false }] }, { def: N('99') }, true],
    ['exists false: present', { store: [{ exists: false }] }, { store: N('99') }, false],
    ['Binary attributes are ignored', { b: [{ exists: true }] }, { b: B('x') }, false],
    ['cidr IPv4', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: S('10.0.0.255') }, true],
    ['cidr IPv4, outside', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: S('10.1.1.0') }, false],
    ['cidr IPv6', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: S('2001:db8:1::7') }, true],
    ['cidr on text that is no address', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: S('ten') }, false],
    ['AND across keys', { c: ['rugby'], p: [{ numeric: ['>', 100] }] }, { c: S('rugby'), p: N('150') }, true],
    ['AND across keys, one fails', { c: ['rugby'], p: [{ numeric: ['>', 100] }] }, { c: S('rugby'), p: N('50') }, false],
    ['$or across keys', { $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: S('2') }, true],
    ['$or, neither', { $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: S('3') }, false],
    ['keys not in the policy are ignored', { a: ['1'] }, { a: S('1'), z: S('zz') }, true],
  ];
  it.each(cases)('%s', (_, policy, attributes, expected) => {
    expect(onAttributes(policy, attributes)).toBe(expected);
  });
});

describe('on the message body', () => {
  const nested = { object: { key: [{ prefix: 'auto-' }, 'hardcodedvalue'], nested_key: [{ exists: false }] }, test: [{ exists: false }] };
  const s3 = { Records: { s3: { object: { key: [{ prefix: 'auto-' }] } }, eventName: [{ prefix: 'ObjectCreated:' }] } };
  const record = (eventName: string, key: unknown) => ({ eventName, s3: { object: key } });
  const cases: Array<[string, Record<string, unknown>, unknown, boolean]> = [
    ['nested prefix', nested, { object: { key: 'auto-test' } }, true],
    ['nested exact', nested, { object: { key: 'hardcodedvalue' } }, true],
    ['nested, wrong prefix', nested, { object: { key: 'test-auto' } }, false],
    ['nested, a key that must not exist', nested, { object: { key: 'auto-test' }, test: 'just-exists' }, false],
    ['nested, a nested key that must not exist', nested, { object: { key: 'auto-test', nested_key: 'x' } }, false],
    ['nested, no key', nested, { object: { test: 'auto-test' } }, false],
    ['not JSON', nested, 'Regular string message', false],
    ['JSON but not an object', nested, JSON.stringify('Regular string message'), false],
    ['a.b in the policy, nested in the body', { 'object.nested': ['string.value'] }, { object: { nested: 'string.value' } }, true],
    ['a.b in the policy and the body', { 'object.nested': ['string.value'] }, { 'object.nested': 'string.value' }, true],
    ['a.b.c, mixed in the body', { 'object.nested.test': ['v'] }, { object: { 'nested.test': 'v' } }, true],
    ['a.b.c, other value', { 'object.nested.test': ['v'] }, { object: { nested: { test: 'w' } } }, false],
    ['an array of values', { headers: { 'route-to': ['queue1'] } }, { headers: { 'route-to': ['queue1', 'queue2'] } }, true],
    ['an array of values, none', { headers: { 'route-to': ['queue1'] } }, { headers: { 'route-to': ['queue3'] } }, false],
    ['records: one matches both keys', s3, { Records: [record('ObjectCreated:Put', [[{ key: 'auto-1.xml' }]]), record('ObjectRemoved:Delete', { key: 'home.xml' })] }, true],
    ['records: the keys match in different elements', s3, { Records: [record('ObjectCreated:Put', { key: 'home.xml' }), record('ObjectRemoved:Delete', { key: 'auto-1.xml' })] }, false],
    ['records: removed', s3, { Records: [record('ObjectRemoved:Delete', { key: 'auto-1.xml' })] }, false],
    ['an empty array and an empty string', { detail: { eventVersion: [''] } }, { resources: [], detail: { eventVersion: '', responseElements: null } }, true],
    ['numbers in the body', { price: [{ numeric: ['>', 0, '<=', 150] }] }, { price: 150 }, true],
    ['a number as text in the body', { price: [{ numeric: ['>', 0] }] }, { price: '150' }, false],
    ['$or nested', { detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, { detail: { b: '2' } }, true],
    ['null matches null', { a: [null] }, { a: null }, true],
    ['null does not match a missing key', { a: [null] }, {}, false],
  ];
  it.each(cases)('%s', (_, policy, body, expected) => {
    expect(onBody(policy, body)).toBe(expected);
  });
});
