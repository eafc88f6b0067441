// The durable execution APIs' input checks (server/durable/durable-input.ts): page sizes (the model's
// ItemCount: 0–1000, 0 meaning the default) and the list query, in the vocabulary's words.
import { describe, expect, it } from 'vitest';
import { checkListQuery, pageSize } from '../../server/durable/durable-input.ts';
import { ValidationException } from '../../server/errors.ts';

const refusal = (f: () => void): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationException);
    return (err as Error).message;
  }
  return 'accepted';
};

describe('durable page sizes', () => {
  it.each([
    [undefined, 100], ['', 100], ['0', 100], ['1', 1], ['1000', 1000],
  ] as const)('%j → %d', (value, size) => {
    expect(pageSize(value, 'maxItems')).toBe(size);
  });

  it.each([
    ['1001', "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000"],
    ['-1', "1 validation error detected: Value '-1' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 0"],
    ['ten', "1 validation error detected: Value 'ten' at 'maxItems' failed to satisfy constraint: Member must be an integer"],
  ])('%s is refused', (value, message) => {
    let thrown: unknown;
    try {
      pageSize(value, 'maxItems');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ValidationException);
    expect((thrown as Error).message).toBe(message);
  });
});

describe('durable list queries', () => {
  it('lists every bad member of a list query in one answer', () => {
    expect(refusal(() => checkListQuery({ Qualifier: 'a.b', DurableExecutionName: 'x'.repeat(65), Statuses: ['DONE'] }))).toBe(
      '3 validation errors detected: ' +
      "Value 'a.b' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+; " +
      `Value '${'x'.repeat(65)}' at 'durableExecutionName' failed to satisfy constraint: Member must have length less than or equal to 64; ` +
      "Value '[DONE]' at 'statuses' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, STOPPED]]",
    );
  });

  it('accepts a query within the model', () => {
    expect(refusal(() => checkListQuery({ Qualifier: '$LATEST', DurableExecutionName: 'run-1', Statuses: ['RUNNING', 'FAILED'], MaxItems: '0' }))).toBe('accepted');
  });
});
