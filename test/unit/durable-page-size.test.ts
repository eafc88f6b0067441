// The durable executions API's page sizes (the model's ItemCount: 0–1000, 0 meaning the default),
// refused in the validation vocabulary's words.
import { describe, expect, it } from 'vitest';
import { pageSize } from '../../server/durable/durable-api.ts';
import { ValidationException } from '../../server/errors.ts';

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
