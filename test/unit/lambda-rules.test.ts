// Lambda's rules table: the patterns are the model's, verbatim (they appear in AWS's messages), and
// each runtime's standing (ephemera runs it, AWS accepts it, AWS retired it, unknown).
import { describe, expect, it } from 'vitest';
import { wholeMatch } from '../../lib/aws-validation.ts';
import { runtimeLaunch } from '../../server/environment/runtimes.ts';
import { PATTERNS, runtimeStatus, unrunnableRuntimeWarning } from '../../server/lambda-rules.ts';
import type { FunctionConfig } from '../../server/model.ts';

describe('the model patterns', () => {
  it('are the strings of the service model (botocore lambda 2015-03-31, 2026-08)', () => {
    expect(PATTERNS.namespacedFunctionName).toBe(
      '(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:|(((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?))(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?',
    );
    expect(PATTERNS.functionName).toBe(
      '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
    );
    expect(PATTERNS.qualifier).toBe('\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+');
  });

  it.each([
    ['namespacedFunctionName', 'my.fn:$LATEST.PUBLISHED', true],
    ['namespacedFunctionName', 'arn:aws:lambda:us-east-1:000000000000:function', true],
    ['namespacedFunctionName', 'arn:aws:lambda:invalid-region:000000000000:function:f', false],
    ['namespacedFunctionName', 'arn:aws:lambda:us-east-1::function:f', false],
    ['functionName', 'my.fn', false],
    ['functionName', 'arn:aws:lambda:eusc-de-east-1:000000000000:function:f:PROD', true],
    ['alias', '2024', false],
    ['alias', '2024-01-02', true],
    ['urlQualifier', '1', false],
    ['qualifier', '$latest', true],
  ] as const)('%s matches %s: %s', (name, value, ok) => {
    expect(wholeMatch(PATTERNS[name]).test(value)).toBe(ok);
  });
});

describe('runtimes', () => {
  it.each([
    ['nodejs24.x', 'runs'],
    ['python3.12', 'runs'],
    ['provided.al2023', 'runs'],
    ['java21', 'accepted'],
    ['nodejs16.x', 'accepted'],
    ['provided', 'deprecated'],
    ['go1.x', 'deprecated'],
    ['PYTHON3.9', 'unknown'],
  ] as const)('%s: %s', (runtime, status) => {
    expect(runtimeStatus(runtime)).toBe(status);
  });

  it('has one warning for a runtime ephemera cannot run', () => {
    expect(unrunnableRuntimeWarning('java21')).toBe('runtime java21 is not supported by ephemera: invoking the function returns Runtime.InvalidRuntime');
    expect(unrunnableRuntimeWarning('nodejs24.x')).toBeUndefined();
  });

  it('launches exactly what the table says ephemera runs (the warning and the invoke agree)', () => {
    const launch = (runtime: string) => runtimeLaunch({ runtime, codeDir: '/nonexistent' } as FunctionConfig);
    for (const runtime of ['nodejs16.x', 'nodejs8.10', 'java21', 'dotnet8']) {
      expect(launch(runtime)).toEqual({ errorType: 'Runtime.InvalidRuntime', error: `Runtime ${runtime} is not supported by this version of ephemera` });
    }
    expect(launch('nodejs24.x')).toMatchObject({ version: `nodejs:${process.versions.node}` });
  });
});
