// The Kinesis Data Streams JSON 1.1 API (X-Amz-Target: Kinesis_20131202.*) over the embedded streams:
// CreateStream, DeleteStream, DescribeStream(Summary), ListStreams, ListShards, PutRecord(s),
// GetShardIterator, GetRecords. Errors as AWS renders them (`{__type, message}`, 400).
import { type EmbeddedKinesisStream, explicitHash } from '../sources/embedded-kinesis.ts';
import type { StreamRegistry } from '../sources/stream-registry.ts';
import { type IteratorType, StreamError } from '../sources/stream.ts';
import { type Json, type JsonWireAnswer, type JsonWireRequest, epochSeconds, handleJson, optionalInt, requireString, validation } from './json-wire.ts';

export const KINESIS_TARGET = 'Kinesis_20131202.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
const ITERATOR_TYPES: IteratorType[] = ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'];
const MAX_RECORD = 1024 * 1024;

export function kinesisHandler(streams: StreamRegistry): (req: JsonWireRequest) => Promise<JsonWireAnswer> {
  const find = (input: Json): EmbeddedKinesisStream => {
    const arn = input.StreamARN;
    const name = typeof arn === 'string' ? arn.slice(arn.indexOf('/') + 1) : input.StreamName;
    if (typeof name !== 'string' || name === '') throw new StreamError('InvalidArgumentException', 'Either StreamName or StreamARN should be provided.');
    const s = streams.kinesisByName(name);
    if (!s || (typeof arn === 'string' && s.arn !== arn)) throw streams.kinesisNotFound(name);
    return s;
  };
  const shardsPage = (s: EmbeddedKinesisStream, after: unknown, limit: number) => {
    const all = s.shardInfos().map(toWireShard);
    const from = typeof after === 'string' ? all.findIndex((x) => x.ShardId > after) : 0;
    const start = from < 0 ? all.length : from;
    return { shards: all.slice(start, start + limit), more: start + limit < all.length };
  };

  const ops: Record<string, (input: Json) => Json> = {
    CreateStream(input) {
      const name = requireString(input, 'StreamName', 'streamName', 1, 128);
      if (!NAME.test(name)) throw validation('streamName', name, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+');
      const modeDetails = input.StreamModeDetails as { StreamMode?: unknown } | undefined;
      const mode = modeDetails?.StreamMode === 'ON_DEMAND' ? 'ON_DEMAND' : 'PROVISIONED';
      const count = optionalInt(input, 'ShardCount', 'shardCount', 1, 100_000);
      if (mode === 'ON_DEMAND' && count !== undefined) throw new StreamError('ValidationException', 'ShardCount is not supported for ON_DEMAND stream mode.');
      streams.createKinesis({ name, shardCount: count ?? 4, mode: count === undefined ? 'ON_DEMAND' : mode });
      return {};
    },
    DeleteStream(input) {
      streams.deleteKinesis(find(input).name);
      return {};
    },
    DescribeStream(input) {
      const s = find(input);
      const limit = optionalInt(input, 'Limit', 'limit', 1, 10_000) ?? 100;
      const { shards, more } = shardsPage(s, input.ExclusiveStartShardId, limit);
      return { StreamDescription: { ...summary(s), Shards: shards, HasMoreShards: more } };
    },
    DescribeStreamSummary(input) {
      const s = find(input);
      return { StreamDescriptionSummary: { ...summary(s), OpenShardCount: s.shardInfos().length, ConsumerCount: 0 } };
    },
    ListStreams(input) {
      const limit = optionalInt(input, 'Limit', 'limit', 1, 10_000) ?? 100;
      let all = streams.kinesisStreams().sort((a, b) => (a.name < b.name ? -1 : 1));
      const after = typeof input.NextToken === 'string' ? decodeToken(input.NextToken).after : input.ExclusiveStartStreamName;
      if (typeof after === 'string') all = all.filter((s) => s.name > after);
      const page = all.slice(0, limit);
      const more = all.length > limit;
      return {
        StreamNames: page.map((s) => s.name),
        HasMoreStreams: more,
        ...(more ? { NextToken: encodeToken({ after: page.at(-1)!.name }) } : {}),
        StreamSummaries: page.map((s) => ({
          StreamName: s.name, StreamARN: s.arn, StreamStatus: 'ACTIVE', StreamModeDetails: { StreamMode: s.mode },
          StreamCreationTimestamp: epochSeconds(s.createdAt),
        })),
      };
    },
    ListShards(input) {
      let stream: EmbeddedKinesisStream;
      let after = input.ExclusiveStartShardId;
      if (typeof input.NextToken === 'string') {
        if (input.StreamName !== undefined) throw new StreamError('InvalidArgumentException', 'NextToken and StreamName cannot be provided together.');
        const t = decodeToken(input.NextToken);
        stream = find({ StreamName: t.stream });
        after = t.after;
      } else {
        stream = find(input);
      }
      const limit = optionalInt(input, 'MaxResults', 'maxResults', 1, 10_000) ?? 1000;
      const { shards, more } = shardsPage(stream, after, limit);
      return { Shards: shards, ...(more ? { NextToken: encodeToken({ stream: stream.name, after: shards.at(-1)!.ShardId }) } : {}) };
    },
    PutRecord(input) {
      const s = find(input);
      const { data, key, hash } = recordInput(input, '');
      const r = s.put(key, data, hash);
      return { ShardId: r.shardId, SequenceNumber: r.sequenceNumber, EncryptionType: 'NONE' };
    },
    PutRecords(input) {
      const s = find(input);
      const records = input.Records;
      if (!Array.isArray(records)) throw validation('records', records, 'Member must not be null');
      if (records.length < 1) throw validation('records', records, 'Member must have length greater than or equal to 1');
      if (records.length > 500) throw validation('records', '[...]', 'Member must have length less than or equal to 500');
      const parsed = records.map((r, i) => recordInput((r ?? {}) as Json, `records.${i + 1}.member.`));
      // Every record is checked before any is appended: a failed request leaves the stream as it was.
      for (const { hash } of parsed) if (hash !== undefined) explicitHash(hash);
      const out = parsed.map(({ data, key, hash }) => {
        const r = s.put(key, data, hash);
        return { SequenceNumber: r.sequenceNumber, ShardId: r.shardId };
      });
      return { FailedRecordCount: 0, Records: out, EncryptionType: 'NONE' };
    },
    GetShardIterator(input) {
      const s = find(input);
      const shardId = requireString(input, 'ShardId', 'shardId', 1, 128);
      const type = requireString(input, 'ShardIteratorType', 'shardIteratorType') as IteratorType;
      if (!ITERATOR_TYPES.includes(type)) throw validation('shardIteratorType', type, `Member must satisfy enum value set: [${ITERATOR_TYPES.join(', ')}]`);
      const seq = input.StartingSequenceNumber;
      if ((type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') && typeof seq !== 'string') {
        throw new StreamError('InvalidArgumentException', `The StartingSequenceNumber must be specified for ShardIteratorType ${type}.`);
      }
      const ts = input.Timestamp;
      if (type === 'AT_TIMESTAMP' && typeof ts !== 'number') {
        throw new StreamError('InvalidArgumentException', 'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.');
      }
      return { ShardIterator: s.iteratorSync(shardId, { type, sequenceNumber: seq as string | undefined, timestamp: typeof ts === 'number' ? ts * 1000 : undefined }) };
    },
    GetRecords(input) {
      const iterator = requireString(input, 'ShardIterator', 'shardIterator', 1, 512);
      const limit = optionalInt(input, 'Limit', 'limit', 1, 10_000) ?? 10_000;
      const token = JSON.parse(Buffer.from(iterator, 'base64').toString('utf8') || 'null') as { a?: string } | null;
      const s = typeof token?.a === 'string' ? streams.embedded(token.a) : undefined;
      if (!s || s.kind !== 'kinesis') throw new StreamError('InvalidArgumentException', 'Invalid ShardIterator.');
      const page = s.getRecordsSync(iterator, limit);
      return {
        Records: page.records.map((r) => ({
          SequenceNumber: r.sequenceNumber, ApproximateArrivalTimestamp: epochSeconds(r.arrival),
          Data: r.data.toString('base64'), PartitionKey: r.partitionKey,
        })),
        NextShardIterator: page.nextIterator,
        MillisBehindLatest: page.millisBehindLatest,
      };
    },
  };
  return (req) => handleJson(req, KINESIS_TARGET, CONTENT_TYPE, Object.fromEntries(Object.entries(ops).map(([k, f]) => [k, (i: Json) => {
    try {
      return f(i);
    } catch (err) {
      if (err instanceof SyntaxError) throw new StreamError('InvalidArgumentException', 'Invalid ShardIterator.');
      throw err;
    }
  }])));
}

function summary(s: EmbeddedKinesisStream): Json {
  return {
    StreamName: s.name, StreamARN: s.arn, StreamStatus: 'ACTIVE', StreamModeDetails: { StreamMode: s.mode },
    RetentionPeriodHours: s.retentionPeriodHours, StreamCreationTimestamp: epochSeconds(s.createdAt),
    EnhancedMonitoring: [{ ShardLevelMetrics: [] }], EncryptionType: 'NONE',
  };
}

function toWireShard(sh: { shardId: string; hashKeyRange?: { startingHashKey: string; endingHashKey: string }; startingSequenceNumber: string }) {
  return {
    ShardId: sh.shardId,
    HashKeyRange: { StartingHashKey: sh.hashKeyRange!.startingHashKey, EndingHashKey: sh.hashKeyRange!.endingHashKey },
    SequenceNumberRange: { StartingSequenceNumber: sh.startingSequenceNumber },
  };
}

function recordInput(input: Json, prefix: string): { data: Buffer; key: string; hash?: string } {
  const key = requireString(input, 'PartitionKey', `${prefix}partitionKey`, 1, 256);
  const raw = input.Data;
  if (raw === undefined || raw === null) throw validation(`${prefix}data`, raw, 'Member must not be null');
  if (typeof raw !== 'string') throw new StreamError('SerializationException', 'Unexpected value type for Data');
  const data = Buffer.from(raw, 'base64');
  if (data.length > MAX_RECORD) throw validation(`${prefix}data`, 'java.nio.HeapByteBuffer', `Member must have length less than or equal to ${MAX_RECORD}`);
  const hash = input.ExplicitHashKey;
  if (hash !== undefined && typeof hash !== 'string') throw new StreamError('SerializationException', 'Unexpected value type for ExplicitHashKey');
  return { data, key, hash };
}

function encodeToken(t: Record<string, string>): string {
  return Buffer.from(JSON.stringify(t)).toString('base64');
}

function decodeToken(token: string): { stream?: string; after?: string } {
  let t: unknown;
  try {
    t = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    t = undefined;
  }
  if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new StreamError('InvalidArgumentException', 'NextToken is invalid.');
  return t as { stream?: string; after?: string };
}
