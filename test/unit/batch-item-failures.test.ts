// ReportBatchItemFailures responses: every whole-success, whole-failure and partial case of the
// reference (§8.2 SQS message ids, §8.3 stream sequence numbers).
import { describe, expect, it } from 'vitest';
import { lowestSequenceNumber, parseBatchItemFailures } from '../../pollers/batch-item-failures.ts';

const ids = new Set(['m-1', 'm-2', 'm-3']);
const sqs = (response: unknown) => parseBatchItemFailures(typeof response === 'string' ? response : JSON.stringify(response), ids);

describe('SQS: the whole batch succeeds', () => {
  it.each([
    ['an empty list', { batchItemFailures: [] }],
    ['a null list', { batchItemFailures: null }],
    ['no batchItemFailures key', { other: 1 }],
    ['an empty object', {}],
    ['null', null],
  ])('for %s', (_why, response) => {
    expect(sqs(response)).toEqual({ kind: 'success' });
  });
  it('for an empty response body (a handler that returned nothing)', () => {
    expect(parseBatchItemFailures(Buffer.alloc(0), ids)).toEqual({ kind: 'success' });
  });
});

describe('SQS: the whole batch fails', () => {
  it.each([
    ['invalid JSON', '{"batchItemFailures":['],
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a wrong key', { batchItemFailures: [{ foo: 'm-1' }] }],
    ['an unknown message id', { batchItemFailures: [{ itemIdentifier: 'm-9' }] }],
    ['one bad entry among good ones', { batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'nope' }] }],
    ['a numeric itemIdentifier', { batchItemFailures: [{ itemIdentifier: 123 }] }],
    ['an entry that is not an object', { batchItemFailures: ['m-1'] }],
    ['batchItemFailures that is not a list', { batchItemFailures: { itemIdentifier: 'm-1' } }],
    ['a response that is a string', '"ok"'],
    ['a response that is a list', []],
  ])('for %s', (_why, response) => {
    expect(sqs(response).kind).toBe('failure');
  });
});

describe('SQS: partial failures', () => {
  it('lists the failed ids, once each, in the order given', () => {
    expect(sqs({ batchItemFailures: [{ itemIdentifier: 'm-3' }, { itemIdentifier: 'm-1' }, { itemIdentifier: 'm-3' }] }))
      .toEqual({ kind: 'partial', failed: ['m-3', 'm-1'] });
  });
  it('ignores other keys in an entry', () => {
    expect(sqs({ batchItemFailures: [{ itemIdentifier: 'm-2', reason: 'x' }] })).toEqual({ kind: 'partial', failed: ['m-2'] });
  });
  it('may list every message', () => {
    expect(sqs({ batchItemFailures: [...ids].map((itemIdentifier) => ({ itemIdentifier })) })).toEqual({ kind: 'partial', failed: [...ids] });
  });
});

describe('streams', () => {
  const seqs = new Set(['49590338271490256608559692538361571095921575989136588898', '49590338271490256608559692538361571095921575989136588899', '100']);
  const stream = (response: unknown) => parseBatchItemFailures(typeof response === 'string' ? response : JSON.stringify(response), seqs, 'stream');
  it('succeeds for [], null, {}, null response and ""', () => {
    for (const r of [{ batchItemFailures: [] }, { batchItemFailures: null }, {}, null, '""']) expect(stream(r)).toEqual({ kind: 'success' });
  });
  it('fails for "", null, unknown (123) identifiers and wrong keys', () => {
    for (const r of [{ batchItemFailures: [{ itemIdentifier: '' }] }, { batchItemFailures: [{ itemIdentifier: null }] },
      { batchItemFailures: [{ itemIdentifier: 123 }] }, { batchItemFailures: [{ sequenceNumber: '100' }] }]) {
      expect(stream(r).kind).toBe('failure');
    }
  });
  it('the checkpoint goes before the lowest failed sequence number (BigInt order, not string order)', () => {
    const r = stream({ batchItemFailures: [{ itemIdentifier: '49590338271490256608559692538361571095921575989136588899' }, { itemIdentifier: '100' }] });
    expect(r.kind).toBe('partial');
    expect(lowestSequenceNumber(r.kind === 'partial' ? r.failed : [])).toBe('100');
    expect(lowestSequenceNumber(['49590338271490256608559692538361571095921575989136588899', '49590338271490256608559692538361571095921575989136588898']))
      .toBe('49590338271490256608559692538361571095921575989136588898');
    expect(lowestSequenceNumber([])).toBeUndefined();
  });
});
