// parseFunctionRef / functionArn / qualifierKind: every FunctionName form of the Invoke API and each
// resolution error with AWS's exact type and message.

import { describe, expect, it } from 'vitest';
import {
  AccessDeniedException,
  InvalidParameterValueException,
  ResourceNotFoundException,
  ValidationException,
} from '../../server/errors.ts';
import { PATTERNS } from '../../server/lambda-rules.ts';
import { functionArn, parseFunctionRef, qualifierKind } from '../../server/registry/function-ref.ts';

const ctx = { region: 'us-east-1', accountId: '123456789012' };
const parse = (raw: string, q?: string) => parseFunctionRef(raw, q, ctx);

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('parseFunctionRef: accepted forms', () => {
  it.each([
    ['my-fn', undefined, 'my-fn', undefined],
    ['my-fn:PROD', undefined, 'my-fn', 'PROD'],
    ['my-fn:3', undefined, 'my-fn', '3'],
    ['my-fn:$LATEST', undefined, 'my-fn', '$LATEST'],
    ['my_fn.v2', undefined, 'my_fn.v2', undefined],
    ['123456789012:function:my-fn', undefined, 'my-fn', undefined],
    ['123456789012:function:my-fn:PROD', undefined, 'my-fn', 'PROD'],
    ['arn:aws:lambda:us-east-1:123456789012:function:my-fn', undefined, 'my-fn', undefined],
    ['arn:aws:lambda:us-east-1:123456789012:function:my-fn:7', undefined, 'my-fn', '7'],
    ['arn:aws:lambda:us-east-1:123456789012:function:my-fn:$LATEST', undefined, 'my-fn', '$LATEST'],
    ['my-fn%3APROD', undefined, 'my-fn', 'PROD'],
    ['arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn%3A%24LATEST', undefined, 'my-fn', '$LATEST'],
    ['my-fn', 'PROD', 'my-fn', 'PROD'],
    ['my-fn', '5', 'my-fn', '5'],
    ['my-fn', '', 'my-fn', undefined],
    ['my-fn:PROD', 'PROD', 'my-fn', 'PROD'],
    ['arn:aws:lambda:us-east-1:123456789012:function:my-fn', '$LATEST', 'my-fn', '$LATEST'],
    ['my-fn:$LATEST.PUBLISHED', undefined, 'my-fn', '$LATEST.PUBLISHED'],
    ['my-fn', '$LATEST.PUBLISHED', 'my-fn', '$LATEST.PUBLISHED'],
  ])('%s ?Qualifier=%s → %s, %s', (raw, q, name, qualifier) => {
    expect(parse(raw, q)).toEqual({ name, qualifier });
  });
});

describe('parseFunctionRef: errors', () => {
  it('rejects a name outside the model pattern with the exact ValidationException message', () => {
    const err = thrown(() => parse('my fn!'));
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toBe(
      "1 validation error detected: Value 'my fn!' at 'functionName' failed to satisfy constraint: " +
        `Member must satisfy regular expression pattern: ${PATTERNS.namespacedFunctionName}`,
    );
  });

  it('takes the plain FunctionName shape where the operation does: no dots, at most 140 characters', () => {
    const dotted = thrown(() => parseFunctionRef('my.fn', undefined, ctx, 'plain'));
    expect(dotted.message).toBe(
      "1 validation error detected: Value 'my.fn' at 'functionName' failed to satisfy constraint: " +
        `Member must satisfy regular expression pattern: ${PATTERNS.functionName}`,
    );
    const long = thrown(() => parseFunctionRef(`arn:aws:lambda:us-east-1:123456789012:function:${'a'.repeat(96)}`, undefined, ctx, 'plain'));
    expect(long.message).toMatch(/^1 validation error detected: .* Member must have length less than or equal to 140$/);
  });

  it('rejects too many colons and an empty name', () => {
    expect(thrown(() => parse('a:b:c'))).toBeInstanceOf(ValidationException);
    expect(thrown(() => parse(''))).toBeInstanceOf(ValidationException);
    expect(thrown(() => parse('my-fn:'))).toBeInstanceOf(ValidationException);
  });

  it('reports the decoded value in the message', () => {
    expect(thrown(() => parse('bad%20name')).message).toContain("Value 'bad name' at 'functionName'");
  });

  it('rejects a bad ?Qualifier, and lists both problems when the name is bad too', () => {
    const one = thrown(() => parse('my-fn', 'a.b'));
    expect(one).toBeInstanceOf(ValidationException);
    expect(one.message).toBe(
      "1 validation error detected: Value 'a.b' at 'qualifier' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+',
    );
    const two = thrown(() => parse('my fn', 'a.b'));
    expect(two.message).toMatch(/^2 validation errors detected: Value 'my fn' at 'functionName' .*; Value 'a\.b' at 'qualifier' /);
  });

  it('rejects a name qualifier that differs from ?Qualifier', () => {
    const err = thrown(() => parse('my-fn:PROD', 'DEV'));
    expect(err).toBeInstanceOf(InvalidParameterValueException);
    expect(err.message).toBe('The derived qualifier from the function name does not match the specified qualifier.');
    expect(thrown(() => parse('arn:aws:lambda:us-east-1:123456789012:function:my-fn:1', '2'))).toBeInstanceOf(
      InvalidParameterValueException,
    );
  });

  it('accepts the eusc- partition regions', () => {
    expect(() => parse('arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:my-fn')).toThrow("Functions from 'eusc-de-east-1' are not reachable");
  });

  it('rejects an ARN from another region', () => {
    const err = thrown(() => parse('arn:aws:lambda:ap-southeast-1:123456789012:function:my-fn'));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.message).toBe("Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')");
    expect(thrown(() => parse('eu-west-1:123456789012:function:my-fn')).message).toBe(
      "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
    );
  });

  it('rejects another account, full or partial ARN', () => {
    const err = thrown(() => parse('arn:aws:lambda:us-east-1:111111111111:function:my-fn:PROD'));
    expect(err).toBeInstanceOf(AccessDeniedException);
    expect(err.message).toBe(
      'User: arn:aws:iam::123456789012:root is not authorized to perform: lambda:InvokeFunction on resource: ' +
        'arn:aws:lambda:us-east-1:111111111111:function:my-fn:PROD because no resource-based policy allows the ' +
        'lambda:InvokeFunction action',
    );
    expect(thrown(() => parse('111111111111:function:my-fn'))).toBeInstanceOf(AccessDeniedException);
    const mgmt = thrown(() => parseFunctionRef('111111111111:function:f', undefined, { ...ctx, action: 'lambda:GetFunction' }));
    expect(mgmt.message).toContain('perform: lambda:GetFunction on resource');
  });
});

describe('functionArn and qualifierKind', () => {
  it('builds unqualified and qualified ARNs', () => {
    expect(functionArn('my-fn', ctx)).toBe('arn:aws:lambda:us-east-1:123456789012:function:my-fn');
    expect(functionArn('my-fn', ctx, '$LATEST')).toBe('arn:aws:lambda:us-east-1:123456789012:function:my-fn:$LATEST');
    expect(functionArn('my-fn', ctx, 'PROD')).toBe('arn:aws:lambda:us-east-1:123456789012:function:my-fn:PROD');
  });

  it('classifies qualifiers', () => {
    expect(qualifierKind(undefined)).toBe('latest');
    expect(qualifierKind('$LATEST')).toBe('latest');
    expect(qualifierKind('1')).toBe('version');
    expect(qualifierKind('42')).toBe('version');
    expect(qualifierKind('PROD')).toBe('alias');
    expect(qualifierKind('v1')).toBe('alias');
  });
});
