// The EventBridge pattern language (lib/event-pattern/), table-driven: each row is an event, a pattern
// and the answer AWS gives (match, no match, or the reason PutRule/TestEventPattern rejects it with).
// Cases follow the EventBridge user guide's examples; Lambda's filter criteria (same engine) are in
// filter-criteria.test.ts.
import { describe, expect, it } from 'vitest';
import { parseEventPattern, PatternError } from '../../lib/event-pattern/event-pattern.ts';

const ec2 = {
  version: '0', id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718', 'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2', account: '111122223333', time: '2017-12-22T18:43:48Z', region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0', state: 'terminated', 'c-count': 5, 'd-count': 7, location: null,
    'source-ip': '10.0.0.123', 'ipv6': '2001:db8:1234:1a00::25', filename: 'logs/2024/app.log', tags: ['blue', 'green'],
    nested: { 'deep.key': 'x', list: [{ k: 'a', v: 1 }, { k: 'b', v: 2 }] }, empty: '', flag: true,
  },
};

type Row = [string, unknown, boolean | string];
const rows = (group: string, table: Row[]) => describe(group, () => {
  it.each(table)('%s', (_name, pattern, expected) => {
    let outcome: boolean | string;
    try {
      outcome = parseEventPattern(JSON.stringify(pattern))(ec2);
    } catch (err) {
      expect(err).toBeInstanceOf(PatternError);
      outcome = (err as Error).message;
    }
    expect(outcome).toBe(expected);
  });
});

rows('exact values, arrays and structure', [
  ['a top-level string', { source: ['aws.ec2'] }, true],
  ['one of several values', { source: ['aws.s3', 'aws.ec2'] }, true],
  ['case matters', { source: ['AWS.EC2'] }, false],
  ['a nested field', { detail: { state: ['terminated'] } }, true],
  ['every field must match', { source: ['aws.ec2'], detail: { state: ['running'] } }, false],
  ['a number', { detail: { 'c-count': [5] } }, true],
  ['a number does not match its string', { detail: { 'c-count': ['5'] } }, false],
  ['null matches null', { detail: { location: [null] } }, true],
  ['the empty string', { detail: { empty: [''] } }, true],
  ['a boolean', { detail: { flag: [true] } }, true],
  ['an event array matches when one element does', { detail: { tags: ['green'] } }, true],
  ['an array of objects: one element matches the whole sub-pattern', { detail: { nested: { list: { k: ['b'], v: [2] } } } }, true],
  ['... and not across elements', { detail: { nested: { list: { k: ['a'], v: [2] } } } }, false],
  ['a dotted key in the pattern is the nested field', { 'detail.state': ['terminated'] }, true],
  ['a dotted key in the event is the nested field', { detail: { nested: { deep: { key: ['x'] } } } }, true],
  ['a missing field does not match', { detail: { missing: ['x'] } }, false],
  ['an object where a leaf is wanted does not match', { detail: { nested: ['x'] } }, false],
]);

