// The Kinesis Data Streams JSON 1.1 API (X-Amz-Target: Kinesis_20131202.*) over the embedded streams:
// CreateStream, DeleteStream, DescribeStream(Summary), ListStreams, ListShards, PutRecord(s),
// GetShardIterator, GetRecords. Errors as AWS renders them (`{__type, message}`, 400).
import { type EmbeddedKinesisStream, explicitHash } from './embedded-kinesis.ts';
import type { StreamRegistry } from '../streams/stream-registry.ts';
import { type IteratorType, StreamError } from '../streams/stream.ts';
import type { WireAnswer, WireRequest } from '../wire/wire-contract.ts';
import { type Json, epochSeconds, handleJson } from '../streams/json-protocol.ts';
import { KINESIS_SHAPES } from './kinesis-shapes.ts';

export const KINESIS_TARGET = 'Kinesis_20131202.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** PutRecords: the records' data and partition keys together (10 MiB since 2025; 5 MiB before). */
const MAX_PUT_RECORDS_BYTES = 10 * 1024 * 1024;

/** The default shard quota of an account in a region (Kinesis quotas: 500 in these three regions, else 200). */
export function accountShardLimit(region: string): number {
  return ['us-east-1', 'us-west-2', 'eu-west-1'].includes(region) ? 500 : 200;
}

/** CreateStream beyond the quota: LimitExceededException in Kinesis's words (kinesalite's AWS-run test). */
function overShardLimit(streams: StreamRegistry, adding: number): StreamError | undefined {
  const current = streams.kinesisShardCount();
  const limit = accountShardLimit(streams.region);
  if (current + adding <= limit) return undefined;
  return new StreamError('LimitExceededException', `This request would exceed the shard limit for the account ${streams.accountId} in ${streams.region}. `
    + `Current shard count for the account: ${current}. Limit: ${limit}. Number of additional shards that would have resulted from this request: ${adding}. `
    + 'Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.');
}

export function kinesisHandler(streams: StreamRegistry): (req: WireRequest) => Promise<WireAnswer<string>> {
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
      const name = input.StreamName as string;
      const mode = (input.StreamModeDetails as { StreamMode?: string } | undefined)?.StreamMode === 'ON_DEMAND' ? 'ON_DEMAND' : 'PROVISIONED';
      const count = input.ShardCount as number | undefined;
      if (mode === 'ON_DEMAND' && count !== undefined) throw new StreamError('ValidationException', 'ShardCount is not supported for ON_DEMAND stream mode.');
      // An existing name is ResourceInUseException (createKinesis) before any quota is counted.
      const over = streams.kinesisByName(name) ? undefined : overShardLimit(streams, count ?? 4);
      if (over) throw over;
      streams.createKinesis({ name, shardCount: count ?? 4, mode: count === undefined ? 'ON_DEMAND' : mode });
      return {};
    },
    DeleteStream(input) {
      streams.deleteKinesis(find(input).name);
      return {};
    },
    DescribeStream(input) {
      const s = find(input);
      const { shards, more } = shardsPage(s, input.ExclusiveStartShardId, (input.Limit as number | undefined) ?? 100);
      return { StreamDescription: { ...summary(s), Shards: shards, HasMoreShards: more } };
    },
    DescribeStreamSummary(input) {
      const s = find(input);
      return { StreamDescriptionSummary: { ...summary(s), OpenShardCount: s.shardInfos().length, ConsumerCount: 0 } };
    },
    ListStreams(input) {
      const limit = (input.Limit as number | undefined) ?? 100;
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
      const { shards, more } = shardsPage(stream, after, (input.MaxResults as number | undefined) ?? 1000);
      return { Shards: shards, ...(more ? { NextToken: encodeToken({ stream: stream.name, after: shards.at(-1)!.ShardId }) } : {}) };
    },
    PutRecord(input) {
      const s = find(input);
      const r = s.put(input.PartitionKey as string, input.Data as Buffer, input.ExplicitHashKey as string | undefined);
      return { ShardId: r.shardId, SequenceNumber: r.sequenceNumber, EncryptionType: 'NONE' };
    },
    PutRecords(input) {
      const s = find(input);
      const records = (input.Records as Array<{ Data: Buffer; PartitionKey: string; ExplicitHashKey?: string } | undefined>)
        .map((r) => r ?? { Data: Buffer.alloc(0), PartitionKey: '' });
      // Every record is checked before any is appended: a failed request leaves the stream as it was.
      const size = records.reduce((n, r) => n + r.Data.length + Buffer.byteLength(r.PartitionKey), 0);
      if (size > MAX_PUT_RECORDS_BYTES) throw new StreamError('InvalidArgumentException', `Records size exceeds ${MAX_PUT_RECORDS_BYTES / 1024 / 1024} MB limit`);
      for (const r of records) if (r.ExplicitHashKey !== undefined) explicitHash(r.ExplicitHashKey);
      const out = records.map((r) => {
        const put = s.put(r.PartitionKey, r.Data, r.ExplicitHashKey);
        return { SequenceNumber: put.sequenceNumber, ShardId: put.shardId };
      });
      return { FailedRecordCount: 0, Records: out, EncryptionType: 'NONE' };
    },
    GetShardIterator(input) {
      const s = find(input);
      const shardId = input.ShardId as string;
      const type = input.ShardIteratorType as IteratorType;
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
      const iterator = input.ShardIterator as string;
      const limit = (input.Limit as number | undefined) ?? 10_000;
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
  return (req) => handleJson(req, KINESIS_TARGET, CONTENT_TYPE, KINESIS_SHAPES, Object.fromEntries(Object.entries(ops).map(([k, f]) => [k, (i: Json) => {
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
