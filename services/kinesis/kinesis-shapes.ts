// The input shapes of the Kinesis actions the emulator serves, from the service model (botocore
// kinesis 2013-12-02), members in the order Kinesis reports them (kinesalite's AWS-run tests).
import type { Members, Shape } from '../streams/coral-validate.ts';

const NAME = '[a-zA-Z0-9_.-]+';
const streamName = (required = false): Shape => ({ type: 'string', required, pattern: NAME, min: 1, max: 128 });
const STREAM_ARN: Shape = { type: 'string', pattern: 'arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+', min: 1, max: 2048 };
const SHARD_ID: Shape = { type: 'string', pattern: NAME, min: 1, max: 128 };
const SEQUENCE: Shape = { type: 'string', pattern: '0|([1-9]\\d{0,128})' };
const HASH_KEY: Shape = { type: 'string', pattern: '0|([1-9]\\d{0,38})' };
const limit = (max: number): Shape => ({ type: 'integer', min: 1, max });
/** The record size before MaxRecordSizeInKiB (2025), which the embedded streams keep. */
export const MAX_RECORD_BYTES = 1024 * 1024;
const DATA: Shape = { type: 'blob', required: true, max: MAX_RECORD_BYTES };
const PARTITION_KEY: Shape = { type: 'string', required: true, min: 1, max: 256 };

export const KINESIS_SHAPES: Readonly<Record<string, Members>> = {
  CreateStream: {
    ShardCount: { type: 'integer', min: 1 },
    StreamName: streamName(true),
    StreamModeDetails: { type: 'structure', members: { StreamMode: { type: 'string', required: true, enum: ['PROVISIONED', 'ON_DEMAND'] } } },
    Tags: { type: 'map', min: 1, max: 200, value: { type: 'string', max: 256 } },
    MaxRecordSizeInKiB: { type: 'integer', min: 1024, max: 10240 },
    WarmThroughputMiBps: { type: 'integer', min: 0 },
  },
  DeleteStream: { StreamName: streamName(), EnforceConsumerDeletion: { type: 'boolean' }, StreamARN: STREAM_ARN },
  DescribeStream: { Limit: limit(10_000), ExclusiveStartShardId: SHARD_ID, StreamName: streamName(), StreamARN: STREAM_ARN },
  DescribeStreamSummary: { StreamName: streamName(), StreamARN: STREAM_ARN },
  ListStreams: { Limit: limit(10_000), ExclusiveStartStreamName: streamName(), NextToken: { type: 'string', min: 1, max: 1048576 } },
  ListShards: {
    ExclusiveStartShardId: SHARD_ID,
    MaxResults: limit(10_000),
    NextToken: { type: 'string', min: 1, max: 1048576 },
    StreamCreationTimestamp: { type: 'timestamp' },
    StreamName: streamName(),
    ShardFilter: {
      type: 'structure',
      members: {
        Type: { type: 'string', required: true, enum: ['AFTER_SHARD_ID', 'AT_TRIM_HORIZON', 'FROM_TRIM_HORIZON', 'AT_LATEST', 'AT_TIMESTAMP', 'FROM_TIMESTAMP'] },
        ShardId: SHARD_ID,
        Timestamp: { type: 'timestamp' },
      },
    },
    StreamARN: STREAM_ARN,
  },
  PutRecord: {
    SequenceNumberForOrdering: SEQUENCE,
    PartitionKey: PARTITION_KEY,
    ExplicitHashKey: HASH_KEY,
    Data: DATA,
    StreamName: streamName(),
    StreamARN: STREAM_ARN,
  },
  PutRecords: {
    Records: {
      type: 'list', required: true, min: 1, max: 500,
      memberStr: 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310',
      member: { type: 'structure', members: { PartitionKey: PARTITION_KEY, ExplicitHashKey: HASH_KEY, Data: DATA } },
    },
    StreamName: streamName(),
    StreamARN: STREAM_ARN,
  },
  GetShardIterator: {
    ShardId: { ...SHARD_ID, required: true },
    // Kinesis lists this enum in its own order, not the model's.
    ShardIteratorType: { type: 'string', required: true, enum: ['AFTER_SEQUENCE_NUMBER', 'LATEST', 'AT_TIMESTAMP', 'AT_SEQUENCE_NUMBER', 'TRIM_HORIZON'] },
    StartingSequenceNumber: SEQUENCE,
    StreamName: streamName(),
    Timestamp: { type: 'timestamp' },
    StreamARN: STREAM_ARN,
  },
  GetRecords: { Limit: limit(10_000), ShardIterator: { type: 'string', required: true, min: 1, max: 512 }, StreamARN: STREAM_ARN },
};
