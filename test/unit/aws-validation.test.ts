// The validation vocabulary (lib/aws-validation.ts): each constraint's sentence, value rendering, the
// order of violations, and the summary line, against AWS's recorded wording.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  check, checkAll, lengthAtLeast, lengthAtMost, type MemberRule, membersSatisfy, ofKind, shown, shownViolation, validationMessage, violation, wholeViolation,
} from '../../lib/aws-validation.ts';

describe('shown values', () => {
  it.each([
    [null, {}, 'null'],
    [undefined, {}, 'null'],
    ['r1', {}, "'r1'"],
    [0, {}, "'0'"],
    [['x86_64', 'arm64'], {}, "'[x86_64, arm64]'"],
    [{ 2: 2 }, { double: true }, "'{2=2.0}'"],
    [{ 2: -1 }, { double: true }, "'{2=-1.0}'"],
    [{ $LATEST: 0.5 }, { double: true }, "'{$LATEST=0.5}'"],
    [Buffer.alloc(3), {}, "'java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]'"],
  ] as const)('%j → %s', (value, opts, text) => {
    expect(shown(value, opts)).toBe(text);
  });
});

describe('violations of one member', () => {
  const name: MemberRule = { required: true, pattern: '[a-z]+', minLength: 1, maxLength: 3 };
  it.each([
    ['absent and required', undefined, name, ["Value null at 'p' failed to satisfy constraint: Member must not be null"]],
    ['absent and optional', undefined, { pattern: 'x' }, []],
    ['pattern', 'A', name, ["Value 'A' at 'p' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+"]],
    ['pattern then length', 'ABCD', name, [
      "Value 'ABCD' at 'p' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+",
      "Value 'ABCD' at 'p' failed to satisfy constraint: Member must have length less than or equal to 3",
    ]],
    ['whole match only', 'abc1', { pattern: '[a-z]+' }, ["Value 'abc1' at 'p' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+"]],
    ['min length', '', { minLength: 1 }, ["Value '' at 'p' failed to satisfy constraint: Member must have length greater than or equal to 1"]],
    ['list length', [1, 2], { maxLength: 1 }, ["Value '[1, 2]' at 'p' failed to satisfy constraint: Member must have length less than or equal to 1"]],
    ['enum', 'invalid', { enum: ['LATEST', 'AT_TIMESTAMP', 'TRIM_HORIZON'] }, [
      "Value 'invalid' at 'p' failed to satisfy constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]",
    ]],
    ['value below', 0, { minValue: 1 }, ["Value '0' at 'p' failed to satisfy constraint: Member must have value greater than or equal to 1"]],
    ['value above', 10001, { maxValue: 10000 }, ["Value '10001' at 'p' failed to satisfy constraint: Member must have value less than or equal to 10000"]],
    ['unicode classes', 'ünï', { pattern: '([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)' }, []],
    ['valid', 'abc', name, []],
  ] as const)('%s', (_what, value, rule, expected) => {
    expect(check(value, rule as MemberRule, 'p')).toEqual(expected);
  });

  it('fails an enum for a value that is no string (raw JSON can send one)', () => {
    expect(check(5, { enum: ['NONE'] }, 'authType')).toEqual(["Value '5' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE]"]);
  });

  it('words the constraints of a list\'s members', () => {
    expect(violation(['', 'b'], 'cors.allowHeaders', membersSatisfy([lengthAtMost(1024), lengthAtLeast(1)]))).toBe(
      "Value '[, b]' at 'cors.allowHeaders' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1]",
    );
  });

  it('checks members in the order given', () => {
    expect(checkAll([['a', undefined, { required: true }], ['b', 'x', { maxLength: 0 }]])).toEqual([
      "Value null at 'a' failed to satisfy constraint: Member must not be null",
      "Value 'x' at 'b' failed to satisfy constraint: Member must have length less than or equal to 0",
    ]);
  });
});

describe('the summary line', () => {
  it('counts errors in the singular and plural, joined by semicolons, ten at most', () => {
    expect(validationMessage([violation('r1', 'role', 'Member must not be null')])).toBe(
      "1 validation error detected: Value 'r1' at 'role' failed to satisfy constraint: Member must not be null",
    );
    expect(validationMessage(['a', 'b'])).toBe('2 validation errors detected: a; b');
    expect(validationMessage(Array.from({ length: 12 }, (_, i) => `e${i}`))).toMatch(/^10 validation errors detected: e0; .*; e9$/);
  });
});

describe('values of the wrong kind and whole structures', () => {
  it('words a kind as one more constraint', () => {
    expect(violation('x', 'batchSize', ofKind('an integer'))).toBe("Value 'x' at 'batchSize' failed to satisfy constraint: Member must be an integer");
  });
  it('writes a structure\'s constraint without its value', () => {
    expect(wholeViolation('cors', ofKind('a structure'))).toBe("Value at 'cors' failed to satisfy constraint: Member must be a structure");
  });
  it('takes a value a service printed its own way', () => {
    expect(shownViolation('java99', 'runtime', 'X')).toBe("Value java99 at 'runtime' failed to satisfy constraint: X");
  });
});

// The one vocabulary stays the only one: no source outside lib/aws-validation.ts writes the framework's
// sentences by hand (a new message goes through check/violation and the constraint words above).
describe('one vocabulary', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|mjs)$/.test(d.name) ? [path] : [];
  });
  const HAND_BUILT = /failed to satisfy constraint|validation errors? detected|['"`]Member must /;
  it('builds every validation sentence in lib/aws-validation.ts', () => {
    const stray = ['server', 'services', 'pollers', 'lib', 'runtime-api'].flatMap((area) => sources(join(root, area)))
      .filter((file) => !file.endsWith(join('lib', 'aws-validation.ts')))
      .flatMap((file) => readFileSync(file, 'utf8').split('\n').map((line, i) => ({ where: `${relative(root, file)}:${i + 1}`, line })))
      .filter(({ line }) => HAND_BUILT.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line))
      .map(({ where }) => where);
    expect(stray).toEqual([]);
  });
});
