// The DynamoDB Streams read API, JSON 1.0 (X-Amz-Target: DynamoDBStreams_20120810.*): ListStreams,
// DescribeStream, GetShardIterator, GetRecords over the embedded table streams; also the record shape
// (`ddbRecord`) the stream poller reuses for its events.
import type { EmbeddedDynamoDbStream } from '../sources/embedded-dynamodb-stream.ts';
import type { StreamRegistry } from '../sources/stream-registry.ts';
import { type IteratorType, type StreamRecord, StreamError } from '../sources/stream.ts';
import { type Json, type JsonWireAnswer, type JsonWireRequest, epochSeconds, handleJson, optionalInt, requireString, validation } from './json-wire.ts';

export const DYNAMODB_STREAMS_TARGET = 'DynamoDBStreams_20120810.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TYPE_PREFIX = 'com.amazonaws.dynamodb.v20120810#';
const ITERATOR_TYPES: IteratorType[] = ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'];

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

export function dynamoDbStreamsHandler(streams: StreamRegistry): (req: JsonWireRequest) => Promise<JsonWireAnswer> {
  const find = (input: Json): EmbeddedDynamoDbStream => {
    const arn = requireString(input, 'StreamArn', 'streamArn', 37, 1024);
    const s = streams.embedded(arn);
    if (!s || s.kind !== 'dynamodb') throw new StreamError('ResourceNotFoundException', `Requested resource not found: Stream: ${arn} not found`);
    return s;
  };
  const ops: Record<string, (input: Json) => Json> = {
    ListStreams(input) {
      const limit = optionalInt(input, 'Limit', 'limit', 1, 100) ?? 100;
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
      const shardId = requireString(input, 'ShardId', 'shardId', 28, 65);
      const type = requireString(input, 'ShardIteratorType', 'shardIteratorType') as IteratorType;
      if (!ITERATOR_TYPES.includes(type)) throw validation('shardIteratorType', type, `Member must satisfy enum value set: [${ITERATOR_TYPES.join(', ')}]`);
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
      const iterator = requireString(input, 'ShardIterator', 'shardIterator', 1, 2048);
      const limit = optionalInt(input, 'Limit', 'limit', 1, 1000) ?? 1000;
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
  return (req) => handleJson(req, DYNAMODB_STREAMS_TARGET, CONTENT_TYPE, ops, TYPE_PREFIX);
}