rows('operators', [
  ['prefix', { 'detail-type': [{ prefix: 'EC2 Instance' }] }, true],
  ['prefix ignoring case', { 'detail-type': [{ prefix: { 'equals-ignore-case': 'ec2 instance' } }] }, true],
  ['prefix does not match numbers', { detail: { 'c-count': [{ prefix: '5' }] } }, false],
  ['suffix', { detail: { filename: [{ suffix: '.log' }] } }, true],
  ['suffix ignoring case', { detail: { filename: [{ suffix: { 'equals-ignore-case': '.LOG' } }] } }, true],
  ['equals-ignore-case', { detail: { state: [{ 'equals-ignore-case': 'TERMINATED' }] } }, true],
  ['wildcard', { detail: { filename: [{ wildcard: 'logs/*/app.*' }] } }, true],
  ['wildcard is anchored', { detail: { filename: [{ wildcard: 'logs/*' }] } }, true],
  ['wildcard literal star', { detail: { filename: [{ wildcard: 'logs\\*' }] } }, false],
  ['numeric range', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, true],
  ['numeric upper bound', { detail: { 'd-count': [{ numeric: ['<', 7] }] } }, false],
  ['numeric equality', { detail: { 'd-count': [{ numeric: ['=', 7] }] } }, true],
  ['numeric does not match strings', { detail: { state: [{ numeric: ['>', 0] }] } }, false],
  ['cidr IPv4', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, true],
  ['cidr IPv4 outside', { detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, false],
  ['cidr IPv6', { detail: { ipv6: [{ cidr: '2001:db8:1234:1a00::/64' }] } }, true],
  ['an IP literal matches the same address written otherwise', { detail: { ipv6: ['2001:0db8:1234:1a00:0:0:0:25'] } }, true],
  ['exists true', { detail: { state: [{ exists: true }] } }, true],
  ['exists true on a null value', { detail: { location: [{ exists: true }] } }, true],
  ['exists false', { detail: { missing: [{ exists: false }] } }, true],
  ['exists false on a present field', { detail: { state: [{ exists: false }] } }, false],
  ['anything-but a value', { detail: { state: [{ 'anything-but': 'running' }] } }, true],
  ['anything-but a list', { detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } }, false],
  ['anything-but numbers', { detail: { 'c-count': [{ 'anything-but': [1, 2, 3] }] } }, true],
  ['anything-but needs the field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
  ['anything-but prefix', { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, true],
  ['anything-but a list of prefixes', { detail: { state: [{ 'anything-but': { prefix: ['run', 'term'] } }] } }, false],
  ['anything-but suffix', { detail: { filename: [{ 'anything-but': { suffix: '.txt' } }] } }, true],
  ['anything-but equals-ignore-case', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['TERMINATED'] } }] } }, false],
  ['anything-but wildcard', { detail: { filename: [{ 'anything-but': { wildcard: 'logs/*' } }] } }, false],
  ['anything-but prefix lets a number through', { detail: { 'c-count': [{ 'anything-but': { prefix: '5' } }] } }, true],
  ['$or', { detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [7] }] } }, true],
  ['$or at the top', { $or: [{ source: ['aws.s3'] }, { detail: { state: ['running'] } }] }, false],
  ['$or beside another field', { source: ['aws.ec2'], $or: [{ detail: { flag: [false] } }, { region: ['us-west-1'] }] }, true],
]);

