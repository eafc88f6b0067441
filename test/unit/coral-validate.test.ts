// Coral-style input validation (Kinesis, DynamoDB Streams): JSON type errors with Coral's sentences,
// then every model constraint listed, in member order, with Coral's rendering of the values.
import { describe, expect, it } from 'vitest';
import { type Members, validateInput } from '../../services/streams/coral-validate.ts';
import { KINESIS_SHAPES } from '../../services/kinesis/kinesis-shapes.ts';

const errorOf = (input: Record<string, unknown>, members: Members): { type: string; message: string } | undefined => {
  try {
    validateInput(input, members);
    return undefined;
  } catch (err) {
    return { type: (err as { type: string }).type, message: (err as Error).message };
  }
};

describe('type errors (SerializationException)', () => {
  const put = KINESIS_SHAPES.PutRecord;
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['number for a string', { PartitionKey: 5, Data: 'eA==' }, 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String'],
    ['boolean for a string', { PartitionKey: true, Data: 'eA==' }, 'class java.lang.Boolean can not be converted to an String'],
    ['list for a string', { PartitionKey: [], Data: 'eA==' }, 'Start of list found where not expected'],
    ['map for a string', { PartitionKey: {}, Data: 'eA==' }, 'Start of structure or map found where not expected.'],
    ['number for a blob', { PartitionKey: 'k', Data: 23 }, 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob'],
    ['base64 of a bad length', { PartitionKey: 'k', Data: '23456' }, "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5"],
    ['padding first', { PartitionKey: 'k', Data: '=+/=' }, "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"],
    ['a non-canonical last digit', { PartitionKey: 'k', Data: '+/+=' }, "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"],
  ];
  it.each(cases)('%s', (_name, input, message) => {
    expect(errorOf({ StreamName: 's', ...input }, put)).toEqual({ type: 'SerializationException', message });
  });

  it('integers, lists, maps, structures and timestamps', () => {
    expect(errorOf({ StreamName: 's', ShardCount: '2' }, KINESIS_SHAPES.CreateStream)?.message).toBe('class java.lang.String can not be converted to an Integer');
    expect(errorOf({ StreamName: 's', Records: 'x' }, KINESIS_SHAPES.PutRecords)?.message).toBe('Expected list or null');
    expect(errorOf({ StreamName: 's', Tags: 'x' }, KINESIS_SHAPES.CreateStream)?.message).toBe('Expected map or null');
    expect(errorOf({ StreamName: 's', StreamModeDetails: 'x' }, KINESIS_SHAPES.CreateStream)?.message).toBe('Expected null');
    expect(errorOf({ StreamName: 's', StreamCreationTimestamp: 'now' }, KINESIS_SHAPES.ListShards)?.message).toBe('class java.lang.String can not be converted to milliseconds since epoch');
    expect(errorOf({ StreamName: 's', EnforceConsumerDeletion: 'maybe' }, KINESIS_SHAPES.DeleteStream)?.message).toBe("'MAYBE' can not be converted to an Boolean");
  });
});

describe('constraints (ValidationException)', () => {
  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    ['a missing required member', 'CreateStream', {}, "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null"],
    ['several failures, in member order', 'CreateStream', { StreamName: '', ShardCount: 0 },
      "3 validation errors detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; "
      + "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
      + "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1"],
    ['an integer past 2^31-1 is read as 2147483647', 'DescribeStream', { StreamName: 's', Limit: 1e11 },
      "1 validation error detected: Value '2147483647' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"],
    ['a nested enum', 'CreateStream', { StreamName: 's', StreamModeDetails: {} },
      "1 validation error detected: Value null at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must not be null"],
    ['list members by position', 'PutRecords', { StreamName: 's', Records: [{ PartitionKey: 'k', Data: 'eA==' }, { Data: 'eA==' }] },
      "1 validation error detected: Value null at 'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null"],
    ['an empty list', 'PutRecords', { StreamName: 's', Records: [] },
      "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1"],
    ['a list too long shows its members as Coral prints them', 'PutRecords', { StreamName: 's', Records: Array.from({ length: 501 }, () => ({ PartitionKey: 'k', Data: '' })) },
      `1 validation error detected: Value '[${Array(501).fill('com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310').join(', ')}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500`],
    ['a hash key outside the pattern', 'PutRecord', { StreamName: 's', PartitionKey: 'k', Data: '', ExplicitHashKey: '-1' },
      "1 validation error detected: Value '-1' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})"],
    ['an ARN outside the pattern', 'DescribeStreamSummary', { StreamARN: 'arn:aws:sqs:us-east-1:000000000000:q' },
      "1 validation error detected: Value 'arn:aws:sqs:us-east-1:000000000000:q' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+"],
  ];
  it.each(cases)('%s', (_name, action, input, message) => {
    expect(errorOf(input, KINESIS_SHAPES[action])).toEqual({ type: 'ValidationException', message });
  });

  it('lists at most ten failures', () => {
    const records = Array.from({ length: 12 }, () => ({ Data: '' }));
    expect(errorOf({ StreamName: 's', Records: records }, KINESIS_SHAPES.PutRecords)?.message).toMatch(/^10 validation errors detected: /);
  });

  it('returns the input typed: blobs as bytes, integers truncated, unknown members dropped', () => {
    expect(validateInput({ StreamName: 's', PartitionKey: 'k', Data: 'aGk=', Extra: 1 }, KINESIS_SHAPES.PutRecord))
      .toEqual({ StreamName: 's', PartitionKey: 'k', Data: Buffer.from('hi') });
    expect(validateInput({ StreamName: 's', Limit: 2.9 }, KINESIS_SHAPES.DescribeStream)).toEqual({ StreamName: 's', Limit: 2 });
  });
});
