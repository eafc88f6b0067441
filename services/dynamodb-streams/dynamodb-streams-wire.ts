// The DynamoDB Streams read API, JSON 1.0 (X-Amz-Target: DynamoDBStreams_20120810.*): ListStreams,
// DescribeStream, GetShardIterator, GetRecords over the embedded table streams; also the record shape
// (`ddbRecord`) the stream poller reuses for its events.
import type { EmbeddedDynamoDbStream } from './embedded-dynamodb-stream.ts';
import type { StreamRegistry } from '../streams/stream-registry.ts';
import { type IteratorType, type StreamRecord, StreamError } from '../streams/stream.ts';
import type { Members, Shape } from '../streams/coral-validate.ts';
import type { WireAnswer, WireRequest } from '../wire/wire-contract.ts';
import { type Json, epochSeconds, handleJson } from '../streams/json-protocol.ts';

export const DYNAMODB_STREAMS_TARGET = 'DynamoDBStreams_20120810.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TYPE_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

// Input shapes (botocore dynamodbstreams 2012-08-10); the Limit maxima are the documented service limits.
const STREAM_ARN: Shape = { type: 'string', min: 37, max: 1024 };
const SHARD_ID: Shape = { type: 'string', min: 28, max: 65 };
const SHAPES: Readonly<Record<string, Members>> = {
  ListStreams: { TableName: { type: 'string', min: 3, max: 255, pattern: '[a-zA-Z0-9_.-]+' }, Limit: { type: 'integer', min: 1, max: 100 }, ExclusiveStartStreamArn: STREAM_ARN },
  DescribeStream: {
    StreamArn: { ...STREAM_ARN, required: true }, Limit: { type: 'integer', min: 1, max: 100 }, ExclusiveStartShardId: SHARD_ID,
    ShardFilter: { type: 'structure', members: { Type: { type: 'string', enum: ['CHILD_SHARDS'] }, ShardId: SHARD_ID } },
  },
  GetShardIterator: {
    StreamArn: { ...STREAM_ARN, required: true }, ShardId: { ...SHARD_ID, required: true },
    ShardIteratorType: { type: 'string', required: true, enum: ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] },
    SequenceNumber: { type: 'string', min: 21, max: 40 },
  },
  GetRecords: { ShardIterator: { type: 'string', required: true, min: 1, max: 2048 }, Limit: { type: 'integer', min: 1, max: 1000 } },
};

/** A DynamoDB stream record as GetRecords and the Lambda event carry it (the event adds eventSourceARN). */
export function ddbRecord(r: StreamRecord, region: string): Json {
  const c = r.dynamodb!;
  return {
    eventID: c.eventID,
    eventName: c.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      ApproximateCreationDateTime: c.ApproximateCreationDateTime,
      Keys: c.Keys,
      ...(c.NewImage ? { NewImage: c.NewImage } : {}),
      ...(c.OldImage ? { OldImage: c.OldImage } : {}),
      SequenceNumber: r.sequenceNumber,
      SizeBytes: c.SizeBytes,
      StreamViewType: c.StreamViewType,
    },
    ...(c.userIdentity ? { userIdentity: c.userIdentity } : {}),
  };
}

export function dynamoDbStreamsHandler(streams: StreamRegistry): (req: WireRequest) => Promise<WireAnswer<string>> {
  const find = (input: Json): EmbeddedDynamoDbStream => {
    const arn = input.StreamArn as string;
    const s = streams.embedded(arn);
    if (!s || s.kind !== 'dynamodb') throw new StreamError('ResourceNotFoundException', `Requested resource not found: Stream: ${arn} not found`);
    return s;
  };
  const ops: Record<string, (input: Json) => Json> = {
    ListStreams(input) {
      const limit = (input.Limit as number | undefined) ?? 100;
      let all = streams.tableStreams().filter((s) => input.TableName === undefined || s.name === input.TableName)
        .sort((a, b) => (a.arn < b.arn ? -1 : 1));
      const after = input.ExclusiveStartStreamArn;
      if (typeof after === 'string') all = all.filter((s) => s.arn > after);
      const page = all.slice(0, limit);
      return {
        Streams: page.map((s) => ({ StreamArn: s.arn, TableName: s.name, StreamLabel: s.label })),
        ...(all.length > limit ? { LastEvaluatedStreamArn: page.at(-1)!.arn } : {}),
      };
    },
    DescribeStream(input) {
      const s = find(input);
      const after = input.ExclusiveStartShardId;
      const shards = s.shardInfos().filter((x) => typeof after !== 'string' || x.shardId > after);
      return {
        StreamDescription: {
          StreamArn: s.arn, StreamLabel: s.label, StreamStatus: 'ENABLED', StreamViewType: s.viewType,
          CreationRequestDateTime: epochSeconds(s.createdAt), TableName: s.name, KeySchema: s.keySchema,
          Shards: shards.map((x) => ({ ShardId: x.shardId, SequenceNumberRange: { StartingSequenceNumber: x.startingSequenceNumber } })),
        },
      };
    },
    GetShardIterator(input) {
      const s = find(input);
      const shardId = input.ShardId as string;
      const type = input.ShardIteratorType as IteratorType;
      const seq = input.SequenceNumber;
      if ((type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') && typeof seq !== 'string') {
        throw new StreamError('ValidationException', 'Must provide a sequence number for iterator type AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER');
      }
      try {
        return { ShardIterator: s.iteratorSync(shardId, { type, sequenceNumber: seq as string | undefined }) };
      } catch (err) {
        // The shared shard speaks Kinesis; DynamoDB Streams has no InvalidArgumentException.
        if (err instanceof StreamError && err.type === 'InvalidArgumentException') throw new StreamError('ValidationException', `Invalid SequenceNumber: ${String(seq)}`);
        throw err;
      }
    },
    GetRecords(input) {
      const iterator = input.ShardIterator as string;
      const limit = (input.Limit as number | undefined) ?? 1000;
      let arn: unknown;
      try {
        arn = (JSON.parse(Buffer.from(iterator, 'base64').toString('utf8')) as { a?: unknown }).a;
      } catch {
        arn = undefined;
      }
      const s = typeof arn === 'string' ? streams.embedded(arn) : undefined;
      if (!s || s.kind !== 'dynamodb') throw new StreamError('ValidationException', 'Invalid ShardIterator');
      const page = s.getRecordsSync(iterator, limit);
      const region = s.arn.split(':')[3];
      return { Records: page.records.map((r) => ddbRecord(r, region)), NextShardIterator: page.nextIterator };
    },
  };
  return (req) => handleJson(req, DYNAMODB_STREAMS_TARGET, CONTENT_TYPE, SHAPES, ops, (type) => `${TYPE_PREFIX}${type}`);
}