const invalid = (reason: string): string => reason;
rows('patterns AWS rejects, with its reason', [
  ['not an object', ['x'], invalid('Filter is not an object')],
  ['a scalar field', { source: 'aws.ec2' }, invalid('"source" must be an object or an array')],
  ['an empty list', { source: [] }, invalid('Empty arrays are not allowed')],
  ['an empty object', { detail: {} }, invalid('Empty objects are not allowed')],
  ['a list inside a list', { source: [['a']] }, invalid('Match value must be String, number, true, false, or null')],
  ['an unknown operator', { source: [{ contains: 'x' }] }, invalid('Unrecognized match type contains')],
  ['operators are case sensitive', { source: [{ EXISTS: true }] }, invalid('Unrecognized match type EXISTS')],
  ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, invalid('Only one key allowed in match expression')],
  ['prefix of a number', { source: [{ prefix: 1 }] }, invalid('prefix match pattern must be a string')],
  ['suffix of a list', { source: [{ suffix: ['a'] }] }, invalid('suffix match pattern must be a string')],
  ['equals-ignore-case of a number', { source: [{ 'equals-ignore-case': 1 }] }, invalid('equals-ignore-case match pattern must be a string')],
  ['exists of a string', { source: [{ exists: 'yes' }] }, invalid('exists match pattern must be either true or false.')],
  ['numeric not a list', { n: [{ numeric: 5 }] }, invalid('Value of numeric must be an array.')],
  ['numeric unknown operator', { n: [{ numeric: ['!=', 1] }] }, invalid('Unrecognized numeric range operator: !=')],
  ['numeric value not a number', { n: [{ numeric: ['<', '5'] }] }, invalid('Value of < must be numeric')],
  ['numeric upper bound first', { n: [{ numeric: ['<', 10, '>', 0] }] }, invalid('Too many elements in numeric expression')],
  ['numeric second bound not an upper bound', { n: [{ numeric: ['>', 0, '>', 5] }] }, invalid('Bad numeric range operator: >')],
  ['numeric empty range', { n: [{ numeric: ['>', 10, '<', 5] }] }, invalid('Bottom must be less than top')],
  ['anything-but of null', { s: [{ 'anything-but': null }] }, invalid('Value of anything-but must be an array or single string/number value.')],
  ['anything-but of mixed types', { s: [{ 'anything-but': ['a', 1] }] }, invalid('Inside anything but list, either all values are number or string, mixed type is not supported')],
  ['anything-but list with null', { s: [{ 'anything-but': ['a', null] }] }, invalid('Inside anything but list, start|null|boolean is not supported.')],
  ['anything-but numeric', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }, invalid('Unsupported anything-but pattern: numeric')],
  ['anything-but empty prefix', { s: [{ 'anything-but': { prefix: '' } }] }, invalid('Null prefix/suffix not allowed')],
  ['anything-but prefix of a number', { s: [{ 'anything-but': { prefix: 1 } }] }, invalid('prefix/suffix match pattern must be a string')],
  ['anything-but ignore-case of a number', { s: [{ 'anything-but': { 'equals-ignore-case': [1] } }] }, invalid('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.')],
  ['wildcard with **', { s: [{ wildcard: 'a**b' }] }, invalid('Consecutive wildcard characters at pos 2')],
  ['wildcard with a bad escape', { s: [{ wildcard: 'a\\b' }] }, invalid('Invalid escape character at pos 2')],
  ['a wildcard too complex', { s: [{ wildcard: '*a*b*c*d*e*' }] }, invalid('Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character')],
  ['cidr without a mask', { ip: [{ cidr: '10.0.0.0' }] }, invalid("Malformed CIDR, one '/' required")],
  ['cidr with a bad mask', { ip: [{ cidr: '10.0.0.0/x' }] }, invalid('Malformed CIDR, mask bits must be an integer')],
  ['cidr of a host name', { ip: [{ cidr: 'example.com/8' }] }, invalid('Nonstandard IP address: example.com')],
  ['cidr IPv4 mask too wide', { ip: [{ cidr: '10.0.0.0/32' }] }, invalid('IPv4 mask bits must be < 32')],
  ['cidr of a list', { ip: [{ cidr: ['10.0.0.0/8'] }] }, invalid('prefix match pattern must be a string')],
  ['$or of one', { $or: [{ a: ['x'] }] }, invalid('There must have at least 2 Objects in $or relationship.')],
  ['$or not a list', { $or: { a: ['x'] } }, invalid('It must be an Array followed with $or.')],
  ['$or of a non-object', { $or: [{ a: ['x'] }, 'b'] }, invalid('Only JSON object is allowed in array of $or relationship.')],
  ['an operator name as a field inside $or', { $or: [{ numeric: ['x'] }, { a: ['y'] }] }, invalid('numeric is Ruler reserved fieldName which cannot be used inside $or.')],
]);

describe('pattern text', () => {
  it('JSON that does not parse is rejected', () => {
    expect(() => parseEventPattern('{"source": ')).toThrow(PatternError);
  });
  it('numbers have no limit for EventBridge, ±5.0e9 for filter criteria', () => {
    expect(parseEventPattern('{"n":[{"numeric":[">",6e9]}]}')({ n: 7e9 })).toBe(true);
    expect(() => parseEventPattern('{"n":[{"numeric":[">",6e9]}]}', { limit: 5e9 })).toThrow(PatternError);
  });
});
